"""Helpers for the conversion tests: recipes for a model file, torchvision weights, a tiny net."""

from __future__ import annotations

from pathlib import Path

import torch

from studio.convert import Recipe
from studio.convert.recipe import ModelSource, OutputSettings, VerifySettings
from studio.model.inputs import InputSpec

ALL_TARGETS = ["pt", "ptl", "pte", "onnx", "ort"]


def tiny_recipe(out, targets, latency_runs: int = 2, **changes) -> Recipe:
    """A recipe for a tiny in-memory net on 1x3x8x8 inputs, artifacts named ``tiny``."""
    recipe = Recipe(
        targets=targets,
        input=InputSpec.single((1, 3, 8, 8)),
        output=OutputSettings(folder=str(out), name="tiny"),
        verify=VerifySettings(samples=2, latency_runs=latency_runs),
    )
    recipe.model.arch = "TinyNet"
    for key, value in changes.items():
        setattr(recipe, key, value)
    return recipe


def build_recipe(model_path: Path, out: Path, **changes) -> Recipe:
    recipe = Recipe(
        model=ModelSource(path=str(model_path)),
        targets=list(ALL_TARGETS),
        output=OutputSettings(folder=str(out)),
    )
    for key, value in changes.items():
        setattr(recipe, key, value)
    return recipe


def torchvision_state(folder: Path, name: str) -> Path:
    import torchvision

    torch.manual_seed(0)
    path = folder / f"{name}.pth"
    torch.save(getattr(torchvision.models, name)(weights=None).state_dict(), path)
    return path


class TinyNet(torch.nn.Module):
    """A conv and a linear layer: converts to every target in about a second."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.head = torch.nn.Linear(4, 6)

    def forward(self, x):
        return self.head(torch.relu(self.conv(x)).mean(dim=(2, 3)))
