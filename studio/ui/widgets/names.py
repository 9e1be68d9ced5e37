"""How the window names things that must never be mistaken for something else."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def device_label(device) -> str:
    """'Pixel 7 (virtual)': figures from a virtual phone never pass as a phone's."""
    mark = QCoreApplication.translate("Device", " (virtual)") if device.virtual else ""
    return device.name + mark
