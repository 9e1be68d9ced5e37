"""Match an artifact's operators against runtime profiles: statuses, verdicts and advice.

For each operator and runtime the status is one of

- ``supported``: the runtime has a kernel for it,
- ``delegated``: an accelerator or delegate runs it (NNAPI, CoreML, XNNPACK),
- ``fallback``: the runtime has an accelerator but this operator runs on its CPU instead,
- ``missing``: the runtime cannot run it (or cannot read the artifact at all).

and each runtime gets a verdict: ``ready``, ``fallback`` (some operators leave the
accelerator) or ``fail`` (operators, format versions or delegates the runtime lacks).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from studio.compat import profiles as prof
from studio.compat.operators import (
    DELEGATED,
    KIND_TITLES,
    ONNX,
    PT,
    OperatorSet,
    OperatorUse,
    read_operators,
)

SUPPORTED = "supported"
DELEGATED_STATUS = "delegated"
FALLBACK = "fallback"
MISSING = "missing"
STATUSES = (SUPPORTED, DELEGATED_STATUS, FALLBACK, MISSING)

READY = "ready"
FAIL = "fail"
VERDICTS = (READY, FALLBACK, FAIL)

ONNX_DEFAULT_DOMAIN = "ai.onnx"


@dataclass
class Fix:
    """An action the studio can take to make the artifact acceptable to a runtime."""

    action: str  # "backport" | "opset"
    value: int
    description: str

    @property
    def option(self) -> str:
        return f"--fix {self.action}={self.value}"

    def to_dict(self) -> dict:
        return {**asdict(self), "option": self.option}

    @classmethod
    def from_dict(cls, doc: dict) -> Fix:
        return cls(doc["action"], int(doc["value"]), doc["description"])


@dataclass
class RuntimeVerdict:
    name: str
    title: str
    verdict: str
    unsupported: list[str] = field(default_factory=list)  # operator names or version problems
    fallback: list[str] = field(default_factory=list)  # operators that leave the accelerator
    problems: list[str] = field(default_factory=list)  # plain-language reasons
    advice: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    accelerator: str | None = None
    partitions: int | None = None  # accelerator partitions (ONNX Runtime EPs)
    nodes_on_accelerator: int | None = None
    nodes_total: int | None = None

    @property
    def fallback_count(self) -> int:
        return len(self.fallback)

    def summary(self) -> str:
        if self.verdict == READY:
            return "ready"
        if self.verdict == FALLBACK:
            n = self.fallback_count
            verb = "runs" if n == 1 else "run"
            return f"fallback: {n} operator{'s' if n != 1 else ''} {verb} on the CPU instead of {self.accelerator}"
        return "fail: " + "; ".join(self.unsupported)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["fixes"] = [fix.to_dict() for fix in self.fixes]
        data["fallback_count"] = self.fallback_count
        data["summary"] = self.summary()
        return data

    @classmethod
    def from_dict(cls, doc: dict) -> RuntimeVerdict:
        fields = {k: v for k, v in doc.items() if k not in ("fallback_count", "summary")}
        return cls(**{**fields, "fixes": [Fix.from_dict(f) for f in doc.get("fixes", [])]})


@dataclass
class OperatorRow:
    name: str
    count: int
    kind: str
    domain: str
    status: dict[str, str] = field(default_factory=dict)  # runtime -> status
    notes: dict[str, str] = field(default_factory=dict)  # runtime -> caveat or reason

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict) -> OperatorRow:
        return cls(**doc)


@dataclass
class CompatReport:
    artifact: Path
    kind: str
    operator_set: OperatorSet
    operators: list[OperatorRow]
    runtimes: list[RuntimeVerdict]

    @property
    def failed(self) -> bool:
        return any(r.verdict == FAIL for r in self.runtimes)

    def runtime(self, name: str) -> RuntimeVerdict:
        return next(r for r in self.runtimes if r.name == name)

    def to_dict(self) -> dict:
        facts = self.operator_set
        return {
            "artifact": str(self.artifact),
            "kind": self.kind,
            "format": KIND_TITLES[self.kind],
            "bytecode_version": facts.bytecode_version,
            "opsets": dict(facts.opsets),
            "methods": list(facts.methods),
            "delegates": list(facts.delegates),
            "notes": list(facts.notes),
            "operators": [row.to_dict() for row in self.operators],
            "runtimes": [r.to_dict() for r in self.runtimes],
        }

    @classmethod
    def from_dict(cls, doc: dict) -> CompatReport:
        """The report of :meth:`to_dict`. Its operator set holds what the document says (the
        operators as the rows count them, no ONNX graph), so ``to_dict`` gives the same."""
        rows = [OperatorRow.from_dict(row) for row in doc["operators"]]
        operators = [OperatorUse(r.name, r.count, r.kind, r.domain) for r in rows]
        facts = OperatorSet(
            path=Path(doc["artifact"]),
            kind=doc["kind"],
            operators=operators,
            bytecode_version=doc.get("bytecode_version"),
            opsets=dict(doc.get("opsets") or {}),
            methods=list(doc.get("methods") or []),
            delegates=list(doc.get("delegates") or []),
            notes=list(doc.get("notes") or []),
        )
        runtimes = [RuntimeVerdict.from_dict(r) for r in doc["runtimes"]]
        return cls(Path(doc["artifact"]), doc["kind"], facts, rows, runtimes)

    @property
    def title(self) -> str:
        """The artifact's format, as people call it."""
        return KIND_TITLES[self.kind]


# ------------------------------------------------------------------ per family


class _Evaluation:
    """The statuses of one artifact's operators on one runtime, and the verdict."""

    def __init__(self, ops: OperatorSet, profile: prof.RuntimeProfile):
        self.ops = ops
        self.profile = profile
        self.status: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.covered: set[str] = set()  # missing operators a reported problem already explains
        self.verdict = RuntimeVerdict(
            name=profile.name, title=profile.title, verdict=READY, accelerator=profile.accelerator
        )

    def problem(self, short: str, sentence: str) -> None:
        self.verdict.unsupported.append(short)
        self.verdict.problems.append(sentence)

    def mark(self, op: OperatorUse, status: str, note: str = "") -> None:
        self.status[op.name] = status
        if note:
            self.notes[op.name] = note

    def finish(self) -> RuntimeVerdict:
        v = self.verdict
        missing = [
            op.name
            for op in self.ops.operators
            if self.status.get(op.name) == MISSING and op.name not in self.covered
        ]
        v.unsupported.extend(missing)
        if missing:
            v.problems.append(f"{self.profile.title} has no kernel for {_names(missing)}.")
        v.fallback = [op.name for op in self.ops.operators if self.status.get(op.name) == FALLBACK]
        v.verdict = FAIL if v.unsupported else FALLBACK if v.fallback else READY
        return v


def _names(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _in_namespace(name: str, namespaces: list[str]) -> bool:
    return "::" in name and name.split("::", 1)[0] in namespaces


def _evaluate_lite(ev: _Evaluation) -> None:
    # here, not at the top: the agent's bundle reads profiles through this package and
    # carries no conversion code
    from studio.convert.recipe import LITE_MIN_BYTECODE

    ops, profile = ev.ops, ev.profile
    version = ops.bytecode_version
    high, low = profile.max_bytecode_version, profile.min_bytecode_version
    if version is not None and high is not None and version > high:
        ev.problem(
            f"bytecode version {version} (reads up to {high})",
            f"This model is bytecode version {version}; the app's runtime reads up to version {high}.",
        )
        if high >= LITE_MIN_BYTECODE:
            fix = Fix("backport", high, f"Write the model again at bytecode version {high}")
            ev.verdict.fixes.append(fix)
            ev.verdict.advice.append(
                f"The app's runtime reads up to version {high}; the studio can write the model "
                f"again at version {high}."
            )
        else:
            ev.verdict.advice.append(
                f"The studio cannot write versions older than {LITE_MIN_BYTECODE}; "
                "update the app's PyTorch Lite library."
            )
    elif version is not None and low is not None and version < low:
        ev.problem(
            f"bytecode version {version} (reads {low} and newer)",
            f"This model is bytecode version {version}, older than this runtime reads ({low}).",
        )
        ev.verdict.advice.append(
            "Convert the model again with the studio to get a current version."
        )
    _evaluate_by_name(ev)


def _evaluate_by_name(ev: _Evaluation) -> None:
    """An operator is there when the profile names it or its namespace (a full build)."""
    profile = ev.profile
    for op in ev.ops.operators:
        known = op.name in profile.operators or _in_namespace(op.name, profile.operator_namespaces)
        ev.mark(op, SUPPORTED if known else MISSING, "" if known else "no kernel in this runtime")


def _evaluate_executorch(ev: _Evaluation) -> None:
    ops, profile = ev.ops, ev.profile
    absent = [d for d in ops.delegates if d not in profile.backends]
    for backend in absent:
        ev.problem(
            f"delegate {backend}",
            f"Part of this program is compiled for {backend}, which {profile.title} does not have.",
        )
        ev.verdict.advice.append(
            f"Use a runtime built with {backend}, or convert without it (portable kernels only)."
        )
    for op in ops.operators:
        if op.kind == DELEGATED:
            if op.domain in profile.backends:
                ev.mark(op, DELEGATED_STATUS, f"runs inside {op.domain}")
            else:
                ev.mark(op, MISSING, f"needs the {op.domain} delegate")
                ev.covered.add(op.name)
        elif op.name in profile.operators:
            ev.mark(op, SUPPORTED, "portable kernel")
        else:
            ev.mark(op, MISSING, "no kernel registered in this runtime")
    if not ops.delegates and profile.backends and any(op.kind != DELEGATED for op in ops.operators):
        ev.verdict.advice.append(
            f"This program was not lowered to {profile.accelerator or profile.backends[0]}: every "
            "operator runs as a portable kernel, usually several times slower. Convert it again "
            "with the XNNPACK backend."
        )


class _TableChecker:
    """Adapter for onnxruntime's partition estimate: is a node taken by the accelerator?"""

    def __init__(self, table: dict[str, str], held: dict):
        self.table = table
        self.held = held  # nodes that break a limit of the table (ep_limits.violations)

    def is_op_supported(self, node) -> bool:
        from studio.compat.ep_limits import node_key

        key = f"{node.domain or ONNX_DEFAULT_DOMAIN}:{node.op_type}"
        return key in self.table and node_key(node) not in self.held

    def get_caveats(self) -> list[str]:
        return []


def _evaluate_onnx(ev: _Evaluation) -> None:
    ops, profile = ev.ops, ev.profile
    used_domains = sorted({op.domain or ONNX_DEFAULT_DOMAIN for op in ops.operators})
    for domain in used_domains:
        version = ops.opsets.get(domain)
        span = profile.opsets.get(domain)
        if span is None:
            ev.problem(
                f"domain {domain}", f"{profile.title} has no operators of the {domain} domain."
            )
            continue
        if version is None:
            continue
        low, high = span
        if version > high:
            label = "opset" if domain == ONNX_DEFAULT_DOMAIN else f"{domain} opset"
            ev.problem(
                f"{label} {version} (reads up to {high})",
                f"This model uses {label} {version}; {profile.title} reads up to {high}.",
            )
            if domain == ONNX_DEFAULT_DOMAIN and ops.kind == ONNX:
                fix = Fix("opset", high, f"Convert the model to opset {high}")
                ev.verdict.fixes.append(fix)
                ev.verdict.advice.append(
                    f"The runtime reads ONNX opsets up to {high}; the studio can convert the "
                    f"model to opset {high}."
                )
            elif domain == ONNX_DEFAULT_DOMAIN:
                ev.verdict.advice.append(
                    f"Convert the .onnx model to opset {high}, then to .ort again."
                )
        elif version < low:
            ev.problem(
                f"opset {version} (reads {low} and newer)",
                f"This model uses opset {version}; {profile.title} reads {low} and newer.",
            )
    from studio.compat.ops_onnx import FOLDED_AT_LOAD

    table = profile.accelerated_operators
    for op in ops.operators:
        domain = op.domain or ONNX_DEFAULT_DOMAIN
        key = f"{domain}:{op.name.rsplit(':', 1)[-1]}"
        span = profile.operators.get(key)
        on_cpu = span is not None and (
            op.since_version is None or span[0] <= op.since_version <= span[1]
        )
        if key in FOLDED_AT_LOAD:  # neither the CPU nor an accelerator runs it
            ev.mark(op, SUPPORTED, FOLDED_AT_LOAD[key])
        elif profile.accelerator and key in table:
            ev.mark(op, DELEGATED_STATUS, table[key])
        elif on_cpu:
            ev.mark(
                op,
                FALLBACK if profile.accelerator else SUPPORTED,
                f"{profile.accelerator} does not take it; runs on the CPU"
                if profile.accelerator
                else "",
            )
        else:
            ev.mark(
                op,
                MISSING,
                "no kernel in this runtime"
                if span is None
                else f"no kernel for opset {op.since_version} (has {span[0]}-{span[1]})",
            )
    if profile.accelerator and ops.graph is not None:
        _estimate_partitions(ev, _apply_limits(ev))


def _apply_limits(ev: _Evaluation) -> dict:
    """Operators with nodes that break a limit of the accelerator's table (a 1-D Conv where
    NNAPI takes 2-D only) leave the accelerator. Returns the nodes held back."""
    from studio.compat.ep_limits import violations

    held = violations(ev.ops.graph, ev.profile.accelerated_operators)
    for op in ev.ops.operators:
        key = f"{op.domain or ONNX_DEFAULT_DOMAIN}:{op.name.rsplit(':', 1)[-1]}"
        reasons = [reason for k, reason in held.values() if k == key]
        if reasons and ev.status.get(op.name) == DELEGATED_STATUS:
            ev.mark(
                op,
                FALLBACK,
                f"{ev.profile.accelerator}: {reasons[0]}; {len(reasons)} of {op.count} "
                f"{'node runs' if len(reasons) == 1 else 'nodes run'} on the CPU",
            )
    return held


def _usability_checker():
    """onnxruntime's ``tools/mobile_helpers/usability_checker`` module.

    ``onnxruntime/tools/__init__.py`` imports torch (for unrelated export helpers), which
    costs seconds; the tools folder is loaded under a private package name instead, unless
    onnxruntime.tools is imported already.
    """
    import importlib
    import importlib.util
    import sys
    import types

    if "onnxruntime.tools" in sys.modules:
        return importlib.import_module("onnxruntime.tools.mobile_helpers.usability_checker")
    alias = "_studio_onnxruntime_tools"
    if alias not in sys.modules:
        spec = importlib.util.find_spec("onnxruntime")
        package = types.ModuleType(alias)
        package.__path__ = [str(Path(next(iter(spec.submodule_search_locations))) / "tools")]
        sys.modules[alias] = package
    return importlib.import_module(f"{alias}.mobile_helpers.usability_checker")


def _dynamic_inputs(graph) -> list[str]:
    """Graph inputs with a dimension that is not a fixed number (a dynamic batch, say)."""
    initializers = {i.name for i in graph.initializer}
    return [
        i.name
        for i in graph.input
        if i.name not in initializers
        and any(not d.HasField("dim_value") for d in i.type.tensor_type.shape.dim)
    ]


def _estimate_partitions(ev: _Evaluation, limited: dict) -> None:
    from studio.compat.ops_onnx import op_name, without_folded

    accel, v = ev.profile.accelerator, ev.verdict
    graph, dynamic = ev.ops.graph, []
    if ev.profile.fixed_shapes_required and ev.ops.model is not None:
        dynamic = _dynamic_inputs(graph)
        if dynamic:  # the accelerator leaves out nodes whose inputs have no fixed shape
            import onnx

            graph = onnx.shape_inference.infer_shapes(ev.ops.model).graph
    graph = without_folded(graph)
    table = _TableChecker(ev.profile.accelerated_operators, limited)
    info = _usability_checker().check_partitioning(graph, table, bool(dynamic))
    v.partitions = info.num_partitions
    v.nodes_on_accelerator = info.num_supported_nodes
    v.nodes_total = info.num_nodes
    share = info.num_supported_nodes / info.num_nodes if info.num_nodes else 0.0
    if dynamic and info.nodes_unsupported_due_to_dynamic_input:
        taken = {id(node) for group in info.supported_groups for node in group}
        held = {op_name(n.domain, n.op_type) for n in graph.node if id(n) not in taken}
        for op in ev.ops.operators:
            if op.name in held and ev.status.get(op.name) == DELEGATED_STATUS:
                ev.mark(op, FALLBACK, f"{accel} takes it only with fixed input shapes")
        v.advice.append(
            f"{accel} takes only fixed input shapes, and {', '.join(dynamic)} "
            f"{'has' if len(dynamic) == 1 else 'have'} a dynamic dimension, so "
            f"{info.nodes_unsupported_due_to_dynamic_input} of {info.num_nodes} nodes stay on "
            "the CPU. Convert the model again without a dynamic batch size."
        )
    leaving = [
        op.name
        for op in ev.ops.operators
        if ev.status.get(op.name) not in (DELEGATED_STATUS, SUPPORTED)  # SUPPORTED: folded
    ]
    if info.num_partitions == 0:
        v.advice.append(f"{accel} can run none of this model; it would all run on the CPU.")
    elif info.num_partitions > 1:
        v.advice.append(
            f"{_names(leaving)} {'is' if len(leaving) == 1 else 'are'} not supported by {accel}, "
            f"which splits the graph into {info.num_partitions} {accel} partitions "
            f"({share:.0%} of the nodes on {accel}). Each switch between {accel} and the CPU "
            "copies tensors"
            + (
                "; with more than two partitions the CPU alone is usually faster."
                if info.num_partitions > 2
                else "."
            )
        )
    elif leaving:
        v.advice.append(
            f"{_names(leaving)} run{'s' if len(leaving) == 1 else ''} on the CPU; "
            f"{share:.0%} of the nodes run on {accel} in one partition."
        )
    if ev.ops.kind != ONNX and any(":" in n for n in leaving):
        v.advice.append(
            "This .ort file holds CPU-specific fused operators; for an accelerator convert the "
            ".onnx to .ort with the Runtime optimization style."
        )


_EVALUATORS = {
    prof.PYTORCH_LITE: _evaluate_lite,
    prof.EXECUTORCH: _evaluate_executorch,
    prof.ONNXRUNTIME: _evaluate_onnx,
    prof.TORCHSCRIPT: _evaluate_by_name,
}

_WHAT_TO_CONVERT = {
    prof.PYTORCH_LITE: "a PyTorch Lite model (.ptl)",
    prof.EXECUTORCH: "an ExecuTorch program (.pte)",
    prof.ONNXRUNTIME: "an ONNX (.onnx or .ort) model",
    prof.TORCHSCRIPT: "a TorchScript model (.pt)",
}


def evaluate(ops: OperatorSet, profile: prof.RuntimeProfile) -> _Evaluation:
    ev = _Evaluation(ops, profile)
    if ops.kind not in profile.formats:
        ev.problem(
            f"format {KIND_TITLES[ops.kind]}",
            f"{profile.title} does not read a {KIND_TITLES[ops.kind]}.",
        )
        advice = f"Convert the model to {_WHAT_TO_CONVERT[profile.family]} for this runtime."
        if ops.kind == PT and profile.family == prof.PYTORCH_LITE:
            advice = (
                "A .pt is full TorchScript; the Lite runtime reads .ptl. Convert the model "
                "with the ptl target."
            )
        ev.verdict.advice.append(advice)
        for op in ops.operators:
            ev.mark(op, MISSING, "the runtime does not read this format")
            ev.covered.add(op.name)
    else:
        _EVALUATORS[profile.family](ev)
    ev.finish()
    return ev


def check(artifact: str | Path | OperatorSet, runtimes: list[prof.RuntimeProfile]) -> CompatReport:
    """Check an artifact (a path or an already read :class:`OperatorSet`) against profiles."""
    ops = artifact if isinstance(artifact, OperatorSet) else read_operators(artifact)
    evaluations = [evaluate(ops, profile) for profile in runtimes]
    rows = [
        OperatorRow(
            name=op.name,
            count=op.count,
            kind=op.kind,
            domain=op.domain,
            status={ev.profile.name: ev.status[op.name] for ev in evaluations},
            notes={ev.profile.name: ev.notes[op.name] for ev in evaluations if op.name in ev.notes},
        )
        for op in ops.operators
    ]
    return CompatReport(
        artifact=ops.path,
        kind=ops.kind,
        operator_set=ops,
        operators=rows,
        runtimes=[ev.verdict for ev in evaluations],
    )
