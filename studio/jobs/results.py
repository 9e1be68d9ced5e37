"""What each worker job returns, as the type the library gives it on both sides.

The worker sends a result as its ``to_dict()``; :func:`result_from_dict` rebuilds it as
the same type in the window, so the window reads attributes, not string keys. Jobs not
listed here return plain JSON documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.compat.fixes import FixResult
from studio.compat.report import CompatReport
from studio.convert.report import ConversionReport
from studio.convert.verify import Verification
from studio.model.describe import Description
from studio.model.inputs import InputSpec, Preprocess, TensorSpec


@dataclass
class OpenedModel:
    """A model the worker opened (the inspect job): what is inside it, whether it runs here,
    what it takes as input, and how long opening it took."""

    description: Description
    runnable: bool = False
    input_spec: InputSpec | None = None
    seconds: float = 0.0
    # where input_spec came from: one of studio.model.input_choice.SOURCES
    input_source: str = ""

    def to_dict(self) -> dict:
        return {
            **self.description.to_dict(),
            "runnable": self.runnable,
            "input_spec": self.input_spec.to_dict() if self.input_spec else None,
            "labels": self.description.labels,
            "seconds": self.seconds,
            "input_source": self.input_source,
        }

    @classmethod
    def from_dict(cls, doc: dict) -> OpenedModel:
        spec = doc.get("input_spec")
        return cls(
            Description.from_dict(doc),
            bool(doc.get("runnable")),
            _input_spec(spec) if spec else None,
            doc.get("seconds", 0.0),
            doc.get("input_source", ""),
        )


def _input_spec(doc: dict) -> InputSpec:
    """The input spec the worker sent, as it was (the worker checked it when it was made)."""
    tensors = tuple(TensorSpec(t["name"], tuple(t["shape"]), t["dtype"]) for t in doc["tensors"])
    preprocess = doc.get("preprocess")
    return InputSpec(tensors, Preprocess.from_dict(preprocess) if preprocess else None)


@dataclass
class CheckResult:
    """The compatibility reports of a check job, one per artifact, in the order asked."""

    reports: list[CompatReport] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"reports": [report.to_dict() for report in self.reports]}

    @classmethod
    def from_dict(cls, doc: dict) -> CheckResult:
        return cls([CompatReport.from_dict(report) for report in doc.get("reports", [])])


@dataclass
class VerifyResult:
    """One artifact verified against the open model, and its latency on this computer."""

    verification: Verification
    host_latency_ms: float | None = None

    def to_dict(self) -> dict:
        return {**self.verification.to_dict(), "host_latency_ms": self.host_latency_ms}

    @classmethod
    def from_dict(cls, doc: dict) -> VerifyResult:
        fields = {k: v for k, v in doc.items() if k != "host_latency_ms"}
        return cls(Verification.from_dict(fields), doc.get("host_latency_ms"))


@dataclass
class RuntimeEntry:
    """A runtime the studio checks artifacts against, as the window lists it."""

    name: str
    title: str
    family: str
    formats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "family": self.family,
            "formats": self.formats,
        }


@dataclass
class RuntimesResult:
    """The runtimes of the built-in profiles (the runtimes job)."""

    runtimes: list[RuntimeEntry] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"runtimes": [runtime.to_dict() for runtime in self.runtimes]}

    @classmethod
    def from_dict(cls, doc: dict) -> RuntimesResult:
        return cls([RuntimeEntry(**runtime) for runtime in doc.get("runtimes", [])])


@dataclass
class Versions:
    """The versions of the toolchains (None: not installed), the platform and adb."""

    libraries: dict[str, str | None] = field(default_factory=dict)  # torch, python, ...
    platform: str = ""
    adb: str | None = None  # its first line of ``adb version``, or why there is none

    def to_dict(self) -> dict:
        return {**self.libraries, "platform": self.platform, "adb": self.adb}

    @classmethod
    def from_dict(cls, doc: dict) -> Versions:
        libraries = {k: v for k, v in doc.items() if k not in ("platform", "adb")}
        return cls(libraries, doc.get("platform", ""), doc.get("adb"))


@dataclass
class ClassScore:
    """One class of a model's answer and its probability."""

    index: int
    label: str
    probability: float

    def to_dict(self) -> dict:
        return {"index": self.index, "label": self.label, "probability": self.probability}


@dataclass
class Classification:
    """What the open model made of one image (Try it): its top classes, best first."""

    image: str
    top: list[ClassScore] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"image": self.image, "top": [score.to_dict() for score in self.top]}

    @classmethod
    def from_dict(cls, doc: dict) -> Classification:
        return cls(doc["image"], [ClassScore(**score) for score in doc.get("top", [])])


# job name -> the type its result is rebuilt as (it has from_dict and to_dict)
RESULT_TYPES: dict[str, type] = {
    "check": CheckResult,
    "classify": Classification,
    "convert": ConversionReport,
    "fix": FixResult,
    "inspect": OpenedModel,
    "runtimes": RuntimesResult,
    "verify": VerifyResult,
    "versions": Versions,
}


def result_from_dict(job: str, doc: dict) -> Any:
    """The result of ``job`` as its type; a job without one keeps its document."""
    kind = RESULT_TYPES.get(job)
    return kind.from_dict(doc) if kind is not None else doc
