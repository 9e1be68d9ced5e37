"""Calling noisy toolchains: one-line reasons from their errors, and silence while they run."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
from collections.abc import Iterator

from studio.runtimes.base import ANSI, first_line

__all__ = ["chain_text", "first_line", "operator_in", "quiet"]


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


_OPERATOR = re.compile(r"(?:torch\._?ops\.)?(aten(?:::|\.)[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)?)")


def chain_text(exc: BaseException) -> str:
    """The messages of an exception and its causes, without terminal colour codes."""
    parts, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(str(current))
        current = current.__cause__ or current.__context__
    return ANSI.sub("", "\n".join(parts))


def operator_in(exc: BaseException) -> str | None:
    """The ATen operator an export error is about (``aten.histc.default``), if it names one."""
    match = _OPERATOR.search(chain_text(exc))
    return match.group(1).replace("::", ".") if match else None
