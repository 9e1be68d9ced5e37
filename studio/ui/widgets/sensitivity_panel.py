"""The Convert tab's "Layer sensitivity" panel: how much int8 costs each layer group, as a
ranked table and a bar plot, and what the float fallback decided.

It only draws what :func:`~studio.ui.layer_sensitivity.layer_rows` lists.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from studio.convert.sensitivity import LayerPlan
from studio.ui.layer_sensitivity import LayerRow, bar_lengths, bars_that_fit, layer_rows
from studio.ui.theme import plot_colors

INT8_COLOR = "#1e88e5"
FLOAT_COLOR = "#fb8c00"
ALL_INT8_COLOR = "#757575"
PLOT_MARGIN = 50  # the plot's height outside its bars: the axis below, the margins


class SensitivityPanel(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(self.tr("Layer sensitivity"), parent)
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        row = QHBoxLayout()
        self.table = self._table()
        row.addWidget(self.table, 3)
        self.plot = self._plot()
        row.addWidget(self.plot, 2)
        layout.addLayout(row, 1)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.rows: list[LayerRow] = []
        self.plan: LayerPlan | None = None
        self.apply_colors()
        self.setVisible(False)

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels(
            [
                self.tr("Layer group"),
                self.tr("SQNR (dB)"),
                self.tr("Similarity"),
                self.tr("Parameters"),
                self.tr("Kept in float"),
            ]
        )
        tips = (
            self.tr("A part of the network, by its name in the model."),
            self.tr(
                "Signal-to-quantization-noise ratio of the output with only this group in "
                "int8: higher is closer to the original; every 10 dB is ten times less noise."
            ),
            self.tr("Mean cosine similarity of the outputs with the original's (1 = the same)."),
            self.tr("How many weights the group holds."),
            self.tr("Whether the group stays in float32 in the int8 artifacts."),
        )
        for column, tip in enumerate(tips):
            table.horizontalHeaderItem(column).setToolTip(tip)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        rows = table.verticalHeader()  # compact rows: more of them in view on a small screen
        rows.setMinimumSectionSize(table.fontMetrics().height() + 4)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 6)
        return table

    def _plot(self) -> pg.PlotWidget:
        plot = _BarPlot(self._redraw_bars)
        item = plot.getPlotItem()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.setLabel("bottom", self.tr("SQNR"), units="dB")
        item.getAxis("bottom").enableAutoSIPrefix(False)
        item.showGrid(x=True, alpha=0.2)
        item.getViewBox().invertY(True)  # the most sensitive on top, as in the table
        plot.setMinimumSize(160, 140)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _s: self.apply_colors())
        return plot

    def apply_colors(self) -> None:
        """Follow the window's light or dark palette."""
        background, foreground = plot_colors()
        self.plot.setBackground(background)
        for name in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(name)
            axis.setPen(foreground)
            axis.setTextPen(foreground)

    # --- showing a plan ----------------------------------------------------------------

    def clear(self) -> None:
        self.rows, self.plan = [], None
        self.table.setRowCount(0)
        self.plot.getPlotItem().clear()
        self.summary_label.clear()
        self.setVisible(False)

    def show_plan(self, plan: LayerPlan | None) -> None:
        """Show ``plan`` (a conversion report's), or hide the panel when there is none."""
        self.clear()
        if plan is None:
            return
        self.rows, self.plan = layer_rows(plan), plan
        measured = bool(self.rows)
        for widget in (self.table, self.plot, self.caption):
            widget.setVisible(measured)
        self._fill_table()
        self._redraw_bars()
        self.summary_label.setText(self._summary(plan))
        self.setVisible(True)

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for index, row in enumerate(self.rows):
            cells = (
                row.group,
                self.tr("identical") if row.sqnr_db is None else f"{row.sqnr_db:.1f}",
                _cosine(row.mean_cosine),
                f"{row.parameters:,}",
                self.tr("yes") if row.kept_float else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (1, 2, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row.kept_float:
                    item.setForeground(QBrush(QColor(FLOAT_COLOR)))
                    item.setFont(bold)
                self.table.setItem(index, column, item)
        # the table as wide as its columns, the chart takes the rest
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        width = sum(header.sectionSize(c) for c in range(self.table.columnCount()))
        self.table.setMinimumWidth(width + 2 * self.table.frameWidth() + 4)

    def _redraw_bars(self) -> None:
        """The most sensitive groups, as many as the plot has room for."""
        item = self.plot.getPlotItem()
        item.clear()
        if not self.rows:
            return
        room = item.getViewBox().height() or self.plot.height() - PLOT_MARGIN
        rows = self.rows[: bars_that_fit(room, len(self.rows))]
        self.caption.setText(self._caption(len(rows)))
        lengths = bar_lengths(self.rows)[: len(rows)]
        colors = [FLOAT_COLOR if row.kept_float else INT8_COLOR for row in rows]
        bars = pg.BarGraphItem(
            x0=0,
            y=list(range(len(rows))),
            width=lengths,
            height=0.7,
            brushes=colors,
            pens=colors,
        )
        item.addItem(bars)
        ticks = [(index, row.group) for index, row in enumerate(rows)]
        axis = item.getAxis("left")
        axis.setTicks([ticks])
        # wide enough for the longest name from the start (it widens only after a paint)
        metrics = QFontMetrics(axis.style["tickFont"] or self.plot.font())
        axis.setWidth(max(metrics.horizontalAdvance(row.group) for row in rows) + 16)
        every = self.plan.sensitivity.all_sqnr_db
        if every is not None:
            line = pg.InfiniteLine(
                pos=every,
                angle=90,
                pen=pg.mkPen(ALL_INT8_COLOR, width=2, style=Qt.PenStyle.DashLine),
            )
            line.setZValue(10)  # over the bars
            item.addItem(line)
        item.setYRange(-0.6, len(rows) - 0.4, padding=0)
        item.setXRange(min(0.0, *lengths), max(lengths + [every or 0.0]) * 1.05, padding=0)

    def _caption(self, shown: int) -> str:
        """The plot's legend, and which groups it shows when not all of them fit."""
        legend = (
            self.tr("%1 in int8 &nbsp; %2 kept in float &nbsp; dashed line: every group in int8")
            .replace("%1", _swatch(INT8_COLOR))
            .replace("%2", _swatch(FLOAT_COLOR))
        )
        if shown < len(self.rows):
            legend += self.tr(" &nbsp; (chart: the %1 most sensitive of %2)")
            legend = legend.replace("%1", str(shown)).replace("%2", str(len(self.rows)))
        return legend

    def _summary(self, plan: LayerPlan) -> str:
        lines = []
        s = plan.sensitivity
        if s is not None:
            every = self.tr("identical") if s.all_sqnr_db is None else f"{s.all_sqnr_db:.1f} dB"
            lines.append(
                self.tr(
                    "Each layer group in int8 alone, the rest in float, compared with the "
                    "original on %1 inputs (%2 s): the higher the output's SQNR, the closer to "
                    "the original. Every group in int8: %3."
                )
                .replace("%1", str(s.samples))
                .replace("%2", f"{s.seconds:.0f}")
                .replace("%3", every)
            )
        f = plan.fallback
        if f is not None:
            if f.met and not f.kept_float:
                text = self.tr("Float fallback: verification passes with every layer in int8.")
            elif f.met:
                text = self.tr(
                    "Float fallback: verification passes with %1 of %2 layer groups in float."
                )
            else:
                text = self.tr(
                    "Float fallback: verification does not pass however many layer groups "
                    "stay in float; the closest try, %1 of %2 groups in float, is used."
                )
            groups = len(s.layers) if s is not None else len(f.steps)
            trials = self.tr("Trials: %1.").replace("%1", str(len(f.steps)))
            text = text.replace("%1", str(len(f.kept_float))).replace("%2", str(groups))
            lines.append(f"{text} {trials}")
        if plan.kept_float:
            lines.append(self.tr("Kept in float: %1.").replace("%1", ", ".join(plan.kept_float)))
        return "\n".join(lines)


class _BarPlot(pg.PlotWidget):
    """A plot that redraws when its height changes (it shows as many bars as fit)."""

    def __init__(self, resized):
        super().__init__()
        self._resized = resized

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # pyqtgraph calls this with None while it builds the view
        if event is not None and event.size().height() != event.oldSize().height():
            self._resized()


def _cosine(value: float) -> str:
    """Six decimals, never rounded up to a 1 it is not."""
    text = f"{value:.6f}"
    return "> 0.999999" if value < 1 and text == "1.000000" else text


def _swatch(color: str) -> str:
    return f'<span style="color: {color}">■</span>'
