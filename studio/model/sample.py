"""The bundled sample model: a small CNN that reads handwritten digits.

It is trained by ``scripts/train_sample_model.py`` on scikit-learn's digits data
(8x8 scans upscaled to 32x32), so a new user has a real, accurate model to
convert, check, push and measure before they bring their own.

Importing this module is cheap (no torch): the window asks it where the sample is.
The network and its data (:class:`DigitsNet`, :func:`digits_dataset`, :func:`upscale`)
live in :mod:`studio.model.digits_net` and are imported from there on first use.
"""

from __future__ import annotations

from pathlib import Path

from studio.paths import resource

ARCHITECTURE = "digits_cnn"
INPUT_SHAPE = (1, 1, 32, 32)
LABELS = [str(d) for d in range(10)]
MEAN, STD = (0.5,), (0.5,)
_NETWORK = ("DigitsNet", "digits_dataset", "upscale")


def weights_path() -> Path:
    return resource("samples", "digits_cnn.safetensors")


def images_dir() -> Path:
    """A labelled folder: one sub-folder per digit with a few scans in each."""
    return resource("samples", "digits")


def example_image() -> Path:
    """One scan from :func:`images_dir` to try the model on (a 3)."""
    return images_dir() / "3" / "digit3_0.png"


def is_sample(path: str | Path | None) -> bool:
    """Whether ``path`` is the bundled sample model's weights file."""
    if not path:
        return False
    try:
        return Path(path).resolve() == weights_path().resolve()
    except OSError:
        return False


def __getattr__(name: str):
    if name in _NETWORK:
        from studio.model import digits_net

        return getattr(digits_net, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
