"""The verification inputs and the original model's outputs, kept beside ``report.json``.

A conversion writes ``verification.npz`` next to its report (the report names it in
``reference_outputs``), so that an artifact can be checked again later — on a phone,
by ``model-studio bench --verify`` — without the original checkpoint. It holds arrays
``input0``, ``input1``, … and ``output0``, ``output1``, … each with a leading sample
axis: sample ``i``'s inputs are ``input0[i], input1[i], …`` (the layout of the agent's
``infer`` request, :mod:`studio.agent.infer`) and its reference outputs ``output0[i], …``.
At most :data:`MAX_SAMPLES` samples are kept.

Torch-free (numpy only): the studio's benchmark reads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.agent.infer import INPUT_PREFIX
from studio.errors import InputError

REFERENCE_NAME = "verification.npz"
MAX_SAMPLES = 32
OUTPUT_PREFIX = "output"


def stack_reference(
    inputs: Sequence[Sequence[np.ndarray]], outputs: Sequence[Sequence[np.ndarray]]
) -> dict[str, np.ndarray] | None:
    """The arrays of a reference file, or None when samples differ in shape (not stored)."""
    inputs, outputs = list(inputs)[:MAX_SAMPLES], list(outputs)[:MAX_SAMPLES]
    if not inputs or len(inputs) != len(outputs):
        return None
    arrays: dict[str, np.ndarray] = {}
    try:
        for prefix, samples in ((INPUT_PREFIX, inputs), (OUTPUT_PREFIX, outputs)):
            for j in range(len(samples[0])):
                arrays[f"{prefix}{j}"] = np.stack([np.asarray(s[j]) for s in samples])
    except (ValueError, IndexError):  # shapes or counts that vary from sample to sample
        return None
    return arrays


def write_reference(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """Write the arrays of :func:`stack_reference` to ``path`` (a staged name)."""
    with open(path, "wb") as handle:  # np.savez would add .npz to a staged name
        np.savez_compressed(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    return path


@dataclass
class StoredReference:
    """What a conversion kept: its report, the inputs and the original's outputs."""

    report_path: Path
    report: dict
    path: Path
    inputs: list[list[np.ndarray]]
    outputs: list[list[np.ndarray]]

    def artifact_entry(self, artifact_name: str) -> dict | None:
        """The report's entry for the artifact of this name, if it has one."""
        for entry in self.report.get("artifacts") or []:
            if Path(str(entry.get("path") or "")).name == artifact_name:
                return entry
        return None


def _samples(archive, prefix: str) -> list[list[np.ndarray]]:
    count = sum(1 for name in archive.files if name.startswith(prefix))
    arrays = [archive[f"{prefix}{j}"] for j in range(count)]
    return [[a[i] for a in arrays] for i in range(len(arrays[0]))] if arrays else []


def load_reference(report_path: str | Path) -> StoredReference:
    """The stored reference of a conversion report; InputError saying why when there is none."""
    report_path = Path(report_path)
    if report_path.is_dir():
        report_path = report_path / "report.json"
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"There is no conversion report {report_path}",
            hint="give --reference REPORT, the report.json of the conversion that made the artifact",
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{report_path} is not a conversion report ({exc})") from None
    if not isinstance(report, dict) or "artifacts" not in report:
        raise InputError(f"{report_path} is not a conversion report")
    name = report.get("reference_outputs")
    if not name:
        raise InputError(
            f"{report_path} holds no reference outputs: it was written by an older "
            "conversion, one without verification, or of a detector (whose outputs vary in "
            "shape and are not kept)",
            hint="convert the model again with verification on; the new report keeps them",
        )
    path = report_path.parent / Path(str(name)).name
    try:
        with np.load(path, allow_pickle=False) as archive:
            inputs = _samples(archive, INPUT_PREFIX)
            outputs = _samples(archive, OUTPUT_PREFIX)
    except FileNotFoundError:
        raise InputError(
            f"The reference outputs {path.name} named by {report_path.name} are missing",
            hint="keep verification.npz beside report.json, or convert the model again",
        ) from None
    except Exception as exc:
        raise InputError(f"{path} cannot be read ({exc})") from None
    if not inputs or len(inputs) != len(outputs):
        raise InputError(f"{path} does not hold matching inputs and outputs")
    return StoredReference(report_path, report, path, inputs, outputs)
