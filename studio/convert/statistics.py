"""The statistics verification judges quantized artifacts by, with their uncertainty.

A quantized artifact is never identical to the original; what matters is how close it is
on average and how often it changes the answer. Both are estimates from a sample of
inputs, so each comes with a 95% interval: Wilson's score interval for agreement rates
(right near 0% and 100%, where the normal approximation is not), and the normal
approximation for the mean cosine similarity. The intervals narrow as samples are added,
so the verdict settles on the truth instead of getting stricter with every sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z95 = 1.959963984540054  # the two-sided 95% quantile of the standard normal
UNSURE_MARGIN = 0.10  # below this gap between the original's two likeliest classes it hesitates

Interval = tuple[float, float]


def wilson_interval(successes: int, trials: int, z: float = Z95) -> Interval | None:
    """The 95% score interval of a rate of ``successes`` in ``trials`` (None for no trials)."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: Sequence[float], z: float = Z95) -> Interval | None:
    """The 95% interval of the mean of ``values`` (None for fewer than two values)."""
    if len(values) < 2:
        return None
    array = np.asarray(values, dtype=np.float64)
    half = z * float(np.std(array, ddof=1)) / math.sqrt(len(array))
    mean = float(np.mean(array))
    return mean - half, mean + half


def sqnr_db(signal_power: float, noise_power: float) -> float:
    """Signal-to-quantization-noise ratio in decibels; infinite when there is no noise."""
    if noise_power <= 0.0:
        return math.inf
    if signal_power <= 0.0:
        return -math.inf
    return 10.0 * math.log10(signal_power / noise_power)


def probabilities(row: np.ndarray) -> np.ndarray:
    """A classifier's output row as probabilities: as it is when it already is one, else
    through a softmax (the row holds logits)."""
    row = np.asarray(row, dtype=np.float64)
    if np.all(row >= 0) and abs(float(row.sum()) - 1.0) < 1e-3:
        return row
    shifted = np.exp(row - np.max(row))
    return shifted / shifted.sum()


def top2_margin(row: np.ndarray) -> float:
    """How far the likeliest class is ahead of the second, in probability."""
    p = np.sort(probabilities(row))
    return float(p[-1] - p[-2]) if p.size >= 2 else 1.0


def straddles(interval: Interval | None, bar: float) -> bool:
    """Whether the data cannot tell on which side of ``bar`` the true value lies."""
    return interval is not None and interval[0] < bar <= interval[1]
