"""Train the bundled sample model on scikit-learn's digits and write it to studio/resources/samples/.

Reproducible: fixed seeds, a deterministic CPU run. Prints one JSON line with the
held-out accuracy; the same figure is stored in the weights file's metadata.

    python scripts/train_sample_model.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file
from torch import nn

from studio.fileio import atomic_path
from studio.model import sample
from studio.model.inputs import InputSpec, Preprocess
from studio.model.loader import META_ARCH, META_INPUT, META_LABELS

EPOCHS = 30
IMAGES_PER_CLASS = 3


def train(seed: int = 0) -> tuple[nn.Module, float]:
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    (x_train, y_train), (x_test, y_test) = sample.digits_dataset(seed)
    model = sample.DigitsNet()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=3e-3, total_steps=EPOCHS * ((len(x_train) + 63) // 64)
    )
    generator = torch.Generator().manual_seed(seed)
    for _ in range(EPOCHS):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            # small random shifts make the model robust to scans that are not centred
            batch = torch.roll(
                x_train[idx],
                shifts=tuple(torch.randint(-2, 3, (2,), generator=generator).tolist()),
                dims=(2, 3),
            )
            loss = nn.functional.cross_entropy(model(batch), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    return model, accuracy


def write_images(folder: Path, seed: int = 0) -> int:
    """A few held-out scans per digit as 32x32 PNGs, in one sub-folder per class."""
    _, (x_test, y_test) = sample.digits_dataset(seed)
    written = 0
    for digit in range(10):
        picks = (y_test == digit).nonzero().flatten()[:IMAGES_PER_CLASS]
        for n, i in enumerate(picks.tolist()):
            pixels = (
                ((x_test[i, 0] * sample.STD[0] + sample.MEAN[0]).clamp(0, 1) * 255)
                .round()
                .byte()
                .numpy()
            )
            target = folder / str(digit) / f"digit{digit}_{n}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(np.ascontiguousarray(pixels), mode="L").save(target, optimize=True)
            written += 1
    return written


def main() -> int:
    model, accuracy = train()
    spec = InputSpec.single(
        sample.INPUT_SHAPE,
        preprocess=Preprocess(resize=32, crop=32, grayscale=True, mean=sample.MEAN, std=sample.STD),
    )
    metadata = {
        META_ARCH: sample.ARCHITECTURE,
        META_INPUT: json.dumps(spec.to_dict()),
        META_LABELS: "\n".join(sample.LABELS),
        "heldout_accuracy": f"{accuracy:.4f}",
        "trained_with": f"torch {torch.__version__}",
    }
    weights = {k: v.contiguous() for k, v in model.state_dict().items()}
    target = sample.weights_path()
    with atomic_path(target) as tmp:
        save_file(weights, str(tmp), metadata=metadata)
    images = write_images(sample.images_dir())
    print(
        json.dumps(
            {
                "heldout_accuracy": round(accuracy, 4),
                "weights": str(target),
                "bytes": target.stat().st_size,
                "images": images,
            }
        )
    )
    return 0 if accuracy >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
