"""Operators of an ExecuTorch program (``.pte``).

A program is a flatbuffer (schema ``executorch/exir/_serialize/program.fbs``): per method
(execution plan) an ``operators`` table, chains of instructions (``KernelCall`` runs
``operators[i]`` as a kernel of the runtime; ``DelegateCall`` hands a subgraph to a
backend) and a list of delegates (backend id + payload, inline or in a segment after the
flatbuffer). An XNNPACK payload is itself a flatbuffer graph; its node types are what
XNNPACK runs.

Both are decoded to JSON by the ``flatc`` and the schemas that the executorch wheel ships,
found on disk without importing ``executorch.exir`` (whose import takes seconds).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import struct
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from studio.compat.operators import DELEGATED, PTE, OperatorSet, OperatorUse
from studio.errors import InternalError, ModelFileError

log = logging.getLogger(__name__)

XNNPACK_BACKEND = "XnnpackBackend"
_NON_FINITE = re.compile(r"(?<=[\s:\[,])(-?)(inf|nan)\b")
# Extended header inside the flatbuffer's padding: magic, length, program size, segment base.
_EXTENDED_HEADER = struct.Struct("<4sIQQ")
# XNNPACK payload header: magic at 4, then header length, flatbuffer offset and size.
_XNN_HEADER = struct.Struct("<4sHII")


def _executorch_root() -> Path:
    spec = importlib.util.find_spec("executorch")
    if spec is None or not spec.submodule_search_locations:
        raise InternalError("executorch is not installed, so .pte files cannot be read")
    return Path(next(iter(spec.submodule_search_locations)))


def _flatc_json(schema: Path, data: bytes) -> dict:
    """Decode a flatbuffer to a dict with ExecuTorch's flatc."""
    flatc = _executorch_root() / "data" / "bin" / "flatc"
    with tempfile.TemporaryDirectory(prefix="studio-fb-") as tmp:
        binary = Path(tmp) / "data.bin"
        binary.write_bytes(data)
        result = subprocess.run(
            [str(flatc), "--json", "--raw-binary", "--strict-json", "--defaults-json"]
            + ["-o", tmp, "-I", str(schema.parent), str(schema), "--", str(binary)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = Path(tmp) / "data.json"
        if result.returncode != 0 or not output.exists():
            raise ValueError(result.stderr.strip() or "flatc could not decode the data")
        text = output.read_text()
    # flatc writes non-finite floats bare (inf, -inf, nan); JSON spells them otherwise.
    text = _NON_FINITE.sub(
        lambda m: ("-Infinity" if m[1] else "Infinity") if m[2] == "inf" else "NaN", text
    )
    return json.loads(text)


def _xnnpack_nodes(payload: bytes) -> Counter:
    """Node types in an XNNPACK delegate payload ("Conv2d", "Add", ...) with their counts."""
    magic, _length, offset, size = _XNN_HEADER.unpack_from(payload, 4)
    if not magic.startswith(b"XH"):
        raise ValueError("not an XNNPACK payload")
    schema = _executorch_root() / "backends" / "xnnpack" / "serialization" / "runtime_schema.fbs"
    graph = _flatc_json(schema, payload[offset : offset + size])
    return Counter(
        n.get("xnode_union_type", "unknown").removeprefix("XNN") for n in graph.get("xnodes", [])
    )


def _delegate_payload(data: bytes, program: dict, reference: dict) -> bytes | None:
    index = reference.get("index", 0)
    if reference.get("location") == "INLINE":
        inline = program.get("backend_delegate_data", [])
        return bytes(inline[index].get("data", [])) if index < len(inline) else None
    magic, _length, _size, base = _EXTENDED_HEADER.unpack_from(data, 8)
    segments = program.get("segments", [])
    if magic != b"eh00" or index >= len(segments):
        return None
    start = base + segments[index].get("offset", 0)
    return data[start : start + segments[index].get("size", 0)]


def read(path: Path) -> OperatorSet:
    data = path.read_bytes()
    try:
        program = _flatc_json(_executorch_root() / "exir" / "_serialize" / "program.fbs", data)
        plans = program["execution_plan"]
    except (ValueError, KeyError, json.JSONDecodeError, OSError, subprocess.SubprocessError) as exc:
        raise ModelFileError(
            f"{path} is not a readable ExecuTorch program",
            hint="convert the model again",
            details=str(exc),
        ) from None

    kernels: Counter = Counter()
    delegated: Counter = Counter()
    users: dict[tuple[str, str], set[str]] = {}
    delegates: list[str] = []
    notes: list[str] = []
    for plan in plans:
        calls = Counter()
        for chain in plan.get("chains", []):
            for instruction in chain.get("instructions", []):
                kind = instruction.get("instr_args_type")
                args = instruction.get("instr_args", {})
                if kind == "KernelCall":
                    calls[("k", args.get("op_index", 0))] += 1
                elif kind == "DelegateCall":
                    calls[("d", args.get("delegate_index", 0))] += 1
        for (what, index), n in calls.items():
            if what == "k":
                op = plan["operators"][index]
                name = f"{op['name']}.{op['overload']}" if op.get("overload") else op["name"]
                kernels[name] += n
                users.setdefault((name, ""), set()).add(plan["name"])
                continue
            delegate = plan["delegates"][index]
            backend = delegate["id"]
            if backend not in delegates:
                delegates.append(backend)
            nodes = Counter()
            if backend == XNNPACK_BACKEND:
                try:
                    payload = _delegate_payload(data, program, delegate.get("processed", {}))
                    nodes = _xnnpack_nodes(payload) if payload else Counter()
                except (ValueError, struct.error, OSError, subprocess.SubprocessError) as exc:
                    log.warning("cannot read the XNNPACK payload: %s", exc)
                    notes.append("The XNNPACK part of the program could not be itemised.")
            if not nodes:
                nodes = Counter({"subgraph": 1})
            for node, count in nodes.items():
                key = (f"{backend}:{node}", backend)
                delegated[key] += count * n
                users.setdefault(key, set()).add(plan["name"])

    ops = [
        OperatorUse(name=name, count=n, methods=sorted(users[(name, "")]))
        for name, n in sorted(kernels.items())
    ]
    ops += [
        OperatorUse(
            name=name,
            count=n,
            kind=DELEGATED,
            domain=backend,
            methods=sorted(users[(name, backend)]),
        )
        for (name, backend), n in sorted(delegated.items())
    ]
    return OperatorSet(
        path=path,
        kind=PTE,
        operators=ops,
        methods=[plan["name"] for plan in plans],
        delegates=delegates,
        notes=notes,
    )
