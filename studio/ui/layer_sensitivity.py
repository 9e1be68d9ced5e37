"""What the Convert tab's layer sensitivity panel shows, as plain Python: one row per layer
group, most sensitive first, and the length of each group's bar.

The panel (:mod:`studio.ui.widgets.sensitivity_panel`) only draws these.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.convert.sensitivity import LayerPlan

# Where a bar ends when there is nothing finite to scale by (every group identical).
EMPTY_SCALE_DB = 60.0
# Identical groups' bars reach this far past the largest finite SQNR.
IDENTICAL_HEADROOM = 1.1
# A bar's height at least, in pixels, so that its layer group's name stays readable.
BAR_PIXELS = 18


@dataclass(frozen=True)
class LayerRow:
    group: str
    sqnr_db: float | None  # None: the output is identical with this group in int8
    mean_cosine: float
    parameters: int
    kept_float: bool  # stays float32 in the int8 artifacts


def layer_rows(plan: LayerPlan | None) -> list[LayerRow]:
    """The measured groups, most sensitive first (the report's order)."""
    if plan is None or plan.sensitivity is None:
        return []
    kept = set(plan.kept_float)
    return [
        LayerRow(e.group, e.sqnr_db, e.mean_cosine, e.parameters, e.group in kept)
        for e in plan.sensitivity.layers
    ]


def bar_lengths(rows: list[LayerRow]) -> list[float]:
    """Each row's bar in dB (a negative SQNR points left); an identical group's bar is the
    longest, a little past the rest."""
    finite = [r.sqnr_db for r in rows if r.sqnr_db is not None]
    top = max(finite) * IDENTICAL_HEADROOM if finite and max(finite) > 0 else EMPTY_SCALE_DB
    return [top if r.sqnr_db is None else r.sqnr_db for r in rows]


def bars_that_fit(height: float, count: int) -> int:
    """How many of ``count`` bars a plot ``height`` pixels tall shows readably (at least 1)."""
    return max(1, min(count, int(height // BAR_PIXELS)))
