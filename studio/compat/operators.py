"""What an artifact needs from a runtime: its operators, with counts, and its format versions.

:func:`read_operators` opens any artifact the studio writes (``.ptl``, ``.pt``, ``.pte``,
``.onnx``, ``.ort``) without running it and returns an :class:`OperatorSet`.
The readers for each family live in ``ops_torchscript``, ``ops_executorch`` and ``ops_onnx``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from studio import artifacts
from studio.errors import Action, ModelFileError

# Artifact kinds, as detected from the file's content (studio.artifacts defines them).
PTL = "ptl"  # PyTorch Lite (mobile bytecode)
PT = "pt"  # full TorchScript
PTE = "pte"  # ExecuTorch program
ONNX = "onnx"
ORT = "ort"  # ONNX Runtime's flatbuffer format
assert {PTL, PT, PTE, ONNX, ORT} == set(artifacts.FORMATS)

KIND_TITLES = {name: f.description for name, f in artifacts.FORMATS.items()}

# Where an operator runs, as recorded in the artifact.
KERNEL = "kernel"  # an ordinary operator call (TorchScript op, ExecuTorch kernel, ONNX node)
DELEGATED = "delegated"  # a node inside an ExecuTorch delegate payload


@dataclass
class OperatorUse:
    """One operator an artifact calls and how many times (call sites or graph nodes)."""

    name: str  # "aten::conv2d", "aten::convolution.out", "Conv", "com.microsoft:FusedConv"
    count: int
    kind: str = KERNEL
    domain: str = ""  # ONNX domain ("" = ai.onnx); the backend id for delegated nodes
    since_version: int | None = None  # ONNX: the opset version the node's schema comes from
    methods: list[str] = field(default_factory=list)  # ExecuTorch / Lite methods using it

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class OperatorSet:
    """The operators of one artifact and the format facts a runtime must accept."""

    path: Path
    kind: str
    operators: list[OperatorUse]
    bytecode_version: int | None = None  # .ptl
    opsets: dict[str, int] = field(default_factory=dict)  # ONNX domain -> opset version
    methods: list[str] = field(default_factory=list)
    delegates: list[str] = field(default_factory=list)  # ExecuTorch backend ids the program calls
    contained_types: list[str] = field(default_factory=list)  # .ptl
    graph: Any = None  # onnx.GraphProto (also built for .ort) for partition estimates
    model: Any = None  # onnx.ModelProto of an .onnx file, for shape inference
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return KIND_TITLES[self.kind]

    def to_dict(self) -> dict:
        return {
            "path": str(self.path),
            "kind": self.kind,
            "bytecode_version": self.bytecode_version,
            "opsets": dict(self.opsets),
            "methods": list(self.methods),
            "delegates": list(self.delegates),
            "contained_types": list(self.contained_types),
            "operators": [op.to_dict() for op in self.operators],
            "notes": list(self.notes),
        }


def detect_kind(path: Path) -> str:
    """The artifact kind from the file's first bytes (and, for zip archives, their members)."""
    try:
        with open(path, "rb") as f:
            head = f.read(artifacts.HEAD_BYTES)
    except FileNotFoundError:
        raise ModelFileError(
            f"{path} does not exist", hint="check the path of the artifact"
        ) from None
    except IsADirectoryError:
        raise ModelFileError(f"{path} is a folder, not an artifact file") from None
    except OSError as exc:
        raise ModelFileError(f"{path} cannot be read ({exc.strerror})") from None
    if not head:
        raise ModelFileError(f"{path} is empty", hint="convert the model again")
    try:
        kind = artifacts.sniff(path, head)
    except artifacts.DamagedArchive:
        raise ModelFileError(
            f"{path} is a damaged archive (truncated or corrupt)",
            hint="convert the model again",
        ) from None
    if kind in artifacts.FORMATS:
        return kind
    if kind == artifacts.LITE_FLATBUFFER:
        raise ModelFileError(
            f"{path} is a PyTorch Lite model in the flatbuffer layout, which the studio does not read",
            hint="save it with _save_for_lite_interpreter's default (zip) layout",
        )
    if kind in (artifacts.TORCH_SAVE, artifacts.EXPORTED_PROGRAM, artifacts.ZIP):
        raise ModelFileError(
            f"{path} is a PyTorch checkpoint, not a converted model",
            hint="convert it first with `model-studio convert`",
            action=Action.CONVERT_FIRST,
        )
    named = artifacts.format_of(path)
    if named is not None:  # its name says what it should be; its bytes are not that
        raise ModelFileError(
            f"{path} is not a readable {named.title} model",
            hint="the file is damaged or not what its name says: convert the model again",
        )
    raise ModelFileError(
        f"{path} is not a model artifact the studio can check",
        hint=f"check reads {', '.join(f.suffix for f in artifacts.FORMATS.values())} files",
    )


def read_operators(path: str | Path) -> OperatorSet:
    """Read the operators and format versions of an artifact, without running it."""
    path = Path(path)
    kind = detect_kind(path)
    if kind in (PTL, PT):
        from studio.compat import ops_torchscript

        return ops_torchscript.read(path, kind)
    if kind == PTE:
        from studio.compat import ops_executorch

        return ops_executorch.read(path)
    from studio.compat import ops_onnx

    return ops_onnx.read(path, kind)
