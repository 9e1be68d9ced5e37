"""Calling noisy toolchains: one-line reasons from their errors, and silence while they run."""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator


def first_line(exc: BaseException, limit: int = 200) -> str:
    """The first meaningful line of an exception's message, for a one-line explanation."""
    for line in str(exc).strip().splitlines():
        line = line.strip()
        if line and not line.startswith(("Traceback", "File ", "~", "^")):
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return type(exc).__name__


@contextlib.contextmanager
def quiet() -> Iterator[io.StringIO]:
    """Silence warnings, library log records below ERROR, and prints to stdout.

    Toolchains (onnxruntime.tools, onnxruntime.quantization, the ONNX exporter) print
    progress to stdout and log warnings to the root logger; ``--json`` needs a clean stdout.
    The captured text is yielded for error details.
    """
    captured = io.StringIO()
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(captured):
            warnings.simplefilter("ignore")
            yield captured
    finally:
        logging.disable(previous)
