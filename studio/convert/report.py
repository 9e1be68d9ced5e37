"""The report of a conversion: ``report.json`` beside the artifacts, and a terminal summary."""

from __future__ import annotations

import functools
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studio.convert.coverage import Coverage
from studio.convert.sensitivity import LayerPlan
from studio.errors import EXIT_OK, EXIT_VERDICT
from studio.fileio import write_text_atomic
from studio.units import human_bytes

if TYPE_CHECKING:
    from studio.convert.verify import Verification

REPORT_NAME = "report.json"


@dataclass
class ArtifactReport:
    target: str
    path: Path
    size_bytes: int
    capture: str
    quantize: str
    runtime: str
    build_seconds: float
    options: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    host_latency_ms: float | None = None
    verification: Verification | None = None  # None when verification is off
    quantized_layers: Coverage | None = None  # int8: the layers that hold int8 weights

    @property
    def verdict(self) -> str | None:
        return self.verification.verdict if self.verification else None

    def judge_quantization(self) -> None:
        """An int8 artifact in which nothing was quantized is the float32 model: however
        close its outputs, its verification is no better than a warning that says so."""
        reason = self.quantized_layers.warning if self.quantized_layers else None
        if self.verification is None or reason is None:
            return
        if self.verification.verdict == "pass":
            self.verification.verdict = "warn"
        if reason not in self.verification.reasons:
            self.verification.reasons.append(reason)
        self.notes = [n for n in self.notes if n != reason]  # said once, as the reason

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "capture": self.capture,
            "quantize": self.quantize,
            "runtime": self.runtime,
            "build_seconds": round(self.build_seconds, 3),
            "options": self.options,
            "notes": self.notes,
            "host_latency_ms": None
            if self.host_latency_ms is None
            else round(self.host_latency_ms, 3),
            "verification": self.verification.to_dict() if self.verification else None,
            "quantized_layers": self.quantized_layers.to_dict() if self.quantized_layers else None,
        }

    @classmethod
    def from_dict(cls, doc: dict) -> ArtifactReport:
        from studio.convert.verify import Verification

        verification, coverage = doc.get("verification"), doc.get("quantized_layers")
        return cls(
            target=doc["target"],
            path=Path(doc["path"]),
            size_bytes=int(doc["size_bytes"]),
            capture=doc["capture"],
            quantize=doc["quantize"],
            runtime=doc["runtime"],
            build_seconds=float(doc["build_seconds"]),
            options=dict(doc.get("options") or {}),
            notes=list(doc.get("notes") or []),
            host_latency_ms=doc.get("host_latency_ms"),
            verification=Verification.from_dict(verification) if verification else None,
            quantized_layers=Coverage.from_dict(coverage) if coverage else None,
        )


@dataclass
class ConversionReport:
    recipe: dict
    model: dict
    input_spec: dict
    versions: dict
    stages: list[dict] = field(default_factory=list)  # [{"name", "seconds"}]
    artifacts: list[ArtifactReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    calibration: dict | None = None
    output_folder: Path | None = None
    report_path: Path | None = None
    layers: LayerPlan | None = None  # layers kept float32 in int8, and why
    # the verification inputs and the original's outputs beside the report (reference_store)
    reference_outputs: str | None = None

    @property
    def verdict(self) -> str:
        """The worst verdict of all artifacts (``unverified`` when verification is off)."""
        verdicts = [a.verdict for a in self.artifacts if a.verdict]
        for worst in ("fail", "warn", "pass"):
            if worst in verdicts:
                return worst
        return "unverified"

    @property
    def exit_code(self) -> int:
        return EXIT_VERDICT if self.verdict == "fail" else EXIT_OK

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "output_folder": str(self.output_folder) if self.output_folder else None,
            "report": str(self.report_path) if self.report_path else None,
            "model": self.model,
            "input_spec": self.input_spec,
            "recipe": self.recipe,
            "versions": self.versions,
            "calibration": self.calibration,
            "layers": self.layers.to_dict() if self.layers else None,
            "stages": self.stages,
            "artifacts": [a.to_dict() for a in self.artifacts],
            "notes": self.notes,
            "reference_outputs": self.reference_outputs,
        }

    @classmethod
    def from_dict(cls, doc: dict) -> ConversionReport:
        """The report of :meth:`to_dict` (what the worker sends, what report.json holds)."""
        folder, report = doc.get("output_folder"), doc.get("report")
        return cls(
            recipe=doc["recipe"],
            model=doc["model"],
            input_spec=doc["input_spec"],
            versions=doc["versions"],
            stages=list(doc.get("stages") or []),
            artifacts=[ArtifactReport.from_dict(a) for a in doc.get("artifacts") or []],
            notes=list(doc.get("notes") or []),
            calibration=doc.get("calibration"),
            layers=LayerPlan.from_dict(doc["layers"]) if doc.get("layers") else None,
            output_folder=Path(folder) if folder else None,
            report_path=Path(report) if report else None,
            reference_outputs=doc.get("reference_outputs"),
        )

    def write(self, path: Path) -> Path:
        self.report_path = path
        write_text_atomic(path, json.dumps(self.to_dict(), indent=2, default=str) + "\n")
        return path

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = []
        total = sum(s["seconds"] for s in self.stages)
        lines.append(
            f"Converted {self.model.get('name', 'the model')} in {total:.1f} s "
            f"→ {self.output_folder}"
        )
        for a in self.artifacts:
            size = human_bytes(a.size_bytes)
            latency = f"{a.host_latency_ms:.2f} ms" if a.host_latency_ms is not None else "-"
            line = f"  {a.path.name:<32} {size:>9}  {a.capture:<16} {latency:>10}"
            v = a.verification.to_dict() if a.verification else None
            if v:
                line += f"  {v['verdict'].upper():<4}  {_measured(v)}"
            lines.append(line)
            for reason in (v or {}).get("reasons", []):
                lines.append(f"      {reason}")
            for note in (v or {}).get("notes", []):
                lines.append(f"      note: {note}")
            for note in a.notes:
                lines.append(f"      note: {note}")
        lines += self._layer_lines()
        for note in self.notes:
            lines.append(f"  note: {note}")
        if self.report_path:
            lines.append(f"Report: {self.report_path}")
        return "\n".join(lines)

    def _layer_lines(self) -> list[str]:
        plan = self.layers
        if plan is None:
            return []
        lines = []
        if plan.sensitivity:
            s = plan.sensitivity
            every = "identical" if s.all_sqnr_db is None else f"{s.all_sqnr_db:.1f} dB"
            lines.append(
                f"  Layer sensitivity (output SQNR with only that group in int8; all in int8: "
                f"{every}; {s.samples} verification inputs, {s.seconds:.1f} s):"
            )
            for effect in s.layers[:10]:
                sqnr = "identical" if effect.sqnr_db is None else f"{effect.sqnr_db:6.1f} dB"
                lines.append(f"    {effect.group:<28} {sqnr:>10}  cos {effect.mean_cosine:.4f}")
            if len(s.layers) > 10:
                lines.append(f"    ... {len(s.layers) - 10} more in the report")
        if plan.fallback:
            f = plan.fallback
            groups = len(plan.sensitivity.layers) if plan.sensitivity else len(f.kept_float)
            kept = f"{len(f.kept_float)} of {groups} layer groups in float"
            lines.append(
                f"  Float fallback: the verification bars hold with {kept} ({len(f.steps)} trials)"
                if f.met
                else f"  Float fallback: the verification bars did not hold with up to "
                f"{len(f.steps) - 1} of {groups} groups in float; the artifacts keep the best "
                f"trial's {kept} ({len(f.steps)} trials)"
            )
        if plan.kept_float:
            lines.append(f"  Kept in float32: {', '.join(plan.kept_float)}")
        return lines


def _measured(v: dict) -> str:
    """A verification's figures in a few words: a float32 artifact's worst sample, a
    quantized one's statistics with their 95% intervals."""
    worst_case = v["tolerances"].get("worst_case", False)
    parts = []
    boxes = v.get("detections")
    if boxes:  # a detector: boxes matched, not elements
        parts.append(f"boxes {boxes['matched_boxes']}/{boxes['judged_boxes']} matched")
        if boxes.get("mean_iou") is not None:
            parts.append(f"mean IoU {boxes['mean_iou']:.4f}")
        if boxes.get("max_score_diff") is not None:
            parts.append(f"score diff {boxes['max_score_diff']:.2g}")
        if boxes.get("label_agreement") is not None:
            parts.append(f"labels {boxes['label_agreement']:.0%}")
        return ", ".join(parts)
    if worst_case:
        parts.append(f"cos {v['cosine']:.5f}")
    else:
        parts.append(
            f"mean cos {v['mean_cosine']:.4f}{_span(v.get('mean_cosine_interval'), '.4f')}"
        )
        if v.get("sqnr_db") is not None:
            parts.append(f"SQNR {v['sqnr_db']:.1f} dB")
    if v.get("top1_agreement") is not None:
        parts.append(f"top-1 {v['top1_agreement']:.0%}{_span(v.get('top1_interval'), '.0%')}")
    if worst_case and v.get("max_abs_error") is not None:
        parts.append(f"max err {v['max_abs_error']:.2g}")
    if v.get("accuracy_after") is not None:
        parts.append(f"accuracy {v['accuracy_before']:.1%} → {v['accuracy_after']:.1%}")
    if v.get("confidence") == "low":
        parts.append("uncertain: more samples would settle it")
    return ", ".join(parts)


def _span(interval, form: str) -> str:
    return "" if not interval else f" ({interval[0]:{form}}–{interval[1]:{form}})"


def library_versions() -> dict:
    """Versions of the toolchains that shaped the artifacts."""
    return dict(_library_versions())


@functools.lru_cache(maxsize=1)
def _library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for name in ("torch", "executorch", "onnx", "onnxruntime", "torchao", "torchvision"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    from studio import __version__

    versions["model-studio"] = __version__
    return versions
