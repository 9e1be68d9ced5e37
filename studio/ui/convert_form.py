"""The Convert tab's form as plain Python: the choices, which of them can go together, and
the :class:`~studio.convert.recipe.Recipe` they make.

No Qt here: the tab binds its widgets to a :class:`ConvertForm` (it calls :meth:`update`
when a widget changes and redraws on :attr:`ConvertForm.changed`). Which choices rule out
which others is the recipe's own rules (:func:`capture_conflict`, :func:`quantize_conflict`),
asked per option, never found by building trial recipes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from studio.convert.recipe import (
    KEEP_FLOAT_AUTO,
    LITE_MIN_BYTECODE,
    ONNX_DEFAULT_OPSET,
    RANDOM_CALIBRATION,
    TARGETS,
    Recipe,
    capture_conflict,
    quantize_conflict,
)
from studio.errors import RecipeError
from studio.model import sample
from studio.model.inputs import InputSpec, default_preprocess_for
from studio.paths import data_dir
from studio.ui.state import Event

# The per-target options and the targets they apply to.
OPTION_TARGETS = {
    "onnx_opset": ("onnx", "ort"),
    "dynamic_batch": ("onnx", "ort"),
    "lite_bytecode": ("ptl",),
    "optimize": ("pt", "ptl"),
    "executorch_backend": ("pte",),
}


# Which layers stay float32 in static int8: none, the most sensitive until verification passes
# ("auto"), or the layers a loaded recipe names.
KEEP_FLOAT_CHOICES = ("none", "auto", "listed")


@dataclass(frozen=True)
class Conflict:
    """Why a choice cannot be made: the other choice that rules it out, and the reason."""

    setting: str  # "target", "capture" or "quantize": the field whose choice is in the way
    value: str  # that field's choice
    reason: str  # the recipe's own words


@dataclass(frozen=True)
class Problem:
    """Why the form cannot be converted as it stands."""

    kind: str  # "no model", "no target", "no calibration", "inputs", "recipe"
    error: RecipeError | None = None  # for "recipe": what the recipe's rules say
    reason: str = ""  # for "inputs": why the inputs table cannot be used

    @property
    def detail(self) -> str:
        return self.error.message if self.error else ""


class ConvertForm:
    """The form's fields, the recipe they make, and which choices the recipe allows."""

    def __init__(self) -> None:
        self.model: dict = {}  # how the open model was opened: path, arch, ..., trust
        self.targets: list[str] = ["pte"]
        self.capture = "auto"
        self.quantize = "none"
        self.random_calibration = False
        self.samples = 32
        self.keep_float = "none"  # one of KEEP_FLOAT_CHOICES
        self.sensitivity = False  # measure each layer group's int8 cost
        self.onnx_opset = ONNX_DEFAULT_OPSET
        self.dynamic_batch = False
        self.lite_bytecode: int | None = None  # None: the newest the installed torch writes
        self.optimize = True
        self.executorch_backend = "xnnpack"
        self.verify = True
        # What comes from the open model (and is reset when another one is opened):
        self.inputs: InputSpec | None = None  # None: what the loader finds
        self.inputs_problem = ""  # why the Model tab's inputs cannot be used, or ""
        self.calibration = ""  # a folder; kept while another mode is chosen
        self.labelled = ""  # the accuracy set: one sub-folder of images per class
        self.verify_data = ""  # what verification runs on: images, tensor files, an .npz
        self.output = ""  # empty: "<model name>-mobile" beside the model
        self.base_dir: Path | None = None  # a loaded recipe's folder, for its relative paths
        self.float_layers: list[str] = []  # the layers a loaded recipe keeps in float
        self.changed = Event()

    # --- changing it -------------------------------------------------------------------

    def update(self, **changes) -> None:
        """Set fields by name (``form.update(quantize="static")``) and say so once."""
        for name, value in changes.items():
            if name in ("model", "changed") or not hasattr(self, name):
                raise AttributeError(f"the convert form has no field {name!r}")
            setattr(self, name, value)
        self.changed.emit()

    def set_target(self, target: str, chosen: bool) -> None:
        targets = [t for t in self.targets if t != target]
        if chosen:
            targets.append(target)
        self.update(targets=[t for t in TARGETS if t in targets])

    def model_opened(self, params: dict) -> None:
        """Another model: forget the folders and shape chosen for the previous one (its
        calibration images, accuracy set, output folder); the formats and modes stay.

        The bundled sample gets its own digit images for calibration and accuracy and an
        output folder among the user's data (its own folder belongs to the program).
        """
        self.model = dict(params)
        self.inputs = _given_inputs(params)
        self.inputs_problem = ""
        self.calibration = self.labelled = self.output = self.verify_data = ""
        self.base_dir = None
        self.float_layers = []  # layer names belong to the model they were listed for
        if self.keep_float == "listed":
            self.keep_float = "none"
        if params.get("path") and sample.is_sample(params["path"]):
            self.calibration = self.labelled = str(sample.images_dir())
            self.output = str(data_dir() / f"{Path(params['path']).stem}-mobile")
        self.changed.emit()

    def model_described(self, params: dict) -> None:
        """The open model's description changed (not another model): keep the choices;
        a form that has not seen this model yet starts over for it."""
        if _same_model(params, self.model):
            self.model = dict(params)
            self.changed.emit()
        else:
            self.model_opened(params)

    def show_recipe(self, recipe: Recipe) -> None:
        """Fill the form from ``recipe`` (loaded from a file)."""
        calibration = recipe.calibration_source()
        labelled = recipe.resolve(recipe.verify.labelled)
        self.targets = [t for t in TARGETS if t in recipe.targets]
        self.capture = recipe.capture
        self.quantize = recipe.quantize.mode
        self.random_calibration = calibration == RANDOM_CALIBRATION
        if calibration not in (None, RANDOM_CALIBRATION):
            self.calibration = str(calibration)
        self.samples = recipe.quantize.samples
        keep = recipe.quantize.keep_float
        self.float_layers = list(keep) if isinstance(keep, list) else []
        self.keep_float = (
            "auto" if keep == KEEP_FLOAT_AUTO else "listed" if self.float_layers else "none"
        )
        self.sensitivity = recipe.quantize.sensitivity
        if recipe.input is not None:
            self.inputs = recipe.input
        self.onnx_opset = recipe.onnx.opset
        self.dynamic_batch = recipe.onnx.dynamic_batch
        self.lite_bytecode = recipe.lite.bytecode_version
        self.optimize = recipe.lite.optimize
        self.executorch_backend = recipe.executorch.backend
        self.verify = recipe.verify.enabled
        self.labelled = str(labelled) if labelled else ""
        data = recipe.resolve(recipe.verify.data)
        self.verify_data = str(data) if data else ""
        self.output = str(recipe.output_folder) if recipe.output.folder else ""
        self.base_dir = recipe.base_dir
        self.changed.emit()

    # --- what can be chosen ------------------------------------------------------------

    def target_conflict(self, target: str) -> Conflict | None:
        """What in the form rules ``target`` out, or None."""
        if why := capture_conflict(self.capture, target):
            return Conflict("capture", self.capture, why)
        if why := quantize_conflict(target, self.quantize, self.executorch_backend):
            return Conflict("quantize", self.quantize, why)
        return None

    def capture_conflict(self, capture: str) -> Conflict | None:
        """Which chosen target rules ``capture`` out, or None."""
        for target in self.targets:
            if why := capture_conflict(capture, target):
                return Conflict("target", target, why)
        return None

    def quantize_conflict(self, mode: str) -> Conflict | None:
        """Which chosen target rules quantization ``mode`` out, or None."""
        for target in self.targets:
            if why := quantize_conflict(target, mode, self.executorch_backend):
                return Conflict("target", target, why)
        return None

    def backend_conflict(self, backend: str) -> Conflict | None:
        """Whether the chosen quantization rules ExecuTorch ``backend`` out."""
        if why := quantize_conflict("pte", self.quantize, backend):
            return Conflict("quantize", self.quantize, why)
        return None

    def applies(self, option: str) -> bool:
        """Whether a per-target option (a key of OPTION_TARGETS) matters for the targets."""
        return any(t in self.targets for t in OPTION_TARGETS[option])

    @property
    def static(self) -> bool:
        return self.quantize == "static"

    @property
    def measures_sensitivity(self) -> bool:
        """Whether converting measures each layer group's int8 cost: asked for, or needed to
        choose which layers stay in float."""
        return self.static and (self.sensitivity or self.keep_float == "auto")

    @property
    def calibration_folder_used(self) -> bool:
        return self.static and not self.random_calibration

    def problem(self) -> Problem | None:
        """Why the form cannot be converted, or None when it can."""
        if not self.model.get("path"):
            return Problem("no model")
        if not self.targets:
            return Problem("no target")
        if self.calibration_folder_used and not self.calibration.strip():
            return Problem("no calibration")
        if self.inputs_problem:
            return Problem("inputs", reason=self.inputs_problem)
        try:
            self.recipe().validate(check_files=False)
        except RecipeError as exc:
            return Problem("recipe", exc)
        return None

    # --- the recipe ----------------------------------------------------------------------

    def recipe(self) -> Recipe:
        """The recipe the form makes (not validated)."""
        recipe = Recipe(targets=list(self.targets), capture=self.capture, base_dir=self.base_dir)
        params = self.model
        recipe.model = replace(
            recipe.model,
            path=params.get("path"),
            arch=params.get("arch"),
            arch_args=params.get("arch_args"),
            arch_kwargs=params.get("arch_kwargs"),
            trust=bool(params.get("trust")),
        )
        inputs = self.inputs
        if inputs is not None and len(inputs.tensors) == 1 and inputs.preprocess is None:
            inputs = replace(inputs, preprocess=default_preprocess_for(inputs.shape))
        recipe.input = inputs
        calibration = None
        if self.static:
            calibration = (
                RANDOM_CALIBRATION if self.random_calibration else self.calibration.strip() or None
            )
        recipe.quantize = replace(
            recipe.quantize,
            mode=self.quantize,
            calibration=calibration,
            samples=self.samples,
            keep_float=self._recipe_keep_float() if self.static else None,
            sensitivity=self.static and self.sensitivity,
        )
        recipe.onnx = replace(recipe.onnx, opset=self.onnx_opset, dynamic_batch=self.dynamic_batch)
        recipe.lite = replace(
            recipe.lite,
            bytecode_version=self.lite_bytecode
            if self.lite_bytecode and self.lite_bytecode >= LITE_MIN_BYTECODE
            else None,
            optimize=self.optimize,
        )
        recipe.executorch = replace(recipe.executorch, backend=self.executorch_backend)
        recipe.verify = replace(
            recipe.verify,
            enabled=self.verify,
            labelled=self.labelled.strip() or None,
            data=self.verify_data.strip() or None,
        )
        recipe.output = replace(recipe.output, folder=self.output.strip() or None)
        return recipe

    def _recipe_keep_float(self) -> str | list[str] | None:
        if self.keep_float == "auto":
            return KEEP_FLOAT_AUTO
        if self.keep_float == "listed" and self.float_layers:
            return list(self.float_layers)
        return None


def _given_inputs(params: dict) -> InputSpec | None:
    """The inputs a model was opened with (``inputs``, or the older ``input_shape``)."""
    if params.get("inputs"):
        return InputSpec.from_dict({"tensors": params["inputs"]})
    if params.get("input_shape"):
        return InputSpec.single(tuple(params["input_shape"]))
    return None


def _same_model(a: dict, b: dict) -> bool:
    keys = ("path", "arch", "arch_args", "arch_kwargs", "input_shape", "inputs")
    return all(a.get(k) == b.get(k) for k in keys)
