"""One progress-and-cancel mechanism shared by the CLI, the worker and the GUI.

Long work takes a ``progress`` callable and a :class:`CancelToken`. The work calls
``progress(ProgressEvent(...))`` as it goes and ``cancel.check()`` where it can
stop safely. The CLI renders events as a terminal bar, the worker sends them as
JSON lines, the GUI moves progress bars.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from studio.errors import Cancelled


@dataclass(frozen=True)
class ProgressEvent:
    stage: str
    fraction: float | None = None  # 0..1 within the stage; None when unknown
    message: str = ""
    done: int | None = None  # units done (bytes, items) when countable
    total: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


Progress = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """A progress callback that ignores everything."""


class CancelToken:
    """A flag that the requester sets and the worker checks between safe points."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled()


class TerminalProgress:
    """Renders progress events on stderr: one rewritten line on a terminal, plain lines otherwise."""

    def __init__(self, stream=None, min_interval: float = 0.1):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.min_interval = min_interval
        self._last_stage: str | None = None
        self._last_time = 0.0

    def __call__(self, event: ProgressEvent) -> None:
        now = time.monotonic()
        new_stage = event.stage != self._last_stage
        finished = event.fraction is not None and event.fraction >= 1.0
        if not (new_stage or finished or now - self._last_time >= self.min_interval):
            return
        self._last_time = now
        if self.tty:
            if new_stage and self._last_stage is not None:
                self.stream.write("\n")
            self.stream.write("\r\033[K" + self._line(event))
            if finished:
                self.stream.write("\n")
                event_stage = None
            else:
                event_stage = event.stage
            self._last_stage = event_stage
        else:
            if new_stage or finished:
                self.stream.write(self._line(event) + "\n")
            self._last_stage = event.stage
        self.stream.flush()

    @staticmethod
    def _line(event: ProgressEvent) -> str:
        return progress_line(event)


def progress_line(event: ProgressEvent) -> str:
    """One line for a progress event: stage, a bar when the fraction is known, message."""
    parts = [event.stage]
    if event.fraction is not None:
        width = 24
        filled = int(round(width * max(0.0, min(1.0, event.fraction))))
        parts.append("[" + "#" * filled + "-" * (width - filled) + f"] {event.fraction:4.0%}")
    if event.message:
        parts.append(event.message)
    return "  ".join(parts)
