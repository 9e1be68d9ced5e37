"""A conversion recipe: everything one conversion needs, saved and loaded as TOML.

The Convert tab edits a :class:`Recipe`, the command line builds one from its flags or
reads one from a file, and every report records the recipe it followed. This module
imports no torch, so the GUI can use it.

    [model]       path, arch, arch_args, arch_kwargs, trust
    [input]       tensors = [{name, shape, dtype}], [input.preprocess]
    [convert]     targets, capture
    [quantize]    mode, calibration, samples, backend, keep_float, sensitivity
    [onnx]        opset, dynamic_batch
    [lite]        bytecode_version, optimize
    [executorch]  backend
    [verify]      enabled, samples, data, labelled, latency_runs, atol, rtol, min_cosine, min_top1,
                  min_sqnr, max_accuracy_drop
    [output]      folder, name
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from studio import artifacts
from studio.errors import Action, InputError, RecipeError
from studio.fileio import write_bytes_atomic
from studio.model.inputs import IMAGE_SUFFIXES, TENSOR_SUFFIXES, InputSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# The targets are the artifact formats (studio.artifacts holds their suffixes and titles).
TARGETS = artifacts.NAMES
TARGET_SUFFIXES = {name: f.suffix for name, f in artifacts.FORMATS.items()}
TARGET_TITLES = {name: f.title for name, f in artifacts.FORMATS.items()}
CAPTURES = ("auto", "script", "trace", "export")
QUANTIZE_MODES = ("none", "fp16", "dynamic", "static")
QUANTIZE_BACKENDS = ("qnnpack", "x86")
EXECUTORCH_BACKENDS = ("xnnpack", "portable")
RANDOM_CALIBRATION = "random"

# ONNX opsets the studio can write: the TorchScript-based exporter covers 9..20, the
# torch.export-based one 18..23.
ONNX_MIN_OPSET = 9
ONNX_MAX_OPSET = 23
ONNX_DEFAULT_OPSET = 18
# Oldest PyTorch Lite bytecode version a .ptl can be backported to; no version goes past
# the upper bound for years to come.
LITE_MIN_BYTECODE = 4
LITE_MAX_BYTECODE = 100
# Bounds of a recipe's counts (calibration and verification samples, latency runs), of an
# architecture name or module:callable, and of one part of a path (NAME_MAX of file systems).
MAX_COUNT = 10_000
MAX_ARCH_LENGTH = 200
MAX_PATH_PART = 255

# Targets whose artifacts come from TorchScript (script or trace) and from torch.export.
TORCHSCRIPT_TARGETS = ("pt", "ptl")
EXPORT_TARGETS = ("pte",)

# Why a target cannot do a quantization mode. Missing means it can.
UNSUPPORTED_MODES: dict[tuple[str, str], str] = {
    ("pt", "fp16"): "TorchScript on a phone's CPU has no float16 kernels for most operators",
    ("ptl", "fp16"): "PyTorch Lite on a phone's CPU has no float16 kernels for most operators",
}

# Artifact file name tag per quantization mode.
MODE_TAGS = {"none": "", "fp16": "-fp16", "dynamic": "-int8-dynamic", "static": "-int8"}


def capture_conflict(capture: str, target: str) -> str | None:
    """Why ``capture`` cannot produce ``target``, or None when it can."""
    if capture == "export" and target in TORCHSCRIPT_TARGETS:
        return "TorchScript files need torch.jit.script or torch.jit.trace"
    if capture in ("script", "trace") and target in EXPORT_TARGETS:
        return "ExecuTorch programs need torch.export"
    return None


def quantize_conflict(target: str, mode: str, executorch_backend: str = "xnnpack") -> str | None:
    """Why ``target`` cannot be quantized as ``mode``, or None when it can."""
    reason = UNSUPPORTED_MODES.get((target, mode))
    if reason is None and target == "pte" and executorch_backend == "portable" and mode != "none":
        reason = "the portable kernels run float32 models only"
    return reason


def _clean(value: Any) -> Any:
    """Drop None values (TOML has no null) recursively."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


KEEP_FLOAT_AUTO = "auto"


class _Section:
    """A dataclass that reads itself from a TOML table and refuses unknown keys."""

    section: str = ""

    @classmethod
    def from_dict(cls, data: Any):
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise RecipeError(f"[{cls.section}] must be a table of settings")
        known = {f.name: f for f in fields(cls)}
        for key, value in data.items():
            if key not in known:
                raise RecipeError(
                    f"unknown key {key!r} in [{cls.section}]",
                    hint=f"the keys of [{cls.section}] are {', '.join(known)}",
                )
            _check_type(cls.section, key, value, str(known[key].type))
        return cls(**data)

    def to_dict(self) -> dict:
        return _clean({f.name: getattr(self, f.name) for f in fields(self)})


@dataclass
class ModelSource(_Section):
    section = "model"
    path: str | None = None
    arch: str | None = None
    arch_args: list | None = None
    arch_kwargs: dict | None = None
    trust: bool = False


@dataclass
class QuantizeSettings(_Section):
    section = "quantize"
    mode: str = "none"
    calibration: str | None = None  # image folder, tensor file, or "random" (low fidelity)
    samples: int = 32
    backend: str = "qnnpack"  # FX graph mode backend for pt/ptl
    # Layers kept float32 in int8 artifacts: module names, or "auto" (the most sensitive,
    # one more at a time, until verification passes: studio.convert.sensitivity)
    keep_float: str | list | None = None
    sensitivity: bool = False  # measure how much each layer group's int8 costs


@dataclass
class OnnxOptions(_Section):
    section = "onnx"
    opset: int = ONNX_DEFAULT_OPSET
    dynamic_batch: bool = False


@dataclass
class LiteOptions(_Section):
    section = "lite"
    bytecode_version: int | None = None  # None: what the installed torch writes
    optimize: bool = True


@dataclass
class ExecuTorchOptions(_Section):
    section = "executorch"
    backend: str = "xnnpack"


@dataclass
class VerifySettings(_Section):
    section = "verify"
    enabled: bool = True
    # Enough for the statistics to settle (a top-1 interval about +-8 points wide at 95%)
    samples: int = 32
    # folder or tensor file; default: held out from the calibration data, else random
    data: str | None = None
    labelled: str | None = None  # folder with one sub-folder of images per class
    latency_runs: int = 10
    atol: float | None = None  # overrides of the per-mode tolerances (studio.convert.compare)
    rtol: float | None = None
    min_cosine: float | None = None
    min_top1: float | None = None
    min_sqnr: float | None = None  # dB over all outputs
    max_accuracy_drop: float | None = None  # percentage points, on the labelled folder


@dataclass
class OutputSettings(_Section):
    section = "output"
    folder: str | None = None  # default: "<model name>-mobile" beside the model
    name: str | None = None  # default: the model file's name without its suffix


@dataclass
class Recipe:
    model: ModelSource = field(default_factory=ModelSource)
    input: InputSpec | None = None  # None: what the model loader finds
    targets: list[str] = field(default_factory=lambda: ["pte"])
    capture: str = "auto"
    quantize: QuantizeSettings = field(default_factory=QuantizeSettings)
    onnx: OnnxOptions = field(default_factory=OnnxOptions)
    lite: LiteOptions = field(default_factory=LiteOptions)
    executorch: ExecuTorchOptions = field(default_factory=ExecuTorchOptions)
    verify: VerifySettings = field(default_factory=VerifySettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    base_dir: Path | None = None  # relative paths are resolved against it (the TOML's folder)

    # --- paths -------------------------------------------------------------------------------

    def resolve(self, path: str | Path | None) -> Path | None:
        if path is None:
            return None
        path = Path(path).expanduser()
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        return path

    @property
    def model_path(self) -> Path | None:
        return self.resolve(self.model.path)

    @property
    def name(self) -> str:
        if self.output.name:
            return self.output.name
        if self.model.path:
            return plain_file_name(Path(self.model.path).stem)
        if self.model.arch and not is_spec_like(self.model.arch):
            return plain_file_name(self.model.arch)
        return "model"

    @property
    def output_folder(self) -> Path:
        if self.output.folder:
            return self.resolve(self.output.folder)
        base = self.model_path.parent if self.model_path else (self.base_dir or Path.cwd())
        return base / f"{self.name}-mobile"

    def artifact_name(self, target: str) -> str:
        return f"{self.name}{MODE_TAGS[self.quantize.mode]}{TARGET_SUFFIXES[target]}"

    def calibration_source(self) -> Path | str | None:
        """A path, the string ``random``, or None."""
        value = self.quantize.calibration
        if value is None or value == RANDOM_CALIBRATION:
            return value
        return self.resolve(value)

    def verification_source(self) -> Path | None:
        """Where verification inputs come from: its own data, else the calibration data."""
        if self.verify.data:
            return self.resolve(self.verify.data)
        source = self.calibration_source()
        return source if isinstance(source, Path) else None

    # --- validation --------------------------------------------------------------------------

    def _check_layer_plan(self) -> None:
        q = self.quantize
        keep = q.keep_float
        if keep is None and not q.sensitivity:
            return
        if q.mode != "static":
            raise RecipeError(
                "layer sensitivity and keeping layers in float need static int8",
                hint="add --quantize static with calibration data",
            )
        if isinstance(keep, str) and keep != KEEP_FLOAT_AUTO:
            raise RecipeError(
                f'[quantize] keep_float must be "auto" or a list of layer names, not {keep!r}'
            )
        if isinstance(keep, list) and not all(isinstance(n, str) and n.strip() for n in keep):
            raise RecipeError("[quantize] keep_float lists layer names (text), one per layer")

    @property
    def layer_plan_wanted(self) -> bool:
        """Whether the conversion measures layer sensitivity before building."""
        return self.quantize.mode == "static" and (
            self.quantize.sensitivity or self.quantize.keep_float == KEEP_FLOAT_AUTO
        )

    def validate(self, check_files: bool = True, model_in_memory: bool = False) -> Recipe:
        """Raise RecipeError naming the first problem; return self when the recipe is sound.

        ``check_files`` checks that the files and folders it names exist;
        ``model_in_memory`` skips the model file (the caller supplies the model).
        """
        if not self.model.path and not self.model.arch:
            raise RecipeError(
                "the recipe names no model",
                hint="set [model] path (and arch for a state dict)",
                action=Action.RECIPE_MODEL,
            )
        targets = list(self.targets)
        if not targets:
            raise RecipeError("the recipe has no targets", hint=f"choose from {', '.join(TARGETS)}")
        for target in targets:
            if target not in TARGETS:
                raise RecipeError(
                    f"unknown target {target!r}", hint=f"the targets are {', '.join(TARGETS)}"
                )
        if len(set(targets)) != len(targets):
            raise RecipeError("a target is listed twice", hint="list each target once")
        if self.output.name is not None:
            check_file_name(self.output.name, "the output name")
        self._check_values()
        if self.capture == "export" and (ts := [t for t in targets if t in TORCHSCRIPT_TARGETS]):
            raise RecipeError(
                f"capture 'export' cannot produce {', '.join(ts)}: "
                f"{capture_conflict('export', ts[0])}",
                hint="use capture 'auto', or convert pt/ptl in a separate recipe",
            )
        if (why := capture_conflict(self.capture, "pte")) and "pte" in targets:
            raise RecipeError(
                f"capture {self.capture!r} cannot produce pte: {why}",
                hint="use capture 'auto' or 'export' for pte",
            )

        mode = self.quantize.mode
        for target in targets:
            if why := quantize_conflict(target, mode, self.executorch.backend):
                if target == "pte":
                    raise RecipeError(
                        f"pte with the portable backend cannot be quantized as {mode}: {why}",
                        hint="use the xnnpack backend for quantized ExecuTorch programs",
                    )
                raise RecipeError(f"{target} cannot be quantized as {mode}: {why}")
        if mode == "static":
            self._check_calibration(check_files)
        elif self.quantize.calibration is not None and mode == "none":
            raise RecipeError(
                "calibration data is given but nothing is quantized",
                hint="add --quantize static, or drop the calibration data",
                action=Action.STATIC_QUANTIZATION,
            )
        self._check_layer_plan()

        opset = self.onnx.opset
        if {"onnx", "ort"} & set(targets) and self.capture == "export" and opset < 18:
            raise RecipeError(
                f"capture 'export' writes ONNX opset 18 or newer, the recipe asks for {opset}",
                hint="use capture 'auto' or 'trace' for older opsets",
            )
        if {"onnx", "ort"} & set(targets) and mode in ("dynamic", "static") and opset < 10:
            raise RecipeError(
                f"int8 ONNX models need opset 10 or newer, the recipe asks for {opset}",
                hint="raise [onnx] opset",
            )
        if check_files:
            if self.model.path and not model_in_memory and not self.model_path.exists():
                raise RecipeError(f"the model file {self.model_path} does not exist")
            for key in ("data", "labelled"):
                value = getattr(self.verify, key)
                if value is not None and not self.resolve(value).exists():
                    raise RecipeError(
                        f"the verify {key} folder {self.resolve(value)} does not exist"
                    )
            if self.model_path and self.output_folder.resolve() == self.model_path.parent.resolve():
                for target in targets:
                    if (self.output_folder / self.artifact_name(target)).resolve() == (
                        self.model_path.resolve()
                    ):
                        raise RecipeError(
                            f"the {target} artifact would overwrite the model file {self.model_path.name}",
                            hint="choose another output folder or name",
                        )
        return self

    def check_output_inside(self) -> None:
        """A recipe file writes only inside its own folder: a shared recipe must not pick
        where files land on someone else's computer (the person's own --out may)."""
        if self.output.folder is None or self.base_dir is None:
            return
        base = self.base_dir.resolve()
        folder = self.output_folder.resolve()
        if folder != base and base not in folder.parents:
            raise RecipeError(
                f"the recipe writes to {self.output.folder}, outside the recipe's own folder",
                hint="a recipe may only name a folder inside its own; give --out to choose "
                "another output folder",
                action=Action.OUTPUT_FOLDER,
            )

    def _check_values(self) -> None:
        """Refuse a setting outside what it can be, on its own (not against other settings):
        run when a recipe is read and again when it is validated."""
        _choice("capture", self.capture, CAPTURES)
        _choice("quantize mode", self.quantize.mode, QUANTIZE_MODES)
        _choice("quantize backend", self.quantize.backend, QUANTIZE_BACKENDS)
        _positive("quantize samples", self.quantize.samples)
        _choice("executorch backend", self.executorch.backend, EXECUTORCH_BACKENDS)
        opset = self.onnx.opset
        if not isinstance(opset, int) or isinstance(opset, bool):
            raise RecipeError(f"onnx opset must be a whole number, not {opset!r}")
        if not ONNX_MIN_OPSET <= opset <= ONNX_MAX_OPSET:
            raise RecipeError(
                f"onnx opset {opset} is out of range",
                hint=f"choose an opset from {ONNX_MIN_OPSET} to {ONNX_MAX_OPSET}",
            )
        version = self.lite.bytecode_version
        if version is not None and (
            not isinstance(version, int)
            or isinstance(version, bool)
            or not LITE_MIN_BYTECODE <= version <= LITE_MAX_BYTECODE
        ):
            raise RecipeError(
                f"lite bytecode_version {version!r} is not supported",
                hint=f"choose a version from {LITE_MIN_BYTECODE} up to what the installed torch writes",
            )
        _positive("verify samples", self.verify.samples)
        runs = self.verify.latency_runs
        if not isinstance(runs, int) or isinstance(runs, bool) or not 0 <= runs <= MAX_COUNT:
            raise RecipeError(f"verify latency_runs must be from 0 to {MAX_COUNT}, not {runs!r}")
        for key in ("min_cosine", "min_top1"):
            value = getattr(self.verify, key)
            if value is not None and not 0.0 <= value <= 1.0:
                raise RecipeError(f"verify {key} must be between 0 and 1, not {value}")
        for key in ("atol", "rtol", "max_accuracy_drop"):
            value = getattr(self.verify, key)
            if value is not None and not 0.0 <= value < math.inf:
                raise RecipeError(f"verify {key} must be a number of at least 0, not {value}")
        sqnr = self.verify.min_sqnr
        if sqnr is not None and not -math.inf < sqnr < math.inf:
            raise RecipeError(f"verify min_sqnr must be a number of decibels, not {sqnr}")
        arch = self.model.arch
        if isinstance(arch, str) and len(arch) > MAX_ARCH_LENGTH:
            raise RecipeError(
                f"[model] arch is {len(arch)} characters long",
                hint=f"an architecture name or module:callable has at most {MAX_ARCH_LENGTH}",
            )
        for what, value in (
            ("[model] path", self.model.path),
            ("[quantize] calibration", self.quantize.calibration),
            ("[verify] data", self.verify.data),
            ("[verify] labelled", self.verify.labelled),
            ("[output] folder", self.output.folder),
        ):
            _check_path(what, value)

    def _check_calibration(self, check_files: bool) -> None:
        source = self.calibration_source()
        if source is None:
            raise RecipeError(
                "static int8 quantization needs calibration data",
                hint="give a folder of images, a tensor file, or 'random' (low fidelity)",
            )
        if source == RANDOM_CALIBRATION or not check_files:
            return
        if not source.exists():
            raise RecipeError(f"the calibration folder {source} does not exist")
        if source.is_dir() and not _has_samples(source):
            raise RecipeError(
                f"the calibration folder {source} is empty: it holds no images or tensor files",
                hint="put a few dozen representative inputs in it",
            )

    # --- TOML --------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        doc: dict[str, Any] = {"model": self.model.to_dict()}
        if self.input is not None:
            doc["input"] = _clean(self.input.to_dict())
        doc["convert"] = {"targets": list(self.targets), "capture": self.capture}
        for key in ("quantize", "onnx", "lite", "executorch", "verify", "output"):
            table = getattr(self, key).to_dict()
            if table:
                doc[key] = table
        return doc

    @classmethod
    def from_dict(cls, data: dict, base_dir: Path | None = None) -> Recipe:
        if not isinstance(data, dict):
            raise RecipeError("a recipe must be a table of sections")
        sections = {
            "model": ModelSource,
            "quantize": QuantizeSettings,
            "onnx": OnnxOptions,
            "lite": LiteOptions,
            "executorch": ExecuTorchOptions,
            "verify": VerifySettings,
            "output": OutputSettings,
        }
        known = ["model", "input", "convert", *list(sections)[1:]]
        for key in data:
            if key not in known:
                raise RecipeError(
                    f"unknown section or key {key!r} in the recipe",
                    hint=f"the sections are {', '.join(known)}",
                )
        convert = data.get("convert", {})
        if not isinstance(convert, dict):
            raise RecipeError("[convert] must be a table of settings")
        for key in convert:
            if key not in ("targets", "capture"):
                raise RecipeError(
                    f"unknown key {key!r} in [convert]",
                    hint="the keys of [convert] are targets, capture",
                )
        targets = convert.get("targets", ["pte"])
        if isinstance(targets, str):
            targets = [t.strip() for t in targets.split(",") if t.strip()]
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise RecipeError(
                f"[convert] targets must be a list of target names, not {_shown(targets)}",
                hint=f"choose from {', '.join(TARGETS)}",
            )
        _check_type("convert", "capture", convert.get("capture", "auto"), "str")
        try:
            input_spec = InputSpec.from_dict(data["input"]) if "input" in data else None
        except InputError as exc:
            raise RecipeError(f"[input] {exc.message}", hint=exc.hint) from None
        try:
            built = {key: section.from_dict(data.get(key)) for key, section in sections.items()}
        except TypeError as exc:
            raise RecipeError(f"a recipe setting has the wrong form ({exc})") from None
        recipe = cls(
            input=input_spec,
            targets=list(targets),
            capture=convert.get("capture", "auto"),
            base_dir=base_dir,
            **built,
        )
        recipe._check_values()
        return recipe

    def dumps(self) -> str:
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        write_bytes_atomic(path, self.dumps().encode("utf-8"))
        return path

    @classmethod
    def loads(cls, text: str, base_dir: Path | None = None) -> Recipe:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise RecipeError(f"the recipe is not valid TOML ({exc})") from None
        return cls.from_dict(data, base_dir)

    @classmethod
    def load(cls, path: str | Path) -> Recipe:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RecipeError(f"the recipe {path} cannot be read ({exc})") from None
        try:
            return cls.loads(text, base_dir=path.resolve().parent)
        except RecipeError as exc:
            raise RecipeError(f"{path.name}: {exc.message}", hint=exc.hint) from None


_TYPE_NAMES = {
    "str": (str, "text"),
    "int": (int, "a whole number"),
    "float": ((int, float), "a number"),
    "bool": (bool, "true or false"),
    "list": (list, "a list"),
    "dict": (dict, "a table"),
}


def _check_type(section: str, key: str, value: Any, annotation: str) -> None:
    """Refuse a value whose TOML type does not fit the field (``samples = "many"``)."""
    names = [part.strip() for part in annotation.split("|")]
    allowed = [_TYPE_NAMES[name] for name in names if name in _TYPE_NAMES]
    if not allowed:
        return
    is_bool = isinstance(value, bool)
    for kind, _ in allowed:
        if isinstance(value, kind) and (not is_bool or kind is bool):
            return
    wanted = " or ".join(label for _, label in allowed)
    raise RecipeError(f"[{section}] {key} must be {wanted}, not {value!r}")


# Names Windows gives to devices: a file called NUL.pte or com1.onnx cannot be written there.
_RESERVED_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{d}{i}" for d in ("com", "lpt") for i in range(10)
}
_FORBIDDEN_CHARACTERS = set('/\\:*?"<>|') | {chr(i) for i in range(32)}
MAX_NAME_LENGTH = 120


def check_file_name(name: Any, what: str) -> str:
    """``name`` when it is one plain file name on every OS, else a RecipeError.

    Names come from recipes and model files, so they are data: never a path (no
    separators, no ``..``), never hidden, never a device name, never very long.
    """
    if not isinstance(name, str) or not name.strip():
        raise RecipeError(f"{what} must be a file name, not {name!r}")
    bad = sorted(_FORBIDDEN_CHARACTERS & set(name))
    if bad:
        shown = ", ".join(repr(c) for c in bad[:4])
        raise RecipeError(
            f"{what} {name[:60]!r} contains {shown}: it must be one file name, not a path",
            hint="use letters, digits, spaces, dots, dashes and underscores",
        )
    if name.startswith(".") or name != name.strip() or name.endswith("."):
        raise RecipeError(
            f"{what} {name[:60]!r} must not start with a dot or start or end with a space or dot"
        )
    if name.split(".")[0].strip().lower() in _RESERVED_NAMES:
        raise RecipeError(f"{what} {name!r} is a name Windows reserves for devices")
    if len(name) > MAX_NAME_LENGTH:
        raise RecipeError(
            f"{what} is {len(name)} characters long", hint=f"use at most {MAX_NAME_LENGTH}"
        )
    return name


def plain_file_name(stem: str) -> str:
    """A name derived from a file or architecture name, made safe instead of refused."""
    cleaned = "".join("_" if c in _FORBIDDEN_CHARACTERS else c for c in stem)
    cleaned = cleaned.strip().strip(".")[:MAX_NAME_LENGTH].strip()
    if not cleaned or cleaned.split(".")[0].lower() in _RESERVED_NAMES:
        cleaned = f"model-{cleaned}" if cleaned else "model"
    return cleaned


def is_spec_like(value: str) -> bool:
    """Whether an architecture value names code or a path rather than a catalogue entry."""
    return any(c in value for c in ":/\\")


def _choice(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise RecipeError(f"unknown {what} {value!r}", hint=f"choose one of {', '.join(allowed)}")
    return value


def _positive(what: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_COUNT:
        raise RecipeError(
            f"{what} must be a whole number of at least 1 and at most {MAX_COUNT}, not {value!r}"
        )


def _check_path(what: str, value: str | None) -> None:
    """Refuse a path no file system takes: a NUL character, or a part longer than 255 bytes."""
    if value is None:
        return
    if "\x00" in value:
        raise RecipeError(f"{what} contains a NUL character", hint="write the path as plain text")
    parts = Path(value).expanduser().parts
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_PATH_PART for part in parts):
        raise RecipeError(
            f"{what} {_shown(value)} has a part longer than {MAX_PATH_PART} bytes, "
            "which no file system takes",
            hint="use a shorter folder or file name",
        )


def _shown(value: Any) -> str:
    """A value as a message shows it: its repr, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _has_samples(folder: Path) -> bool:
    suffixes = IMAGE_SUFFIXES | TENSOR_SUFFIXES
    return any(p.is_file() and p.suffix.lower() in suffixes for p in folder.rglob("*"))
