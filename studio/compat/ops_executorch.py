"""Operators of an ExecuTorch program (``.pte``).

A program is a flatbuffer (``executorch.exir._serialize``): per method (execution plan)
an ``operators`` table, chains of instructions (``KernelCall`` runs ``operators[i]`` as a
kernel of the runtime; ``DelegateCall`` hands a subgraph to a backend) and a list of
delegates (backend id + payload). An XNNPACK payload is itself a flatbuffer graph
(``XN01``); its node types are what XNNPACK runs, read with the ``flatc`` that
ExecuTorch ships and the XNNPACK schema beside it.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from studio.compat.operators import DELEGATED, PTE, OperatorSet, OperatorUse
from studio.errors import ModelFileError

log = logging.getLogger(__name__)

XNNPACK_BACKEND = "XnnpackBackend"
_NON_FINITE = re.compile(r"(?<=[\s:\[,])(-?)(inf|nan)\b")


def _xnnpack_nodes(payload: bytes) -> Counter:
    """Node types in an XNNPACK delegate payload ("Conv2d", "Add", ...) with their counts."""
    from executorch.backends.xnnpack import serialization
    from executorch.backends.xnnpack.serialization.xnnpack_graph_serialize import XNNHeader
    from executorch.exir._serialize._flatbuffer import _get_flatc_path

    header = XNNHeader.from_bytes(payload[: XNNHeader.EXPECTED_LENGTH])
    graph = payload[header.flatbuffer_offset : header.flatbuffer_offset + header.flatbuffer_size]
    schema = Path(serialization.__path__[0]) / "runtime_schema.fbs"
    with tempfile.TemporaryDirectory(prefix="studio-xnn-") as tmp:
        binary = Path(tmp) / "graph.bin"
        binary.write_bytes(graph)
        subprocess.run(
            [_get_flatc_path(), "--json", "--raw-binary", "--strict-json", "-o", tmp]
            + [str(schema), "--", str(binary)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        text = (Path(tmp) / "graph.json").read_text()
    # flatc writes non-finite floats bare (inf, -inf, nan); JSON spells them otherwise.
    text = _NON_FINITE.sub(
        lambda m: ("-Infinity" if m[1] else "Infinity") if m[2] == "inf" else "NaN", text
    )
    nodes = json.loads(text).get("xnodes", [])
    return Counter(n.get("xnode_union_type", "unknown").removeprefix("XNN") for n in nodes)


def read(path: Path) -> OperatorSet:
    from executorch.exir._serialize._program import deserialize_pte_binary
    from executorch.exir.schema import DataLocation, DelegateCall, KernelCall

    try:
        program = deserialize_pte_binary(path.read_bytes()).program
    except Exception as exc:  # the deserializer raises many types on a bad buffer
        raise ModelFileError(
            f"{path} is not a readable ExecuTorch program",
            hint="convert the model again",
            details=f"{type(exc).__name__}: {exc}",
        ) from None

    kernels: Counter = Counter()
    delegated: Counter = Counter()
    users: dict[tuple[str, str], set[str]] = {}
    delegates: list[str] = []
    notes: list[str] = []
    for plan in program.execution_plan:
        calls = Counter()
        for chain in plan.chains:
            for instruction in chain.instructions:
                args = instruction.instr_args
                if isinstance(args, KernelCall):
                    calls[("k", args.op_index)] += 1
                elif isinstance(args, DelegateCall):
                    calls[("d", args.delegate_index)] += 1
        for (what, index), n in calls.items():
            if what == "k":
                op = plan.operators[index]
                name = f"{op.name}.{op.overload}" if op.overload else op.name
                kernels[name] += n
                users.setdefault((name, ""), set()).add(plan.name)
                continue
            delegate = plan.delegates[index]
            if delegate.id not in delegates:
                delegates.append(delegate.id)
            nodes = Counter()
            if (
                delegate.id == XNNPACK_BACKEND
                and delegate.processed.location == DataLocation.INLINE
            ):
                payload = program.backend_delegate_data[delegate.processed.index].data
                try:
                    nodes = _xnnpack_nodes(payload)
                except (ValueError, OSError, subprocess.SubprocessError) as exc:
                    log.warning("cannot read the XNNPACK payload: %s", exc)
                    notes.append("The XNNPACK part of the program could not be itemised.")
            if not nodes:
                nodes = Counter({"subgraph": 1})
            for node, count in nodes.items():
                key = (f"{delegate.id}:{node}", delegate.id)
                delegated[key] += count * n
                users.setdefault(key, set()).add(plan.name)

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
        methods=[plan.name for plan in program.execution_plan],
        delegates=delegates,
        notes=notes,
    )
