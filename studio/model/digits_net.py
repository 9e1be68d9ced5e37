"""The sample model's network and training data (needs torch; see :mod:`studio.model.sample`)."""

import torch
from torch import nn

from studio.model.sample import INPUT_SHAPE, MEAN, STD


class DigitsNet(nn.Module):
    """Three conv-bn-relu-pool blocks and a linear classifier; about 34k parameters."""

    def __init__(self, num_classes: int = 10):
        super().__init__()

        def block(cin: int, cout: int) -> nn.Sequential:
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            )

        self.features = nn.Sequential(block(1, 16), block(16, 32), block(32, 64))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.2), nn.Linear(64 * 4 * 4, num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def digits_dataset(seed: int = 0):
    """scikit-learn's digits as normalised 32x32 tensors, split 80/20 (train, test).

    Needs scikit-learn (a development dependency): the studio itself never does.
    """
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = torch.from_numpy(digits.images.astype(np.float32) / 16.0)[:, None]
    images = upscale(images)
    labels = torch.from_numpy(digits.target.astype(np.int64))
    train_idx, test_idx = train_test_split(
        np.arange(len(labels)), test_size=0.2, random_state=seed, stratify=digits.target
    )
    return (images[train_idx], labels[train_idx]), (images[test_idx], labels[test_idx])


def upscale(images01: torch.Tensor) -> torch.Tensor:
    """8x8 scans in [0, 1] → 32x32, as an image file of them would be after preprocessing."""
    big = nn.functional.interpolate(
        images01, size=INPUT_SHAPE[-2:], mode="bilinear", align_corners=False
    )
    return (big.clamp(0, 1) - MEAN[0]) / STD[0]
