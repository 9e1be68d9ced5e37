"""The Model tab: open a file, pick its architecture, read its description, try it on an image."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio import artifacts
from studio.errors import Cancelled, InputError, StudioError, TrustRequired
from studio.jobs.results import Classification, OpenedModel
from studio.model import sample
from studio.model.loaded import Candidate
from studio.ui.input_rows import inputs_to_use
from studio.ui.state import Artifact
from studio.ui.widgets.errors import on_screen_hint, sentence
from studio.ui.widgets.inputs_editor import InputsEditor
from studio.ui.widgets.steps import guide_label, next_step_button

MODEL_FILTER = f"Models ({' '.join('*' + s for s in artifacts.MODEL_SUFFIXES)});;All files (*)"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)"


def code_to_trust(params: dict) -> str:
    """The file (or module) whose Python code opening ``params`` would run."""
    from studio.model.architectures import is_factory_spec  # not at start-up: it needs numpy

    arch = params.get("arch") or ""
    if is_factory_spec(arch):
        target = arch.rpartition(":")[0]
        return Path(target).name if target.endswith(".py") else target
    return Path(params["path"]).name


def _scrolling_box(title: str) -> tuple[QGroupBox, QVBoxLayout]:
    """A group box whose contents scroll when the window is too small for them (1366×768)."""
    box = QGroupBox(title)
    scroll = QScrollArea()
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    inner = QWidget()
    scroll.setWidget(inner)
    outer = QVBoxLayout(box)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return box, QVBoxLayout(inner)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ModelTab(QWidget):
    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.app = app
        self.inspect_job = None
        self.classify_job = None
        self.trust_box: QMessageBox | None = None
        self._pending_params: dict = {}

        layout = QVBoxLayout(self)
        self.guide = guide_label(layout)

        # --- opening ---------------------------------------------------------------------
        open_box = QGroupBox(self.tr("Model file"))
        open_layout = QVBoxLayout(open_box)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(
            self.tr(
                "A checkpoint, state dict, safetensors, TorchScript, .pt2, ONNX, .pte or .ptl file"
            )
        )
        self.path_edit.returnPressed.connect(self.open_clicked)
        row.addWidget(self.path_edit, 1)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.browse_button)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_clicked)
        row.addWidget(self.open_button)
        self.sample_button = QPushButton(self.tr("Open the sample model"))
        self.sample_button.clicked.connect(self.open_sample)
        row.addWidget(self.sample_button)
        open_layout.addLayout(row)

        form = QFormLayout()
        self.arch_edit = QLineEdit()
        self.arch_edit.setPlaceholderText(
            self.tr(
                "detected when empty; e.g. resnet18, or package.module:factory, or file.py:Class"
            )
        )
        form.addRow(self.tr("Architecture:"), self.arch_edit)
        args_row = QHBoxLayout()
        self.args_edit = QLineEdit()
        self.args_edit.setPlaceholderText(self.tr("positional, JSON list: [10]"))
        self.kwargs_edit = QLineEdit()
        self.kwargs_edit.setPlaceholderText(self.tr('keyword, JSON object: {"num_classes": 10}'))
        args_row.addWidget(self.args_edit)
        args_row.addWidget(self.kwargs_edit)
        form.addRow(self.tr("Arguments:"), args_row)
        self.inputs_editor = InputsEditor()
        self.inputs_editor.edited.connect(self._inputs_edited)
        inputs_title = QLabel(self.tr("Inputs:"))
        inputs_title.setToolTip(
            self.tr(
                "What the model takes: one row per input with its name, shape and data type. "
                "Most image models take one input, 1,3,224,224 float32; text models take token "
                "ids and an attention mask, int64."
            )
        )
        form.addRow(inputs_title, self.inputs_editor)
        open_layout.addLayout(form)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        open_layout.addWidget(self.busy)
        layout.addWidget(open_box)

        # --- candidates ------------------------------------------------------------------
        self.candidates_box = QGroupBox(self.tr("Which architecture is it?"))
        cand_layout = QVBoxLayout(self.candidates_box)
        self.candidates_label = QLabel(
            self.tr(
                "This file holds weights only. These architectures fit them best; pick one "
                "and press Use this architecture, or type it in the Architecture field above."
            )
        )
        self.candidates_label.setWordWrap(True)
        cand_layout.addWidget(self.candidates_label)
        self.candidates_table = _table(
            [self.tr("Architecture"), self.tr("Score"), self.tr("Arguments")]
        )
        self.candidates_table.setMaximumHeight(150)
        self.candidates_table.itemDoubleClicked.connect(lambda _item: self.use_candidate())
        cand_layout.addWidget(self.candidates_table)
        row = QHBoxLayout()
        self.candidates_toggle = QPushButton(self.tr("Show the candidates"))
        self.candidates_toggle.setCheckable(True)
        self.candidates_toggle.toggled.connect(self._toggle_candidates)
        row.addWidget(self.candidates_toggle)
        row.addStretch(1)
        self.use_button = QPushButton(self.tr("Use this architecture"))
        self.use_button.clicked.connect(self.use_candidate)
        row.addWidget(self.use_button)
        cand_layout.addLayout(row)
        self.candidates_box.setVisible(False)
        layout.addWidget(self.candidates_box)

        # --- description and try-it ------------------------------------------------------
        splitter = QSplitter(Qt.Orientation.Horizontal)
        desc_box, desc_layout = _scrolling_box(self.tr("Description"))
        self.summary = QFormLayout()
        self.summary_labels: dict[str, QLabel] = {}
        for key, title in (
            ("format", self.tr("Format")),
            ("architecture", self.tr("Architecture")),
            ("parameters", self.tr("Parameters")),
            ("size", self.tr("Size on disk")),
            ("memory", self.tr("Size in memory")),
            ("flops", self.tr("FLOPs")),
            ("inputs", self.tr("Inputs")),
            ("outputs", self.tr("Outputs")),
            ("classes", self.tr("Classes")),
        ):
            label = QLabel("–")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.summary_labels[key] = label
            self.summary.addRow(title + ":", label)
        desc_layout.addLayout(self.summary)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setVisible(False)
        desc_layout.addWidget(self.notes_label)
        tables = QHBoxLayout()
        self.layers_table = _table([self.tr("Layer"), self.tr("Type"), self.tr("Parameters")])
        tables.addWidget(self.layers_table, 3)
        self.types_table = _table([self.tr("Layer type"), self.tr("Count")])
        tables.addWidget(self.types_table, 2)
        desc_layout.addLayout(tables, 1)
        splitter.addWidget(desc_box)

        try_box, try_layout = _scrolling_box(self.tr("Try it"))
        self.try_hint = QLabel(self.tr("Pick an image to see what the model makes of it."))
        self.try_hint.setWordWrap(True)
        try_layout.addWidget(self.try_hint)
        image_row = QHBoxLayout()
        self.image_edit = QLineEdit()
        self.image_edit.setPlaceholderText(self.tr("an image file"))
        self.image_edit.returnPressed.connect(self.classify)
        image_row.addWidget(self.image_edit, 1)
        self.image_browse = QPushButton(self.tr("Choose…"))
        self.image_browse.clicked.connect(self.browse_image)
        image_row.addWidget(self.image_browse)
        self.classify_button = QPushButton(self.tr("Classify"))
        self.classify_button.clicked.connect(self.classify)
        image_row.addWidget(self.classify_button)
        try_layout.addLayout(image_row)
        self.image_view = QLabel()
        self.image_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_view.setMinimumSize(128, 128)
        try_layout.addWidget(self.image_view)
        self.top_table = _table([self.tr("Class"), self.tr("Probability")])
        self.top_table.setMaximumHeight(190)
        try_layout.addWidget(self.top_table)
        try_layout.addStretch(1)
        splitter.addWidget(try_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.next_button = next_step_button(
            layout, self.tr("Next: convert it →"), lambda: self.app.go_to("convert")
        )
        self.app.state.try_result_changed.connect(self.show_try_result)
        self.update_state()

    # --- opening -------------------------------------------------------------------------

    def browse(self) -> None:
        start = self.app.settings.folder("models")
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a model"), start, MODEL_FILTER)
        if path:
            self.path_edit.setText(path)
            self.open_clicked()

    def open_sample(self) -> None:
        self.open_path(str(sample.weights_path()))
        if sample.example_image().exists():
            self.image_edit.setText(str(sample.example_image()))

    def _params(self) -> dict | None:
        """The opening settings from the form, or None after showing what is wrong."""
        params: dict = {"path": self.path_edit.text().strip()}
        if not params["path"]:
            self.app.show_error(
                InputError(
                    self.tr("No model file is chosen"),
                    hint=self.tr("Browse for a file, or open the sample model."),
                )
            )
            return None
        if self.arch_edit.text().strip():
            params["arch"] = self.arch_edit.text().strip()
        for key, edit, kind in (
            ("arch_args", self.args_edit, list),
            ("arch_kwargs", self.kwargs_edit, dict),
        ):
            text = edit.text().strip()
            if not text:
                continue
            try:
                value = json.loads(text)
            except ValueError as exc:
                value = exc
            if not isinstance(value, kind):
                what = self.tr("a JSON list") if kind is list else self.tr("a JSON object")
                self.app.show_error(
                    InputError(
                        self.tr("The architecture arguments are not %1").replace("%1", what),
                        hint=self.tr('Write them like [10] or {"num_classes": 10}.'),
                        details=str(value) if isinstance(value, Exception) else None,
                    )
                )
                return None
            params[key] = value
        check = self.inputs_editor.check()
        if check.problems:
            self.show_error(
                InputError(
                    self.inputs_editor.problem_text(),
                    hint=self.tr("Correct the marked cell in the Inputs table."),
                )
            )
            return None
        spec = self._inputs_to_give(check.spec, params["path"])
        if spec is not None:
            params["inputs"] = [t.to_dict() for t in spec.tensors]
            if len(spec.tensors) == 1:
                params["input_shape"] = list(spec.shape)
        return params

    def _inputs_to_give(self, shown, path: str):
        """The inputs the table's rows give when opening ``path``: those the person typed, or,
        for the open model again, those it does not say by itself (see inputs_to_use)."""
        model = self.app.state.model
        if model is not None and self.app.state.model_params.get("path") == path:
            return inputs_to_use(shown, model)
        return shown if self.inputs_editor.user_edited else None

    def _inputs_edited(self) -> None:
        """The person changed the inputs: the Convert tab uses them (or says what is wrong)."""
        check = self.inputs_editor.check()
        if check.problems:
            self.app.state.set_inputs(None, self.inputs_editor.problem_text())
        else:
            self.app.state.set_inputs(inputs_to_use(check.spec, self.app.state.model))

    def open_clicked(self) -> None:
        params = self._params()
        if params is not None:
            self.open_model(params)

    def open_path(self, path: str):
        """Open ``path`` with default settings (menu, drop, recent files); the job, if any."""
        return self.open_model({"path": str(path)})

    def _show_params(self, params: dict) -> None:
        """Fill the form with how ``params`` opens the model."""
        self.path_edit.setText(str(params.get("path", "")))
        self.arch_edit.setText(params.get("arch") or "")
        for key, edit in (("arch_args", self.args_edit), ("arch_kwargs", self.kwargs_edit)):
            edit.setText(json.dumps(params[key]) if params.get(key) else "")
        if params.get("inputs"):
            from studio.model.input_choice import GIVEN
            from studio.model.inputs import InputSpec

            self.inputs_editor.show_inputs(
                InputSpec.from_dict({"tensors": params["inputs"]}), GIVEN
            )

    def open_model(self, params: dict):
        """Open the model ``params`` describe (path, arch, arch_args, arch_kwargs, input_shape,
        trust); returns the job."""
        self._show_params(params)
        if self.inspect_job is not None and not self.inspect_job.done:
            self.app.worker.cancel(self.inspect_job)
        self._pending_params = params
        self.busy.setVisible(True)
        self.open_button.setEnabled(False)
        self.guide.setText(self.tr("Opening %1…").replace("%1", Path(params["path"]).name))
        job = self.app.worker.submit("inspect", params)
        job.succeeded.connect(lambda result, p=params: self._opened(result, p))
        job.failed.connect(lambda error, p=params: self._open_failed(error, p))
        self.inspect_job = job
        return job

    def _opened(self, model: OpenedModel, params: dict) -> None:
        self.busy.setVisible(False)
        self.open_button.setEnabled(True)
        self.app.settings.add_recent(params["path"])
        self.app.settings.set_folder("models", params["path"])
        self.app.state.open_model(model, params)
        path = Path(params["path"])
        if self.app.state.model_kind == "converted":
            # Already converted: it can be checked, pushed and measured as it is.
            self.app.state.add_artifact(
                Artifact(path=path, target=path.suffix.lstrip("."), size_bytes=path.stat().st_size)
            )

    def _open_failed(self, error: StudioError, params: dict) -> None:
        self.busy.setVisible(False)
        self.open_button.setEnabled(True)
        if isinstance(error, TrustRequired) and not params.get("trust"):
            self.ask_trust(error, params)
            return
        self.update_state()
        if not isinstance(error, Cancelled):
            self.show_error(error, self.tr("The model could not be opened"))

    def ask_trust(self, error: StudioError, params: dict) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Run code from this file?"))
        code = code_to_trust(params)
        if code == Path(params["path"]).name:
            text = self.tr("Opening %1 runs Python code stored in it.").replace("%1", code)
        else:
            text = (
                self.tr("Opening %1 runs the Python code in %2, the architecture you gave.")
                .replace("%1", Path(params["path"]).name)
                .replace("%2", code)
            )
        box.setText(text)
        box.setInformativeText(
            self.tr(
                "Pickled models and .py architecture files can do anything a program on this "
                "computer can: read your files, install software, send data away. Open it only "
                "if it comes from someone you trust, such as your own team.\n\n"
                "Safer: ask for a state dict or .safetensors file, which holds numbers only."
            )
        )
        box.setDetailedText(error.message + "\n" + (on_screen_hint(error) or ""))
        self.trust_button = box.addButton(
            self.tr("I trust it, open it"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def done(_result: int) -> None:
            if box.clickedButton() is self.trust_button:
                self.open_model({**params, "trust": True})
            else:
                self.guide.setText(
                    self.tr("Not opened: you did not confirm that you trust the file.")
                )
            self.trust_box = None

        box.finished.connect(done)
        self.trust_box = box
        box.open()

    def _toggle_candidates(self, shown: bool) -> None:
        self.candidates_table.setVisible(shown)
        self.use_button.setVisible(shown)
        self.candidates_toggle.setText(
            self.tr("Hide the candidates") if shown else self.tr("Show the candidates")
        )

    def use_candidate(self) -> None:
        row = self.candidates_table.currentRow()
        model = self.app.state.model
        candidates = model.description.candidates if model is not None else []
        if not candidates:
            return
        candidate = candidates[max(row, 0)]
        self.arch_edit.setText(candidate.name)
        self.kwargs_edit.setText(json.dumps(candidate.kwargs) if candidate.kwargs else "")
        self.args_edit.clear()
        self.open_clicked()

    # --- try it --------------------------------------------------------------------------

    def browse_image(self) -> None:
        start = self.app.settings.folder("images")
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose an image"), start, IMAGE_FILTER)
        if path:
            self.app.settings.set_folder("images", path)
            self.image_edit.setText(path)
            self.classify()

    def classify(self) -> None:
        image = self.image_edit.text().strip()
        if not self.app.state.model_ready:
            self.app.show_error(InputError(self.tr("Open a runnable model first")))
            return
        if not image:
            self.app.show_error(InputError(self.tr("Choose an image first")))
            return
        pixmap = QPixmap(image)
        self.image_view.setPixmap(
            pixmap.scaled(128, 128, Qt.AspectRatioMode.KeepAspectRatio)
            if not pixmap.isNull()
            else QPixmap()
        )
        self.classify_button.setEnabled(False)
        model = dict(self.app.state.model_params)
        job = self.app.worker.submit("classify", {"model": model, "image": image, "top": 5})
        job.succeeded.connect(lambda result, m=model: self._classified(result, m))
        job.failed.connect(self._classify_failed)
        self.classify_job = job

    def _classified(self, result: Classification, model: dict) -> None:
        self.classify_button.setEnabled(self.app.state.model_ready)
        self.app.state.set_try_result(result, model)  # dropped if another model opened since

    def show_try_result(self) -> None:
        """The open model's answer for the image, or nothing (another model, no image yet)."""
        result = self.app.state.try_result
        if result is None:
            self.image_view.setPixmap(QPixmap())
        rows = result.top if result is not None else []
        self.top_table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            self.top_table.setItem(i, 0, QTableWidgetItem(row.label))
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(int(row.probability * 1000))
            bar.setFormat(f"{row.probability:.1%}")
            self.top_table.setCellWidget(i, 1, bar)

    def _classify_failed(self, error: StudioError) -> None:
        self.classify_button.setEnabled(self.app.state.model_ready)
        self.show_error(error, self.tr("Try it failed"))

    def show_error(self, error: StudioError, title: str | None = None) -> None:
        """``error``, its advice in this window's words (its action, see on_screen_hint)."""
        self.app.show_error(error, title)

    # --- state ---------------------------------------------------------------------------

    def update_state(self) -> None:
        state = self.app.state
        self.next_button.setEnabled(state.model_ready)
        self.classify_button.setEnabled(state.model_ready)
        if state.model is None:
            self.guide.setText(
                self.tr(
                    "Step 1: open a model — a checkpoint from training, a state dict, or a "
                    "converted file. No model at hand? Open the sample model."
                )
            )
            for label in self.summary_labels.values():
                label.setText("–")
            self.layers_table.setRowCount(0)
            self.types_table.setRowCount(0)
            self.candidates_box.setVisible(False)
            return
        self.path_edit.setText(state.model_params.get("path", ""))
        self.inputs_editor.show_inputs(state.model.input_spec, state.model.input_source)
        from studio.model.describe import tensor_text
        from studio.units import human_bytes, human_count

        desc = state.model.description

        labels = self.summary_labels
        labels["format"].setText(desc.format.replace("_", " "))
        labels["architecture"].setText(desc.architecture or self.tr("unknown"))
        params = desc.parameters
        labels["parameters"].setText(
            f"{human_count(params)} ({params:,})" if params else self.tr("unknown")
        )
        labels["size"].setText(human_bytes(desc.size_bytes))
        labels["memory"].setText(human_bytes(desc.memory_bytes))
        labels["flops"].setText(human_count(desc.flops) if desc.flops else self.tr("unknown"))
        labels["inputs"].setText("\n".join(tensor_text(t) for t in desc.inputs) or "–")
        labels["outputs"].setText("\n".join(tensor_text(t) for t in desc.outputs) or "–")
        names = desc.labels
        if desc.imagenet_classifier:
            labels["classes"].setText(self.tr("1000 ImageNet classes"))
        elif names:
            labels["classes"].setText(f"{len(names)}: {', '.join(names[:10])}")
        else:
            labels["classes"].setText("–")
        notes = desc.notes
        self.notes_label.setVisible(bool(notes))
        self.notes_label.setText("\n".join("• " + sentence(n) for n in notes))

        types = list(desc.layer_types.items())
        self.types_table.setRowCount(len(types))
        for i, (name, count) in enumerate(types):
            self.types_table.setItem(i, 0, QTableWidgetItem(name))
            self.types_table.setItem(i, 1, QTableWidgetItem(str(count)))
        self.types_table.setHorizontalHeaderLabels(
            [self.tr("Layer type") if desc.layers else self.tr("Operator"), self.tr("Count")]
        )
        layers = desc.layers
        self.layers_table.setVisible(bool(layers))
        if layers:
            self.layers_table.setHorizontalHeaderLabels(
                [self.tr("Layer"), self.tr("Type"), self.tr("Parameters")]
            )
            self.layers_table.setRowCount(len(layers))
            for i, layer in enumerate(layers):
                self.layers_table.setItem(i, 0, QTableWidgetItem(layer.name))
                self.layers_table.setItem(i, 1, QTableWidgetItem(layer.type))
                self.layers_table.setItem(i, 2, QTableWidgetItem(human_count(layer.parameters)))

        candidates = desc.candidates
        show_candidates = bool(candidates) and not state.model.runnable
        self.candidates_box.setVisible(bool(candidates))
        # Detected: one line, the list on demand. Undecided: the list, to choose from.
        self.candidates_toggle.setVisible(not show_candidates)
        self._toggle_candidates(show_candidates or self.candidates_toggle.isChecked())
        if show_candidates:
            self.candidates_box.setTitle(self.tr("Which architecture is it?"))
            self.candidates_label.setText(
                self.tr(
                    "This file holds weights only. These architectures fit them best; pick one "
                    "and press Use this architecture, or type it in the Architecture field above."
                )
            )
        else:
            self.candidates_box.setTitle(self.tr("Detected architecture"))
            best = candidates[0] if candidates else Candidate("", 0.0)
            self.candidates_label.setText(
                self.tr(
                    "The weights fit %1 best (%2). To open the file as another architecture, "
                    "show the candidates, pick one and press Use."
                )
                .replace("%1", best.name)
                .replace("%2", f"{best.score:.0%}")
            )
        self.candidates_table.setRowCount(len(candidates))
        for i, c in enumerate(candidates):
            self.candidates_table.setItem(i, 0, QTableWidgetItem(c.name))
            self.candidates_table.setItem(i, 1, QTableWidgetItem(f"{c.score:.0%}"))
            self.candidates_table.setItem(
                i, 2, QTableWidgetItem(json.dumps(c.kwargs) if c.kwargs else "")
            )
        if candidates:
            self.candidates_table.selectRow(0)

        self._explain(state.model_kind, Path(desc.path).name)

    def _explain(self, kind: str, name: str) -> None:
        """The guide and Try it's hint for the open model, by what it is (``AppState.model_kind``)."""
        try_it = self.tr("Pick an image to see what the model makes of it.")
        if kind == "runnable":
            guide = self.tr("%1 is open. Next: convert it for a phone on the Convert tab.")
        elif kind == "converted":
            guide = self.tr(
                "%1 is described below. It is already converted: check it on the "
                "Compatibility tab, push it from the Devices tab and measure it on the "
                "Latency tab."
            )
            try_it = self.tr(
                "Try it runs the PyTorch model on this computer, and %1 is a converted file. "
                "To try the model, open the file it was converted from."
            )
        elif kind == "choose_architecture":
            guide = self.tr("%1 holds weights only: choose its architecture below.")
            try_it = self.tr(
                "Try it needs the model's architecture: pick one of the candidates and press "
                "Use this architecture, or type it in the Architecture field above."
            )
        else:  # unknown_architecture
            guide = self.tr(
                "%1 holds weights only, and no architecture Model Studio knows fits them. "
                "Type the model's architecture in the Architecture field: the .py file that "
                "defines it and its class, like my_net.py:MyNet. Then press Open."
            )
            try_it = self.tr(
                "Try it needs the model's architecture. Type it in the Architecture field "
                "above (a .py file and its class, like my_net.py:MyNet) and press Open."
            )
        self.guide.setText(guide.replace("%1", name))
        self.try_hint.setText(try_it.replace("%1", name))
