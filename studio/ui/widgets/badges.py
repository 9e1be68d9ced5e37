"""Verdict badges: a coloured pill with an icon-like mark and a word."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

# verdict -> (mark, background colour)
STYLES = {
    "pass": ("✔", "#2e7d32"),
    "ready": ("✔", "#2e7d32"),
    "supported": ("✔", "#2e7d32"),
    "delegated": ("⚡", "#1565c0"),
    "warn": ("▲", "#ef6c00"),
    "fallback": ("▲", "#ef6c00"),
    "fail": ("✖", "#c62828"),
    "missing": ("✖", "#c62828"),
    "unverified": ("–", "#757575"),
}


def verdict_text(verdict: str | None) -> str:
    words = {
        "pass": QCoreApplication.translate("badges", "pass"),
        "warn": QCoreApplication.translate("badges", "warn"),
        "fail": QCoreApplication.translate("badges", "fail"),
        "ready": QCoreApplication.translate("badges", "ready"),
        "fallback": QCoreApplication.translate("badges", "fallback"),
        "supported": QCoreApplication.translate("badges", "supported"),
        "delegated": QCoreApplication.translate("badges", "delegated"),
        "missing": QCoreApplication.translate("badges", "missing"),
        "unverified": QCoreApplication.translate("badges", "unverified"),
    }
    return words.get(verdict or "unverified", verdict or "")


def verdict_color(verdict: str | None) -> QColor:
    return QColor(STYLES.get(verdict or "unverified", STYLES["unverified"])[1])


def verdict_label(verdict: str | None) -> str:
    """Mark and word, for table cells."""
    mark = STYLES.get(verdict or "unverified", STYLES["unverified"])[0]
    return f"{mark} {verdict_text(verdict)}"


class Badge(QLabel):
    """A verdict's pill; hidden while there is no verdict (nothing was checked yet)."""

    def __init__(self, verdict: str | None = None, parent=None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_verdict(verdict)

    def set_verdict(self, verdict: str | None) -> None:
        self.verdict = verdict
        if verdict is None:
            self.hide()
            return
        if self.parentWidget() is not None:  # a badge without a parent is no window
            self.show()
        color = verdict_color(verdict).name()
        self.setText(verdict_label(verdict).upper())
        self.setStyleSheet(
            f"QLabel {{ background: {color}; color: white; border-radius: 8px;"
            " padding: 2px 8px; font-weight: bold; }"
        )
