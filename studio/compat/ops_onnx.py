"""Operators of ONNX (``.onnx``) and ONNX Runtime (``.ort``) models.

An ``.onnx`` file is read with ``onnx`` (weights left on disk). An ``.ort`` file is a
flatbuffer read with the bindings ONNX Runtime ships in
``onnxruntime.tools.ort_format_model``; its nodes are rebuilt as an ONNX graph (names,
inputs, outputs only) so that both formats get the same partition estimate.
"""

from __future__ import annotations

import struct
from collections import Counter
from pathlib import Path

from studio.compat.operators import ONNX, ORT, OperatorSet, OperatorUse
from studio.errors import ModelFileError

DEFAULT_DOMAIN = "ai.onnx"

# Operators ONNX Runtime resolves when it loads a model, so that no kernel and no accelerator
# ever runs them: it stores the value of every Constant node as an initializer of its graph
# (onnxruntime/core/graph/graph.cc, the Graph constructor), main graph and subgraphs alike.
FOLDED_AT_LOAD = {
    f"{DEFAULT_DOMAIN}:Constant": "ONNX Runtime stores it as a constant when it loads the model",
}


def op_name(domain: str, op_type: str) -> str:
    """How the studio names an ONNX operator: ``Conv``, or ``com.microsoft:FusedConv``."""
    domain = domain or DEFAULT_DOMAIN
    return op_type if domain == DEFAULT_DOMAIN else f"{domain}:{op_type}"


def is_folded_at_load(node) -> bool:
    return f"{node.domain or DEFAULT_DOMAIN}:{node.op_type}" in FOLDED_AT_LOAD


def without_folded(graph):
    """A copy of ``graph`` as ONNX Runtime runs it: the nodes it resolves when loading
    (:data:`FOLDED_AT_LOAD`) become initializers (names only; the values are not needed)."""
    import onnx

    if not any(is_folded_at_load(node) for node in graph.node):
        return graph
    copy = onnx.GraphProto()
    copy.CopyFrom(graph)
    del copy.node[:]
    for node in graph.node:
        if is_folded_at_load(node):
            copy.initializer.extend(onnx.TensorProto(name=name) for name in node.output)
        else:
            copy.node.append(node)
    return copy


def _since_version(op_type: str, domain: str, opset: int | None) -> int | None:
    import onnx

    if opset is None:
        return None
    try:
        return onnx.defs.get_schema(
            op_type, opset, "" if domain == DEFAULT_DOMAIN else domain
        ).since_version
    except onnx.defs.SchemaError:
        return None


def _read_onnx(path: Path) -> OperatorSet:
    import onnx

    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:  # protobuf raises DecodeError and friends
        raise ModelFileError(
            f"{path} is not a readable ONNX model",
            hint="convert the model again",
            details=f"{type(exc).__name__}: {exc}",
        ) from None
    if not model.graph.node:
        raise ModelFileError(f"{path} is not a readable ONNX model (it has no graph)")
    damage = _graph_damage(model.graph)
    if damage:
        raise ModelFileError(
            f"{path} is not a readable ONNX model: {damage}",
            hint="the file is damaged; convert the model again",
        )
    opsets = {(o.domain or DEFAULT_DOMAIN): int(o.version) for o in model.opset_import}
    counts: Counter = Counter()

    def visit(graph) -> None:
        for node in graph.node:
            counts[(node.domain or DEFAULT_DOMAIN, node.op_type)] += 1
            for attr in node.attribute:
                if attr.HasField("g"):
                    visit(attr.g)
                for sub in attr.graphs:
                    visit(sub)

    visit(model.graph)
    ops = [
        OperatorUse(
            name=op_name(domain, op_type),
            count=n,
            domain=domain,
            since_version=_since_version(op_type, domain, opsets.get(domain)),
        )
        for (domain, op_type), n in sorted(counts.items())
    ]
    return OperatorSet(
        path=path, kind=ONNX, operators=ops, opsets=opsets, graph=model.graph, model=model
    )


def _graph_damage(graph, outer: frozenset = frozenset()) -> str | None:
    """What makes a graph unusable, or None: a name that is not text (protobuf hands out
    bytes for invalid UTF-8), or a value that nodes read but that no input, initializer or
    node of the graph (or of the graphs around a subgraph) defines. ONNX Runtime refuses both."""
    defined = [v.name for v in graph.input] + [t.name for t in graph.initializer]
    defined += [t.values.name for t in graph.sparse_initializer]
    defined += [name for node in graph.node for name in node.output]
    names = [text for node in graph.node for text in (node.name, node.op_type, node.domain)]
    names += [name for node in graph.node for name in node.input]
    if not all(isinstance(name, str) for name in defined + names):
        return "a name in its graph is not text"
    known = outer | set(defined)
    missing = {name for node in graph.node for name in node.input if name and name not in known}
    if missing:
        shown = ", ".join(sorted(missing)[:3])[:120]
        return f"its graph reads values that nothing produces ({shown})"
    for node in graph.node:
        for attr in node.attribute:
            for sub in list(attr.graphs) + ([attr.g] if attr.HasField("g") else []):
                damage = _graph_damage(sub, known)
                if damage:
                    return damage
    return None


def _ort_flatbuffers():
    """The ORT-format flatbuffer bindings that onnxruntime ships in tools/ort_format_model.

    They are put on the path the way onnxruntime.tools.ort_format_model does, without
    importing onnxruntime.tools (which imports torch).
    """
    import importlib.util
    import sys

    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError("onnxruntime is not installed, so .ort files cannot be read")
    folder = str(Path(next(iter(spec.submodule_search_locations))) / "tools" / "ort_format_model")
    if folder not in sys.path:
        sys.path.append(folder)
    from ort_flatbuffers_py import fbs

    return fbs


# What the flatbuffer bindings raise for offsets and numbers outside the buffer.
_FLATBUFFER_ERRORS = (
    ValueError,
    IndexError,
    AttributeError,
    TypeError,
    UnicodeDecodeError,
    struct.error,
)


def _read_ort(path: Path) -> OperatorSet:
    import onnx

    fbs = _ort_flatbuffers()

    buffer = bytearray(path.read_bytes())
    try:
        if not fbs.InferenceSession.InferenceSession.InferenceSessionBufferHasIdentifier(buffer, 0):
            raise ValueError("no ORTM identifier")
        model = fbs.InferenceSession.InferenceSession.GetRootAsInferenceSession(buffer, 0).Model()
        opsets = {}
        for j in range(model.OpsetImportLength()):
            entry = model.OpsetImport(j)
            opsets[entry.Domain().decode() or DEFAULT_DOMAIN] = int(entry.Version())
        graph = model.Graph()
        counts: Counter = Counter()
        since: dict = {}
        nodes = []
        for i in range(graph.NodesLength()):
            node = graph.Nodes(i)
            op_type, domain = node.OpType().decode(), node.Domain().decode() or DEFAULT_DOMAIN
            counts[(domain, op_type)] += 1
            since[(domain, op_type)] = int(node.SinceVersion())
            nodes.append(
                onnx.helper.make_node(
                    op_type,
                    [node.Inputs(k).decode() for k in range(node.InputsLength())],
                    [node.Outputs(k).decode() for k in range(node.OutputsLength())],
                    name=node.Name().decode(),
                    domain="" if domain == DEFAULT_DOMAIN else domain,
                )
            )
    except _FLATBUFFER_ERRORS as exc:
        raise ModelFileError(
            f"{path} is not a readable ONNX Runtime (.ort) model",
            hint="convert the model again",
            details=f"{type(exc).__name__}: {exc}",
        ) from None
    ops = [
        OperatorUse(name=op_name(d, t), count=n, domain=d, since_version=since[(d, t)])
        for (d, t), n in sorted(counts.items())
    ]
    # an .ort file imports every domain ORT knows; keep the ones its nodes use
    used = {d for d, _t in counts} | {DEFAULT_DOMAIN}
    opsets = {d: v for d, v in opsets.items() if d in used}
    nodes = _topological(nodes)
    produced = {name for node in nodes for name in node.output}
    consumed = sorted(
        {name for node in nodes for name in node.input if name and name not in produced}
    )
    inputs = [onnx.helper.make_empty_tensor_value_info(name) for name in consumed]
    return OperatorSet(
        path=path,
        kind=ORT,
        operators=ops,
        opsets=opsets,
        graph=onnx.helper.make_graph(nodes, "ort", inputs, []),
    )


def _topological(nodes: list) -> list:
    """Nodes ordered so that each comes after the producers of its inputs (ORT stores fused
    nodes at the end)."""
    producer = {name: i for i, node in enumerate(nodes) for name in node.output}
    ordered, state = [], [0] * len(nodes)  # 0 new, 1 visiting, 2 done

    def visit(i: int) -> None:
        stack = [(i, iter(nodes[i].input))]
        state[i] = 1
        while stack:
            j, inputs = stack[-1]
            for name in inputs:
                k = producer.get(name)
                if k is not None and state[k] == 0:
                    state[k] = 1
                    stack.append((k, iter(nodes[k].input)))
                    break
            else:
                stack.pop()
                state[j] = 2
                ordered.append(nodes[j])

    for i in range(len(nodes)):
        if state[i] == 0:
            visit(i)
    return ordered


def read(path: Path, kind: str) -> OperatorSet:
    return _read_onnx(path) if kind == ONNX else _read_ort(path)
