"""Runtime profiles: a versioned, data-only description of what a runtime can run.

A :class:`RuntimeProfile` says which artifact formats a runtime reads, the format versions
it accepts (PyTorch Lite bytecode, ONNX opsets), the operators it has kernels for, which
operators an accelerator takes (NNAPI, CoreML) and which ExecuTorch backends are linked in.
Profiles ship as JSON under ``studio/resources/runtimes/`` (written by
``scripts/generate_runtime_profiles.py`` from the installed packages); a phone's agent
sends the same document for the runtime it carries.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from studio.errors import ProfileError

SCHEMA_VERSION = 1
PROFILE_DIR = ("runtimes",)

# Families: which artifact kinds each reads.
PYTORCH_LITE = "pytorch-lite"
EXECUTORCH = "executorch"
ONNXRUNTIME = "onnxruntime"
TORCHSCRIPT = "torchscript"  # the full TorchScript interpreter (pytorch_android, torch.jit.load)


@dataclass
class RuntimeProfile:
    name: str  # "ort-nnapi"
    title: str  # "ONNX Runtime with NNAPI (Android)"
    family: str  # PYTORCH_LITE | EXECUTORCH | ONNXRUNTIME | TORCHSCRIPT
    formats: list[str]  # artifact kinds it reads: ["ptl"], ["pte"], ["onnx", "ort"]
    runtime_version: str = ""  # version of the runtime library described
    # PyTorch Lite: the bytecode versions the interpreter loads.
    min_bytecode_version: int | None = None
    max_bytecode_version: int | None = None
    # ONNX Runtime: domain -> [lowest, highest] opset the runtime loads.
    opsets: dict[str, list[int]] = field(default_factory=dict)
    # Operators with a kernel on the runtime's CPU path. For ONNX: "domain:op" -> [from, to]
    # opset versions of the kernels; for ExecuTorch and Lite: name -> [] .
    operators: dict[str, list[int]] = field(default_factory=dict)
    # When set, any operator in these namespaces counts as present (full PyTorch Lite build).
    operator_namespaces: list[str] = field(default_factory=list)
    accelerator: str | None = None  # "NNAPI", "CoreML", "XNNPACK"
    # Operators the accelerator takes ("domain:op"), with its caveats as notes.
    accelerated_operators: dict[str, str] = field(default_factory=dict)
    # The accelerator takes only nodes whose input shapes are fixed (NNAPI).
    fixed_shapes_required: bool = False
    backends: list[str] = field(default_factory=list)  # ExecuTorch delegates linked in
    releases: list[str] = field(default_factory=list)  # e.g. pytorch_android_lite versions
    source: str = ""  # where the facts come from
    notes: list[str] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict, origin: str = "the profile") -> RuntimeProfile:
        if not isinstance(data, dict):
            raise ProfileError(f"{origin} is not a JSON object")
        known = {f.name for f in fields(cls)}
        missing = [k for k in ("name", "title", "family", "formats") if k not in data]
        if missing:
            raise ProfileError(f"{origin} lacks {', '.join(missing)}")
        version = data.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ProfileError(
                f"{origin} has schema version {version}; this studio reads up to {SCHEMA_VERSION}",
                hint="update Model Studio",
            )
        profile = cls(**{k: v for k, v in data.items() if k in known})
        profile._validate(origin)
        return profile

    def _validate(self, origin: str) -> None:
        def need(ok: bool, what: str) -> None:
            if not ok:
                raise ProfileError(f"{origin} is malformed: {what}")

        need(isinstance(self.name, str) and self.name, "'name' must be a non-empty string")
        need(
            self.family in (PYTORCH_LITE, EXECUTORCH, ONNXRUNTIME, TORCHSCRIPT),
            f"unknown family {self.family!r}",
        )
        need(
            isinstance(self.formats, list) and all(isinstance(f, str) for f in self.formats),
            "'formats' must be a list of strings",
        )
        for key in ("min_bytecode_version", "max_bytecode_version"):
            value = getattr(self, key)
            need(value is None or isinstance(value, int), f"'{key}' must be an integer")
        need(
            isinstance(self.opsets, dict)
            and all(
                isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v)
                for v in self.opsets.values()
            ),
            "'opsets' must map domains to [lowest, highest]",
        )
        need(
            isinstance(self.operators, dict)
            and all(isinstance(v, list) for v in self.operators.values()),
            "'operators' must map operator names to version ranges",
        )
        need(
            isinstance(self.accelerated_operators, dict),
            "'accelerated_operators' must be an object",
        )
        for key in ("operator_namespaces", "backends", "releases", "notes"):
            need(isinstance(getattr(self, key), list), f"'{key}' must be a list")

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n"


def profile_dir() -> Path:
    from studio.paths import resource

    return resource(*PROFILE_DIR)


def load_profile_file(path: str | Path) -> RuntimeProfile:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"the runtime profile {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"the runtime profile {path} cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ProfileError(
            f"the runtime profile {path} is not valid JSON ({exc.msg}, line {exc.lineno})",
            hint="regenerate it with scripts/generate_runtime_profiles.py",
        ) from None
    return RuntimeProfile.from_dict(data, origin=f"the runtime profile {path}")


def available_runtimes(directory: Path | None = None) -> list[str]:
    directory = directory or profile_dir()
    if not directory.is_dir():
        raise ProfileError(
            f"no runtime profiles found in {directory}",
            hint="regenerate them with scripts/generate_runtime_profiles.py",
        )
    return sorted(p.stem for p in directory.glob("*.json"))


def load_profile(name: str, directory: Path | None = None) -> RuntimeProfile:
    """The bundled profile called ``name`` (e.g. ``ort-nnapi``)."""
    directory = directory or profile_dir()
    names = available_runtimes(directory)
    if name not in names:
        raise ProfileError(
            f"unknown runtime {name!r}",
            hint=f"choose one of: {', '.join(names)} (see `model-studio check --list-runtimes`)",
        )
    profile = load_profile_file(directory / f"{name}.json")
    if profile.name != name:
        raise ProfileError(f"the runtime profile {name}.json describes {profile.name!r}")
    return profile


def load_profiles(directory: Path | None = None) -> list[RuntimeProfile]:
    return [load_profile(n, directory) for n in available_runtimes(directory)]
