"""Detection models in torchvision's style: a list of CHW images in, a list of dicts of
``boxes``, ``scores`` and ``labels`` out (one dict per image).

No runtime on the phone passes lists of images, so the studio converts such a model
wrapped in :class:`ImageListDetector`: it takes a batch tensor ``(N, 3, H, W)``, hands the
model its images as a list, and returns each image's ``boxes``, ``scores`` and ``labels``
as plain tensors, image after image. :func:`detection_outputs` names them, so that
verification compares them as detections (``studio.convert.detections``).
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass

import torch

FIELDS = ("boxes", "scores", "labels")


class ImageListDetector(torch.nn.Module):
    """A detector taking a list of images, as a module taking a batch tensor and returning
    ``[boxes0, scores0, labels0, boxes1, ...]``."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor) -> list[torch.Tensor]:
        out = self.model(list(images.unbind(0)))
        flat: list[torch.Tensor] = []
        if isinstance(out, tuple):  # scripted torchvision detectors return (losses, detections)
            for detection in out[1]:
                flat += [detection["boxes"], detection["scores"], detection["labels"]]
        else:
            for detection in out:
                flat += [detection["boxes"], detection["scores"], detection["labels"]]
        return flat


@dataclass(frozen=True)
class DetectionOutputs:
    """Where each image's boxes, scores and labels sit among the flat outputs, and the
    model's own post-processing limits (None when the model does not say)."""

    images: int
    score_threshold: float | None = None  # boxes scoring below it are dropped
    max_detections: int | None = None  # at most this many boxes per image are kept

    def indices(self, image: int) -> tuple[int, int, int]:
        return 3 * image, 3 * image + 1, 3 * image + 2

    @property
    def names(self) -> list[str]:
        return [f"{i}.{name}" for i in range(self.images) for name in FIELDS]

    def to_dict(self) -> dict:
        return {
            "outputs": self.names,
            "score_threshold": self.score_threshold,
            "max_detections": self.max_detections,
        }


def takes_image_list(module) -> bool:
    """Whether ``module``'s forward takes a list of tensors first (torchvision's detectors,
    in Python or TorchScript)."""
    schema = getattr(getattr(module, "forward", None), "schema", None)
    if schema is not None:  # a ScriptModule: argument 0 is self
        arguments = schema.arguments[1:]
        return bool(arguments) and str(arguments[0].type) == "List[Tensor]"
    try:
        parameters = list(inspect.signature(module.forward).parameters.values())
        hints = typing.get_type_hints(module.forward)
    except (TypeError, ValueError, NameError):
        return False
    if not parameters:
        return False
    hint = hints.get(parameters[0].name)
    return typing.get_origin(hint) in (list, typing.List) and typing.get_args(hint) in (  # noqa: UP006
        (torch.Tensor,),
    )


def wrap_detector(module: torch.nn.Module, images: int = 1) -> tuple[ImageListDetector, list[str]]:
    """The detector as a batch-tensor module, and a note saying what its artifacts take."""
    wrapped = ImageListDetector(module).eval()
    outputs = detection_outputs(module, images)
    note = (
        "a detector taking a list of images: its artifacts take a batch of images and return "
        f"each image's boxes, scores and labels ({', '.join(outputs.names)})"
    )
    return wrapped, [note]


def detection_outputs(module, images: int) -> DetectionOutputs:
    """The outputs of a wrapped detector for a batch of ``images``, with the score threshold
    and the per-image box limit the model (or one of its parts) holds."""
    model = module.model if isinstance(module, ImageListDetector) else module
    threshold = _attribute(model, ("score_thresh", "box_score_thresh"))
    limit = _attribute(model, ("detections_per_img", "box_detections_per_img"))
    return DetectionOutputs(
        images,
        None if threshold is None else float(threshold),
        None if limit is None else int(limit),
    )


def _attribute(model, names: tuple[str, ...]):
    for part in model.modules() if hasattr(model, "modules") else [model]:
        for name in names:
            value = getattr(part, name, None)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return value
    return None
