"""The Convert tab: a recipe as a form, Convert with progress and Cancel, the results."""

from __future__ import annotations

from dataclasses import replace
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

from studio.convert.recipe import (
    CAPTURES,
    EXECUTORCH_BACKENDS,
    LITE_MIN_BYTECODE,
    ONNX_MAX_OPSET,
    ONNX_MIN_OPSET,
    QUANTIZE_MODES,
    RANDOM_CALIBRATION,
    TARGET_TITLES,
    TARGETS,
    Recipe,
)
from studio.errors import Cancelled, RecipeError, StudioError
from studio.model.inputs import InputSpec, default_preprocess_for
from studio.paths import data_dir, resource
from studio.ui.widgets.badges import verdict_color, verdict_label
from studio.ui.widgets.errors import on_screen_line
from studio.ui.widgets.progress import ProgressPanel
from studio.ui.widgets.steps import guide_label
from studio.units import human_bytes

RECIPE_FILTER = "Recipes (*.toml);;All files (*)"


def _combo(values: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value, value)
    return combo


def _set_item_enabled(combo: QComboBox, index: int, enabled: bool, tip: str) -> None:
    item = combo.model().item(index)
    item.setEnabled(enabled)
    item.setToolTip(tip)


class ConvertTab(QWidget):
    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.app = app
        self.job = None
        self._updating = True  # until the form is built
        self.base_dir: Path | None = None

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
            box.toggled.connect(self.recipe_changed)
            self.target_boxes[target] = box
            grid.addWidget(box, i // 2, i % 2)
        self.target_boxes["pte"].setChecked(True)
        form_layout.addWidget(targets_box)

        how_box = QGroupBox(self.tr("How"))
        how = QFormLayout(how_box)
        self.capture_combo = _combo(CAPTURES)
        self.capture_combo.currentIndexChanged.connect(self.recipe_changed)
        how.addRow(self.tr("Capture:"), self.capture_combo)
        self.quantize_combo = _combo(QUANTIZE_MODES)
        self.quantize_combo.setItemText(0, self.tr("none (float32)"))
        self.quantize_combo.setItemText(1, self.tr("fp16"))
        self.quantize_combo.setItemText(2, self.tr("dynamic int8"))
        self.quantize_combo.setItemText(3, self.tr("static int8 (calibrated)"))
        self.quantize_combo.currentIndexChanged.connect(self.recipe_changed)
        how.addRow(self.tr("Quantization:"), self.quantize_combo)
        cal_row = QHBoxLayout()
        self.calibration_edit = QLineEdit()
        self.calibration_edit.setPlaceholderText(
            self.tr("a folder of representative images or tensors")
        )
        self.calibration_edit.textChanged.connect(self.recipe_changed)
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
        self.random_calibration.toggled.connect(self.recipe_changed)
        how.addRow("", self.random_calibration)
        self.samples_spin = QSpinBox()
        self.samples_spin.setRange(1, 10000)
        self.samples_spin.setValue(32)
        self.samples_spin.valueChanged.connect(self.recipe_changed)
        how.addRow(self.tr("Calibration samples:"), self.samples_spin)
        form_layout.addWidget(how_box)

        options_box = QGroupBox(self.tr("Per-target options"))
        options = QFormLayout(options_box)
        self.opset_spin = QSpinBox()
        self.opset_spin.setRange(ONNX_MIN_OPSET, ONNX_MAX_OPSET)
        self.opset_spin.setValue(Recipe().onnx.opset)
        self.opset_spin.valueChanged.connect(self.recipe_changed)
        options.addRow(self.tr("ONNX opset:"), self.opset_spin)
        self.dynamic_batch = QCheckBox(self.tr("dynamic batch size"))
        self.dynamic_batch.toggled.connect(self.recipe_changed)
        options.addRow("", self.dynamic_batch)
        self.bytecode_spin = QSpinBox()
        self.bytecode_spin.setRange(LITE_MIN_BYTECODE - 1, 99)
        self.bytecode_spin.setSpecialValueText(self.tr("newest"))
        self.bytecode_spin.setValue(LITE_MIN_BYTECODE - 1)
        self.bytecode_spin.valueChanged.connect(self.recipe_changed)
        options.addRow(self.tr("Lite bytecode version:"), self.bytecode_spin)
        self.optimize_box = QCheckBox(self.tr("optimize for mobile (when this PyTorch can)"))
        self.optimize_box.setChecked(True)
        self.optimize_box.toggled.connect(self.recipe_changed)
        options.addRow("", self.optimize_box)
        self.backend_combo = _combo(EXECUTORCH_BACKENDS)
        self.backend_combo.currentIndexChanged.connect(self.recipe_changed)
        options.addRow(self.tr("ExecuTorch backend:"), self.backend_combo)
        form_layout.addWidget(options_box)

        verify_box = QGroupBox(self.tr("Verification and output"))
        verify = QFormLayout(verify_box)
        self.verify_box = QCheckBox(self.tr("compare every artifact with the original model"))
        self.verify_box.setChecked(True)
        self.verify_box.toggled.connect(self.recipe_changed)
        verify.addRow("", self.verify_box)
        lab_row = QHBoxLayout()
        self.labelled_edit = QLineEdit()
        self.labelled_edit.setPlaceholderText(
            self.tr("optional: one sub-folder of images per class")
        )
        self.labelled_edit.textChanged.connect(self.recipe_changed)
        lab_row.addWidget(self.labelled_edit, 1)
        lab_browse = QPushButton(self.tr("Choose…"))
        lab_browse.clicked.connect(lambda: self._choose_folder(self.labelled_edit, "labelled"))
        lab_row.addWidget(lab_browse)
        verify.addRow(self.tr("Accuracy set:"), lab_row)
        out_row = QHBoxLayout()
        self.output_edit = QLineEdit()
        self.output_edit.textChanged.connect(self.recipe_changed)
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
        form_layout.addLayout(buttons)
        form_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        splitter.addWidget(scroll)

        # --- progress and results --------------------------------------------------------
        right = QSplitter(Qt.Orientation.Vertical)
        progress_box = QGroupBox(self.tr("Progress"))
        progress_layout = QVBoxLayout(progress_box)
        self.progress = ProgressPanel(max_bars_height=190)
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
                self.tr("Latency here"),
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
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self._updating = False
        self.recipe_changed()

    # --- the recipe ----------------------------------------------------------------------

    def _choose_folder(self, edit: QLineEdit, kind: str) -> None:
        start = edit.text() or self.app.settings.folder(kind)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), start)
        if folder:
            self.app.settings.set_folder(kind, folder)
            edit.setText(folder)

    def recipe(self) -> Recipe:
        """The recipe the form shows (not validated)."""
        recipe = Recipe()
        params = self.app.state.model_params
        recipe.model = replace(
            recipe.model,
            path=params.get("path"),
            arch=params.get("arch"),
            arch_args=params.get("arch_args"),
            arch_kwargs=params.get("arch_kwargs"),
            trust=bool(params.get("trust")),
        )
        if params.get("input_shape"):
            shape = tuple(params["input_shape"])
            recipe.input = InputSpec.single(shape, preprocess=default_preprocess_for(shape))
        recipe.targets = [t for t, box in self.target_boxes.items() if box.isChecked()]
        recipe.capture = self.capture_combo.currentData()
        mode = self.quantize_combo.currentData()
        calibration = None
        if mode == "static":
            if self.random_calibration.isChecked():
                calibration = RANDOM_CALIBRATION
            else:
                calibration = self.calibration_edit.text().strip() or None
        recipe.quantize = replace(
            recipe.quantize, mode=mode, calibration=calibration, samples=self.samples_spin.value()
        )
        recipe.onnx = replace(
            recipe.onnx, opset=self.opset_spin.value(), dynamic_batch=self.dynamic_batch.isChecked()
        )
        version = self.bytecode_spin.value()
        recipe.lite = replace(
            recipe.lite,
            bytecode_version=None if version < LITE_MIN_BYTECODE else version,
            optimize=self.optimize_box.isChecked(),
        )
        recipe.executorch = replace(recipe.executorch, backend=self.backend_combo.currentData())
        recipe.verify = replace(
            recipe.verify,
            enabled=self.verify_box.isChecked(),
            labelled=self.labelled_edit.text().strip() or None,
        )
        recipe.output = replace(recipe.output, folder=self.output_edit.text().strip() or None)
        recipe.base_dir = self.base_dir
        return recipe

    def set_recipe(self, recipe: Recipe) -> None:
        """Show ``recipe`` in the form."""
        self._updating = True
        try:
            for target, box in self.target_boxes.items():
                box.setChecked(target in recipe.targets)
            self.capture_combo.setCurrentIndex(max(0, self.capture_combo.findData(recipe.capture)))
            self.quantize_combo.setCurrentIndex(
                max(0, self.quantize_combo.findData(recipe.quantize.mode))
            )
            calibration = recipe.calibration_source()
            self.random_calibration.setChecked(calibration == RANDOM_CALIBRATION)
            self.calibration_edit.setText(
                str(calibration) if calibration not in (None, RANDOM_CALIBRATION) else ""
            )
            self.samples_spin.setValue(recipe.quantize.samples)
            self.opset_spin.setValue(recipe.onnx.opset)
            self.dynamic_batch.setChecked(recipe.onnx.dynamic_batch)
            self.bytecode_spin.setValue(recipe.lite.bytecode_version or LITE_MIN_BYTECODE - 1)
            self.optimize_box.setChecked(recipe.lite.optimize)
            self.backend_combo.setCurrentIndex(
                max(0, self.backend_combo.findData(recipe.executorch.backend))
            )
            self.verify_box.setChecked(recipe.verify.enabled)
            labelled = recipe.resolve(recipe.verify.labelled)
            self.labelled_edit.setText(str(labelled) if labelled else "")
            self.output_edit.setText(str(recipe.output_folder) if recipe.output.folder else "")
        finally:
            self._updating = False
        self.recipe_changed()

    def _problem(self, recipe: Recipe) -> str | None:
        try:
            recipe.validate(check_files=False)
        except RecipeError as exc:
            return on_screen_line(exc)
        return None

    def recipe_changed(self, *_args) -> None:
        """Disable what cannot work with the rest of the form, and say why."""
        if self._updating:
            return
        recipe = self.recipe()
        mode = recipe.quantize.mode
        static = mode == "static"
        self.calibration_edit.setEnabled(static and not self.random_calibration.isChecked())
        self.calibration_browse.setEnabled(self.calibration_edit.isEnabled())
        self.random_calibration.setEnabled(static)
        self.samples_spin.setEnabled(static)
        chosen = set(recipe.targets)
        self.opset_spin.setEnabled(bool(chosen & {"onnx", "ort"}))
        self.dynamic_batch.setEnabled(bool(chosen & {"onnx", "ort"}))
        self.bytecode_spin.setEnabled("ptl" in chosen)
        self.optimize_box.setEnabled(bool(chosen & {"pt", "ptl"}))
        self.backend_combo.setEnabled("pte" in chosen)

        # What each choice would do to the recipe as it stands: the recipe's own rules.
        def probe(**changes) -> str | None:
            trial = self.recipe()
            for key, value in changes.items():
                if key in ("mode", "backend"):
                    continue
                setattr(trial, key, value)
            trial_mode = changes.get("mode", trial.quantize.mode)
            trial.quantize = replace(
                trial.quantize,
                mode=trial_mode,
                calibration=RANDOM_CALIBRATION if trial_mode == "static" else None,
            )
            if not trial.model.path:
                trial.model = replace(trial.model, path="model.pt")
            return self._problem(trial)

        for target, box in self.target_boxes.items():
            why = probe(targets=[target])
            box.setEnabled(why is None or box.isChecked())
            box.setToolTip(why or "")
        for index in range(self.quantize_combo.count()):
            value = self.quantize_combo.itemData(index)
            why = probe(mode=value, targets=recipe.targets or ["pte"])
            _set_item_enabled(self.quantize_combo, index, why is None, why or "")
        for index in range(self.capture_combo.count()):
            value = self.capture_combo.itemData(index)
            why = probe(capture=value, targets=recipe.targets or ["pte"])
            _set_item_enabled(self.capture_combo, index, why is None, why or "")

        problem = None if recipe.model.path else self.tr("Open a model on the Model tab first.")
        problem = problem or self._problem(recipe)
        self.problem_label.setText(problem or "")
        running = self.job is not None and not self.job.done
        self.convert_button.setEnabled(problem is None and not running)

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
        self.base_dir = recipe.base_dir
        model_path = recipe.model_path
        if model_path and str(model_path) != self.app.state.model_params.get("path"):
            params = {"path": str(model_path)}
            for key in ("arch", "arch_args", "arch_kwargs"):
                if getattr(recipe.model, key):
                    params[key] = getattr(recipe.model, key)
            # a recipe records trust but never grants it: opening asks the person again
            self.app.open_model(params)
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
        self.results.clear()
        self.notes_label.clear()
        stages = ["load"] + [f"build {t}" for t in recipe.targets]
        self.progress.start(stages)
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

    def _converted(self, report: dict) -> None:
        verdict = report.get("verdict", "unverified")
        self.progress.finish(self.tr("Done: %1").replace("%1", verdict))
        self.app.state.set_conversion(report)
        self.recipe_changed()

    def _failed(self, error: StudioError) -> None:
        if isinstance(error, Cancelled):
            self.progress.finish(self.tr("Cancelled. Nothing was left half-written."))
            self.guide.setText(self.tr("The conversion was cancelled."))
        else:
            self.progress.finish(self.tr("Failed."))
            self.guide.setText(self.tr("The conversion failed: %1").replace("%1", error.message))
            self.app.show_error(error, self.tr("The conversion failed"))
        self.recipe_changed()

    def show_folder(self) -> None:
        report = self.app.state.conversion or {}
        folder = report.get("output_folder")
        if folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    # --- state ---------------------------------------------------------------------------

    def model_changed(self) -> None:
        params = self.app.state.model_params
        path = params.get("path")
        sample = resource("samples", "digits_cnn.safetensors")
        self._updating = True
        if path and Path(path).resolve() == sample.resolve():
            # The sample lives among the program's files: write beside the user's data, and
            # use its labelled digits for calibration and accuracy.
            self.output_edit.setText(str(data_dir() / "digits_cnn-mobile"))
            self.calibration_edit.setText(str(resource("samples", "digits")))
            self.labelled_edit.setText(str(resource("samples", "digits")))
        else:
            self.output_edit.clear()
        self.base_dir = None
        self._updating = False
        self.recipe_changed()
        self.update_guide()

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
        else:
            self.guide.setText(
                self.tr("Converted. Next: check which phone runtimes can run the artifacts.")
            )

    def artifacts_changed(self) -> None:
        report = self.app.state.conversion
        self.results.clear()
        if not report:
            return
        for doc in report.get("artifacts", []):
            self._add_result(doc)
        self.notes_label.setText("\n".join("• " + n for n in report.get("notes", [])))
        self.folder_button.setEnabled(bool(report.get("output_folder")))
        self.next_button.setEnabled(True)
        self.update_guide()

    def _add_result(self, doc: dict) -> None:
        verification = doc.get("verification") or {}
        verdict = verification.get("verdict")
        latency = doc.get("host_latency_ms")
        item = QTreeWidgetItem(
            [
                Path(doc["path"]).name,
                human_bytes(doc.get("size_bytes")),
                verdict_label(verdict),
                f"{latency:.2f} ms" if latency is not None else "–",
                doc.get("runtime", ""),
            ]
        )
        item.setForeground(2, QBrush(verdict_color(verdict)))
        item.setToolTip(0, doc["path"])
        rows = []
        for key, title in (
            ("cosine", self.tr("cosine similarity")),
            ("max_abs_error", self.tr("largest difference")),
            ("top1_agreement", self.tr("same top class")),
            ("accuracy_before", self.tr("accuracy before")),
            ("accuracy_after", self.tr("accuracy after")),
            ("samples", self.tr("samples")),
            ("source", self.tr("inputs")),
        ):
            value = verification.get(key)
            if value is None:
                continue
            if isinstance(value, float):
                value = f"{value:.1%}" if key.startswith(("accuracy", "top1")) else f"{value:.6g}"
            rows.append((title, str(value)))
        rows += [(self.tr("reason"), r) for r in verification.get("reasons", [])]
        rows += [(self.tr("note"), n) for n in doc.get("notes", [])]
        rows.append((self.tr("capture"), doc.get("capture", "")))
        self.results.addTopLevelItem(item)
        for title, value in rows:
            child = QTreeWidgetItem([f"{title}: {value}"])
            item.addChild(child)
            child.setFirstColumnSpanned(True)
