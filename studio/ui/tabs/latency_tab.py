"""The Latency tab: benchmark artifacts on devices, live plots, statistics, budgets, export.

The tab is a view of a :class:`~studio.ui.latency_run.LatencyRuns`: its plots
(:class:`~studio.ui.widgets.latency_plots.LatencyPlots`), statistics table and budget
badge draw what the runs hold; benchmark threads only add samples to the runs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
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

from studio import artifacts
from studio.errors import Cancelled, InputError, StudioError, as_studio_error
from studio.ui.latency_run import (
    UNIT,
    LatencyRun,
    LatencyRuns,
    budget_check_text,
    cdf,
    run_queue,
)
from studio.ui.latency_together import run_together, slowdown_text
from studio.ui.latency_verify import verification_text
from studio.ui.threads import run_task
from studio.ui.widgets.badges import Badge
from studio.ui.widgets.errors import on_screen_line
from studio.ui.widgets.latency_plots import COLORS, EXPORT_SIZE, LatencyPlots
from studio.ui.widgets.names import device_label
from studio.ui.widgets.steps import guide_label
from studio.ui.widgets.telemetry_plot import TelemetryPlot

log = logging.getLogger("studio.ui")

RUNTIMES = ("auto", *artifacts.RUNTIMES)
REFRESH_MS = 50  # the series redraws at most 20 times a second
SLOW_EVERY = 4  # histogram, CDF and statistics every 4th time
STATS_COLUMNS = ("count", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "min_ms", "max_ms", "throughput")
TABLE_ROWS_SHOWN = 3  # the statistics table is never smaller than this many rows


class LatencyTab(QWidget):
    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.app = app
        self.model = LatencyRuns()
        self.model.added.connect(self._run_added)
        self.model.removed.connect(self._run_removed)
        self.tasks: list = []
        self._ticks = 0
        self._dirty: set = set()
        self._reported: set = set()  # runs whose end was told (error dialog, status bar)
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
        splitter.addWidget(self._settings_panel())

        right = QSplitter(Qt.Orientation.Vertical)
        self.plots = LatencyPlots()
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda _scheme: self.plots.apply_colors()
        )
        right.addWidget(self.plots)
        self.stats_table = self._stats_table()
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.stats_table, 1)
        results_layout.addLayout(self.export_row)
        right.addWidget(results)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        self.telemetry_plot = TelemetryPlot()  # temperature and frequency, on the series' axis
        self.telemetry_plot.follow(self.plots.series_plot)
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda _scheme: self.telemetry_plot.apply_colors()
        )
        right.insertWidget(1, self.telemetry_plot)
        right.setStretchFactor(1, 2)
        right.setChildrenCollapsible(False)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.app.state.model_opened.connect(self.model_opened)
        self.update_buttons()
        self.show_verdict()
        cdf([0.0, 1.0])  # numpy loads its quantile code on first use: not mid-stream

    # --- building ------------------------------------------------------------------------

    def _settings_panel(self) -> QWidget:
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
        self.together_check = QCheckBox(self.tr("Run them together"))
        self.together_check.setToolTip(
            self.tr(
                "Run the ticked artifacts at the same time on one device, each alone first, "
                "to see how much each slows down beside the others"
            )
        )
        art_layout.addWidget(self.together_check)
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
        self.verify_check = QCheckBox(self.tr("Verify outputs on the device"))
        self.verify_check.setToolTip(
            self.tr(
                "After the run, the device also computes the conversion's verification "
                "inputs and its outputs are compared with the computer's (report.json and "
                "verification.npz beside the artifact)"
            )
        )
        how.addRow(self.verify_check)
        form_layout.addWidget(how_box)

        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.clicked.connect(self.start)
        buttons.addWidget(self.start_button)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("End the runs measuring now; queued runs go on"))
        self.stop_button.clicked.connect(self.stop)
        buttons.addWidget(self.stop_button)
        self.stop_all_button = QPushButton(self.tr("Stop all"))
        self.stop_all_button.setToolTip(self.tr("End the runs measuring now and the queued ones"))
        self.stop_all_button.clicked.connect(self.stop_all)
        buttons.addWidget(self.stop_all_button)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        buttons.addWidget(self.clear_button)
        form_layout.addLayout(buttons)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        form_layout.addWidget(self.status_label)
        verdict_row = QHBoxLayout()
        self.budget_title = QLabel(self.tr("Budget:"))
        verdict_row.addWidget(self.budget_title)
        self.budget_badge = Badge(None, settings)
        verdict_row.addWidget(self.budget_badge)
        verdict_row.addStretch(1)
        form_layout.addLayout(verdict_row)
        self.budget_label = QLabel()
        self.budget_label.setWordWrap(True)
        form_layout.addWidget(self.budget_label)
        self.together_label = QLabel()
        self.together_label.setWordWrap(True)
        form_layout.addWidget(self.together_label)
        self.verify_label = QLabel()  # the verdict on the device's outputs, per verified run
        self.verify_label.setWordWrap(True)
        form_layout.addWidget(self.verify_label)
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
        export_row.addStretch(1)
        export_row.addWidget(QLabel(self.tr("Export:")))
        for button in self.export_buttons:
            export_row.addWidget(button)
        self.export_row = export_row  # under the statistics it exports, never scrolled away
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(settings)
        scroll.setMinimumWidth(360)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    def _stats_table(self) -> QTableWidget:
        headers = [self.tr("Run"), self.tr("Runtime"), self.tr("Status"), self.tr("samples")]
        headers += [
            f"{name} {UNIT}"
            for name in (
                self.tr("mean"),
                self.tr("p50"),
                self.tr("p90"),
                self.tr("p99"),
                self.tr("min"),
                self.tr("max"),
            )
        ]
        headers += [self.tr("per s"), self.tr("Budget")]
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(40)
        # the run's name is shown whole (the table scrolls sideways if it must); its status
        # takes what is left and elides
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        rows = table.verticalHeader().defaultSectionSize() * TABLE_ROWS_SHOWN
        scrollbar = table.horizontalScrollBar().sizeHint().height()
        table.setMinimumHeight(
            header.sizeHint().height() + rows + scrollbar + 2 * table.frameWidth()
        )
        return table

    @property
    def export_buttons(self) -> tuple:
        return (self.export_png_button, self.export_csv_button, self.export_json_button)

    # --- what the tests and the window read -----------------------------------------------

    @property
    def runs(self) -> list[LatencyRun]:
        return self.model.runs

    @property
    def curves(self) -> dict:
        return self.plots.curves

    # --- choices -------------------------------------------------------------------------

    def refresh_choices(self) -> None:
        self._fill(
            self.device_list,
            [(d.serial, device_label(d)) for d in self.app.state.ready_devices],
        )
        self._fill(self.artifact_list, [(str(a.path), a.name) for a in self.app.state.artifacts])
        self.update_buttons()

    def model_opened(self) -> None:
        """Another model: its artifacts are not the previous one's, nor are their runs."""
        self.artifact_list.clear()
        self.stop_all()
        self.clear(force=True)
        self.refresh_choices()

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
            verify=self.verify_check.isChecked(),
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
            together = self.together_check.isChecked()
            if together and len(artifacts) < 2:
                raise InputError(self.tr("Tick at least two artifacts to run them together"))
            if together and len(devices) != 1:
                raise InputError(
                    self.tr("Artifacts run together on one device: tick only one"),
                    hint=self.tr("Start them on each device in turn to compare devices."),
                )
            config = self.config()
        except StudioError as exc:
            self.app.show_error(exc, self.tr("The benchmark cannot start"))
            return
        by_serial = {d.serial: d for d in self.app.state.devices}
        self.tasks = []
        self.model.budgets = config.budgets
        self.plots.set_budgets(config.budgets)
        for serial in devices:
            device = by_serial.get(serial)
            if device is None:
                continue
            queue = [
                self.model.add(
                    LatencyRun(
                        serial,
                        device.name,
                        artifact,
                        virtual=device.virtual,
                        device_label=device_label(device),
                        status=self.tr("waiting"),
                    )
                )
                for artifact in artifacts
            ]
            task = run_task(
                "bench",
                run_together if together else run_queue,
                queue,
                device.server,
                config,
                skipped=self.tr("not run"),
            )
            task.finished.connect(self._task_finished)
            self.tasks.append(task)
        self.refresh_timer.start()
        self.update_buttons()

    def stop(self) -> None:
        """End the runs that measure now; the queued runs start after them."""
        self.model.stop_measuring()

    def stop_all(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.model.stop_all()

    def _task_finished(self) -> None:
        if self.running:
            return
        self.refresh()
        self.refresh_timer.stop()
        self.update_buttons()
        for run in self.runs:
            if run.result is None or run in self._reported:
                continue
            self._reported.add(run)
            error = run.result.error
            if error is None:
                self._tell_measured(run)
            elif not isinstance(error, Cancelled):
                self.app.show_error(
                    error, self.tr("The benchmark on %1 failed").replace("%1", run.device_label)
                )

    def _tell_measured(self, run: LatencyRun) -> None:
        stats = run.stats()
        self.app.statusBar().showMessage(
            self.tr("%1: p50 %2 %4, p90 %3 %4 over %5 runs")
            .replace("%1", run.label)
            .replace("%2", f"{stats.p50_ms:.3f}")
            .replace("%3", f"{stats.p90_ms:.3f}")
            .replace("%4", UNIT)
            .replace("%5", str(stats.count)),
            15000,
        )

    def clear(self, force: bool = False) -> None:
        if self.running and not force:
            return
        self.model.clear()
        self.plots.clear_histogram()
        self.stats_table.setRowCount(0)
        self._reported.clear()
        self.show_verdict()
        self.telemetry_label.clear()
        self.together_label.clear()
        self.update_buttons()

    def update_buttons(self) -> None:
        running = self.running
        self.start_button.setEnabled(
            not running and bool(self.app.state.ready_devices) and bool(self.app.state.artifacts)
        )
        self.stop_button.setEnabled(running)
        self.stop_all_button.setEnabled(running)
        self.clear_button.setEnabled(not running and bool(self.runs))
        has = self.model.has_samples
        for button in self.export_buttons:
            button.setEnabled(has and not running)

    # --- drawing -------------------------------------------------------------------------

    def color(self, run: LatencyRun) -> str:
        return COLORS[self.model.index(run) % len(COLORS)]

    def _run_added(self, run: LatencyRun) -> None:
        self.plots.add_run(run, self.color(run))  # its plot items exist before samples arrive

    def _run_removed(self, run: LatencyRun) -> None:
        self.plots.remove_run(run)
        self._dirty.discard(run.key)
        self._reported.discard(run)

    def refresh(self) -> None:
        """Draw what arrived: the series every tick, histogram, CDF and table 5 times a second."""
        self._ticks += 1
        slow = self._ticks % SLOW_EVERY == 0 or not self.running
        for run in self.runs:
            if run.take_new():
                self._dirty.add(run.key)
                self.plots.draw_series(run)
        if not slow:
            return
        for run in self.runs:
            if run.key in self._dirty:
                self.plots.draw_cdf(run)
        latest = self.model.latest_with_samples()
        if latest is not None and latest.key in self._dirty:
            self.plots.draw_histogram(latest, self.color(latest))
        self._dirty.clear()
        self.telemetry_plot.show_runs(self.runs)
        self.show_stats()

    def show_stats(self) -> None:
        self.stats_table.setRowCount(len(self.runs))
        telemetry = []
        for row, run in enumerate(self.runs):
            stats = run.stats().to_dict(3)
            result = run.result
            runtime = (result.runtime if result is not None and result.runtime else "") or ""
            status = run.status
            if run.error is not None:
                status = on_screen_line(run.error)
            cells = [run.label, runtime, status]
            cells += [
                str(stats[k])
                if k == "count"
                else f"{stats[k]:.1f}"
                if k == "throughput"
                else f"{stats[k]:.3f}"
                for k in STATS_COLUMNS
            ]
            checks = result.budget.checks if result is not None else []
            passed = result is not None and result.budget.passed
            cells.append(("✔" if passed else "✖") if checks else "")
            for col, text in enumerate(cells):
                item = self.stats_table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.stats_table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
                    item.setToolTip(text)
            if result is not None and result.telemetry:
                telemetry.append(self._telemetry_text(run))
        self.show_verdict()
        self.telemetry_label.setText("\n".join(t for t in telemetry if t))
        slower = self.tr("%1: p50 %2 %4 alone, %3 %4 together (%5× slower)")
        lines = [slowdown_text(run, slower) for run in self.runs]
        self.together_label.setText("\n".join(line for line in lines if line))

    def show_verdict(self) -> None:
        """The budget's badge and checks, once a run with a budget ended; nothing before."""
        verdict = self.model.verdict()
        self.budget_badge.set_verdict(verdict)
        self.budget_title.setVisible(verdict is not None)
        lines = []
        for run in self.runs:
            if run.result is None or run.error is not None:
                continue
            for check in run.result.budget.checks:
                lines.append(f"{run.label}: {budget_check_text(check)}")
        self.budget_label.setText("\n".join(lines))
        verified = self.tr(
            "%1: outputs on the device %2 (cosine %3, top-1 %4, max error %5, %6 samples)"
        )
        verdicts = {"pass": self.tr("pass"), "warn": self.tr("warn"), "fail": self.tr("FAIL")}
        texts = [verification_text(run, verified, verdicts) for run in self.runs]
        self.verify_label.setText("\n".join(text for text in texts if text))

    def _telemetry_text(self, run: LatencyRun) -> str:
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

    def picture(self):
        """The plots as a picture of :data:`EXPORT_SIZE`, whatever the window's size."""
        plots = LatencyPlots()
        try:
            plots.resize(*EXPORT_SIZE)
            plots.draw_all(self.model, self.color)
            return plots.grab().toImage()
        finally:
            plots.deleteLater()

    def export(self, path: str, fmt: str) -> bool:
        self.app.settings.set_folder("exports", path)
        try:
            if fmt == "png":
                from studio.fileio import atomic_path

                with atomic_path(Path(path)) as tmp:
                    if not self.picture().save(str(tmp), "PNG"):
                        raise InputError(
                            self.tr("The picture could not be written to %1").replace("%1", path)
                        )
            else:
                from studio.agent.export import write_results

                results = self.model.finished()
                if not results:
                    raise InputError(self.tr("No finished run to export yet"))
                write_results(results, path)
        except (StudioError, OSError) as exc:
            self.app.show_error(as_studio_error(exc), self.tr("The export failed"))
            return False
        self.app.statusBar().showMessage(self.tr("Exported %1").replace("%1", path), 5000)
        return True

    def shutdown(self) -> None:
        self.stop_all()
        self.refresh_timer.stop()
