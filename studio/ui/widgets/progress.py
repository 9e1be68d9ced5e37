"""A progress panel: the whole job's progress and time left, one bar per stage (scrolled to
the running one), the running stage's current step, a line of text, and a Cancel button.

It draws a :class:`~studio.ui.stage_progress.StageProgress`, which holds the numbers.
"""

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

from studio.ui.stage_progress import StageProgress

STEPS = 1000


def _progress_bar() -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, STEPS)
    bar.setValue(0)
    bar.setTextVisible(True)
    bar.setFormat("%p%")
    bar.setMaximumHeight(18)
    return bar


def _show(bar: QProgressBar, fraction: float | None) -> None:
    if fraction is None:
        bar.setRange(0, 0)  # busy
        return
    if bar.maximum() == 0:
        bar.setRange(0, STEPS)
    bar.setValue(int(fraction * STEPS))


class ProgressPanel(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent=None, min_bars_height: int | None = None):
        """``min_bars_height``: the stage bars get at least this much room (and scroll)."""
        super().__init__(parent)
        self.model = StageProgress()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        overall_row = QHBoxLayout()
        self.overall_label = QLabel(self.tr("Overall"))
        overall_row.addWidget(self.overall_label)
        self.overall_bar = _progress_bar()
        overall_row.addWidget(self.overall_bar, 1)
        self.time_left = QLabel()
        overall_row.addWidget(self.time_left)
        self.overall = QWidget()
        self.overall.setLayout(overall_row)
        overall_row.setContentsMargins(0, 0, 0, 0)
        self.overall.setVisible(False)
        layout.addWidget(self.overall)
        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        layout.addWidget(self.step_label)

        bars = QWidget()
        self.grid = QGridLayout(bars)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(bars)
        if min_bars_height:
            self.scroll.setMinimumHeight(min_bars_height)
        layout.addWidget(self.scroll, 1)

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
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._show_overall)

    def start(self, stages: list[str] | None = None) -> None:
        """Begin a job; ``stages``, when known, are its stages in order (an overall bar)."""
        self.clear()
        self.model = StageProgress(stages)
        for stage in self.model.stages:
            self._bar(stage)
        self.overall.setVisible(self.model.planned)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        self.status.setText(self.tr("Starting…"))
        self._show_overall()
        self._clock.start()

    def clear(self) -> None:
        """Show no job at all."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.bars.clear()
        self.model = StageProgress()
        self.overall.setVisible(False)
        self.status.clear()
        self.step_label.clear()
        self.time_left.clear()
        self._clock.stop()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancel"))

    def _bar(self, stage: str) -> QProgressBar:
        bar = self.bars.get(stage)
        if bar is None:
            row = len(self.bars)
            label = QLabel(stage)
            bar = _progress_bar()
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(bar, row, 1)
            self.bars[stage] = bar
        return bar

    def update_event(self, event: dict) -> None:
        """Show a ProgressEvent's fields (stage, fraction, message)."""
        stage = event.get("stage") or ""
        message = event.get("message") or ""
        before = self.model.current
        self.model.update(stage, event.get("fraction"), message)
        for name, fraction in self.model.fractions.items():
            _show(self._bar(name), fraction)
        current = self.model.current
        if current is not None and current != before:
            self._follow(self.bars[current])
        self._show_step()
        self.status.setText(f"{stage}: {message}" if message else stage)
        self._show_overall()

    def _follow(self, bar: QProgressBar) -> None:
        """Keep the running stage in sight (once the layout has placed its bar)."""
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(bar, 0, 24))

    def _show_step(self) -> None:
        model = self.model
        if model.current is None:
            self.step_label.clear()
            return
        index, total = model.position
        text = self.tr("Step %1 of %2: %3").replace("%1", str(index))
        text = text.replace("%2", str(total)).replace("%3", model.current)
        detail = model.detail
        if detail is not None:
            text += f" — {detail.name}"
            if detail.fraction is not None:
                text += f" {detail.fraction:.0%}"
            if detail.message:
                text += f" ({detail.message})"
        self.step_label.setText(text)

    def _show_overall(self) -> None:
        if not self.model.planned:
            return
        _show(self.overall_bar, self.model.overall)
        seconds = self.model.seconds_left()
        if seconds is None:
            self.time_left.setText("")
        elif seconds < 60:
            self.time_left.setText(self.tr("about %1 s left").replace("%1", str(round(seconds))))
        else:
            minutes = str(round(seconds / 60))
            self.time_left.setText(self.tr("about %1 min left").replace("%1", minutes))

    def finish(self, text: str = "") -> None:
        """The job ended (done, failed or cancelled): Cancel goes back to its resting state."""
        self._clock.stop()
        self.model.finish()
        for name, fraction in self.model.fractions.items():
            _show(self.bars[name], fraction)
        self.time_left.clear()
        self.step_label.clear()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancel"))
        self.status.setText(text)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancelling…"))
        self.cancel_requested.emit()
