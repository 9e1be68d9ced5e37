"""A small MobileNetV2-style network with ReLU6 activations, trained in seconds on digits.

The kind of network phones run (conv + BN + ReLU6 stem, inverted-residual blocks, a pooled
head), small enough to train here: scikit-learn's digits upscaled to 32x32 and spread over
three colour channels. Its ReLU6 is written in each of the ways PyTorch code writes it
(``nn.ReLU6``, ``F.relu6``, ``clamp(0, 6)``), after convolutions and after a linear layer,
so a quantizer is exercised on all of them.

Used by ``benchmarks/int8_fidelity.py`` and by the conversion tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 3, 32, 32)
CLASSES = 10


def conv_bn(cin: int, cout: int, kernel: int = 3, stride: int = 1, groups: int = 1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
    )


class InvertedResidual(nn.Module):
    """Expand 1x1 + ReLU6, depthwise 3x3 + ReLU6, project 1x1; residual when shapes allow."""

    def __init__(self, cin: int, cout: int, stride: int, expand: int = 4):
        super().__init__()
        hidden = cin * expand
        self.expand = conv_bn(cin, hidden, 1)
        self.depthwise = conv_bn(hidden, hidden, 3, stride, groups=hidden)
        self.project = conv_bn(hidden, cout, 1)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu6(self.expand(x))
        y = torch.clamp(self.depthwise(y), 0, 6)
        y = self.project(y)
        return x + y if self.residual else y


class Relu6Net(nn.Module):
    """Stem conv+BN+ReLU6, four inverted-residual blocks, 1x1 conv+ReLU6, pooled MLP head."""

    def __init__(self, num_classes: int = CLASSES):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 16, 3, 2), nn.ReLU6())
        self.blocks = nn.Sequential(
            InvertedResidual(16, 16, 1),
            InvertedResidual(16, 24, 2),
            InvertedResidual(24, 24, 1),
            InvertedResidual(24, 32, 2),
        )
        self.last = nn.Sequential(conv_bn(32, 64, 1), nn.ReLU6(inplace=True))
        self.hidden = nn.Linear(64, 32)
        self.classifier = nn.Linear(32, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.last(self.blocks(self.stem(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(F.relu6(self.hidden(x)))


@dataclass
class Digits:
    """Digits as 3x32x32 tensors (normalised), split into training and held-out images."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor


def digits_rgb(seed: int = 0) -> Digits:
    """scikit-learn's digits, 80/20 split, each scan tinted differently on the three channels
    (so the channels differ, as a photo's do)."""
    from studio.model.digits_net import digits_dataset

    (train_x, train_y), (test_x, test_y) = digits_dataset(seed)
    tint = torch.tensor([1.0, 0.7, 0.4]).view(1, 3, 1, 1)
    return Digits(train_x * tint, train_y, test_x * tint, test_y)


def train(data: Digits, epochs: int = 6, seed: int = 0) -> Relu6Net:
    """A :class:`Relu6Net` trained on ``data.train_*`` (a few seconds on two cores), in eval
    mode."""
    torch.manual_seed(seed)
    model = Relu6Net()
    optimiser = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=1e-4)
    batches = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(data.train_y), generator=batches)
        for start in range(0, len(order), 64):
            index = order[start : start + 64]
            optimiser.zero_grad()
            loss = F.cross_entropy(model(data.train_x[index]), data.train_y[index])
            loss.backward()
            optimiser.step()
    return model.eval()


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())
