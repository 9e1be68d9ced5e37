"""What every tab has: a line that says what to do, and a button to the next step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton


def guide_label(layout: QBoxLayout, text: str = "") -> QLabel:
    """A wrapped line at the top of a tab that says what to do now."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("guide")
    layout.addWidget(label)
    return label


def next_step_button(layout: QBoxLayout, text: str, go: Callable[[], None]) -> QPushButton:
    """A right-aligned button to the next tab."""
    row = QHBoxLayout()
    row.addStretch(1)
    button = QPushButton(text)
    button.clicked.connect(go)
    row.addWidget(button)
    layout.addLayout(row)
    return button
