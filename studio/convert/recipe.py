"""A conversion recipe: everything one conversion needs, saved and loaded as TOML.

The Convert tab edits a :class:`Recipe`, the command line builds one from its flags or
reads one from a file, and every report records the recipe it followed. This module
imports no torch, so the GUI can use it.

    [model]       path, arch, arch_args, arch_kwargs, trust
    [input]       tensors = [{name, shape, dtype}], [input.preprocess]
    [convert]     targets, capture
    [quantize]    mode, calibration, samples, backend
    [onnx]        opset, dynamic_batch
    [lite]        bytecode_version, optimize
    [executorch]  backend
    [verify]      enabled, samples, data, labelled, latency_runs, atol, rtol, min_cosine, min_top1
    [output]      folder, name
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from studio.errors import RecipeError
from studio.fileio import write_bytes_atomic
from studio.model.inputs import IMAGE_SUFFIXES, TENSOR_SUFFIXES, InputSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TARGETS = ("pt", "ptl", "pte", "onnx", "ort")
TARGET_SUFFIXES = {"pt": ".pt", "ptl": ".ptl", "pte": ".pte", "onnx": ".onnx", "ort": ".ort"}
TARGET_TITLES = {
    "pt": "TorchScript",
    "ptl": "PyTorch Lite",
    "pte": "ExecuTorch",
    "onnx": "ONNX",
    "ort": "ONNX Runtime format",
}
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
# Oldest PyTorch Lite bytecode version a .ptl can be backported to.
LITE_MIN_BYTECODE = 4

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


def _clean(value: Any) -> Any:
    """Drop None values (TOML has no null) recursively."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


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
    samples: int = 8
    data: str | None = None  # folder or tensor file; default: the calibration data, else random
    labelled: str | None = None  # folder with one sub-folder of images per class
    latency_runs: int = 10
    atol: float | None = None  # overrides of the per-mode tolerances (studio.convert.compare)
    rtol: float | None = None
    min_cosine: float | None = None
    min_top1: float | None = None


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
            return Path(self.model.path).stem
        return self.model.arch or "model"

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

    def validate(self, check_files: bool = True, model_in_memory: bool = False) -> Recipe:
        """Raise RecipeError naming the first problem; return self when the recipe is sound.

        ``check_files`` checks that the files and folders it names exist;
        ``model_in_memory`` skips the model file (the caller supplies the model).
        """
        if not self.model.path and not self.model.arch:
            raise RecipeError(
                "the recipe names no model", hint="set [model] path (and arch for a state dict)"
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
        _choice("capture", self.capture, CAPTURES)
        if self.capture == "export" and (ts := [t for t in targets if t in TORCHSCRIPT_TARGETS]):
            raise RecipeError(
                f"capture 'export' cannot produce {', '.join(ts)}: TorchScript files need "
                "torch.jit.script or torch.jit.trace",
                hint="use capture 'auto', or convert pt/ptl in a separate recipe",
            )
        if self.capture in ("script", "trace") and "pte" in targets:
            raise RecipeError(
                f"capture {self.capture!r} cannot produce pte: ExecuTorch programs need torch.export",
                hint="use capture 'auto' or 'export' for pte",
            )

        mode = _choice("quantize mode", self.quantize.mode, QUANTIZE_MODES)
        for target in targets:
            reason = UNSUPPORTED_MODES.get((target, mode))
            if reason:
                raise RecipeError(f"{target} cannot be quantized as {mode}: {reason}")
        _choice("quantize backend", self.quantize.backend, QUANTIZE_BACKENDS)
        _positive("quantize samples", self.quantize.samples)
        _choice("executorch backend", self.executorch.backend, EXECUTORCH_BACKENDS)
        if "pte" in targets and self.executorch.backend == "portable" and mode != "none":
            raise RecipeError(
                f"pte with the portable backend cannot be quantized as {mode}: "
                "the portable kernels run float32 models only",
                hint="use the xnnpack backend for quantized ExecuTorch programs",
            )
        if mode == "static":
            self._check_calibration(check_files)
        elif self.quantize.calibration is not None and mode == "none":
            raise RecipeError(
                "calibration data is given but nothing is quantized",
                hint="add --quantize static, or drop the calibration data",
            )

        opset = self.onnx.opset
        if not isinstance(opset, int) or isinstance(opset, bool):
            raise RecipeError(f"onnx opset must be a whole number, not {opset!r}")
        if not ONNX_MIN_OPSET <= opset <= ONNX_MAX_OPSET:
            raise RecipeError(
                f"onnx opset {opset} is out of range",
                hint=f"choose an opset from {ONNX_MIN_OPSET} to {ONNX_MAX_OPSET}",
            )
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
        version = self.lite.bytecode_version
        if version is not None and (
            not isinstance(version, int) or isinstance(version, bool) or version < LITE_MIN_BYTECODE
        ):
            raise RecipeError(
                f"lite bytecode_version {version!r} is not supported",
                hint=f"choose a version from {LITE_MIN_BYTECODE} up to what the installed torch writes",
            )

        _positive("verify samples", self.verify.samples)
        if self.verify.latency_runs < 0:
            raise RecipeError("verify latency_runs cannot be negative")
        for key in ("min_cosine", "min_top1"):
            value = getattr(self.verify, key)
            if value is not None and not 0.0 <= value <= 1.0:
                raise RecipeError(f"verify {key} must be between 0 and 1, not {value}")
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
        convert = data.get("convert") or {}
        for key in convert:
            if key not in ("targets", "capture"):
                raise RecipeError(
                    f"unknown key {key!r} in [convert]",
                    hint="the keys of [convert] are targets, capture",
                )
        targets = convert.get("targets", ["pte"])
        if isinstance(targets, str):
            targets = [t.strip() for t in targets.split(",") if t.strip()]
        try:
            input_spec = InputSpec.from_dict(data["input"]) if data.get("input") else None
        except (KeyError, TypeError, ValueError) as exc:
            raise RecipeError(
                f"[input] is not a valid input description ({exc})",
                hint='write it like tensors = [{name = "input", shape = [1, 3, 224, 224]}]',
            ) from None
        try:
            built = {key: section.from_dict(data.get(key)) for key, section in sections.items()}
        except TypeError as exc:
            raise RecipeError(f"a recipe setting has the wrong form ({exc})") from None
        return cls(
            input=input_spec,
            targets=list(targets),
            capture=convert.get("capture", "auto"),
            base_dir=base_dir,
            **built,
        )

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


def _choice(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise RecipeError(f"unknown {what} {value!r}", hint=f"choose one of {', '.join(allowed)}")
    return value


def _positive(what: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RecipeError(f"{what} must be a whole number of at least 1, not {value!r}")


def _has_samples(folder: Path) -> bool:
    suffixes = IMAGE_SUFFIXES | TENSOR_SUFFIXES
    return any(p.is_file() and p.suffix.lower() in suffixes for p in folder.rglob("*"))
