"""Logging: a rotating file in the user's log folder, and the terminal on request."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from studio.paths import log_dir

LOG_FILE_NAME = "model-studio.log"
_configured: Path | None = None


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup_logging(verbose: bool = False) -> Path | None:
    """Send the studio's log records to a rotating file; with ``verbose`` to stderr too.

    Returns the log file's path, or None when the folder cannot be written (the
    studio still works, without a log file).
    """
    global _configured
    root = logging.getLogger("studio")
    root.setLevel(logging.DEBUG)
    # Some toolchains configure the root logger when imported; the studio's records go
    # only to its own handlers, so the terminal shows them with --verbose alone.
    root.propagate = False
    if verbose and not any(getattr(h, "_studio_console", False) for h in root.handlers):
        console = logging.StreamHandler()
        console.setLevel(logging.DEBUG)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console._studio_console = True  # type: ignore[attr-defined]
        root.addHandler(console)
    if _configured is not None:
        return _configured
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    _configured = path
    return path
