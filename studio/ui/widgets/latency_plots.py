"""The Latency tab's plots: the series, the histogram and the CDF of benchmark runs.

They only draw what a :class:`~studio.ui.latency_run.LatencyRun` computed. Every plot
has a legend, so an exported picture says which curve is which run and which device
(and whether it is virtual).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from studio.ui.latency_run import UNIT, budget_line_text
from studio.ui.theme import plot_colors

COLORS = ("#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00acc1", "#6d4c41", "#546e7a")
BUDGET_COLOR = "#c62828"
OVERFLOW_COLOR = "#757575"
EXPORT_SIZE = (1600, 1000)  # an exported picture's size, whatever the window's


def color_axes(plots, foreground) -> None:
    """Draw the plots' axes, tick labels and titles in the palette's ``foreground``."""
    for plot in plots:
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(foreground)
            axis.setTextPen(foreground)
        plot.titleLabel.setText(plot.titleLabel.text, color=foreground)


class LatencyPlots(pg.GraphicsLayoutWidget):
    def __init__(self, parent=None):
        background, foreground = plot_colors()
        pg.setConfigOptions(antialias=False, background=background, foreground=foreground)
        super().__init__(parent)
        self.series_plot = self.addPlot(
            row=0, col=0, colspan=2, title=self.tr("Latency per inference")
        )
        self.series_plot.setLabel("left", self.tr("latency"), units=UNIT)
        self.series_plot.setLabel("bottom", self.tr("inference"))
        self.series_plot.showGrid(x=True, y=True, alpha=0.2)
        self.series_plot.setDownsampling(auto=True, mode="peak")  # no more than the pixels
        self.series_plot.setClipToView(True)
        self.series_legend = self.series_plot.addLegend(offset=(-10, 10))
        self.hist_plot = self.addPlot(row=1, col=0, title=self.tr("Histogram"))
        self.hist_plot.setLabel("bottom", self.tr("latency"), units=UNIT)
        self.hist_plot.setLabel("left", self.tr("count"))
        self.hist_legend = self.hist_plot.addLegend(offset=(-10, 10))
        self.cdf_plot = self.addPlot(row=1, col=1, title=self.tr("CDF (all runs)"))
        self.cdf_plot.setLabel("bottom", self.tr("latency"), units=UNIT)
        self.cdf_plot.setLabel("left", self.tr("fraction"))
        self.cdf_plot.setYRange(0, 1)
        self.cdf_plot.showGrid(x=True, y=True, alpha=0.2)
        # below both plots, across them: the names are longer than the CDF is wide
        self.cdf_legend = pg.LegendItem(colCount=2)
        self.addItem(self.cdf_legend, row=2, col=0, colspan=2)
        for plot in self.plots:
            plot.setMenuEnabled(False)
            for name in ("left", "bottom"):  # "0.2 ms", never "200 mms"
                plot.getAxis(name).enableAutoSIPrefix(False)
        self._style_legends(background, foreground)
        self.curves: dict[tuple[str, str], tuple] = {}  # run key -> (series, cdf)
        self.hist_item = None
        self.overflow_item = None
        self.budget_lines: list = []

    @property
    def plots(self) -> tuple:
        return (self.series_plot, self.hist_plot, self.cdf_plot)

    @property
    def legends(self) -> tuple:
        return (self.series_legend, self.hist_legend, self.cdf_legend)

    def _style_legends(self, background, foreground) -> None:
        """Legends on a veil of the background: readable over the curves they sit on."""
        veil = pg.mkColor(background)
        veil.setAlpha(210)
        for legend in self.legends:
            legend.setBrush(pg.mkBrush(veil))
            legend.setLabelTextColor(foreground)

    def apply_colors(self) -> None:
        """Follow the window's light or dark palette."""
        background, foreground = plot_colors()
        self.setBackground(background)
        self._style_legends(background, foreground)
        color_axes(self.plots, foreground)

    # --- runs --------------------------------------------------------------------------

    def add_run(self, run, color: str) -> None:
        self.remove_run(run)
        series = self.series_plot.plot([], [], pen=pg.mkPen(color, width=1.5), name=run.label)
        curve = self.cdf_plot.plot([], [], pen=pg.mkPen(color, width=2))
        self.cdf_legend.addItem(curve, run.label)
        self.curves[run.key] = (series, curve)

    def remove_run(self, run) -> None:
        curves = self.curves.pop(run.key, None)
        if curves:
            series, curve = curves
            self.series_plot.removeItem(series)
            self.cdf_plot.removeItem(curve)
            self.cdf_legend.removeItem(curve)

    def clear_runs(self) -> None:
        for series, curve in self.curves.values():
            self.series_plot.removeItem(series)
            self.cdf_plot.removeItem(curve)
        self.cdf_legend.clear()
        self.curves.clear()
        self.clear_histogram()

    def draw_series(self, run) -> None:
        x, y = run.series()
        self.curves[run.key][0].setData(x, y)

    def draw_cdf(self, run) -> None:
        x, y = run.cdf()
        self.curves[run.key][1].setData(x, y)

    def clear_histogram(self) -> None:
        for item in (self.hist_item, self.overflow_item):
            if item is not None:
                self.hist_plot.removeItem(item)
        self.hist_item = self.overflow_item = None
        self.hist_plot.setTitle(self.tr("Histogram"))

    def draw_histogram(self, run, color: str) -> None:
        """``run``'s histogram; the samples above its range as one grey bar, named so."""
        hist = run.histogram()
        self.clear_histogram()
        if not len(hist.counts):
            return
        self.hist_item = self.hist_plot.plot(
            hist.edges,
            hist.counts,
            stepMode="center",
            fillLevel=0,
            pen=pg.mkPen(color),
            brush=pg.mkBrush(color + "99"),
            name=run.label,
        )
        if hist.overflow:
            width = float(hist.edges[1] - hist.edges[0]) * 2
            name = (
                self.tr("above %1 %2: %3 samples")
                .replace("%1", f"{hist.top:.3g}")
                .replace("%2", UNIT)
                .replace("%3", str(hist.overflow))
            )
            self.overflow_item = self.hist_plot.plot(
                [hist.top + width / 2, hist.top + width * 1.5],
                [hist.overflow],
                stepMode="center",
                fillLevel=0,
                pen=pg.mkPen(OVERFLOW_COLOR),
                brush=pg.mkBrush(OVERFLOW_COLOR + "99"),
                name=name,
            )
        self.hist_plot.setTitle(self.tr("Histogram: %1").replace("%1", run.label))

    def set_budgets(self, budgets: list) -> None:
        """A dashed line per latency budget, named in the series' legend, not over the curve."""
        for item in self.budget_lines:
            self.series_plot.removeItem(item)
        self.budget_lines = []
        for budget in budgets:
            if budget.metric == "throughput":
                continue
            pen = pg.mkPen(BUDGET_COLOR, width=1.5, style=Qt.PenStyle.DashLine)
            line = pg.InfiniteLine(pos=budget.limit, angle=0, pen=pen)
            name = self.tr("budget %1").replace("%1", budget_line_text(budget))
            entry = self.series_plot.plot([], [], pen=pen, name=name)  # its legend entry
            self.series_plot.addItem(line)
            self.budget_lines += [line, entry]

    def draw_all(self, runs, colors) -> None:
        """Everything of ``runs`` (a :class:`LatencyRuns`), e.g. for a picture to export."""
        self.clear_runs()
        for run in runs:
            self.add_run(run, colors(run))
            if run.received:
                self.draw_series(run)
                self.draw_cdf(run)
        latest = runs.latest_with_samples()
        if latest is not None:
            self.draw_histogram(latest, colors(latest))
        self.set_budgets(runs.budgets)
