"""What each worker job returns, as the type the library gives it on both sides.

The worker sends a result as its ``to_dict()``; :func:`result_from_dict` rebuilds it as
the same type in the window, so the window reads attributes, not string keys. Jobs not
listed here return plain JSON documents.
"""

from __future__ import annotations

from typing import Any

from studio.compat.fixes import FixResult

# job name -> the type its result is rebuilt as (it has from_dict and to_dict)
RESULT_TYPES: dict[str, type] = {
    "fix": FixResult,
}


def result_from_dict(job: str, doc: dict) -> Any:
    """The result of ``job`` as its type; a job without one keeps its document."""
    kind = RESULT_TYPES.get(job)
    return kind.from_dict(doc) if kind is not None else doc
