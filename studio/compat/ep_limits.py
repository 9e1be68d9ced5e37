"""Limits an accelerator's operator table states in words, checked against each ONNX node.

onnxruntime's NNAPI and CoreML tables say, for example, "Only 2D Conv is supported." or
"Only constant mode Pad is supported."; the partitioner of the execution provider leaves a
node that breaks such a limit on the CPU. :func:`violations` finds those nodes from their
attributes and the ranks of their weights, for the caveats recognised here; the others stay
notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DEFAULT_DOMAIN = "ai.onnx"


def _attribute(node, name: str):
    import onnx

    for attr in node.attribute:
        if attr.name == name:
            value = onnx.helper.get_attribute_value(attr)
            return value.decode() if isinstance(value, bytes) else value
    return None


def _spatial_dims(node, ranks: dict[str, int]) -> int | None:
    """The number of spatial dimensions of a convolution or pooling node, when known."""
    kernel = _attribute(node, "kernel_shape")
    if kernel:
        return len(kernel)
    weight = node.input[3] if node.op_type == "QLinearConv" else (node.input[1:2] or [""])[0]
    if node.op_type in ("Conv", "QLinearConv") and weight in ranks:
        return ranks[weight] - 2
    if node.input and node.input[0] in ranks:  # global pooling: from the input's rank
        return ranks[node.input[0]] - 2
    return None


def _dims(allowed: set[int]) -> Callable:
    def check(node, ranks: dict[str, int]) -> str | None:
        dims = _spatial_dims(node, ranks)
        return None if dims is None or dims in allowed else f"this {node.op_type} is {dims}-D"

    return check


def _mode(expected: str) -> Callable:
    def check(node, ranks: dict[str, int]) -> str | None:
        mode = _attribute(node, "mode") or expected  # the ONNX default of Pad and DepthToSpace
        return None if mode.upper() == expected.upper() else f"this {node.op_type} is {mode} mode"

    return check


# (words of the caveat, the check of a node)
LIMITS: list[tuple[re.Pattern, Callable]] = [
    (re.compile(r"Only 2D (Conv|Pool|Resize)"), _dims({2})),
    (re.compile(r"Only 1D/2D Conv"), _dims({1, 2})),
    (re.compile(r"Only constant mode Pad"), _mode("constant")),
    (re.compile(r"Only DCR mode DepthToSpace"), _mode("DCR")),
]


def _ranks(graph) -> dict[str, int]:
    ranks = {t.name: len(t.dims) for t in graph.initializer}
    for value in [*graph.input, *graph.value_info, *graph.output]:
        if value.type.HasField("tensor_type") and value.type.tensor_type.HasField("shape"):
            ranks.setdefault(value.name, len(value.type.tensor_type.shape.dim))
    return ranks


def node_key(node) -> tuple[str, ...]:
    """A node's identity that survives copies of the graph (its outputs are unique)."""
    return tuple(node.output)


def violations(graph, table: dict[str, str]) -> dict[tuple[str, ...], tuple[str, str]]:
    """Nodes of ``graph`` (subgraphs included) that break a limit of ``table``
    (``domain:op`` -> caveat): node key -> (``domain:op``, the limit and why the node breaks it)."""
    found: dict[tuple[str, ...], tuple[str, str]] = {}

    def visit(graph, ranks: dict[str, int]) -> None:
        ranks = {**ranks, **_ranks(graph)}
        for node in graph.node:
            key = f"{node.domain or DEFAULT_DOMAIN}:{node.op_type}"
            caveat = table.get(key, "")
            for pattern, check in LIMITS:
                match = pattern.search(caveat)
                reason = check(node, ranks) if match else None
                if reason:
                    found[node_key(node)] = (key, f"{match.group(0)} is supported; {reason}")
            for attr in node.attribute:
                for sub in [*attr.graphs, *([attr.g] if attr.HasField("g") else [])]:
                    visit(sub, ranks)

    visit(graph, {})
    return found
