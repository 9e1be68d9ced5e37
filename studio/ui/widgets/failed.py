"""How the window speaks of an artifact that failed verification, wherever it appears."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("failed", text)


def failed_note() -> str:
    """A few words beside the artifact's name."""
    return _tr("failed verification")


def failed_explanation(name: str) -> str:
    """What the failure means and what to click instead."""
    return _tr(
        "%1 failed verification: its answers differ too much from the original model's, "
        "so an app using it would give wrong results. On the Convert tab, choose a lighter "
        "Quantization (fp16, or none) and press Convert again; the reasons are listed under "
        "the artifact in the results there."
    ).replace("%1", name)
