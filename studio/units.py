"""Sizes and counts as people read them: 46.8 MB, 11.69M parameters, 3.63G FLOPs."""

from __future__ import annotations


def human_bytes(n: float | None) -> str:
    """Decimal units (1 MB = 1,000,000 bytes), as phones and file managers show storage."""
    if n is None:
        return "unknown"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"


def human_count(n: float | None) -> str:
    """A count with a k/M/G suffix: parameters, FLOPs."""
    if n is None:
        return "unknown"
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.2f}{unit}"
    return str(int(n))
