"""A progress panel: one bar per stage, a line of text, and a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


class ProgressPanel(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent=None, max_bars_height: int | None = None):
        """``max_bars_height``: scroll the bars beyond this height (status and Cancel stay)."""
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bars = QWidget()
        self.grid = QGridLayout(bars)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        if max_bars_height:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(bars)
            scroll.setMaximumHeight(max_bars_height)
            self.scroll = scroll
            layout.addWidget(scroll)
        else:
            self.scroll = None
            layout.addWidget(bars)
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.bars: dict[str, QProgressBar] = {}

    def start(self, stages: list[str] | None = None) -> None:
        self.clear()
        for stage in stages or []:
            self._bar(stage)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        self.status.setText(self.tr("Starting…"))

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.bars.clear()
        self.status.clear()

    def _bar(self, stage: str) -> QProgressBar:
        bar = self.bars.get(stage)
        if bar is None:
            row = len(self.bars)
            label = QLabel(stage)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(0)
            bar.setTextVisible(True)
            bar.setFormat("%p%")
            bar.setMaximumHeight(18)
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(bar, row, 1)
            self.bars[stage] = bar
            if self.scroll is not None:  # follow the newest stage
                bar_scroll = self.scroll.verticalScrollBar()
                QTimer.singleShot(0, lambda: bar_scroll.setValue(bar_scroll.maximum()))
        return bar

    def update_event(self, event: dict) -> None:
        """Show a ProgressEvent's fields (stage, fraction, message)."""
        stage = event.get("stage") or ""
        bar = self._bar(stage)
        fraction = event.get("fraction")
        if fraction is None:
            bar.setRange(0, 0)  # busy
        else:
            if bar.maximum() == 0:
                bar.setRange(0, 1000)
            bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        message = event.get("message") or ""
        self.status.setText(f"{stage}: {message}" if message else stage)

    def finish(self, text: str = "") -> None:
        for bar in self.bars.values():
            if bar.maximum() == 0:
                bar.setRange(0, 1000)
                bar.setValue(1000)
        self.cancel_button.setEnabled(False)
        self.status.setText(text)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancelling…"))
        self.cancel_requested.emit()
