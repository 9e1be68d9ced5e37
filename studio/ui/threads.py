"""Running device and agent I/O off the UI thread.

:func:`run_task` runs ``fn(*args, progress=..., cancel=...)`` on a background thread and
returns a :class:`Task` whose signals arrive on the UI thread. Errors arrive as a
StudioError, like the worker's; any other exception as an InternalError with its traceback.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from studio.errors import InternalError, StudioError, as_studio_error
from studio.progress import CancelToken, ProgressEvent

log = logging.getLogger("studio.ui")

_pool: QThreadPool | None = None
_live: set = set()  # tasks kept alive until they finish


def pool() -> QThreadPool:
    """A pool of its own: long streams must not starve Qt's global pool (2 threads on 2 cores)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(16)
    return _pool


class Task(QObject):
    progress = Signal(dict)
    succeeded = Signal(object)
    failed = Signal(object)  # a StudioError
    finished = Signal()

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.cancel_token = CancelToken()
        self.result = None
        self.error: StudioError | None = None
        self.done = False
        self.finished.connect(self._mark_done)

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _mark_done(self) -> None:
        self.done = True


class _Runnable(QRunnable):
    def __init__(self, task: Task, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self.task, self.fn, self.args, self.kwargs = task, fn, args, kwargs

    def run(self) -> None:
        task = self.task
        kwargs = dict(self.kwargs)
        params = inspect.signature(self.fn).parameters
        if "progress" in params:
            kwargs["progress"] = lambda event: task.progress.emit(
                event.to_dict() if isinstance(event, ProgressEvent) else dict(event)
            )
        if "cancel" in params:
            kwargs["cancel"] = task.cancel_token
        try:
            result = self.fn(*self.args, **kwargs)
        except Exception as exc:
            log.info("task %s failed", task.name, exc_info=True)
            error = as_studio_error(exc)
            if type(error) is InternalError and not error.details:
                error.details = "".join(traceback.format_exception(exc))
            task.error = error
            outcome = (task.failed, error)
        else:
            task.result = result
            outcome = (task.succeeded, result)
        try:
            outcome[0].emit(outcome[1])
            task.finished.emit()
        except RuntimeError:  # the application is closing and the task is gone: nobody listens
            log.info("task %s finished after its window closed", task.name)


def run_task(name: str, fn: Callable, *args, **kwargs) -> Task:
    """Run ``fn`` on a background thread; it gets ``progress``/``cancel`` if it takes them.

    The work starts on the next turn of the event loop, so the caller connects the task's
    signals first and no result can arrive before anyone listens.
    """
    task = Task(name)
    _live.add(task)
    task.finished.connect(lambda: _live.discard(task))
    runnable = _Runnable(task, fn, args, kwargs)
    QTimer.singleShot(0, lambda: pool().start(runnable))
    return task
