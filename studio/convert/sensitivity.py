"""Which layers int8 hurts, and keeping the worst of them in float until the output is good.

A network's layers suffer unequally from int8: often one or two (the stem that sees raw
pixels, a layer with a few outlier channels) cause most of the error. The studio measures
this by quantizing one layer group at a time, everything else left in float32, and
comparing the output with the float model's (:class:`Sensitivity`). Float fallback then
keeps the most sensitive groups in float32, one more at a time, until the conversion's
verification bars hold (:class:`Fallback`): a few percent more bytes and, usually, no more
latency for most of the fidelity back.

Each trial quantizes with PT2E (the ``.pte`` target's quantizer) and runs the quantized
graph on the host, which computes what the int8 kernels compute without lowering. The
trials compare on the verification inputs, held out from calibration, as the artifacts
are judged: on the calibration inputs themselves the observers cover every value exactly,
so the output looks several decibels better than on inputs the quantizer has not seen
(4.5 dB on the test network) and a fallback decided there stops too early. The price is
that the fallback's stopping point was chosen on the inputs its verdict is measured on;
a labelled folder or separate verification data gives the independent check.

The records here import no torch (the window reads them from reports); the analysis does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.convert.compare import Tolerances
    from studio.convert.targets.base import BuildContext
    from studio.convert.verify import Reference, Verification
    from studio.model.inputs import SampleSet

SENSITIVITY_STAGE = "layer sensitivity"
FALLBACK_STAGE = "float fallback"
MIN_GROUPS, MAX_GROUPS = 6, 24


@dataclass
class LayerEffect:
    """The output's fidelity with only ``group`` quantized."""

    group: str  # a module name, as in named_modules()
    sqnr_db: float | None  # None: identical to float
    mean_cosine: float
    parameters: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict) -> LayerEffect:
        return cls(doc["group"], doc.get("sqnr_db"), doc["mean_cosine"], int(doc["parameters"]))


@dataclass
class Sensitivity:
    layers: list[LayerEffect]  # most sensitive (lowest SQNR) first
    all_sqnr_db: float | None  # every group quantized
    all_mean_cosine: float
    samples: int  # inputs each trial was compared on
    seconds: float

    def to_dict(self) -> dict:
        return {**asdict(self), "layers": [layer.to_dict() for layer in self.layers]}

    @classmethod
    def from_dict(cls, doc: dict) -> Sensitivity:
        return cls(
            [LayerEffect.from_dict(layer) for layer in doc["layers"]],
            doc.get("all_sqnr_db"),
            doc["all_mean_cosine"],
            int(doc["samples"]),
            float(doc["seconds"]),
        )


@dataclass
class FallbackStep:
    kept_float: list[str]
    verdict: str
    sqnr_db: float | None
    mean_cosine: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Fallback:
    kept_float: list[str]  # what stays float32 in every int8 artifact
    met: bool  # the verification bars held on the calibration inputs
    steps: list[FallbackStep] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "kept_float": list(self.kept_float),
            "met": self.met,
            "steps": [s.to_dict() for s in self.steps],
        }

    @classmethod
    def from_dict(cls, doc: dict) -> Fallback:
        steps = [FallbackStep(**s) for s in doc.get("steps") or []]
        return cls(list(doc["kept_float"]), bool(doc["met"]), steps)


@dataclass
class LayerPlan:
    """Which layers stay float32 in the int8 artifacts, and how that was decided."""

    kept_float: list[str] = field(default_factory=list)
    sensitivity: Sensitivity | None = None
    fallback: Fallback | None = None

    def to_dict(self) -> dict:
        return {
            "kept_float": list(self.kept_float),
            "sensitivity": self.sensitivity.to_dict() if self.sensitivity else None,
            "fallback": self.fallback.to_dict() if self.fallback else None,
        }

    @classmethod
    def from_dict(cls, doc: dict) -> LayerPlan:
        sensitivity, fallback = doc.get("sensitivity"), doc.get("fallback")
        return cls(
            list(doc.get("kept_float") or []),
            Sensitivity.from_dict(sensitivity) if sensitivity else None,
            Fallback.from_dict(fallback) if fallback else None,
        )


# --- the analysis (torch) --------------------------------------------------------------------


def layer_groups(module, at_least: int = MIN_GROUPS, at_most: int = MAX_GROUPS) -> list[str]:
    """Module names that split the network into groups holding its convolutions and linear
    layers: its top-level children, the largest opened up until there are ``at_least``."""

    def weighted(m) -> int:
        return sum(1 for leaf in m.modules() if _is_weighted(leaf))

    groups = [(name, child) for name, child in module.named_children() if weighted(child)]
    while len(groups) < at_least:
        openable = [
            (weighted(child), index)
            for index, (_, child) in enumerate(groups)
            if sum(1 for c in child.children() if weighted(c)) > 1
        ]
        if not openable:
            break
        _, index = max(openable)
        name, child = groups[index]
        inner = [(f"{name}.{n}", c) for n, c in child.named_children() if weighted(c)]
        if len(groups) - 1 + len(inner) > at_most:
            break
        groups[index : index + 1] = inner
    return [name for name, _ in groups]


def _is_weighted(module) -> bool:
    import torch

    kinds = (torch.nn.Linear, torch.nn.modules.conv._ConvNd)
    return isinstance(module, kinds)


class Trials:
    """Quantize the model keeping given groups in float, and judge the result against the
    float model on the verification inputs (and the labelled folder, when there is one).
    Each set of groups is tried once: the fallback's first steps are often trials the
    sensitivity measure already ran (every group in int8; with two groups, either alone)."""

    def __init__(
        self,
        context: BuildContext,
        tolerances: Tolerances,
        samples: SampleSet | None,
        labelled: SampleSet | None = None,
        labels=None,
    ) -> None:
        from studio.convert.verify import Reference
        from studio.runtimes.eager_runner import EagerRunner

        self.context, self.tolerances = context, tolerances
        if samples is None:  # verification is off: the calibration inputs are all there is
            samples = context.calibration
        eager = EagerRunner.from_module(context.module, context.input_spec)
        self.reference: Reference = Reference.compute(
            eager, samples, labelled, labels, context.cancel
        )
        self.groups = layer_groups(context.module)
        self._judged: dict[frozenset[str], Verification] = {}

    def __call__(self, keep_float: Sequence[str]) -> Verification:
        key = frozenset(keep_float)
        if key not in self._judged:
            self._judged[key] = self._try(keep_float)
        return self._judged[key]

    def _try(self, keep_float: Sequence[str]) -> Verification:
        from torchao.quantization.pt2e import allow_exported_model_train_eval

        from studio.convert.quantize import calibration_feeder, pt2e_quantize
        from studio.convert.verify import verify_runner
        from studio.runtimes.eager_runner import EagerRunner

        context = self.context
        context.check()
        quantized = pt2e_quantize(
            context.exported().graph,
            context.example,
            "static",
            calibration_feeder(context.calibration_samples(), context.cancel),
            keep_float=keep_float,
        )
        allow_exported_model_train_eval(quantized)
        runner = EagerRunner.from_module(quantized, context.input_spec)
        return verify_runner(runner, self.reference, self.tolerances, context.cancel)

    def parameters(self, group: str) -> int:
        return sum(p.numel() for p in self.context.module.get_submodule(group).parameters())


def measure_sensitivity(trials: Trials, report: Callable[[float, str], None]) -> Sensitivity:
    """Each group quantized alone, everything else in float32: most sensitive first."""
    started = time.monotonic()
    groups = trials.groups
    effects = []
    for index, group in enumerate(groups):
        report(index / (len(groups) + 1), f"{group} ({index + 1} of {len(groups)})")
        others = [g for g in groups if g != group]
        c = trials(others).comparison
        effects.append(LayerEffect(group, _db(c.sqnr_db), c.mean_cosine, trials.parameters(group)))
    report(len(groups) / (len(groups) + 1), "every layer quantized")
    whole = trials([]).comparison
    effects.sort(key=lambda e: float("inf") if e.sqnr_db is None else e.sqnr_db)
    return Sensitivity(
        effects,
        _db(whole.sqnr_db),
        whole.mean_cosine,
        len(trials.reference.samples),
        time.monotonic() - started,
    )


def fall_back(
    trials: Trials, sensitivity: Sensitivity, report: Callable[[float, str], None]
) -> Fallback:
    """Keep the most sensitive groups in float32, one more at a time, until the bars hold."""
    order = [effect.group for effect in sensitivity.layers]
    steps: list[FallbackStep] = []
    for count in range(len(order)):  # keeping every group float is no int8 at all
        kept = order[:count]
        report(count / len(order), f"{count} layer groups in float")
        verification = trials(kept)
        c = verification.comparison
        steps.append(FallbackStep(kept, verification.verdict, _db(c.sqnr_db), c.mean_cosine))
        if verification.verdict == "pass":
            return Fallback(kept, True, steps)
    best = max(steps, key=lambda s: float("inf") if s.sqnr_db is None else s.sqnr_db)
    return Fallback(best.kept_float, False, steps)


def _db(value: float | None) -> float | None:
    return None if value is None or value == float("inf") else round(value, 3)
