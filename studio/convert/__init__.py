"""Conversion: a :class:`Recipe` in, verified mobile artifacts and a report out.

    from studio.convert import Recipe, convert
    report = convert(Recipe.load("resnet.toml"), progress=..., cancel=...)

Importing this package does not import torch; :func:`convert` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studio.convert.recipe import Recipe
from studio.progress import CancelToken, Progress, no_progress

if TYPE_CHECKING:
    from studio.convert.report import ConversionReport


def convert(
    recipe: Recipe,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    model: Any = None,
    trust: bool = False,
) -> ConversionReport:
    """Run a recipe; see :func:`studio.convert.pipeline.convert`."""
    from studio.convert.pipeline import convert as run

    return run(recipe, progress=progress, cancel=cancel, model=model, trust=trust)


__all__ = ["Recipe", "convert"]
