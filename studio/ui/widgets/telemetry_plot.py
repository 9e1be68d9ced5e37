"""Temperature and CPU frequency per cluster, under the latency series, on its x axis.

It draws what a run's :class:`~studio.ui.telemetry_view.RunTelemetry` computed, for the
latest run that has telemetry: the hottest CPU/SoC zone (°C) above, each cluster's
frequency (GHz) below, both on the latency series' axis, the inference number, so a
slowdown lines up with the frequency falling or the temperature climbing. The whole run
is shown (a sample every half second spans thousands of a fast model's inferences) and
the inferences the latency series shows now are shaded. Like the latency plots it
paints without antialiasing (see :mod:`studio.ui.qt_health`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from studio.ui.theme import plot_colors
from studio.ui.widgets.latency_plots import color_axes

TEMPERATURE_COLOR = "#e53935"
CLUSTER_COLORS = {"big": "#1e88e5", "little": "#43a047", "cpu": "#1e88e5"}
OTHER_CLUSTER_COLOR = "#fb8c00"
WINDOW_COLOR = (128, 128, 128, 40)
MIN_HEIGHT = 170  # both plots and the legend readable on a 1366x768 screen


class TelemetryPlot(pg.GraphicsLayoutWidget):
    def __init__(self, parent=None):
        background, foreground = plot_colors()
        pg.setConfigOptions(antialias=False, background=background, foreground=foreground)
        super().__init__(parent)
        self.setMinimumHeight(MIN_HEIGHT)
        self.temp_plot = self.addPlot(row=0, col=0)
        self.temp_plot.setLabel("left", "°C")
        self.temp_plot.getAxis("bottom").setStyle(showValues=False)  # the plot below has them
        self.freq_plot = self.addPlot(row=1, col=0)
        self.freq_plot.setLabel("left", "GHz")
        self.freq_plot.setLabel("bottom", self.tr("inference"))
        self.freq_legend = self.freq_plot.addLegend(offset=(-10, -2), colCount=3)
        self.ci.layout.setSpacing(0)
        for plot in self.plots:
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.getAxis("left").setWidth(60)  # the latency plot's axis is about as wide
            for name in ("left", "bottom"):
                plot.getAxis(name).enableAutoSIPrefix(False)
        self.temp_curve = self.temp_plot.plot(
            [], [], pen=pg.mkPen(TEMPERATURE_COLOR, width=1.5), symbol="o", symbolSize=4
        )
        self.temp_curve.setSymbolBrush(pg.mkBrush(TEMPERATURE_COLOR))
        self.temp_curve.setSymbolPen(None)
        self.windows = []  # per plot: the latency series' visible inferences, shaded
        for plot in self.plots:
            window = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(WINDOW_COLOR))
            window.setZValue(-10)
            window.hide()
            plot.addItem(window, ignoreBounds=True)
            self.windows.append(window)
        self.cluster_curves: dict[str, object] = {}
        self.shown = None  # (run key, samples, rows) last drawn
        self._style(background, foreground)
        self.set_title(None)

    @property
    def plots(self) -> tuple:
        return (self.temp_plot, self.freq_plot)

    def _style(self, background, foreground) -> None:
        veil = pg.mkColor(background)
        veil.setAlpha(210)
        self.freq_legend.setBrush(pg.mkBrush(veil))
        self.freq_legend.setLabelTextColor(foreground)

    def apply_colors(self) -> None:
        """Follow the window's light or dark palette."""
        background, foreground = plot_colors()
        self.setBackground(background)
        self._style(background, foreground)
        color_axes(self.plots, foreground)

    def follow(self, plot) -> None:
        """Shade the inferences ``plot`` (the latency series) shows, as it scrolls."""
        self.freq_plot.setXLink(self.temp_plot)
        plot.sigXRangeChanged.connect(lambda _view, span: self.shade(*span))

    def shade(self, first: float, last: float) -> None:
        for window in self.windows:
            window.setRegion((first, last))
            window.setVisible(self.shown is not None)

    def set_title(self, run) -> None:
        if run is None:
            text = self.tr("Temperature and CPU frequency (during a run)")
        else:
            text = self.tr("Temperature and CPU frequency: %1").replace("%1", run.label)
            if run.telemetry.simulated:
                text += " " + self.tr("(simulated from the device's profile)")
        self.temp_plot.setTitle(text, size="9pt")

    # --- drawing ----------------------------------------------------------------------

    def clear_curves(self) -> None:
        self.temp_curve.setData([], [])
        for curve in self.cluster_curves.values():
            self.freq_plot.removeItem(curve)
        self.freq_legend.clear()
        self.cluster_curves.clear()
        self.shown = None
        for window in self.windows:
            window.hide()
        self.set_title(None)

    def _cluster_curve(self, name: str):
        curve = self.cluster_curves.get(name)
        if curve is None:
            color = CLUSTER_COLORS.get(name, OTHER_CLUSTER_COLOR)
            label = self.tr("%1 cores").replace("%1", name)
            curve = self.freq_plot.plot(
                [], [], pen=pg.mkPen(color, width=1.5), name=label, symbol="o", symbolSize=4
            )
            curve.setSymbolBrush(pg.mkBrush(color))
            curve.setSymbolPen(None)
            self.cluster_curves[name] = curve
        return curve

    def show_runs(self, runs) -> None:
        """Draw the latest run with telemetry; nothing is redrawn when nothing changed."""
        run = next((r for r in reversed(list(runs)) if len(r.telemetry)), None)
        if run is None:
            if self.shown is not None:
                self.clear_curves()
            return
        rows = run.samples.view()
        state = (run.key, len(run.telemetry), len(rows))
        if state == self.shown:
            return
        if self.shown is None or self.shown[0] != run.key:
            self.clear_curves()
            self.set_title(run)
        self.draw(run, rows)
        self.shown = state
        for window in self.windows:
            window.show()

    def draw(self, run, rows) -> None:
        curves = run.telemetry.curves(rows)
        self.temp_curve.setData(curves.x, curves.temperature_c, connect="finite")
        top = 0.0
        for name, ghz in curves.clusters:
            self._cluster_curve(name).setData(curves.x, ghz, connect="finite")
            if np.isfinite(ghz).any():
                top = max(top, float(np.nanmax(ghz)))
        if top:  # from 0 GHz: a fall reads at its true size, and the legend has room below
            self.freq_plot.setYRange(0, top * 1.1, padding=0)
