"""The artifact formats the studio writes, checks and runs: one definition of each.

A format's ``name`` is the recipe's target (``pte``) and the compatibility report's kind;
its ``suffix`` names the files conversion writes and picks the runtime that loads one;
its ``title`` and ``description`` name it on screen and in reports; :func:`sniff`
recognises a file of it from its bytes, whatever the file is called.

This module imports nothing beyond the standard library, so the window, the agent on a
phone, the converter and the checker all read the same table.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ArtifactFormat:
    name: str  # the recipe's target and the compatibility report's kind
    suffix: str  # the file name ending conversion writes
    title: str  # the format's name on screen: "ExecuTorch"
    description: str  # a file of it, in a sentence: "ExecuTorch program (.pte)"
    runtime: str  # the runtime that runs it (a key of studio.runtimes.RUNTIMES)
    # What opening a file of this format detects (a studio.model.loaded format), or None
    # when the loader does not open it.
    model_format: str | None
    # Opening it only describes it: there is no PyTorch module to convert again.
    inspect_only: bool = True


# The formats in the order the studio lists them (the Convert tab, hints, reports).
FORMATS: dict[str, ArtifactFormat] = {
    f.name: f
    for f in (
        ArtifactFormat(
            "pt",
            ".pt",
            "TorchScript",
            "TorchScript model (.pt)",
            "torchscript",
            "torchscript",
            inspect_only=False,
        ),
        ArtifactFormat(
            "ptl",
            ".ptl",
            "PyTorch Lite",
            "PyTorch Lite model (.ptl)",
            "pytorch-lite",
            "pytorch_lite",
        ),
        ArtifactFormat(
            "pte", ".pte", "ExecuTorch", "ExecuTorch program (.pte)", "executorch", "executorch"
        ),
        ArtifactFormat("onnx", ".onnx", "ONNX", "ONNX model (.onnx)", "onnxruntime", "onnx"),
        ArtifactFormat(
            "ort",
            ".ort",
            "ONNX Runtime format",
            "ONNX Runtime model (.ort)",
            "onnxruntime",
            "onnx_runtime",
        ),
    )
}

NAMES: tuple[str, ...] = tuple(FORMATS)
# The runtimes that run artifacts (on a phone's agent as here), in the formats' order.
RUNTIMES: tuple[str, ...] = tuple(dict.fromkeys(f.runtime for f in FORMATS.values()))
BY_SUFFIX: dict[str, ArtifactFormat] = {f.suffix: f for f in FORMATS.values()}
# Formats that opening a model only describes (studio.model.loaded names).
INSPECT_ONLY_MODEL_FORMATS: frozenset[str] = frozenset(
    f.model_format for f in FORMATS.values() if f.model_format and f.inspect_only
)
# Files the Model tab offers to open: PyTorch checkpoints and the artifacts the loader reads.
CHECKPOINT_SUFFIXES: tuple[str, ...] = (".pt", ".pth", ".pt2", ".ckpt", ".bin", ".safetensors")
MODEL_SUFFIXES: tuple[str, ...] = tuple(
    dict.fromkeys(
        CHECKPOINT_SUFFIXES
        + tuple(f.suffix for f in FORMATS.values() if f.model_format)
        + (".tar",)
    )
)


def suffixes_of(runtime: str) -> tuple[str, ...]:
    """The suffixes of the artifacts a runtime runs (none for a runtime of no format)."""
    return tuple(f.suffix for f in FORMATS.values() if f.runtime == runtime)


def format_of(path: str | Path) -> ArtifactFormat | None:
    """The format a file's name ends in, or None."""
    return BY_SUFFIX.get(Path(path).suffix.lower())


def titles(names: Iterable[str]) -> list[str]:
    return [FORMATS[n].title for n in names]


# ----- recognising a file from its bytes -----------------------------------------------

HEAD_BYTES = 16  # how much of a file's start :func:`sniff_head` needs
# What a file is when it is not an artifact format, as :func:`sniff` names it.
ZIP = "zip"  # a zip archive that PyTorch did not write
LITE_FLATBUFFER = "ptl-flatbuffer"  # PyTorch Lite in its flatbuffer layout
EXPORTED_PROGRAM = "pt2"  # a torch.export archive
TORCH_SAVE = "torch-save"  # the zip archive torch.save writes (a state_dict, a checkpoint)

# ModelProto field tags that can follow ir_version (field 1) in an ONNX file: producer name
# and version, domain, model version, doc string, graph, opset imports, metadata.
_ONNX_SECOND_FIELDS = b"\x12\x1a\x22\x28\x32\x3a\x42\x72"


class DamagedArchive(Exception):
    """A file that starts as a zip archive but whose member list cannot be read."""


def sniff_head(head: bytes) -> str | None:
    """What a file's first :data:`HEAD_BYTES` bytes say it is: ``pte``, ``ort``, ``onnx``,
    :data:`ZIP` (look inside with :func:`archive_kind`), :data:`LITE_FLATBUFFER`, or None."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    # Flatbuffers carry a four-byte file identifier after the root offset.
    if head[4:6] == b"ET" and head[6:8].isdigit():  # ExecuTorch, schema version ET12
        return "pte"
    if head[4:8] == b"ORTM":
        return "ort"
    if head[4:8] == b"PTMF":
        return LITE_FLATBUFFER
    # ONNX is a protobuf ModelProto whose writers put ir_version (field 1, a varint) first.
    if (
        head[:1] == b"\x08"
        and len(head) >= 3
        and 1 <= head[1] <= 30
        and head[2] in _ONNX_SECOND_FIELDS
    ):
        return "onnx"
    return None


def archive_kind(names: Iterable[str]) -> str | None:
    """What a zip archive PyTorch wrote holds, from its member names: ``ptl``, ``pt``,
    :data:`EXPORTED_PROGRAM`, :data:`TORCH_SAVE`, or None for an archive of something else.

    PyTorch puts every member under one top folder (``model/...``), named as it likes.
    """
    tails = {name.split("/", 1)[1] if "/" in name else name for name in names}
    if "archive_format" in tails or any(
        t.startswith("models/") and t.endswith(".json") for t in tails
    ):
        return EXPORTED_PROGRAM
    if "bytecode.pkl" in tails:
        return "ptl"
    if "constants.pkl" in tails or any(t.startswith("code/") for t in tails):
        return "pt"
    if "data.pkl" in tails:
        return TORCH_SAVE
    return None


def sniff(path: str | Path, head: bytes | None = None) -> str | None:
    """What the file at ``path`` is, from its bytes: an artifact format's name, or
    :data:`EXPORTED_PROGRAM`, :data:`TORCH_SAVE`, :data:`ZIP`, :data:`LITE_FLATBUFFER`, or
    None when its start names none of them.

    ``head`` is the file's start when the caller has read it. Raises OSError when the
    file cannot be read and :class:`DamagedArchive` for a zip archive that is damaged.
    """
    if head is None:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    kind = sniff_head(head)
    if kind != ZIP:
        return kind
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # ValueError: a bad name
        raise DamagedArchive(str(exc)) from None
    return archive_kind(names) or ZIP
