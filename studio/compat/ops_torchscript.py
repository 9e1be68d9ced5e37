"""Operators of PyTorch Lite (``.ptl``) and TorchScript (``.pt``) files.

A ``.ptl`` is a zip archive whose ``bytecode.pkl`` is ``(version, method, method, ...)``;
each method holds its instructions, an operator table ``(name, overload, number of
arguments)`` (``OP i`` calls entry ``i``) and its types. It is read here without torch
(whose import takes seconds) and without running anything from the file; the tests check
it against torch's own readers (``torch.jit.mobile._get_model_bytecode_version``,
``_export_operator_list``). A method that calls another inlines it, so an operator's count
is its number of call sites in the method that uses it most (usually ``forward``).
"""

from __future__ import annotations

import io
import pickle
import re
import struct
import warnings
import zipfile
import zlib
from collections import Counter
from pathlib import Path

from studio.compat.operators import PT, PTL, OperatorSet, OperatorUse
from studio.errors import ModelFileError
from studio.watchdog import deadline

_TYPE_NAME = re.compile(r"[A-Za-z_][\w.]*")


def _op_name(name: str, overload: str) -> str:
    return f"{name}.{overload}" if overload else name


class _Stub:
    """Whatever the pickle names (tensors, classes) becomes an inert stand-in."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass


class _InertUnpickler(pickle.Unpickler):
    """Unpickles data without importing or calling anything the data names."""

    def find_class(self, module: str, name: str):
        return _Stub

    def persistent_load(self, pid):
        return _Stub()


def _bytecode(path: Path) -> tuple:
    try:
        with zipfile.ZipFile(path) as z:
            member = next(n for n in z.namelist() if n.endswith("bytecode.pkl"))
            data = z.read(member)
        table = _InertUnpickler(io.BytesIO(data)).load()
        if not isinstance(table, tuple) or not isinstance(table[0], int):
            raise ValueError("no version at the head of the bytecode table")
        return table
    except (
        zipfile.BadZipFile,
        pickle.UnpicklingError,
        EOFError,
        OSError,  # a damaged member's offsets
        NotImplementedError,  # a damaged member's compression method
        RuntimeError,  # a damaged member's flags ("encrypted")
        zlib.error,
        ValueError,
        TypeError,
        LookupError,
        AttributeError,
        struct.error,
        RecursionError,
    ) as exc:
        raise ModelFileError(
            f"{path} is not a readable PyTorch Lite model (its bytecode table: {exc})",
            hint="convert the model again",
        ) from None


def _read_ptl(path: Path) -> OperatorSet:
    table = _bytecode(path)
    counts: Counter = Counter()
    users: dict[str, list[str]] = {}
    methods, types = [], set()
    try:
        for entry in table[1:]:
            method, body = entry[0].rsplit(".", 1)[-1], dict(entry[1])
            methods.append(method)
            ops = body.get("operators", ())
            names = [_op_name(op[0], op[1]) for op in ops]
            calls = Counter(ins[1] for ins in body.get("instructions", ()) if ins[0] == "OP")
            for index, name in enumerate(names):
                counts[name] = max(counts[name], calls.get(index, 0))
                users.setdefault(name, []).append(method)
            for text in body.get("types", ()):
                types.update(t for t in _TYPE_NAME.findall(text) if not t.startswith("__torch__"))
    except (TypeError, ValueError, LookupError, AttributeError) as exc:
        raise ModelFileError(
            f"{path} is not a readable PyTorch Lite model (its bytecode table: {exc})",
            hint="convert the model again",
        ) from None
    ops = [
        OperatorUse(name=name, count=n, methods=sorted(set(users[name])))
        for name, n in sorted(counts.items())
    ]
    return OperatorSet(
        path=path,
        kind=PTL,
        operators=ops,
        bytecode_version=int(table[0]),
        methods=sorted(methods),
        contained_types=sorted(types),
    )


def _calls_torchvision(path: Path) -> bool:
    """Whether the TorchScript code in the archive calls torchvision's operators."""
    try:
        with zipfile.ZipFile(path) as z:
            return any(
                b"torchvision" in z.read(name)
                for name in z.namelist()
                if "/code/" in name and name.endswith(".py")
            )
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, zlib.error):
        return False  # torch.jit.load reports the damage


def _load_torchvision_operators(path: Path) -> None:
    """torchvision registers its operators (torchvision::nms, roi_align, ...) when it is
    imported; a file whose code calls them loads only after that."""
    if not _calls_torchvision(path):
        return  # importing torchvision takes seconds
    try:
        import torchvision  # noqa: F401
    except ImportError:
        raise ModelFileError(
            f"{path} calls torchvision operators, and torchvision is not installed here",
            hint="install torchvision to check this model",
        ) from None


def _read_pt(path: Path) -> OperatorSet:
    import torch

    _load_torchvision_operators(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.jit.load warns that TorchScript is deprecated
            with deadline(f"opening {path.name}"):  # loading runs the file's __setstate__
                module = torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:  # torch reports damage as RuntimeError, IndexError, ...
        raise ModelFileError(
            f"{path} is not a readable TorchScript model",
            hint="convert the model again",
            details=str(exc),
        ) from None

    def visit(block, counts: Counter) -> None:
        for node in block.nodes():
            kind = node.kind()
            if not kind.startswith("prim::"):  # prim:: nodes are interpreter instructions
                head = node.schema().split("(", 1)[0]
                overload = head.split(".", 1)[1] if "." in head else ""
                counts[_op_name(kind, overload)] += 1
            for sub in node.blocks():
                visit(sub, counts)

    counts: Counter = Counter()
    methods = [m for m in module._c._method_names() if not m.startswith("__")]
    methods.sort(key=lambda m: m != "forward")
    for name in methods:  # forward first; others add only the operators forward lacks
        method_counts: Counter = Counter()
        visit(module._c._get_method(name).inlined_graph, method_counts)
        for op, n in method_counts.items():
            counts.setdefault(op, n)
    ops = [OperatorUse(name=name, count=n) for name, n in sorted(counts.items())]
    return OperatorSet(path=path, kind=PT, operators=ops, methods=methods)


def read(path: Path, kind: str) -> OperatorSet:
    return _read_ptl(path) if kind == PTL else _read_pt(path)
