"""Small models the tests build themselves: ones the sample's data does not fit."""

from __future__ import annotations

from pathlib import Path

import torch


class FourClasses(torch.nn.Module):
    """An RGB classifier with 4 outputs: the sample's digit folders (0 to 9) do not fit it."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return self.conv(x).mean(dim=(2, 3))


def save_four_classes(path: Path) -> Path:
    """The 4-class model as a TorchScript file, which opens without an architecture."""
    torch.jit.script(FourClasses()).save(str(path))
    return path
