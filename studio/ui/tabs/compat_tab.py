"""The Compatibility tab: artifacts × runtimes verdicts, the operators, advice, fixes, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.compat.fixes import FixResult
from studio.compat.profiles import RuntimeProfile
from studio.compat.report import CompatReport, Fix, RuntimeVerdict
from studio.errors import Cancelled, StudioError
from studio.jobs.results import CheckResult
from studio.ui.state import Artifact
from studio.ui.threads import run_task
from studio.ui.widgets.badges import verdict_color, verdict_label, verdict_text
from studio.ui.widgets.failed import failed_explanation, failed_note
from studio.ui.widgets.progress import ProgressPanel
from studio.ui.widgets.steps import guide_label, next_step_button

NOT_APPLICABLE = "n/a"


def device_profiles(devices: list[tuple[str, str]]) -> dict[str, list[RuntimeProfile]]:
    """Ask the agent on each (serial, server) for the runtimes it has."""
    from studio.agent.device_profiles import device_runtime_profiles

    return {serial: device_runtime_profiles(serial, server) for serial, server in devices}


class VerdictCellDelegate(QStyledItemDelegate):
    """Paints a selected cell in its verdict colour with a frame, instead of the selection
    colour that would hide the verdict."""

    def paint(self, painter, option, index) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if not selected or index.data(Qt.ItemDataRole.BackgroundRole) is None:
            super().paint(painter, option, index)
            return
        plain = QStyleOptionViewItem(option)  # the style would tint the cell for both
        plain.state = plain.state & ~QStyle.StateFlag.State_Selected
        plain.state = plain.state & ~QStyle.StateFlag.State_HasFocus
        super().paint(painter, plain, index)
        painter.save()
        painter.setPen(QPen(option.palette.highlight().color(), 3))
        painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()


def _readonly_table(columns: int = 0) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class CompatTab(QWidget):
    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.app = app
        self.job = None
        self.fix_job = None
        self.export_job = None
        self.devices_task = None
        self.reports: list[CompatReport] = []
        self.stale = True

        layout = QVBoxLayout(self)
        self.guide = guide_label(
            layout,
            self.tr(
                "Step 3: see which phone runtimes can run each artifact. Green runs, orange runs "
                "partly on the CPU instead of the accelerator, red will not load or run."
            ),
        )

        top = QHBoxLayout()
        self.check_button = QPushButton(self.tr("Check again"))
        self.check_button.clicked.connect(self.check)
        top.addWidget(self.check_button)
        self.device_button = QPushButton(self.tr("Ask connected devices for their runtimes"))
        self.device_button.clicked.connect(self.ask_devices)
        top.addWidget(self.device_button)
        top.addStretch(1)
        self.export_html_button = QPushButton(self.tr("Export HTML…"))
        self.export_html_button.clicked.connect(lambda: self._export_dialog("html"))
        top.addWidget(self.export_html_button)
        self.export_csv_button = QPushButton(self.tr("Export CSV…"))
        self.export_csv_button.clicked.connect(lambda: self._export_dialog("csv"))
        top.addWidget(self.export_csv_button)
        layout.addLayout(top)
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)

        splitter = QSplitter(Qt.Orientation.Vertical)
        grid_box = QGroupBox(self.tr("Verdicts: artifacts × runtimes"))
        grid_layout = QVBoxLayout(grid_box)
        self.grid = _readonly_table()
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setItemDelegate(VerdictCellDelegate(self.grid))
        self.grid.currentCellChanged.connect(lambda *_: self.cell_changed())
        grid_layout.addWidget(self.grid)
        splitter.addWidget(grid_box)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        ops_box = QGroupBox(self.tr("Operators"))
        ops_layout = QVBoxLayout(ops_box)
        filter_row = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("filter operators, e.g. conv"))
        self.filter_edit.textChanged.connect(self.apply_filter)
        filter_row.addWidget(self.filter_edit, 1)
        self.problems_only = QCheckBox(self.tr("problems only"))
        self.problems_only.toggled.connect(self.apply_filter)
        filter_row.addWidget(self.problems_only)
        ops_layout.addLayout(filter_row)
        self.ops_table = _readonly_table()
        self.ops_table.setSortingEnabled(True)
        ops_layout.addWidget(self.ops_table)
        bottom.addWidget(ops_box)

        advice_box = QGroupBox(self.tr("What it means and what to do"))
        advice_layout = QVBoxLayout(advice_box)
        self.advice = QTextBrowser()
        self.advice.setOpenExternalLinks(False)
        advice_layout.addWidget(self.advice, 1)
        self.fix_button = QPushButton(self.tr("Apply the fix"))
        self.fix_button.setEnabled(False)
        self.fix_button.clicked.connect(self.apply_fix)
        advice_layout.addWidget(self.fix_button)
        bottom.addWidget(advice_box)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 2)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.next_button = next_step_button(
            layout, self.tr("Next: put it on a phone →"), lambda: self.app.go_to("devices")
        )
        self.update_buttons()
        self.app.state.model_opened.connect(self.model_opened)

    # --- checking ------------------------------------------------------------------------

    def model_opened(self) -> None:
        """Another model was opened: the reports of the previous one's artifacts go."""
        if self.job is not None and not self.job.done:
            self.app.worker.cancel(self.job)
        self.reports = []
        self.stale = True
        self.show_grid()
        self.update_buttons()

    def artifacts_changed(self) -> None:
        self.stale = True
        if self.isVisible():
            self.check()

    def devices_changed(self) -> None:
        self.update_buttons()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale and self.app.state.artifacts:
            self.check()

    def profiles(self) -> list[dict]:
        """The runtimes devices reported, as the check job takes them."""
        runtimes = self.app.state.device_runtimes.values()
        return [p.to_dict() for profiles in runtimes for p in profiles]

    def check(self) -> None:
        artifacts = [str(a.path) for a in self.app.state.artifacts if a.path.exists()]
        if not artifacts:
            return
        if self.job is not None and not self.job.done:
            self.app.worker.cancel(self.job)
        self.stale = False
        self.progress.setVisible(True)
        self.progress.start()
        self.job = self.app.worker.submit(
            "check", {"artifacts": artifacts, "profiles": self.profiles()}
        )
        self.job.progress.connect(self.progress.update_event)
        self.job.succeeded.connect(self._checked)
        self.job.failed.connect(self._failed)
        self.update_buttons()

    def cancel(self) -> None:
        if self.job is not None:
            self.app.worker.cancel(self.job)

    def _checked(self, result: CheckResult) -> None:
        self.progress.finish()
        self.progress.setVisible(False)
        current = {a.path for a in self.app.state.artifacts}
        self.reports = [r for r in result.reports if r.artifact in current]
        self.app.state.set_compat(result)
        self.show_grid()
        self.update_buttons()

    def _failed(self, error: StudioError) -> None:
        self.progress.finish(error.message)
        self.update_buttons()
        if not isinstance(error, Cancelled):
            self.app.show_error(error, self.tr("The check failed"))

    # --- showing -------------------------------------------------------------------------

    def runtime_columns(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for report in self.reports:
            for runtime in report.runtimes:
                seen.setdefault(runtime.name, runtime.title)
        return list(seen.items())

    def show_grid(self) -> None:
        columns = self.runtime_columns()
        self.grid.clear()
        self.grid.setColumnCount(len(columns) + 1)
        self.grid.setRowCount(len(self.reports))
        self.grid.setHorizontalHeaderLabels([self.tr("Artifact")] + [name for name, _ in columns])
        for col, (_name, title) in enumerate(columns, start=1):
            self.grid.horizontalHeaderItem(col).setToolTip(title)
        for row, report in enumerate(self.reports):
            failed = self.failed_verification(report)
            item = QTableWidgetItem(report.artifact.name)
            item.setToolTip(str(report.artifact))
            if failed:
                item.setText(f"{verdict_label('fail')} {item.text()} — {failed_note()}")
                item.setBackground(QBrush(verdict_color("fail")))
                item.setForeground(QBrush(QColor("white")))
                item.setToolTip(failed_explanation(report.artifact.name))
            self.grid.setItem(row, 0, item)
            verdicts = {r.name: r for r in report.runtimes}
            for col, (name, _title) in enumerate(columns, start=1):
                runtime = verdicts.get(name)
                if runtime is None:
                    cell = QTableWidgetItem(NOT_APPLICABLE)
                    cell.setForeground(QBrush(QColor("#9e9e9e")))
                    cell.setToolTip(self.tr("not checked: this runtime reads other files"))
                else:
                    # a failed artifact loads, but gives wrong answers: never green
                    verdict = "fail" if failed else runtime.verdict
                    text = verdict_label(verdict)
                    if failed and runtime.verdict != "fail":
                        text = f"{verdict_label('fail')} {failed_note()}"
                    cell = QTableWidgetItem(text)
                    cell.setBackground(QBrush(verdict_color(verdict)))
                    cell.setForeground(QBrush(QColor("white")))
                    cell.setToolTip(runtime.summary())
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.grid.setItem(row, col, cell)
        if self.reports:
            self.grid.setCurrentCell(0, 1 if columns else 0)
        self.cell_changed()

    def artifact_of(self, report: CompatReport) -> Artifact | None:
        return next((a for a in self.app.state.artifacts if a.path == report.artifact), None)

    def failed_verification(self, report: CompatReport) -> bool:
        artifact = self.artifact_of(report)
        return bool(artifact and artifact.failed)

    def selected(self) -> tuple[CompatReport | None, RuntimeVerdict | None]:
        """The report of the selected row and the runtime verdict of the selected cell."""
        row, col = self.grid.currentRow(), self.grid.currentColumn()
        if not (0 <= row < len(self.reports)):
            return None, None
        report = self.reports[row]
        columns = self.runtime_columns()
        name = columns[col - 1][0] if 1 <= col <= len(columns) else None
        runtime = next((r for r in report.runtimes if r.name == name), None)
        if runtime is None and report.runtimes:
            runtime = report.runtimes[0]
        return report, runtime

    def cell_changed(self) -> None:
        report, runtime = self.selected()
        self.show_operators(report)
        self.show_advice(report, runtime)
        self.update_buttons()

    def show_operators(self, report: CompatReport | None) -> None:
        self.ops_table.setSortingEnabled(False)
        self.ops_table.clear()
        if report is None:
            self.ops_table.setRowCount(0)
            return
        names = [r.name for r in report.runtimes]
        self.ops_table.setColumnCount(2 + len(names))
        self.ops_table.setHorizontalHeaderLabels([self.tr("Operator"), self.tr("Count"), *names])
        operators = report.operators
        self.ops_table.setRowCount(len(operators))
        for row, op in enumerate(operators):
            self.ops_table.setItem(row, 0, QTableWidgetItem(op.name))
            count = QTableWidgetItem()
            count.setData(Qt.ItemDataRole.DisplayRole, op.count)
            self.ops_table.setItem(row, 1, count)
            for col, name in enumerate(names, start=2):
                status = op.status.get(name, "")
                cell = QTableWidgetItem(verdict_text(status))
                cell.setForeground(QBrush(verdict_color(status)))
                note = op.notes.get(name)
                if note:
                    cell.setToolTip(note)
                self.ops_table.setItem(row, col, cell)
        self.ops_table.setSortingEnabled(True)
        self.apply_filter()

    def apply_filter(self) -> None:
        text = self.filter_edit.text().strip().lower()
        problems = self.problems_only.isChecked()
        ok = {verdict_text("supported"), verdict_text("delegated")}
        for row in range(self.ops_table.rowCount()):
            name = self.ops_table.item(row, 0).text().lower()
            statuses = [
                self.ops_table.item(row, col).text()
                for col in range(2, self.ops_table.columnCount())
                if self.ops_table.item(row, col)
            ]
            hidden = bool(text) and text not in name
            if problems and all(s in ok for s in statuses):
                hidden = True
            self.ops_table.setRowHidden(row, hidden)

    def visible_operators(self) -> list[str]:
        return [
            self.ops_table.item(row, 0).text()
            for row in range(self.ops_table.rowCount())
            if not self.ops_table.isRowHidden(row)
        ]

    def show_advice(self, report: CompatReport | None, runtime: RuntimeVerdict | None) -> None:
        if report is None or runtime is None:
            self.advice.setHtml(
                "<p>" + self.tr("Convert a model to see here whether phones can run it.") + "</p>"
            )
            return
        name = report.artifact.name
        parts = [f"<h3>{name} → {runtime.title}</h3>"]
        if self.failed_verification(report):
            parts.append(
                f"<p><b style='color:{verdict_color('fail').name()}'>"
                f"{verdict_label('fail')} {failed_note()}</b> — {failed_explanation(name)}</p>"
            )
        parts.append(
            f"<p><b style='color:{verdict_color(runtime.verdict).name()}'>"
            f"{verdict_label(runtime.verdict)}</b> — {runtime.summary()}</p>"
        )
        if runtime.problems:
            parts.append("<ul>" + "".join(f"<li>{p}</li>" for p in runtime.problems) + "</ul>")
        advice = list(runtime.advice)
        if runtime.fixes:
            advice.append(
                self.tr("Press “%1” below.").replace("%1", self.fix_text(runtime.fixes[0]))
            )
        if advice:
            parts.append(
                "<p><b>"
                + self.tr("What to do")
                + "</b></p><ul>"
                + "".join(f"<li>{a}</li>" for a in advice)
                + "</ul>"
            )
        facts, found = [], report.operator_set
        if found.bytecode_version is not None:
            facts.append(self.tr("bytecode version %1").replace("%1", str(found.bytecode_version)))
        if found.opsets:
            facts.append(", ".join(f"{d} opset {v}" for d, v in found.opsets.items() if v))
        if found.delegates:
            facts.append(self.tr("delegates: %1").replace("%1", ", ".join(found.delegates)))
        if facts:
            parts.append(f"<p><i>{report.title}: {'; '.join(facts)}</i></p>")
        self.advice.setHtml("".join(parts))

    # --- actions -------------------------------------------------------------------------

    def current_fix(self) -> tuple[CompatReport | None, Fix | None]:
        report, runtime = self.selected()
        fixes = runtime.fixes if runtime is not None else []
        return report, (fixes[0] if fixes else None)

    def update_buttons(self) -> None:
        has = bool(self.reports)
        busy = self.job is not None and not self.job.done
        self.check_button.setEnabled(bool(self.app.state.artifacts) and not busy)
        self.export_html_button.setEnabled(has)
        self.export_csv_button.setEnabled(has)
        self.device_button.setEnabled(bool(self.app.state.ready_devices))
        report, fix = self.current_fix()
        fixing = self.fix_job is not None and not self.fix_job.done
        self.fix_button.setEnabled(fix is not None and not fixing)
        self.fix_button.setText(self.fix_text(fix))
        self.fix_button.setToolTip(
            self.tr("Writes a new artifact beside this one and verifies it")
            if fix
            else self.tr("No fix for this cell")
        )

    def fix_text(self, fix: Fix | None) -> str:
        if fix is None:
            return self.tr("Apply the fix")
        return self.tr("Apply the fix: %1").replace("%1", fix.description)

    def apply_fix(self) -> None:
        report, fix = self.current_fix()
        if fix is None:
            return
        self.fix_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.start()
        params = {"artifact": str(report.artifact), "action": fix.action, "value": fix.value}
        model = self.app.state.model_params  # the Model tab's inputs
        shapes = [t["shape"] for t in model.get("inputs") or []]
        if not shapes and model.get("input_shape"):
            shapes = [model["input_shape"]]
        if shapes:
            params["input_shapes"] = [list(shape) for shape in shapes]
        self.fix_job = self.app.worker.submit("fix", params)
        self.fix_job.progress.connect(self.progress.update_event)
        self.fix_job.succeeded.connect(self._fixed)
        self.fix_job.failed.connect(self._fix_failed)

    def _fixed(self, result: FixResult) -> None:
        self.progress.finish(
            self.tr("Wrote %1, verified (largest difference %2).")
            .replace("%1", result.output.name)
            .replace("%2", f"{result.max_abs_error:.3g}")
        )
        source = next((a for a in self.app.state.artifacts if a.path == result.source), None)
        output = result.output
        self.app.state.add_artifact(
            Artifact(
                path=output,
                target=source.target if source else output.suffix.lstrip("."),
                size_bytes=output.stat().st_size,
                quantize=source.quantize if source else "none",
                runtime=source.runtime if source else "",
            )
        )

    def _fix_failed(self, error: StudioError) -> None:
        self.progress.finish(error.message)
        self.update_buttons()
        self.app.show_error(error, self.tr("The fix did not work"))

    def ask_devices(self) -> None:
        devices = [(d.serial, d.server) for d in self.app.state.ready_devices]
        if not devices:
            return
        self.device_button.setEnabled(False)
        self.guide.setText(self.tr("Asking the agent on each device for its runtimes…"))
        self.devices_task = run_task("device runtimes", device_profiles, devices)
        self.devices_task.succeeded.connect(self._device_profiles)
        self.devices_task.failed.connect(
            lambda error: self.app.show_error(error, self.tr("The device did not answer"))
        )
        self.devices_task.finished.connect(self.update_buttons)

    def _device_profiles(self, found: dict[str, list[RuntimeProfile]]) -> None:
        for serial, profiles in found.items():
            self.app.state.set_device_runtimes(serial, profiles)
        count = sum(len(p) for p in found.values())
        self.guide.setText(
            self.tr(
                "%1 runtimes reported by devices are checked alongside the built-in ones."
            ).replace("%1", str(count))
        )
        self.check()

    def _export_dialog(self, fmt: str) -> None:
        report, _ = self.selected()
        if report is None:
            return
        suffix = ".html" if fmt == "html" else ".csv"
        start = Path(self.app.settings.folder("exports") or report.artifact.parent)
        name = report.artifact.stem + "-compatibility" + suffix
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the report"), str(start / name), f"*{suffix}"
        )
        if path:
            self.export_report(path, fmt)

    def export_report(self, path: str, fmt: str):
        """Write the selected artifact's report (HTML page or CSV table), as shown."""
        from studio.compat.export import write_report

        report, _ = self.selected()
        if report is None:
            return None
        self.app.settings.set_folder("exports", path)
        self.export_job = run_task("export report", write_report, report, path, fmt)
        self.export_job.succeeded.connect(
            lambda _r: self.app.statusBar().showMessage(
                self.tr("Report written to %1").replace("%1", path), 5000
            )
        )
        self.export_job.failed.connect(
            lambda error: self.app.show_error(error, self.tr("The report could not be written"))
        )
        return self.export_job
