"""The Latency tab: benchmark artifacts on devices, live plots, statistics, budgets, export."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.errors import Cancelled, InputError, StudioError, as_studio_error
from studio.ui.live_runs import LiveRun, cdf
from studio.ui.theme import plot_colors
from studio.ui.threads import run_task
from studio.ui.widgets.badges import Badge
from studio.ui.widgets.steps import guide_label

log = logging.getLogger("studio.ui")

RUNTIMES = ("auto", "executorch", "pytorch-lite", "torchscript", "onnxruntime")
REFRESH_MS = 50  # the series redraws at most 20 times a second
SLOW_EVERY = 4  # histogram, CDF and statistics every 4th time
SERIES_WINDOW = 2000  # samples shown in the scrolling series per run
COLORS = ("#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00acc1", "#6d4c41", "#546e7a")
STATS_COLUMNS = ("count", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "min_ms", "max_ms", "throughput")


def run_callback(run: LiveRun):
    """The benchmark callback that feeds ``run`` (called on the benchmark's thread)."""

    def callback(event) -> None:
        if event.kind == "samples" and event.rows is not None:
            run.add_rows(event.rows)
        elif event.kind == "stats":
            run.stats = event.stats
        elif event.kind in ("status", "progress"):  # progress: the agent's first push
            run.status = event.message
        elif event.kind == "done":
            run.result = event.result
            run.status = event.message or "done"

    return callback


def bench_device(
    serial: str, server: str, artifacts: list[str], config, runs: dict, benches: dict, cancel
) -> list:
    """Benchmark ``artifacts`` one after another on one device (its own thread)."""
    from studio.agent.bench import DeviceBench

    results = []
    for artifact in artifacts:
        if cancel.cancelled:
            break
        run = runs[(serial, artifact)]
        callback = run_callback(run)
        bench = DeviceBench(serial, artifact, config, callback=callback, server=server)
        benches[serial] = bench
        if cancel.cancelled:
            break
        results.append(bench.run())
    benches.pop(serial, None)
    return results


class LatencyTab(QWidget):
    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.app = app
        self.runs: list[LiveRun] = []
        self.run_map: dict[tuple[str, str], LiveRun] = {}
        self.benches: dict = {}  # serial -> DeviceBench while it runs
        self.tasks: list = []
        self.curves: dict[tuple[str, str], tuple] = {}
        self.hist_item = None
        self._ticks = 0
        self._dirty: set = set()
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)

        layout = QVBoxLayout(self)
        self.guide = guide_label(
            layout,
            self.tr(
                "Step 5: choose devices and artifacts, then Start. Several runs overlay in the "
                "CDF, so fp32 against int8 or one phone against another is one glance."
            ),
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)

        # --- settings --------------------------------------------------------------------
        settings = QWidget()
        form_layout = QVBoxLayout(settings)
        form_layout.setContentsMargins(0, 0, 0, 0)
        dev_box = QGroupBox(self.tr("Devices"))
        dev_layout = QVBoxLayout(dev_box)
        self.device_list = QListWidget()
        self.device_list.setMaximumHeight(80)
        dev_layout.addWidget(self.device_list)
        form_layout.addWidget(dev_box)
        art_box = QGroupBox(self.tr("Artifacts"))
        art_layout = QVBoxLayout(art_box)
        self.artifact_list = QListWidget()
        self.artifact_list.setMaximumHeight(100)
        art_layout.addWidget(self.artifact_list)
        form_layout.addWidget(art_box)

        how_box = QGroupBox(self.tr("Settings"))
        how = QFormLayout(how_box)
        self.runtime_combo = QComboBox()
        for name in RUNTIMES:
            self.runtime_combo.addItem(name, name)
        self.runtime_combo.setItemText(0, self.tr("auto (by file type)"))
        how.addRow(self.tr("Runtime:"), self.runtime_combo)
        self.threads_spin = QSpinBox()
        self.threads_spin.setRange(0, 16)
        self.threads_spin.setSpecialValueText(self.tr("default"))
        how.addRow(self.tr("Threads:"), self.threads_spin)
        self.warmup_spin = QSpinBox()
        self.warmup_spin.setRange(0, 10000)
        self.warmup_spin.setValue(10)
        how.addRow(self.tr("Warm-up runs:"), self.warmup_spin)
        self.iterations_radio = QRadioButton(self.tr("Iterations:"))
        self.duration_radio = QRadioButton(self.tr("Duration (s):"))
        self.iterations_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.iterations_radio)
        group.addButton(self.duration_radio)
        self.iterations_spin = QSpinBox()
        self.iterations_spin.setRange(1, 10_000_000)
        self.iterations_spin.setValue(500)
        self.duration_spin = QDoubleSpinBox()
        self.duration_spin.setRange(0.1, 3600)
        self.duration_spin.setValue(10)
        how.addRow(self.iterations_radio, self.iterations_spin)
        how.addRow(self.duration_radio, self.duration_spin)
        self.budget_edit = QLineEdit()
        self.budget_edit.setPlaceholderText(self.tr("e.g. p90=30ms, mean=10ms"))
        how.addRow(self.tr("Budget:"), self.budget_edit)
        form_layout.addWidget(how_box)

        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.clicked.connect(self.start)
        buttons.addWidget(self.start_button)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        buttons.addWidget(self.stop_button)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        buttons.addWidget(self.clear_button)
        form_layout.addLayout(buttons)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        form_layout.addWidget(self.status_label)
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(QLabel(self.tr("Budget:")))
        self.budget_badge = Badge(None)
        verdict_row.addWidget(self.budget_badge)
        verdict_row.addStretch(1)
        form_layout.addLayout(verdict_row)
        self.budget_label = QLabel()
        self.budget_label.setWordWrap(True)
        form_layout.addWidget(self.budget_label)
        self.telemetry_label = QLabel()
        self.telemetry_label.setWordWrap(True)
        form_layout.addWidget(self.telemetry_label)
        export_row = QHBoxLayout()
        self.export_png_button = QPushButton(self.tr("PNG…"))
        self.export_png_button.clicked.connect(lambda: self._export_dialog("png"))
        self.export_csv_button = QPushButton(self.tr("CSV…"))
        self.export_csv_button.clicked.connect(lambda: self._export_dialog("csv"))
        self.export_json_button = QPushButton(self.tr("JSON…"))
        self.export_json_button.clicked.connect(lambda: self._export_dialog("json"))
        export_row.addWidget(QLabel(self.tr("Export:")))
        for button in (self.export_png_button, self.export_csv_button, self.export_json_button):
            export_row.addWidget(button)
        form_layout.addLayout(export_row)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(settings)
        scroll.setMinimumWidth(360)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.addWidget(scroll)

        # --- plots and statistics --------------------------------------------------------
        right = QSplitter(Qt.Orientation.Vertical)
        background, foreground = plot_colors()
        pg.setConfigOptions(antialias=False, background=background, foreground=foreground)
        self.plots = pg.GraphicsLayoutWidget()
        self.series_plot = self.plots.addPlot(
            row=0, col=0, colspan=2, title=self.tr("Latency per inference")
        )
        self.series_plot.setLabel("left", self.tr("latency"), units="ms")
        self.series_plot.setLabel("bottom", self.tr("inference"))
        self.series_plot.showGrid(x=True, y=True, alpha=0.2)
        self.series_plot.setDownsampling(auto=True, mode="peak")  # draw no more than the pixels
        self.series_plot.setClipToView(True)
        self.series_legend = self.series_plot.addLegend(offset=(-10, 10))
        self.hist_plot = self.plots.addPlot(row=1, col=0, title=self.tr("Histogram"))
        self.hist_plot.setLabel("bottom", self.tr("latency"), units="ms")
        self.hist_plot.setLabel("left", self.tr("count"))
        self.cdf_plot = self.plots.addPlot(row=1, col=1, title=self.tr("CDF (all runs)"))
        self.cdf_plot.setLabel("bottom", self.tr("latency"), units="ms")
        self.cdf_plot.setLabel("left", self.tr("fraction"))
        self.cdf_plot.setYRange(0, 1)
        self.cdf_plot.showGrid(x=True, y=True, alpha=0.2)
        for plot in (self.series_plot, self.hist_plot, self.cdf_plot):
            plot.setMenuEnabled(False)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: self.apply_colors())
        self.budget_lines: list = []
        right.addWidget(self.plots)
        self.stats_table = QTableWidget(0, len(STATS_COLUMNS) + 4)
        self.stats_table.setHorizontalHeaderLabels(
            [self.tr("Run"), self.tr("Runtime"), self.tr("Status")]
            + [
                self.tr("samples"),
                self.tr("mean ms"),
                self.tr("p50 ms"),
                self.tr("p90 ms"),
                self.tr("p99 ms"),
                self.tr("min ms"),
                self.tr("max ms"),
                self.tr("per second"),
            ]
            + [self.tr("Budget")]
        )
        self.stats_table.verticalHeader().setVisible(False)
        self.stats_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.stats_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 230)
        self.stats_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.stats_table.setMinimumHeight(110)
        right.addWidget(self.stats_table)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self.update_buttons()
        cdf(np.array([0.0, 1.0]))  # numpy loads its quantile code on first use: not mid-stream

    def apply_colors(self) -> None:
        """Follow the window's light or dark palette."""
        background, foreground = plot_colors()
        self.plots.setBackground(background)
        for plot in (self.series_plot, self.hist_plot, self.cdf_plot):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(foreground)
                axis.setTextPen(foreground)
            plot.titleLabel.setText(plot.titleLabel.text, color=foreground)

    # --- choices -------------------------------------------------------------------------

    def refresh_choices(self) -> None:
        self._fill(
            self.device_list,
            [
                (d.serial, d.name + ("" if not d.virtual else self.tr(" (virtual)")))
                for d in self.app.state.ready_devices
            ],
        )
        self._fill(self.artifact_list, [(str(a.path), a.name) for a in self.app.state.artifacts])
        self.update_buttons()

    @staticmethod
    def _fill(widget: QListWidget, entries: list[tuple[str, str]]) -> None:
        known = {}
        for i in range(widget.count()):
            item = widget.item(i)
            known[item.data(Qt.ItemDataRole.UserRole)] = item.checkState()
        widget.clear()
        for key, text in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            default = (
                Qt.CheckState.Checked
                if not known and widget.count() == 0
                else Qt.CheckState.Unchecked
            )
            item.setCheckState(known.get(key, default))
            widget.addItem(item)

    @staticmethod
    def _checked(widget: QListWidget) -> list[str]:
        return [
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, widget: QListWidget, keys: list[str]) -> None:
        for i in range(widget.count()):
            item = widget.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in keys
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    # --- running -------------------------------------------------------------------------

    def config(self):
        from studio.agent.budget import parse_budget
        from studio.agent.results import BenchConfig

        budgets = [
            parse_budget(t)
            for t in self.budget_edit.text().replace(";", ",").split(",")
            if t.strip()
        ]
        iterations = self.iterations_spin.value() if self.iterations_radio.isChecked() else None
        duration = self.duration_spin.value() if self.duration_radio.isChecked() else None
        return BenchConfig(
            runtime=self.runtime_combo.currentData(),
            threads=self.threads_spin.value() or None,
            warmup=self.warmup_spin.value(),
            iterations=iterations,
            duration_s=duration,
            budgets=budgets,
        ).validate()

    @property
    def running(self) -> bool:
        return any(not t.done for t in self.tasks)

    def start(self) -> None:
        devices = self._checked(self.device_list)
        artifacts = self._checked(self.artifact_list)
        try:
            if not devices:
                raise InputError(
                    self.tr("Tick at least one device"),
                    hint=self.tr("Connect or start one on the Devices tab."),
                )
            if not artifacts:
                raise InputError(self.tr("Tick at least one artifact"))
            config = self.config()
        except StudioError as exc:
            self.app.show_error(exc, self.tr("The benchmark cannot start"))
            return
        by_serial = {d.serial: d for d in self.app.state.devices}
        self.tasks = []
        for serial in devices:
            device = by_serial.get(serial)
            if device is None:
                continue
            for artifact in artifacts:
                self.add_run(LiveRun(serial, device.name, artifact, status=self.tr("waiting")))
            task = run_task(
                "bench",
                bench_device,
                serial,
                device.server,
                artifacts,
                config,
                self.run_map,
                self.benches,
            )
            task.finished.connect(self._task_finished)
            self.tasks.append(task)
        self.budgets = config.budgets
        self._draw_budget_lines()
        self.refresh_timer.start()
        self.update_buttons()

    def add_run(self, run: LiveRun) -> LiveRun:
        """Show ``run`` (replacing an earlier one of the same device and artifact)."""
        old = self.run_map.pop(run.key, None)
        if old is not None:
            self.runs.remove(old)
            self._remove_curves(old)
        self.runs.append(run)
        self.run_map[run.key] = run
        self._curves(run)  # its plot items exist before the samples pour in
        return run

    def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for bench in list(self.benches.values()):
            bench.stop()

    def _task_finished(self) -> None:
        if not self.running:
            self.refresh()
            self.refresh_timer.stop()
            self.update_buttons()
            failed = [r for r in self.runs if r.result is not None and r.result.error is not None]
            for run in failed:
                if getattr(run, "_reported", False):
                    continue
                run._reported = True
                error = run.result.error
                if not isinstance(error, Cancelled):
                    self.app.show_error(
                        error,
                        self.tr("The benchmark on %1 failed").replace("%1", run.device_name),
                    )

    def clear(self) -> None:
        if self.running:
            return
        for run in list(self.runs):
            self._remove_curves(run)
        self.runs.clear()
        self.run_map.clear()
        self.hist_plot.clear()
        self.hist_item = None
        self.stats_table.setRowCount(0)
        self.budget_badge.set_verdict(None)
        self.budget_label.clear()
        self.telemetry_label.clear()
        self.update_buttons()

    def update_buttons(self) -> None:
        running = self.running
        self.start_button.setEnabled(
            not running and bool(self.app.state.ready_devices) and bool(self.app.state.artifacts)
        )
        self.stop_button.setEnabled(running)
        self.clear_button.setEnabled(not running and bool(self.runs))
        has = any(len(r.latencies_ms) for r in self.runs)
        for button in (self.export_png_button, self.export_csv_button, self.export_json_button):
            button.setEnabled(has and not running)

    # --- drawing -------------------------------------------------------------------------

    def _color(self, run: LiveRun) -> str:
        return COLORS[self.runs.index(run) % len(COLORS)]

    def _remove_curves(self, run: LiveRun) -> None:
        curves = self.curves.pop(run.key, None)
        if curves:
            series, cdf_curve = curves
            self.series_plot.removeItem(series)
            self.cdf_plot.removeItem(cdf_curve)
            self.series_legend.removeItem(series)

    def _curves(self, run: LiveRun):
        curves = self.curves.get(run.key)
        if curves is None:
            pen = pg.mkPen(self._color(run), width=1.5)
            series = self.series_plot.plot([], [], pen=pen, name=run.label)
            cdf_curve = self.cdf_plot.plot([], [], pen=pg.mkPen(self._color(run), width=2))
            curves = self.curves[run.key] = (series, cdf_curve)
        return curves

    def _draw_budget_lines(self) -> None:
        for line in self.budget_lines:
            self.series_plot.removeItem(line)
        self.budget_lines = []
        for budget in getattr(self, "budgets", []):
            if budget.metric == "throughput":
                continue
            line = pg.InfiniteLine(
                pos=budget.limit,
                angle=0,
                pen=pg.mkPen("#c62828", style=Qt.PenStyle.DashLine),
                label=budget.text,
                labelOpts={"position": 0.04, "color": "#c62828", "anchors": [(0, 1), (0, 1)]},
            )
            self.series_plot.addItem(line)
            self.budget_lines.append(line)

    def refresh(self) -> None:
        """Draw what arrived: the series every tick, histogram, CDF and table 5 times a second."""
        self._ticks += 1
        slow = self._ticks % SLOW_EVERY == 0 or not self.running
        for run in self.runs:
            if run.drain():
                self._dirty.add(run.key)
                series = self._curves(run)[0]
                lat = run.latencies_ms
                start = max(0, len(lat) - SERIES_WINDOW)
                series.setData(np.arange(start, len(lat)), lat[start:])
        if not slow:
            return
        for run in self.runs:
            if run.key in self._dirty:
                x, y = cdf(run.latencies_ms)
                self._curves(run)[1].setData(x, y)
        latest = next((r for r in reversed(self.runs) if len(r.latencies_ms)), None)
        if latest is not None and latest.key in self._dirty:
            counts, edges = np.histogram(latest.latencies_ms, bins=40)
            if self.hist_item is None:
                self.hist_item = self.hist_plot.plot([0, 1], [0], stepMode="center", fillLevel=0)
            color = self._color(latest)
            self.hist_item.setData(edges, counts)
            self.hist_item.setPen(pg.mkPen(color))
            self.hist_item.setBrush(pg.mkBrush(color + "99"))
            self.hist_plot.setTitle(self.tr("Histogram: %1").replace("%1", latest.label))
        self._dirty.clear()
        self.show_stats()

    def show_stats(self) -> None:
        self.stats_table.setRowCount(len(self.runs))
        verdicts = []
        checks_text = []
        telemetry = []
        for row, run in enumerate(self.runs):
            stats = run.current_stats().to_dict(3)
            result = run.result
            runtime = (result.runtime if result is not None and result.runtime else "") or ""
            status = run.status
            if result is not None and result.error is not None:
                status = result.error.one_line()
            cells = [run.label, runtime, status]
            cells += [
                str(stats[k])
                if k == "count"
                else f"{stats[k]:.3f}"
                if k != "throughput"
                else f"{stats[k]:.1f}"
                for k in STATS_COLUMNS
            ]
            budget_text = ""
            if result is not None and getattr(self, "budgets", None):
                passed = result.budget.get("passed")
                verdicts.append("pass" if passed else "fail")
                budget_text = "✔" if passed else "✖"
                for check in result.budget.get("checks", []):
                    value = check.get("value_ms", check.get("value"))
                    checks_text.append(
                        f"{run.label}: {check['budget']} → {value} "
                        + ("✔" if check["passed"] else "✖")
                    )
            cells.append(budget_text)
            for col, text in enumerate(cells):
                item = self.stats_table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.stats_table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
            if result is not None and result.telemetry:
                telemetry.append(self._telemetry_text(run))
        if verdicts:
            self.budget_badge.set_verdict("fail" if "fail" in verdicts else "pass")
        elif not getattr(self, "budgets", None):
            self.budget_badge.set_verdict(None)
        self.budget_label.setText("\n".join(checks_text))
        self.telemetry_label.setText("\n".join(t for t in telemetry if t))

    def _telemetry_text(self, run: LiveRun) -> str:
        """Memory of the agent and temperatures, before and after the run, when the phone says."""
        before = run.result.telemetry.get("before") or {}
        after = run.result.telemetry.get("after") or {}
        parts = []
        rss = [t.get("rss_bytes") for t in (before, after) if t.get("rss_bytes")]
        if rss:
            parts.append(
                self.tr("memory %1 MB").replace("%1", " → ".join(f"{v / 2**20:.0f}" for v in rss))
            )
        for key, title in (("cpu_temp_c", self.tr("CPU")), ("battery_temp_c", self.tr("battery"))):
            values = [t.get(key) for t in (before, after) if t.get(key) is not None]
            if values:
                parts.append(f"{title} " + " → ".join(f"{v:.1f} °C" for v in values))
        return f"{run.label}: " + ", ".join(parts) if parts else ""

    # --- export --------------------------------------------------------------------------

    def _export_dialog(self, fmt: str) -> None:
        start = Path(self.app.settings.folder("exports") or Path.home()) / f"latency.{fmt}"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), str(start), f"*.{fmt}")
        if path:
            self.export(path, fmt)

    def export(self, path: str, fmt: str) -> bool:
        self.app.settings.set_folder("exports", path)
        try:
            if fmt == "png":
                from studio.fileio import atomic_path

                with atomic_path(Path(path)) as tmp:
                    if not self.plots.grab().save(str(tmp), "PNG"):
                        raise InputError(
                            self.tr("The picture could not be written to %1").replace("%1", path)
                        )
            else:
                from studio.agent.results import export_results

                results = [r.result for r in self.runs if r.result is not None]
                if not results:
                    raise InputError(self.tr("No finished run to export yet"))
                export_results(results, path)
        except (StudioError, OSError) as exc:
            self.app.show_error(as_studio_error(exc), self.tr("The export failed"))
            return False
        self.app.statusBar().showMessage(self.tr("Exported %1").replace("%1", path), 5000)
        return True

    def shutdown(self) -> None:
        self.stop()
        self.refresh_timer.stop()
