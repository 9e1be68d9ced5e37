"""The Convert tab: a recipe as a form, Convert with progress and Cancel, the results.

The form's state and rules live in :class:`~studio.ui.convert_form.ConvertForm`: the widgets
show it and tell it what changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.convert.pipeline import clean_up_output, first_missing, planned_stages
from studio.convert.recipe import (
    CAPTURES,
    EXECUTORCH_BACKENDS,
    LITE_MIN_BYTECODE,
    ONNX_MAX_OPSET,
    ONNX_MIN_OPSET,
    QUANTIZE_MODES,
    TARGET_TITLES,
    TARGETS,
    Recipe,
)
from studio.convert.report import ArtifactReport, ConversionReport
from studio.convert.verify import Verification
from studio.errors import Cancelled, StudioError
from studio.ui.convert_form import Conflict, ConvertForm, Problem
from studio.ui.convert_results import Finding, advice, findings
from studio.ui.widgets.badges import verdict_color, verdict_label
from studio.ui.widgets.errors import on_screen_line
from studio.ui.widgets.progress import ProgressPanel
from studio.ui.widgets.sensitivity_panel import SensitivityPanel
from studio.ui.widgets.steps import guide_label
from studio.units import human_bytes

RECIPE_FILTER = "Recipes (*.toml);;All files (*)"
VERIFY_DATA_FILTER = (
    "Tensors (*.npz *.npy *.pt *.pth);;Images (*.png *.jpg *.jpeg *.bmp *.webp);;All files (*)"
)
# The stage bars get room for this many rows before they scroll.
VISIBLE_STAGES = 6


def _combo(values: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value, value)
    return combo


def _set_item_enabled(combo: QComboBox, index: int, enabled: bool, tip: str) -> None:
    item = combo.model().item(index)
    item.setEnabled(enabled)
    item.setToolTip(tip)


def _select(combo: QComboBox, value) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


class ConvertTab(QWidget):
    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.app = app
        self.job = None
        self.form = ConvertForm()
        self._showing = True  # widgets are being set from the form: their signals are not news
        self._output: Path | None = None  # the running conversion's output folder
        self._output_created: Path | None = None  # and the outermost folder it creates

        layout = QVBoxLayout(self)
        self.guide = guide_label(layout)
        splitter = QSplitter(Qt.Orientation.Horizontal)

        # --- the recipe form -------------------------------------------------------------
        form_widget = QWidget()
        form_layout = QVBoxLayout(form_widget)
        form_layout.setContentsMargins(0, 0, 0, 0)

        targets_box = QGroupBox(self.tr("Targets"))
        grid = QGridLayout(targets_box)
        self.target_boxes: dict[str, QCheckBox] = {}
        for i, target in enumerate(TARGETS):
            box = QCheckBox(f"{TARGET_TITLES[target]} (.{target})")
            box.toggled.connect(lambda on, t=target: self.form.set_target(t, on))
            self.target_boxes[target] = box
            grid.addWidget(box, i // 2, i % 2)
        form_layout.addWidget(targets_box)

        inputs_box = QGroupBox(self.tr("Inputs"))
        inputs_layout = QHBoxLayout(inputs_box)
        self.inputs_label = QLabel("–")
        self.inputs_label.setWordWrap(True)
        self.inputs_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inputs_label.setToolTip(
            self.tr(
                "The inputs the model is converted and verified with: each input's name, "
                "shape and data type. Change them in the Inputs table on the Model tab."
            )
        )
        inputs_layout.addWidget(self.inputs_label, 1)
        self.inputs_button = QPushButton(self.tr("Change…"))
        self.inputs_button.setToolTip(self.tr("Edit the inputs on the Model tab"))
        self.inputs_button.clicked.connect(lambda: self.app.go_to("model"))
        inputs_layout.addWidget(self.inputs_button)
        form_layout.addWidget(inputs_box)

        how_box = QGroupBox(self.tr("How"))
        how = QFormLayout(how_box)
        self.capture_combo = _combo(CAPTURES)
        self.capture_combo.currentIndexChanged.connect(
            lambda: self._update(capture=self.capture_combo.currentData())
        )
        how.addRow(self.tr("Capture:"), self.capture_combo)
        self.quantize_combo = _combo(QUANTIZE_MODES)
        self.quantize_combo.setItemText(0, self.tr("none (float32)"))
        self.quantize_combo.setItemText(1, self.tr("fp16"))
        self.quantize_combo.setItemText(2, self.tr("dynamic int8"))
        self.quantize_combo.setItemText(3, self.tr("static int8 (calibrated)"))
        self.quantize_combo.currentIndexChanged.connect(
            lambda: self._update(quantize=self.quantize_combo.currentData())
        )
        how.addRow(self.tr("Quantization:"), self.quantize_combo)
        cal_row = QHBoxLayout()
        self.calibration_edit = QLineEdit()
        self.calibration_edit.setPlaceholderText(
            self.tr("a folder of representative images or tensors")
        )
        self.calibration_edit.textChanged.connect(lambda text: self._update(calibration=text))
        cal_row.addWidget(self.calibration_edit, 1)
        self.calibration_browse = QPushButton(self.tr("Choose…"))
        self.calibration_browse.clicked.connect(
            lambda: self._choose_folder(self.calibration_edit, "calibration")
        )
        cal_row.addWidget(self.calibration_browse)
        how.addRow(self.tr("Calibration:"), cal_row)
        self.random_calibration = QCheckBox(
            self.tr("no data: calibrate on random inputs (low fidelity)")
        )
        self.random_calibration.toggled.connect(lambda on: self._update(random_calibration=on))
        how.addRow("", self.random_calibration)
        self.samples_spin = QSpinBox()
        self.samples_spin.setRange(1, 10000)
        self.samples_spin.valueChanged.connect(lambda n: self._update(samples=n))
        how.addRow(self.tr("Calibration samples:"), self.samples_spin)
        self._add_layer_plan_rows(how)
        form_layout.addWidget(how_box)

        options_box = QGroupBox(self.tr("Per-target options"))
        options = QFormLayout(options_box)
        self.opset_spin = QSpinBox()
        self.opset_spin.setRange(ONNX_MIN_OPSET, ONNX_MAX_OPSET)
        self.opset_spin.valueChanged.connect(lambda n: self._update(onnx_opset=n))
        options.addRow(self.tr("ONNX opset:"), self.opset_spin)
        self.dynamic_batch = QCheckBox(self.tr("dynamic batch size"))
        self.dynamic_batch.toggled.connect(lambda on: self._update(dynamic_batch=on))
        options.addRow("", self.dynamic_batch)
        self.bytecode_spin = QSpinBox()
        self.bytecode_spin.setRange(LITE_MIN_BYTECODE - 1, 99)
        self.bytecode_spin.setSpecialValueText(self.tr("newest"))
        self.bytecode_spin.valueChanged.connect(
            lambda n: self._update(lite_bytecode=n if n >= LITE_MIN_BYTECODE else None)
        )
        options.addRow(self.tr("Lite bytecode version:"), self.bytecode_spin)
        self.optimize_box = QCheckBox(self.tr("optimize for mobile (when this PyTorch can)"))
        self.optimize_box.toggled.connect(lambda on: self._update(optimize=on))
        options.addRow("", self.optimize_box)
        self.backend_combo = _combo(EXECUTORCH_BACKENDS)
        self.backend_combo.currentIndexChanged.connect(
            lambda: self._update(executorch_backend=self.backend_combo.currentData())
        )
        options.addRow(self.tr("ExecuTorch backend:"), self.backend_combo)
        form_layout.addWidget(options_box)

        verify_box = QGroupBox(self.tr("Verification and output"))
        verify = QFormLayout(verify_box)
        self.verify_box = QCheckBox(self.tr("compare every artifact with the original model"))
        self.verify_box.toggled.connect(lambda on: self._update(verify=on))
        verify.addRow("", self.verify_box)
        lab_row = QHBoxLayout()
        self.labelled_edit = QLineEdit()
        self.labelled_edit.setPlaceholderText(
            self.tr("optional: one sub-folder of images per class")
        )
        self.labelled_edit.textChanged.connect(lambda text: self._update(labelled=text))
        lab_row.addWidget(self.labelled_edit, 1)
        lab_browse = QPushButton(self.tr("Choose…"))
        lab_browse.clicked.connect(lambda: self._choose_folder(self.labelled_edit, "labelled"))
        lab_row.addWidget(lab_browse)
        verify.addRow(self.tr("Accuracy set:"), lab_row)
        data_row = QHBoxLayout()
        self.verify_data_edit = QLineEdit()
        self.verify_data_edit.setPlaceholderText(
            self.tr("optional: images, tensor files, or an .npz with an array per input")
        )
        self.verify_data_edit.setToolTip(
            self.tr(
                "What the artifacts are compared with the original on. A model with several "
                "inputs takes an .npz file holding one array per input, named like the inputs, "
                "or one tensor file per input. Empty: the calibration data, else random inputs."
            )
        )
        self.verify_data_edit.textChanged.connect(lambda text: self._update(verify_data=text))
        data_row.addWidget(self.verify_data_edit, 1)
        data_browse = QPushButton(self.tr("Choose…"))
        data_browse.clicked.connect(self._choose_verify_data)
        data_row.addWidget(data_browse)
        verify.addRow(self.tr("Verification data:"), data_row)
        out_row = QHBoxLayout()
        self.output_edit = QLineEdit()
        self.output_edit.textChanged.connect(lambda text: self._update(output=text))
        out_row.addWidget(self.output_edit, 1)
        out_browse = QPushButton(self.tr("Choose…"))
        out_browse.clicked.connect(lambda: self._choose_folder(self.output_edit, "output"))
        out_row.addWidget(out_browse)
        verify.addRow(self.tr("Output folder:"), out_row)
        form_layout.addWidget(verify_box)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        form_layout.addWidget(self.problem_label)

        buttons = QHBoxLayout()
        self.load_button = QPushButton(self.tr("Load recipe…"))
        self.load_button.clicked.connect(self._load_dialog)
        buttons.addWidget(self.load_button)
        self.save_button = QPushButton(self.tr("Save recipe…"))
        self.save_button.clicked.connect(self._save_dialog)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        self.convert_button = QPushButton(self.tr("Convert"))
        self.convert_button.setDefault(True)
        self.convert_button.clicked.connect(self.start)
        buttons.addWidget(self.convert_button)
        form_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left = QWidget()  # the form scrolls; its buttons stay in view on a small screen
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addLayout(buttons)
        splitter.addWidget(left)

        # --- progress and results --------------------------------------------------------
        right = QSplitter(Qt.Orientation.Vertical)
        progress_box = QGroupBox(self.tr("Progress"))
        progress_layout = QVBoxLayout(progress_box)
        self.progress = ProgressPanel(min_bars_height=VISIBLE_STAGES * 24)
        self.progress.cancel_requested.connect(self.cancel)
        progress_layout.addWidget(self.progress)
        right.addWidget(progress_box)
        results_box = QGroupBox(self.tr("Results"))
        results_layout = QVBoxLayout(results_box)
        self.results = QTreeWidget()
        self.results.setHeaderLabels(
            [
                self.tr("Artifact"),
                self.tr("Size"),
                self.tr("Verdict"),
                self.tr("Latency on this computer"),
                self.tr("Runtime"),
            ]
        )
        header = self.results.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 240)
        self.results.setAlternatingRowColors(True)
        results_layout.addWidget(self.results, 1)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        results_layout.addWidget(self.notes_label)
        row = QHBoxLayout()
        self.folder_button = QPushButton(self.tr("Show in folder"))
        self.folder_button.clicked.connect(self.show_folder)
        self.folder_button.setEnabled(False)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        self.next_button = QPushButton(self.tr("Next: check compatibility →"))
        self.next_button.clicked.connect(lambda: self.app.go_to("compat"))
        self.next_button.setEnabled(False)
        row.addWidget(self.next_button)
        results_layout.addLayout(row)
        right.addWidget(results_box)
        self.sensitivity_panel = SensitivityPanel()
        right.addWidget(self.sensitivity_panel)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        right.setStretchFactor(2, 2)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self.results.headerItem().setToolTip(
            3,
            self.tr(
                "Median time of one run in the artifact's runtime on this computer, measured "
                "while verifying. A phone's figure comes from the Latency tab."
            ),
        )
        self.form.changed.connect(self.show_form)
        self.app.state.model_opened.connect(self.model_opened)
        self.app.state.inputs_changed.connect(self.inputs_changed)
        self._showing = False
        self.show_form()

    def _add_layer_plan_rows(self, how: QFormLayout) -> None:
        """Which layers stay in float, and whether to measure each layer's int8 cost."""
        self.keep_float_combo = QComboBox()
        self.keep_float_combo.addItem(self.tr("every layer in int8"), "none")
        self.keep_float_combo.addItem(
            self.tr("keep the most sensitive in float until verification passes"), "auto"
        )
        self.keep_float_combo.addItem("", "listed")  # the recipe's layers, named when shown
        self.keep_float_combo.currentIndexChanged.connect(
            lambda: self._update(keep_float=self.keep_float_combo.currentData())
        )
        how.addRow(self.tr("Layers in float:"), self.keep_float_combo)
        self.sensitivity_box = QCheckBox(self.tr("measure how much int8 costs each layer"))
        self.sensitivity_box.toggled.connect(lambda on: self._update(sensitivity=on))
        how.addRow("", self.sensitivity_box)

    # --- the recipe ----------------------------------------------------------------------

    def _choose_folder(self, edit: QLineEdit, kind: str) -> None:
        start = edit.text() or self.app.settings.folder(kind)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), start)
        if folder:
            self.app.settings.set_folder(kind, folder)
            edit.setText(folder)

    def _choose_verify_data(self) -> None:
        start = self.verify_data_edit.text() or self.app.settings.folder("verify_data")
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose verification data"), start, VERIFY_DATA_FILTER
        )
        if path:
            self.app.settings.set_folder("verify_data", path)
            self.verify_data_edit.setText(path)

    def recipe(self) -> Recipe:
        """The recipe the form shows (not validated)."""
        return self.form.recipe()

    def set_recipe(self, recipe: Recipe) -> None:
        """Show ``recipe`` in the form."""
        self.form.show_recipe(recipe)

    def _update(self, **changes) -> None:
        """A widget changed: tell the form (unless the form is what set the widget)."""
        if not self._showing:
            self.form.update(**changes)

    def recipe_changed(self, *_args) -> None:
        self.show_form()

    # --- showing the form ------------------------------------------------------------------

    def show_form(self) -> None:
        """Set every widget from the form; disable what cannot work with the rest, and say why."""
        if self._showing:
            return
        self._showing = True
        try:
            self._show_values()
            self._show_allowed()
        finally:
            self._showing = False
        problem = self.form.problem()
        self.problem_label.setText(self._problem_text(problem) if problem else "")
        running = self.job is not None and not self.job.done
        self.convert_button.setEnabled(problem is None and not running)

    def _show_values(self) -> None:
        form = self.form
        for target, box in self.target_boxes.items():
            box.setChecked(target in form.targets)
        _select(self.capture_combo, form.capture)
        _select(self.quantize_combo, form.quantize)
        _select(self.backend_combo, form.executorch_backend)
        for edit, text in (
            (self.calibration_edit, form.calibration),
            (self.labelled_edit, form.labelled),
            (self.verify_data_edit, form.verify_data),
            (self.output_edit, form.output),
        ):
            if edit.text() != text:
                edit.setText(text)
        self.random_calibration.setChecked(form.random_calibration)
        self.samples_spin.setValue(form.samples)
        self._show_layer_plan_values()
        self.opset_spin.setValue(form.onnx_opset)
        self.dynamic_batch.setChecked(form.dynamic_batch)
        self.bytecode_spin.setValue(form.lite_bytecode or LITE_MIN_BYTECODE - 1)
        self.optimize_box.setChecked(form.optimize)
        self.verify_box.setChecked(form.verify)
        self.inputs_label.setText(self._inputs_text())

    def _show_allowed(self) -> None:
        form = self.form
        self.calibration_edit.setEnabled(form.calibration_folder_used)
        self.calibration_browse.setEnabled(form.calibration_folder_used)
        self.random_calibration.setEnabled(form.static)
        self.samples_spin.setEnabled(form.static)
        self._show_layer_plan_allowed()
        for widget, option in (
            (self.opset_spin, "onnx_opset"),
            (self.dynamic_batch, "dynamic_batch"),
            (self.bytecode_spin, "lite_bytecode"),
            (self.optimize_box, "optimize"),
            (self.backend_combo, "executorch_backend"),
        ):
            widget.setEnabled(form.applies(option))
        for target, box in self.target_boxes.items():
            conflict = form.target_conflict(target)
            box.setEnabled(conflict is None or box.isChecked())
            box.setToolTip(self._conflict_text(conflict))
        for combo, conflict_of in (
            (self.capture_combo, form.capture_conflict),
            (self.quantize_combo, form.quantize_conflict),
            (self.backend_combo, form.backend_conflict),
        ):
            for index in range(combo.count()):
                conflict = conflict_of(combo.itemData(index))
                _set_item_enabled(combo, index, conflict is None, self._conflict_text(conflict))

    def _show_layer_plan_values(self) -> None:
        form, combo = self.form, self.keep_float_combo
        listed = combo.findData("listed")
        names = ", ".join(form.float_layers)
        combo.setItemText(listed, self.tr("as the recipe lists: %1").replace("%1", names))
        combo.model().item(listed).setEnabled(bool(form.float_layers))
        _select(combo, form.keep_float)
        self.sensitivity_box.setChecked(form.measures_sensitivity or form.sensitivity)

    def _show_layer_plan_allowed(self) -> None:
        form = self.form
        self.keep_float_combo.setEnabled(form.static)
        self.sensitivity_box.setEnabled(form.static and form.keep_float != "auto")
        trials = self.tr(
            "It costs one trial quantization of the model per layer group, run on this "
            "computer before the artifacts are built."
        )
        keep_tip = self.tr(
            "Some layers lose more accuracy in int8 than others. “Keep the most sensitive "
            "in float” measures each layer group, then leaves the worst of them in float, one "
            "more at a time, until verification passes: the model grows a little and keeps "
            "most of its accuracy."
        )
        measure_tip = self.tr(
            "Shows, after converting, how much each layer group's int8 changes the "
            "model's output, as a ranked table and a chart under Results."
        )
        if not form.static:
            why = self.tr("Only with Quantization “static int8 (calibrated)”.")
            keep_tip = measure_tip = why
        elif form.keep_float == "auto":
            measure_tip = self.tr(
                "Keeping the most sensitive layers in float measures every layer group anyway."
            )
        self.keep_float_combo.setToolTip(f"{keep_tip}\n{trials}" if form.static else keep_tip)
        self.sensitivity_box.setToolTip(f"{measure_tip}\n{trials}" if form.static else measure_tip)

    def _choice_title(self, setting: str, value: str) -> str:
        if setting == "target":
            return self.tr("the %1 format").replace("%1", f"{TARGET_TITLES[value]} (.{value})")
        if setting == "capture":
            return self.tr("Capture “%1”").replace("%1", value)
        combo = self.quantize_combo
        return self.tr("Quantization “%1”").replace("%1", combo.itemText(combo.findData(value)))

    def _conflict_text(self, conflict: Conflict | None) -> str:
        if conflict is None:
            return ""
        text = self.tr("Not with %1: %2.")
        return text.replace("%1", self._choice_title(conflict.setting, conflict.value)).replace(
            "%2", conflict.reason
        )

    def _problem_text(self, problem: Problem) -> str:
        if problem.kind == "no model":
            return self.tr("Open a model on the Model tab first.")
        if problem.kind == "no target":
            return self.tr("Tick at least one format under Targets.")
        if problem.kind == "inputs":
            return self.tr("Fix the inputs on the Model tab: %1").replace("%1", problem.reason)
        if problem.kind == "no calibration":
            return self.tr(
                "Static int8 needs calibration images: choose a Calibration folder, or tick "
                "“no data: calibrate on random inputs”."
            )
        return on_screen_line(problem.error)

    # --- loading and saving recipes ------------------------------------------------------

    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Load a recipe"), self.app.settings.folder("recipes"), RECIPE_FILTER
        )
        if path:
            self.load_recipe(path)

    def _save_dialog(self) -> None:
        start = self.app.settings.folder("recipes") or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the recipe"), str(Path(start) / "recipe.toml"), RECIPE_FILTER
        )
        if path:
            self.save_recipe(path)

    def load_recipe(self, path: str) -> bool:
        try:
            recipe = Recipe.load(path)
        except StudioError as exc:
            self.app.show_error(exc, self.tr("The recipe could not be loaded"))
            return False
        self.app.settings.set_folder("recipes", path)
        model_path = recipe.model_path
        if model_path and str(model_path) != self.app.state.model_params.get("path"):
            params = {"path": str(model_path)}
            for key in ("arch", "arch_args", "arch_kwargs"):
                if getattr(recipe.model, key):
                    params[key] = getattr(recipe.model, key)
            # a recipe records trust but never grants it: opening asks the person again
            job = self.app.open_model(params)
            if job is not None:  # opening resets the form: the recipe comes after it
                job.succeeded.connect(lambda *_: self.set_recipe(recipe))
        self.set_recipe(recipe)
        return True

    def save_recipe(self, path: str) -> bool:
        try:
            self.recipe().save(path)
        except (StudioError, OSError) as exc:
            from studio.errors import as_studio_error

            self.app.show_error(as_studio_error(exc), self.tr("The recipe could not be saved"))
            return False
        self.app.settings.set_folder("recipes", path)
        self.app.statusBar().showMessage(self.tr("Recipe saved to %1").replace("%1", path), 5000)
        return True

    # --- converting ----------------------------------------------------------------------

    def start(self) -> None:
        recipe = self.recipe()
        try:
            recipe.validate(check_files=True)
        except StudioError as exc:
            self.app.show_error(exc, self.tr("The recipe cannot be converted"))
            return
        self.clear_results()
        self.progress.start(planned_stages(recipe))
        self._output = recipe.output_folder
        self._output_created = first_missing(self._output)
        self.job = self.app.worker.submit(
            "convert",
            {
                "recipe": recipe.to_dict(),
                "base_dir": str(recipe.base_dir) if recipe.base_dir else None,
                "trust": bool(self.app.state.model_params.get("trust")),
            },
        )
        self.job.progress.connect(self.progress.update_event)
        self.job.succeeded.connect(self._converted)
        self.job.failed.connect(self._failed)
        self.convert_button.setEnabled(False)
        self.guide.setText(self.tr("Converting… you can keep working in the other tabs."))

    def cancel(self) -> None:
        if self.job is not None and not self.job.done:
            self.app.worker.cancel(self.job)

    def _converted(self, report: ConversionReport) -> None:
        self.progress.finish(self.tr("Done: %1").replace("%1", report.verdict))
        self.app.state.set_conversion(report)
        self.show_form()

    def _failed(self, error: StudioError) -> None:
        # a worker killed because it did not stop in time could not clean up: do it here
        left = clean_up_output(self._output, self._output_created) if self._output else []
        if isinstance(error, Cancelled):
            if left:
                names = ", ".join(p.name for p in left)
                text = self.tr("Cancelled. Left in %1: %2")
                text = text.replace("%1", str(self._output)).replace("%2", names)
            else:
                text = self.tr("Cancelled. Nothing was left behind.")
            self.progress.finish(text)
            self.guide.setText(self.tr("The conversion was cancelled."))
        else:
            self.progress.finish(self.tr("Failed."))
            self.guide.setText(self.tr("The conversion failed: %1").replace("%1", error.message))
            self.app.show_error(error, self.tr("The conversion failed"))
        self.show_form()

    def show_folder(self) -> None:
        report = self.app.state.conversion
        if report is not None and report.output_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(report.output_folder)))

    # --- state ---------------------------------------------------------------------------

    def _inputs_text(self) -> str:
        """The inputs the conversion uses, one a line: those given or changed, else the model's."""
        from studio.model.describe import tensor_text

        model = self.app.state.model
        inputs = self.form.inputs or (model.input_spec if model is not None else None)
        if inputs is None:
            return "–"
        return "\n".join(tensor_text(t.to_dict()) for t in inputs.tensors)

    def inputs_changed(self) -> None:
        state = self.app.state
        self.form.update(inputs=state.inputs, inputs_problem=state.inputs_problem)

    def model_opened(self) -> None:
        """Another model: nothing of the previous one stays (folders, results, last verdict)."""
        self.form.model_opened(self.app.state.model_params)
        self.inputs_changed()
        self.clear_results()
        self.progress.clear()
        self.update_guide()

    def model_changed(self) -> None:
        self.form.model_described(self.app.state.model_params)
        self.inputs_changed()
        self.update_guide()

    def clear_results(self) -> None:
        self.results.clear()
        self.sensitivity_panel.clear()
        self.notes_label.clear()
        self.folder_button.setEnabled(False)
        self.next_button.setEnabled(False)

    def update_guide(self) -> None:
        state = self.app.state
        if not state.model_ready:
            self.guide.setText(self.tr("Open a model that runs here on the Model tab first."))
        elif not state.conversion:
            self.guide.setText(
                self.tr(
                    "Step 2: choose the file formats your app needs and press Convert. "
                    "ExecuTorch (.pte) is the current runtime; PyTorch Lite (.ptl) is for older apps."
                )
            )
        elif report_failed(state.conversion):
            self.guide.setText(
                self.tr(
                    "Some artifacts failed verification: open their rows below to see what "
                    "failed and what to change, then press Convert again."
                )
            )
        else:
            self.guide.setText(
                self.tr("Converted. Next: check which phone runtimes can run the artifacts.")
            )

    def artifacts_changed(self) -> None:
        report = self.app.state.conversion
        self.clear_results()
        if not report:
            self.update_guide()
            return
        for artifact in report.artifacts:
            self._add_result(artifact, report.calibration)
        self.sensitivity_panel.show_plan(report.layers)
        self.notes_label.setText("\n".join("• " + n for n in self._notes(report)))
        self.folder_button.setEnabled(bool(report.output_folder))
        self.next_button.setEnabled(True)
        self.update_guide()

    def _notes(self, report: ConversionReport) -> list[str]:
        """The report's notes in the form's words."""
        notes = []
        if (report.calibration or {}).get("low_fidelity"):
            notes.append(
                self.tr(
                    "Calibrated on random inputs: int8 accuracy on real data may be lower. "
                    "Choose a Calibration folder of real images for a better int8 model."
                )
            )
        if any(a.verification and a.verification.low_fidelity for a in report.artifacts):
            notes.append(
                self.tr(
                    "Verified on random inputs: choose Verification data (real inputs, an .npz "
                    "for several inputs), a Calibration folder or an Accuracy set to verify on "
                    "real data."
                )
            )
        return notes

    def _add_result(self, artifact: ArtifactReport, calibration: dict | None = None) -> None:
        verification, verdict = artifact.verification, artifact.verdict
        latency = artifact.host_latency_ms
        name = artifact.path.name
        item = QTreeWidgetItem(
            [
                name,
                human_bytes(artifact.size_bytes),
                verdict_label(verdict),
                self.tr("%1 ms here").replace("%1", f"{latency:.2f}")
                if latency is not None
                else "–",
                artifact.runtime,
            ]
        )
        color = QBrush(verdict_color(verdict))
        item.setForeground(2, color)
        item.setToolTip(0, str(artifact.path))
        if latency is not None:
            item.setToolTip(
                3,
                self.tr("Measured on this computer with %1, not on a phone.").replace(
                    "%1", artifact.runtime
                ),
            )
        if verdict == "fail":
            item.setText(0, self.tr("%1 (failed verification)").replace("%1", name))
            item.setForeground(0, color)
        rows = (
            [self._finding_text(f) for f in findings(verification)]
            if verdict
            in (
                "fail",
                "warn",
            )
            else []
        )
        rows += [
            self._advice_text(code) for code in advice(artifact.quantize, verification, calibration)
        ]
        rows += self._measures(verification) if verification else []
        rows += [f"{self.tr('note')}: {n}" for n in artifact.notes]
        rows.append(f"{self.tr('capture')}: {artifact.capture}")
        self.results.addTopLevelItem(item)
        for text in rows:
            child = QTreeWidgetItem([text])
            item.addChild(child)
            child.setFirstColumnSpanned(True)
        if verdict == "fail":
            item.setExpanded(True)

    def _measures(self, verification: Verification) -> list[str]:
        """What the verification measured, one line each."""
        c = verification.comparison
        statistics = not verification.tolerances.worst_case
        measures = (
            (self.tr("cosine similarity"), None if statistics else c.cosine, "{:.6g}", None),
            (
                self.tr("mean cosine similarity"),
                c.mean_cosine if statistics else None,
                "{:.4f}",
                c.mean_cosine_interval,
            ),
            (self.tr("SQNR (dB)"), c.sqnr_db if statistics else None, "{:.1f}", None),
            (self.tr("largest difference"), c.max_abs_error, "{:.6g}", None),
            (self.tr("same top class"), c.top1_agreement, "{:.1%}", c.top1_interval),
            (
                self.tr("same top class where the original is sure"),
                c.confident_top1 if statistics else None,
                "{:.1%}",
                c.confident_top1_interval,
            ),
            (self.tr("accuracy before"), verification.accuracy_before, "{:.1%}", None),
            (self.tr("accuracy after"), verification.accuracy_after, "{:.1%}", None),
            (self.tr("samples"), c.samples, "{}", None),
            (self.tr("inputs"), verification.data, "{}", None),
        )
        rows = [
            f"{title}: {form.format(value)}"
            + (
                ""
                if interval is None
                else self.tr(" (95% interval %1 to %2)")
                .replace("%1", form.format(interval[0]))
                .replace("%2", form.format(interval[1]))
            )
            for title, value, form, interval in measures
            if value is not None and value not in (float("inf"), float("-inf"))
        ]
        if c.unsure_flips:
            rows.append(
                self.tr(
                    "%1 of the %2 changed top classes are on inputs where the original itself "
                    "hesitates between two classes; they do not count against it."
                )
                .replace("%1", str(c.unsure_flips))
                .replace("%2", str(c.flips))
            )
        if verification.confidence == "low":
            rows.append(self.tr("More inputs would settle this verdict: it is close to the bar."))
        if verification.seen_in_calibration:
            rows.append(
                self.tr(
                    "Checked on calibration images: too few were given to keep some apart, "
                    "so other inputs may fare worse."
                )
            )
        return rows

    def _finding_text(self, finding: Finding) -> str:
        v = finding.values
        if finding.code == "does not run":
            return self.tr("What failed: it does not run in its runtime here (%1).").replace(
                "%1", v["reason"]
            )
        if finding.code == "other shape":
            return self.tr("What failed: its outputs have another shape than the original's.")
        if finding.code == "accuracy":
            text = self.tr("What failed: accuracy on the Accuracy set fell from %1 to %2.")
            return text.replace("%1", f"{v['before']:.1%}").replace("%2", f"{v['after']:.1%}")
        if finding.code == "top class":
            text = self.tr(
                "What failed: it picks the original's top class on only %1 of the inputs "
                "(%2 needed)."
            )
            return text.replace("%1", f"{v['got']:.0%}").replace("%2", f"{v['needed']:.0%}")
        if finding.code == "similarity":
            text = self.tr(
                "What failed: its outputs differ from the original's more than allowed "
                "(similarity %1, at least %2 needed)."
            )
            return text.replace("%1", f"{v['got']:.4f}").replace("%2", f"{v['needed']}")
        return self.tr("What failed: its outputs differ from the original's more than allowed.")

    def _advice_text(self, code: str) -> str:
        texts = {
            "calibration images": self.tr(
                "Try: choose a Calibration folder with a few dozen real images instead of "
                "random inputs, then press Convert."
            ),
            "no quantization": self.tr(
                "Try: set Quantization to “none (float32)” (or “dynamic int8”), then press Convert."
            ),
            "other capture": self.tr(
                "Try: choose another Capture (“trace” or “export”), then press Convert."
            ),
            "other target": self.tr(
                "Try: tick another format under Targets (ExecuTorch or ONNX), and use the "
                "artifacts that pass."
            ),
        }
        return texts[code]


def report_failed(report: ConversionReport | None) -> bool:
    """Whether any artifact of a conversion report failed verification."""
    return report is not None and any(a.verdict == "fail" for a in report.artifacts)
