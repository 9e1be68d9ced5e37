"""Opening ``torch.export`` archives (``.pt2``) without running code stored in them.

``torch.export.load`` unpickles with ``weights_only=False`` wherever an archive says a
weight, a constant or the sample inputs are pickled, unpickles opaque constants with
plain ``pickle``, and loads compiled AOTInductor libraries. Each of those runs whatever
the file's author put there. Without trust the studio therefore reads the archive
itself first and refuses it when anything in it would need more than the restricted
``weights_only`` unpickler. What it checked is then re-packed in memory and handed to
torch, so torch reads exactly the bytes that were checked (no second look at the file,
no zip-parsing differences between two readers).
"""

from __future__ import annotations

import io
import json
import pickle
import weakref
import zipfile
from pathlib import Path
from typing import Any

from studio.errors import ModelFileError, TrustRequired
from studio.model.formats import damaged, pickle_globals, torch_pickle_bytes

# Members that torch reads as JSON or plain text, never as a pickle.
_TEXT_NAMES = {"archive_format", "archive_version", "version", "byteorder"}
_TEXT_PREFIXES = (".data/", "models/", "extra/")
# Payload kinds named by the configs' path_name prefixes that are code by design.
_CODE_PAYLOADS = {"custom_obj": "a TorchScript custom object", "opaque_obj": "a pickled object"}
_NATIVE_CODE_DIRS = ("data/aotinductor/", "data/mtia/")
# An archive larger than this is not read into memory for checking.
MAX_CHECKED_BYTES = 8 * 1024**3


def load_exported_program(path: Path, trust: bool):
    """The ExportedProgram in ``path``; TrustRequired when opening it would run its code."""
    import torch

    if trust:
        return _torch_load(torch, str(path), path)
    members = read_members(path)
    reasons = code_in_archive(members)
    if reasons:
        raise TrustRequired(
            f"{path.name} is a torch.export file that holds {'; '.join(reasons[:3])}: "
            "opening it runs code stored in the file, which could do anything to this computer",
            hint="open it only if it comes from someone you trust (with --trust on the command "
            "line); or export the model again without custom objects",
        )
    return _torch_load(torch, io.BytesIO(_repack(members)), path)


# The program each runnable module was made from (see runnable_module).
_PROGRAMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def runnable_module(program) -> Any:
    """``program.module()``, which can be put in eval mode (torch's own refuses ``eval()``)
    and remembers the program, so that conversions lower the program itself instead of
    capturing its module again (:func:`program_of`)."""
    from torchao.quantization.pt2e import allow_exported_model_train_eval

    module = program.module()
    allow_exported_model_train_eval(module)
    _PROGRAMS[module] = program
    return module


def program_of(module) -> Any:
    """The ExportedProgram ``module`` was made from by :func:`runnable_module`, or None."""
    try:
        return _PROGRAMS.get(module)
    except TypeError:  # not weakly referenceable: not made from a program
        return None


def _torch_load(torch, source, path: Path):
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.export.load(source)
    except Exception as exc:
        raise damaged(path, exc) from None


def read_members(path: Path) -> dict[str, bytes]:
    """Every member of the archive by its name without the root folder; duplicates refused."""
    if path.stat().st_size > MAX_CHECKED_BYTES:
        raise ModelFileError(f"{path.name} is too large to check ({path.stat().st_size} bytes)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_CHECKED_BYTES:
                raise ModelFileError(
                    f"{path.name} unpacks to more than {MAX_CHECKED_BYTES // 1024**3} GB",
                    hint="this is not a model torch.export wrote",
                )
            members: dict[str, bytes] = {}
            for info in infos:
                if info.is_dir():
                    continue
                if info.filename in members:
                    raise ModelFileError(
                        f"{path.name} holds {info.filename!r} twice",
                        hint="a file torch.export wrote never does; this one was altered",
                    )
                members[info.filename] = archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ModelFileError(
            f"{path.name} is a damaged archive ({exc})", hint="copy or save the file again"
        ) from None
    return members


def _root_and_tail(name: str) -> tuple[str, str]:
    root, _, tail = name.partition("/")
    return (root, tail) if tail else ("", name)


def code_in_archive(members: dict[str, bytes]) -> list[str]:
    """Why opening these members would run code, one plain phrase per reason; [] if never."""
    tails = {_root_and_tail(name)[1]: data for name, data in members.items()}
    raw = _raw_payloads(tails)
    reasons: list[str] = []
    for tail, data in sorted(tails.items()):
        if tail.startswith(_NATIVE_CODE_DIRS):
            reason = "compiled native code (an AOTInductor package)"
        elif tail in raw or _text_member(tail):
            continue
        elif kind := _code_payload(tail):
            reason = f"{kind} ({tail})"
        else:
            reason = _pickle_reason(tail, data)
            if reason is None:
                continue
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def _text_member(tail: str) -> bool:
    """Members torch reads as JSON or text, never unpickles."""
    return tail in _TEXT_NAMES or tail.startswith(_TEXT_PREFIXES) or tail.endswith(".json")


def _code_payload(tail: str) -> str | None:
    name = tail.rsplit("/", 1)[-1]
    return next((kind for prefix, kind in _CODE_PAYLOADS.items() if name.startswith(prefix)), None)


def _raw_payloads(tails: dict[str, bytes]) -> set[str]:
    """Members that the archive's weight and constant configs mark as raw tensor bytes."""
    raw: set[str] = set()
    for tail, data in tails.items():
        if not tail.endswith("_config.json") or not tail.startswith("data/"):
            continue
        folder = tail.rsplit("/", 1)[0]
        try:
            config = json.loads(data).get("config", {})
        except (ValueError, AttributeError):
            continue
        if not isinstance(config, dict):
            continue
        for entry in config.values():
            if isinstance(entry, dict) and entry.get("use_pickle") is False:
                name = entry.get("path_name")
                if isinstance(name, str) and not _code_payload(name):
                    raw.add(f"{folder}/{name}")
    return raw


def _pickle_reason(tail: str, data: bytes) -> str | None:
    """None when torch's restricted unpickler accepts ``data``; else why it does not."""
    if not data:
        return None  # torch reads an empty payload as nothing
    import torch

    try:
        torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        names = [n for n in _globals_of(data) if not n.startswith("torch.")][:3]
        return f"pickled Python objects ({tail}" + (f": {', '.join(names)})" if names else ")")
    except Exception:
        return f"data the studio cannot check ({tail})"
    return None


def _globals_of(data: bytes) -> list[str]:
    try:
        return pickle_globals(torch_pickle_bytes(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return []  # a damaged inner archive: the refusal stands without the names


def _repack(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
