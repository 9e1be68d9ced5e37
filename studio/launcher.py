"""How one studio process starts another (the worker, an agent, a self-test step)."""

from __future__ import annotations

import sys
from pathlib import Path

CONSOLE_NAME = "model-studio"


def frozen() -> bool:
    """Whether this is the installed application (a PyInstaller bundle)."""
    return bool(getattr(sys, "frozen", False))


def studio_command(*args: str) -> list[str]:
    """The command line of ``model-studio ARGS...`` run by this installation.

    From a Python environment that is this interpreter with ``-m studio``, started so
    that the current folder is not on ``sys.path``: a ``fancy_net.py`` (or a ``studio``
    folder) beside a downloaded model must never be importable by the worker or an
    agent. In the installed application it is the bundle's console executable (on
    Windows and macOS the window opens from a second, windowed executable beside it,
    whose standard streams a child process cannot use).
    """
    if not frozen():
        # -P (3.11+) leaves the current folder off sys.path; 3.10 has only isolated mode
        safe_path = "-P" if sys.version_info >= (3, 11) else "-I"
        return [sys.executable, safe_path, "-m", "studio", *args]
    here = Path(sys.executable)
    console = here.with_name(CONSOLE_NAME + (".exe" if sys.platform == "win32" else ""))
    return [str(console if console.exists() else here), *args]
