"""The result of opening a model file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.artifacts import FORMATS, INSPECT_ONLY_MODEL_FORMATS
from studio.model.inputs import InputSpec

# Formats, as detected from the file's content.
STATE_DICT = "state_dict"
CHECKPOINT = "checkpoint"  # a training checkpoint that nests a state_dict
SAFETENSORS = "safetensors"
EXPORTED_PROGRAM = "exported_program"
PICKLED_MODULE = "pickled_module"
# The artifact formats the loader opens (studio.artifacts defines them).
TORCHSCRIPT = FORMATS["pt"].model_format
ONNX = FORMATS["onnx"].model_format  # inspection only
EXECUTORCH = FORMATS["pte"].model_format  # .pte, inspection only
PYTORCH_LITE = FORMATS["ptl"].model_format  # .ptl, inspection only
ORT = FORMATS["ort"].model_format  # .ort, inspection only

WEIGHTS_ONLY_FORMATS = {STATE_DICT, CHECKPOINT, SAFETENSORS}
INSPECT_ONLY_FORMATS = INSPECT_ONLY_MODEL_FORMATS


@dataclass(frozen=True)
class Candidate:
    """An architecture that might fit a weights-only checkpoint, with a score in [0, 1]."""

    name: str
    score: float
    kwargs: dict = field(default_factory=dict)  # e.g. {"num_classes": 10}

    def to_dict(self) -> dict:
        return {"name": self.name, "score": round(self.score, 4), "kwargs": self.kwargs}


@dataclass
class LoadedModel:
    path: Path
    format: str
    # The runnable model: an eager nn.Module, a TorchScript ScriptModule, the module of an
    # ExportedProgram; None for formats the studio only inspects (ONNX, .pte, .ptl).
    module: Any = None
    architecture: str | None = None  # catalogue name, factory spec, or the class name
    input_spec: InputSpec | None = None
    labels: list[str] | None = None  # class names when known (ImageNet, the sample model)
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # plain-language remarks for the user
    exported_program: Any = None  # the torch.export.ExportedProgram for .pt2 files
    weights: dict | None = None  # the state_dict of a weights-only file
    metadata: dict = field(default_factory=dict)

    @property
    def runnable(self) -> bool:
        return self.module is not None
