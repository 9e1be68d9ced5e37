"""Operators of PyTorch Lite (``.ptl``) and TorchScript (``.pt``) files.

A ``.ptl`` is a zip archive whose ``bytecode.pkl`` holds, per method, a tuple of
instructions and an operator table ``(name, overload, number of arguments)``; ``OP i``
instructions call entry ``i``. Operator names come from
``torch.jit.mobile._get_model_ops_and_info`` (the runtime's own reader), counts from
the ``OP`` instructions. A method that calls another inlines it, so an operator's count
is its number of call sites in the method that uses it most (usually ``forward``).
"""

from __future__ import annotations

import io
import pickle
import warnings
import zipfile
from collections import Counter
from pathlib import Path

from studio.compat.operators import PT, PTL, OperatorSet, OperatorUse
from studio.errors import ModelFileError


def _op_name(name: str, overload: str) -> str:
    return f"{name}.{overload}" if overload else name


def _bytecode_tables(path: Path) -> tuple[int, dict[str, Counter]]:
    """The bytecode version and, per method, the call-site count of each operator."""
    from torch.utils.show_pickle import DumpUnpickler  # builds stand-ins, never runs code

    with zipfile.ZipFile(path) as z:
        member = next(n for n in z.namelist() if n.endswith("bytecode.pkl"))
        data = z.read(member)
    try:
        table = DumpUnpickler(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
        raise ModelFileError(
            f"{path} has an unreadable bytecode table ({exc})", hint="convert the model again"
        ) from None
    version, methods = int(table[0]), {}
    for entry in table[1:]:
        method_name, body = entry[0], dict(entry[1])
        ops = body.get("operators", ())
        calls = Counter(ins[1] for ins in body.get("instructions", ()) if ins[0] == "OP")
        methods[method_name] = Counter(
            {_op_name(ops[i][0], ops[i][1]): n for i, n in calls.items() if i < len(ops)}
        )
    return version, methods


def _read_ptl(path: Path) -> OperatorSet:
    import torch.jit.mobile as mobile

    try:
        version = mobile._get_model_bytecode_version(str(path))
        names = set(mobile._get_model_ops_and_info(str(path)))
        types = sorted(mobile._get_mobile_model_contained_types(str(path)))
    except RuntimeError as exc:
        raise ModelFileError(
            f"{path} is not a readable PyTorch Lite model",
            hint="convert the model again",
            details=str(exc),
        ) from None
    _, methods = _bytecode_tables(path)
    counts: Counter = Counter()
    users: dict[str, list[str]] = {}
    for method, calls in methods.items():
        short = method.rsplit(".", 1)[-1]
        for op, n in calls.items():
            counts[op] = max(counts[op], n)
            users.setdefault(op, []).append(short)
    ops = [
        OperatorUse(name=name, count=counts.get(name, 1), methods=users.get(name, []))
        for name in sorted(names | set(counts))
    ]
    return OperatorSet(
        path=path,
        kind=PTL,
        operators=ops,
        bytecode_version=version,
        methods=sorted({m.rsplit(".", 1)[-1] for m in methods}),
        contained_types=types,
    )


def _read_pt(path: Path) -> OperatorSet:
    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.jit.load warns that TorchScript is deprecated
            module = torch.jit.load(str(path), map_location="cpu")
    except (RuntimeError, ValueError) as exc:
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
