"""Recognising a model file from its content, never from its name."""

from __future__ import annotations

import io
import json
import pickletools
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from studio import artifacts
from studio.errors import ModelFileError
from studio.model import loaded as fmt

# A torch.save file in the legacy (non-zip) format starts with this pickled magic number.
_LEGACY_TORCH_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"
_HEAD = 64


@dataclass(frozen=True)
class Detected:
    format: str  # one of the constants in studio.model.loaded, or "torch_pickle"
    detail: str = ""


TORCH_PICKLE = "torch_pickle"  # torch.save output: a state_dict, a checkpoint or a pickled module


def detect_format(path: str | Path) -> Detected:
    """Name the format of ``path`` by looking at its bytes.

    Raises :class:`ModelFileError` with a plain explanation for files that are
    missing, empty, truncated, text, or not a model at all.
    """
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path} does not exist", hint="check the path and try again")
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder, not a model file")
    size = path.stat().st_size
    if size == 0:
        raise ModelFileError(
            f"{path.name} is empty (0 bytes)",
            hint="the file may not have finished downloading or saving",
        )
    with path.open("rb") as f:
        head = f.read(_HEAD)
    try:
        kind = artifacts.sniff(path, head)
    except artifacts.DamagedArchive as exc:
        raise ModelFileError(
            f"{path.name} is a damaged archive ({exc})",
            hint="the file is probably truncated; copy or save it again",
        ) from None

    if kind in _ARCHIVES:
        return Detected(_ARCHIVES[kind])
    if kind == artifacts.ZIP:
        raise ModelFileError(
            f"{path.name} is a zip archive, but not one PyTorch wrote",
            hint="choose the model file itself, not an archive that contains it",
        )
    if kind == "pte":
        return Detected(fmt.EXECUTORCH, f"ExecuTorch program (schema {head[4:8].decode()})")
    if _looks_like_safetensors(path, head, size):
        return Detected(fmt.SAFETENSORS)
    if head.startswith(_LEGACY_TORCH_MAGIC):
        return Detected(TORCH_PICKLE, "legacy torch.save format")
    if head[:1] == b"\x80" and 2 <= head[1] <= 5:
        return Detected(TORCH_PICKLE, "plain Python pickle")
    if kind == "onnx":
        return Detected(fmt.ONNX)
    if kind == "ort":
        return Detected(fmt.ORT, artifacts.FORMATS["ort"].description)
    if _looks_like_text(head):
        raise ModelFileError(
            f"{path.name} is a text file, not a model",
            hint="choose the checkpoint your training saved (for example a .pt, .pth, .safetensors or .onnx file)",
        )
    raise ModelFileError(
        f"{path.name} is not a model file the studio recognises",
        hint="supported: PyTorch checkpoints and state_dicts, safetensors, TorchScript, "
        "torch.export (.pt2), ONNX, ONNX Runtime (.ort), ExecuTorch (.pte), PyTorch Lite (.ptl)",
    )


# What the zip archives PyTorch writes are, as studio.model.loaded names them.
_ARCHIVES = {
    artifacts.EXPORTED_PROGRAM: fmt.EXPORTED_PROGRAM,
    "ptl": fmt.PYTORCH_LITE,
    "pt": fmt.TORCHSCRIPT,
    artifacts.TORCH_SAVE: TORCH_PICKLE,
}


def _looks_like_safetensors(path: Path, head: bytes, size: int) -> bool:
    if len(head) < 10:
        return False
    (header_len,) = struct.unpack("<Q", head[:8])
    if header_len <= 1 or 8 + header_len > size or head[8:9] != b"{":
        return False
    if header_len > 100_000_000:
        return False
    with path.open("rb") as f:
        f.seek(8)
        try:
            json.loads(f.read(header_len))
        except (ValueError, UnicodeDecodeError):
            return False
    return True


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def pickle_globals(data: bytes, limit: int = 20) -> list[str]:
    """The ``module.name`` globals a pickle would import, found without running it."""
    names: list[str] = []
    strings: list[str] = []
    try:
        for opcode, arg, _pos in pickletools.genops(data):
            if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "BINUNICODE8"):
                strings.append(arg)
            elif opcode.name in ("GLOBAL", "INST"):
                names.append(str(arg).replace(" ", "."))
            elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                names.append(f"{strings[-2]}.{strings[-1]}")
            if len(names) >= limit * 4:
                break
    except Exception:  # a truncated pickle: report what was read so far
        pass
    seen: list[str] = []
    for name in names:
        name = name.replace("__builtin__.", "builtins.")
        if name not in seen:
            seen.append(name)
    return seen[:limit]


# The pickle of a torch.save file holds names and tensor metadata, never tensor data: a
# large model's is well under a megabyte. One this large is not a model but a trap.
MAX_PICKLE_BYTES = 64 * 1024**2
# How much of a pickle is scanned for the names it imports (they come first).
_SCAN_BYTES = 1_000_000


def check_pickle_size(path: Path) -> None:
    """Refuse a torch.save archive whose pickle would take minutes and gigabytes to read."""
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = [i.file_size for i in archive.infolist() if _is_data_pickle(i.filename)]
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the loader reports a damaged file
    if any(size > MAX_PICKLE_BYTES for size in sizes):
        raise ModelFileError(
            f"{path.name} holds a {max(sizes) / 1024**2:.0f} MB pickle: "
            "PyTorch writes a few kilobytes for a model's weights",
            hint="this is not a checkpoint PyTorch wrote; ask for a state_dict or safetensors file",
        )


def _is_data_pickle(name: str) -> bool:
    return name.endswith("/data.pkl") or name == "data.pkl"


def torch_pickle_bytes(source: Path | bytes) -> bytes:
    """The start of the pickle inside a torch.save file, given as a path or its bytes
    (zip: ``data.pkl``; legacy or plain: the file itself)."""
    archive_source = io.BytesIO(source) if isinstance(source, bytes) else source
    if zipfile.is_zipfile(archive_source):
        with zipfile.ZipFile(archive_source) as archive:
            for name in archive.namelist():
                if _is_data_pickle(name):
                    with archive.open(name) as member:
                        return member.read(_SCAN_BYTES)
        return b""
    if isinstance(source, bytes):
        return source[:_SCAN_BYTES]
    with source.open("rb") as f:
        return f.read(_SCAN_BYTES)


def damaged(path: Path, exc: BaseException) -> ModelFileError:
    """The error for a model file a reader failed on: damaged or truncated."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ModelFileError(
        f"{path.name} cannot be read: it looks damaged or truncated ({text[:160]})",
        hint="copy or save the file again",
    )
