"""Does the phone compute what the computer computed? ``bench --verify``.

The conversion kept its verification inputs and eager PyTorch's outputs beside its
report (:mod:`studio.convert.reference_store`). The benchmark pushes those inputs, the
agent runs them once each (the ``infer`` request, :mod:`studio.agent.infer`), and the
device's outputs are judged with the comparison and the verdicts of conversion
(:mod:`studio.convert.compare`), at the tolerances the report gave this artifact's mode.

Torch-free: numpy comparison code only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from studio.convert.reference_store import REFERENCE_NAME, StoredReference, load_reference
from studio.errors import InputError

REPORT_NAME = "report.json"
INPUTS_NAME = "verify-inputs-{stem}.npz"  # the inputs file pushed beside the artifact


def reference_report(artifact: str | Path, reference: str | Path | None) -> Path:
    """The report to verify against: ``reference``, else the report.json beside the artifact."""
    if reference:
        return Path(reference)
    beside = Path(artifact).parent / REPORT_NAME
    if not beside.is_file():
        raise InputError(
            f"There is no conversion report beside {Path(artifact).name} to verify it against",
            hint=f"give --reference REPORT (the report.json of the conversion that made the "
            f"model; it keeps {REFERENCE_NAME} beside it), or convert the model with "
            "model-studio convert, which writes both",
        )
    return beside


def find_reference(artifact: str | Path, reference: str | Path | None) -> StoredReference:
    """The stored reference of ``artifact``; InputError saying how to get one when there is none."""
    return load_reference(reference_report(artifact, reference))


def tolerances_of(stored: StoredReference, artifact: str | Path):
    """The tolerances the report judged this artifact by (or its mode's, for another file)."""
    from studio.convert.compare import Tolerances, tolerances_for

    name = Path(artifact).name
    entries = [e for e in stored.report.get("artifacts") or [] if isinstance(e, dict)]
    suffix = Path(name).suffix.lstrip(".")
    for entry in (
        stored.artifact_entry(name),
        next((e for e in entries if e.get("target") == suffix), None),
        entries[0] if entries else None,
    ):
        tolerances = ((entry or {}).get("verification") or {}).get("tolerances")
        if tolerances:
            return Tolerances.from_dict(tolerances)
    mode = ((stored.report.get("recipe") or {}).get("quantize") or {}).get("mode") or "none"
    return tolerances_for(mode)


def write_inputs_file(stored: StoredReference, folder: str | Path, artifact: str | Path) -> Path:
    """The inputs file of the ``infer`` request, written into ``folder``."""
    from studio.agent.infer import write_inputs

    return write_inputs(Path(folder) / INPUTS_NAME.format(stem=Path(artifact).stem), stored.inputs)


def judge_outputs(stored: StoredReference, outputs: list, artifact: str | Path) -> dict:
    """The ``verification`` of a run: the device's outputs judged against the reference."""
    from studio.convert.compare import compare_outputs, judge, uncertainties

    tolerances = tolerances_of(stored, artifact)
    comparison = compare_outputs(stored.outputs, outputs)
    if len(outputs) != len(stored.outputs):
        verdict, reasons = "fail", [f"{len(outputs)} of {len(stored.outputs)} samples came back"]
    else:
        verdict, reasons = judge(comparison, tolerances)
    entry = stored.artifact_entry(Path(artifact).name)
    return {
        "verdict": verdict,
        "reasons": reasons,
        "cosine": _number(comparison.mean_cosine),
        "worst_cosine": _number(comparison.cosine),
        "max_abs_error": _number(comparison.max_abs_error),
        "top1_agreement": comparison.top1_agreement,
        "samples": len(outputs),
        "reference": str(stored.report_path),
        "reference_outputs": str(stored.path),
        "same_conversion": entry is not None,
        "tolerances": tolerances.to_dict(),
        "notes": uncertainties(comparison, tolerances),
    }


def _number(value: float) -> float | None:
    import math

    return float(value) if math.isfinite(value) else None


def verification_line(verification: dict | None) -> str:
    """One line for the terminal: the verdict and what it rests on."""
    if not verification:
        return ""
    parts = [f"on-device outputs {verification['verdict'].upper()}"]
    if verification.get("cosine") is not None:
        parts.append(f"cos {verification['cosine']:.5f}")
    if verification.get("top1_agreement") is not None:
        parts.append(f"top-1 {verification['top1_agreement']:.0%}")
    if verification.get("max_abs_error") is not None:
        parts.append(f"max err {verification['max_abs_error']:.2g}")
    parts.append(f"{verification['samples']} samples")
    line = ", ".join(parts)
    if verification.get("reasons"):
        line += " — " + "; ".join(verification["reasons"])
    return line


class DeviceVerification:
    """What one benchmark needs to verify on the device: found before anything is pushed."""

    def __init__(self, artifact: str | Path, reference: str | Path | None):
        self.artifact = Path(artifact)
        self.stored = find_reference(artifact, reference)
        self.remote_name = INPUTS_NAME.format(stem=self.artifact.stem)

    def push(self, serial: str, folder: str, server=None) -> None:
        """Copy the reference's inputs into the agent's folder on the device."""
        from studio.devices.transfer import push

        with tempfile.TemporaryDirectory(prefix="studio-verify-") as scratch:
            local = write_inputs_file(self.stored, scratch, self.artifact)
            push(local, serial, dest=f"{folder}/{self.remote_name}", server=server)

    def run(self, conn) -> dict:
        """Infer the pushed inputs on the device and judge the outputs."""
        try:
            outputs, reply = conn.infer(self.remote_name)
        except InputError as exc:  # the reference's inputs do not fit this model
            raise InputError(
                f"The inputs of {self.stored.report_path} do not fit {self.artifact.name}: "
                f"{exc.message}",
                hint="verify against the report of the conversion that made this artifact",
            ) from None
        verification = judge_outputs(self.stored, outputs, self.artifact)
        verification["infer_ms"] = reply.get("infer_ms")
        return verification
