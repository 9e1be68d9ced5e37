"""What a model takes as input, and where sample and calibration inputs come from.

An :class:`InputSpec` names the shape and dtype of each input and, for image
models, how an image becomes a tensor (:class:`Preprocess`). Conversion,
verification, calibration and the GUI's "Try it" panel all use it.
"""

from __future__ import annotations

import os
import stat
import struct
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from studio.errors import Action, InputError

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
TENSOR_SUFFIXES = {".npy", ".npz", ".pt", ".pth"}

DTYPES = {"float32", "float16", "int64", "int32", "uint8", "bool"}
# Bytes per element, for the size bound; a dtype a file names beyond DTYPES counts as 8.
_ITEM_SIZES = {"float16": 2, "float32": 4, "int32": 4, "int64": 8, "uint8": 1, "bool": 1}

# The most memory one input may take. A shape asking for more (a typo, a forged file) is
# refused wherever it comes from: the command line, a recipe, a model file's metadata.
MAX_INPUT_BYTES = 1 << 30
MAX_DIMENSIONS = 8
MAX_NAME_LENGTH = 256
# The most pixels an image file may declare: a 64-megapixel photo decodes to ~200 MB.
# A file declaring more is refused before its pixels are decoded (a decompression bomb).
MAX_IMAGE_PIXELS = 64_000_000
# Resize and crop sizes a preprocessing step may ask for.
MAX_IMAGE_SIDE = 8192


@dataclass(frozen=True)
class Preprocess:
    """How an image file becomes an input tensor: resize, center-crop, scale, normalize."""

    resize: int | None = 256  # shorter side, before the crop; None keeps the size
    crop: int | None = 224  # square center crop; None for no crop
    grayscale: bool = False
    mean: tuple[float, ...] = IMAGENET_MEAN
    std: tuple[float, ...] = IMAGENET_STD

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Preprocess:
        """Read the preprocessing settings of a recipe or a file, refusing odd values."""
        if not isinstance(data, dict):
            raise InputError("preprocess must be a table of settings")
        known = [f.name for f in fields(cls)]
        values = {}
        for key, value in data.items():
            if key not in known:
                raise InputError(
                    f"unknown preprocess key {key!r}", hint=f"the keys are {', '.join(known)}"
                )
            if key in ("resize", "crop"):
                if value is not None and not (_whole(value) and 1 <= value <= MAX_IMAGE_SIDE):
                    raise InputError(
                        f"preprocess {key} must be a whole number from 1 to {MAX_IMAGE_SIDE}, "
                        f"not {value!r}"
                    )
            elif key == "grayscale":
                if not isinstance(value, bool):
                    raise InputError(f"preprocess grayscale must be true or false, not {value!r}")
            else:
                value = _channel_values(key, value)
            values[key] = value
        pre = cls(**values)
        if len(pre.mean) != len(pre.std):
            raise InputError("preprocess mean and std must have the same number of values")
        return pre


def _whole(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _channel_values(key: str, value) -> tuple[float, ...]:
    """Per-channel ``mean`` or ``std``: 1 or 3 finite numbers (std above zero)."""
    numbers = isinstance(value, (list, tuple)) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    )
    if not numbers or len(value) not in (1, 3):
        raise InputError(f"preprocess {key} must be a list of 1 or 3 numbers, not {value!r}")
    floats = tuple(float(v) for v in value)
    if not all(np.isfinite(floats)) or (key == "std" and min(floats) <= 0):
        raise InputError(f"preprocess {key} holds an impossible value: {value!r}")
    return floats


@dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: tuple[int, ...]
    dtype: str = "float32"
    # For an integer input, the values a model takes are below this (a vocabulary's size);
    # None when unknown. Random inputs keep to it.
    high: int | None = None

    def __post_init__(self):
        check_tensor(self.name, self.shape, self.dtype)
        if self.high is not None and not (_whole(self.high) and self.high >= 1):
            raise InputError(f"input {self.name!r}: high must be a whole number of at least 1")

    @property
    def is_mask(self) -> bool:
        """An integer or boolean input named like an attention mask: its values are 0 or 1."""
        return not self.dtype.startswith("float") and "mask" in self.name.lower()

    def to_dict(self) -> dict:
        data = {"name": self.name, "shape": list(self.shape), "dtype": self.dtype}
        if self.high is not None:
            data["high"] = self.high
        return data


@dataclass(frozen=True)
class InputSpec:
    """The inputs of a model. Most vision models have one: ``(1, 3, 224, 224)`` float32."""

    tensors: tuple[TensorSpec, ...]
    preprocess: Preprocess | None = field(default=None)

    @classmethod
    def single(
        cls, shape: tuple[int, ...], dtype: str = "float32", preprocess: Preprocess | None = None
    ) -> InputSpec:
        return cls((TensorSpec("input", tuple(shape), dtype),), preprocess)

    @property
    def shape(self) -> tuple[int, ...]:
        """The first input's shape (the common case)."""
        return self.tensors[0].shape

    def to_dict(self) -> dict:
        return {
            "tensors": [t.to_dict() for t in self.tensors],
            "preprocess": self.preprocess.to_dict() if self.preprocess else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> InputSpec:
        """Read an input description (a recipe's [input], a file's metadata).

        Raises :class:`InputError` naming the key that is missing or has the wrong form.
        """
        hint = 'write it like tensors = [{name = "input", shape = [1, 3, 224, 224]}]'
        if not isinstance(data, dict):
            raise InputError("the input description must be a table", hint=hint)
        unknown = sorted(set(data) - {"tensors", "preprocess"})
        if unknown:
            raise InputError(f"unknown input key {unknown[0]!r}", hint=hint)
        items = data.get("tensors")
        if not isinstance(items, list) or not items:
            raise InputError("input tensors must be a list of tables", hint=hint)
        tensors = []
        for i, t in enumerate(items):
            if not isinstance(t, dict) or "shape" not in t:
                raise InputError(f"input tensor {i + 1} must be a table with a shape", hint=hint)
            unknown = sorted(set(t) - {"name", "shape", "dtype", "high"})
            if unknown:
                raise InputError(f"unknown key {unknown[0]!r} in input tensor {i + 1}", hint=hint)
            shape = t["shape"]
            if not isinstance(shape, list) or not all(_whole(d) for d in shape):
                raise InputError(
                    f"input tensor {i + 1}: shape must be a list of whole numbers, not {shape!r}",
                    hint=hint,
                )
            dtype = t.get("dtype", "float32")
            if not isinstance(dtype, str) or dtype not in DTYPES:
                raise InputError(
                    f"input tensor {i + 1}: unknown dtype {dtype!r}",
                    hint=f"choose one of {', '.join(sorted(DTYPES))}",
                )
            tensors.append(
                TensorSpec(t.get("name", f"input{i}"), tuple(shape), dtype, t.get("high"))
            )
        pre = data.get("preprocess")
        return cls(tuple(tensors), Preprocess.from_dict(pre) if pre is not None else None)


def check_tensor(name, shape, dtype) -> None:
    """Refuse a tensor no model input can have: an odd name, no or non-positive dimensions,
    or more than :data:`MAX_INPUT_BYTES` of data."""
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
        shown = name[:40] + "..." if isinstance(name, str) else repr(name)
        raise InputError(
            f"an input name must be text of 1 to {MAX_NAME_LENGTH} characters, not {shown}"
        )
    if not isinstance(dtype, str):
        raise InputError(f"input {name!r}: the dtype must be a name like float32, not {dtype!r}")
    if (
        not isinstance(shape, tuple)
        or not 1 <= len(shape) <= MAX_DIMENSIONS
        or not all(_whole(d) and d > 0 for d in shape)
    ):
        raise InputError(
            f"input {name!r}: the shape {shape!r} must have 1 to {MAX_DIMENSIONS} dimensions, "
            "all positive whole numbers",
            hint="write it like 1,3,224,224",
        )
    size = int(np.prod([int(d) for d in shape], dtype=object)) * _ITEM_SIZES.get(dtype, 8)
    if size > MAX_INPUT_BYTES:
        from studio.units import human_bytes

        raise InputError(
            f"input {name!r} of shape {tuple(int(d) for d in shape)} would need "
            f"{human_bytes(size)}; the studio takes inputs of up to {human_bytes(MAX_INPUT_BYTES)}",
            hint="check the input shape",
        )


def parse_shape(text: str) -> tuple[int, ...]:
    """Parse ``1,3,224,224`` (or ``1x3x224x224``) into a shape."""
    parts = [p.strip() for p in text.replace("x", ",").replace("X", ",").split(",") if p.strip()]
    try:
        shape = tuple(int(p) for p in parts)
    except ValueError:
        raise InputError(
            f"input shape {text!r} is not a list of whole numbers",
            hint="write it like --input-shape 1,3,224,224",
            action=Action.INPUT_SHAPE,
        ) from None
    if not shape or any(d <= 0 for d in shape):
        raise InputError(
            f"input shape {text!r} must have at least one dimension, all positive",
            hint="write it like --input-shape 1,3,224,224",
            action=Action.INPUT_SHAPE,
        )
    check_tensor("input", shape, "float32")
    return shape


INPUT_FORM = "NAME:SHAPE:DTYPE, like ids:1,128:int64"


def parse_input(text: str, index: int = 0) -> TensorSpec:
    """Parse one input written ``NAME:SHAPE:DTYPE`` (``ids:1,128:int64``); the name and the
    dtype may be left out (``1,128:int64``, ``ids:1,128``, ``1,3,224,224``): it is then
    named ``input{index}`` and float32."""
    parts = [p.strip() for p in text.split(":")]
    dtype = None
    if len(parts) > 1 and parts[-1] in DTYPES:
        dtype = parts.pop()
    elif len(parts) == 3:
        raise InputError(
            f"input {text!r}: unknown dtype {parts[-1]!r}",
            hint=f"choose one of {', '.join(sorted(DTYPES))}",
        )
    if len(parts) > 2 or not parts[-1]:
        raise InputError(f"input {text!r} is not of the form {INPUT_FORM}")
    name = parts[0] if len(parts) == 2 else f"input{index}"
    try:
        shape = parse_shape(parts[-1])
    except InputError as exc:
        raise InputError(
            f"input {text!r}: {exc.message}", hint=f"write it as {INPUT_FORM}"
        ) from None
    return TensorSpec(name, shape, dtype or "float32")


def default_preprocess_for(shape: tuple[int, ...]) -> Preprocess | None:
    """ImageNet-style preprocessing for an NCHW image input of 1 or 3 channels."""
    if len(shape) != 4 or shape[1] not in (1, 3):
        return None
    size = shape[-1]
    if shape[1] == 1:
        return Preprocess(resize=size, crop=size, grayscale=True, mean=(0.5,), std=(0.5,))
    return Preprocess(resize=round(size * 256 / 224), crop=size)


# --- turning images and tensor files into arrays -------------------------------------------


def _open_regular(path: Path):
    """Open a file for reading; refuse a pipe, a device or a folder instead of waiting on it."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(
            f"{path.name} is not a regular file (it is a pipe, a device or a folder), "
            "so it cannot be read as an input",
            hint=f"remove it from {path.parent} or choose another folder",
        )
    return os.fdopen(fd, "rb")


# What Pillow raises for files it cannot decode, besides OSError.
_IMAGE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, zlib.error)


def load_image(path: str | Path, preprocess: Preprocess, shape: tuple[int, ...]) -> np.ndarray:
    """One image file as a float32 array of ``shape`` (batch dimension included).

    An image declaring more than :data:`MAX_IMAGE_PIXELS` is refused before it is decoded.
    """
    from PIL import Image

    path = Path(path)
    with _open_regular(path) as f:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                img = Image.open(f)
            with img:
                _check_pixels(path, img.size)
                array = _preprocessed_pixels(img, preprocess, shape)
        except Image.DecompressionBombError:
            raise _too_many_pixels(path, None) from None
        except _IMAGE_ERRORS as exc:
            raise InputError(f"{path.name} is not an image that can be read ({exc})") from None
    if array.ndim == 2:
        array = array[None, :, :]
    else:
        array = array.transpose(2, 0, 1)
    mean = np.asarray(preprocess.mean, dtype=np.float32).reshape(-1, 1, 1)
    std = np.asarray(preprocess.std, dtype=np.float32).reshape(-1, 1, 1)
    array = (array - mean) / std
    batch = shape[0] if len(shape) == 4 else 1
    return np.repeat(array[None], batch, axis=0).astype(np.float32)


def _check_pixels(path: Path, size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise _too_many_pixels(path, size)


def _too_many_pixels(path: Path, size: tuple[int, int] | None) -> InputError:
    declared = f" declares {size[0]} x {size[1]} pixels" if size else " declares too many pixels"
    return InputError(
        f"{path.name}{declared}; the studio reads images of up to "
        f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels",
        hint="use smaller images for calibration and verification",
    )


def _preprocessed_pixels(img, preprocess: Preprocess, shape: tuple[int, ...]) -> np.ndarray:
    """Decode, resize, center-crop: the image's pixels in [0, 1], HxW or HxWxC."""
    from PIL import Image

    img = img.convert("L" if preprocess.grayscale else "RGB")
    height, width = shape[-2], shape[-1]
    if preprocess.resize:
        w, h = img.size
        scale = preprocess.resize / min(w, h)
        img = img.resize(
            (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BILINEAR
        )
    crop_h = preprocess.crop or height
    crop_w = preprocess.crop or width
    w, h = img.size
    left, top = max(0, (w - crop_w) // 2), max(0, (h - crop_h) // 2)
    img = img.crop((left, top, left + crop_w, top + crop_h))
    if img.size != (width, height):
        img = img.resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(img, dtype=np.float32) / 255.0


def load_tensor_file(path: str | Path) -> np.ndarray:
    """A ``.npy`` array or a ``.pt`` tensor (loaded weights-only) as a numpy array."""
    path = Path(path)
    with _open_regular(path) as f:
        try:
            if path.suffix == ".npy":
                return np.load(f, allow_pickle=False)
            import torch

            value = torch.load(f, map_location="cpu", weights_only=True)
        except Exception as exc:
            raise InputError(f"{path.name} is not a tensor file that can be read ({exc})") from None
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    raise InputError(f"{path.name} holds a {type(value).__name__}, not a single tensor")


@dataclass
class SampleSet:
    """Inputs for verification or calibration, each a list of arrays (one per model input)."""

    inputs: list[list[np.ndarray]]
    source: str  # "images", "tensors", "random"
    labels: list[int] | None = None  # class index per input, for a labelled image folder
    class_names: list[str] | None = None
    seen_in_calibration: bool = False  # verification inputs that calibration also used

    @property
    def low_fidelity(self) -> bool:
        """Random inputs say little about real data: calibration on them is marked as such."""
        return self.source == "random"

    def __len__(self) -> int:
        return len(self.inputs)

    def hold_out(self, keep: int, held: int, seed: int = 0) -> tuple[SampleSet, SampleSet]:
        """Split into ``keep`` samples to calibrate on and ``held`` others to verify on,
        chosen at random (seeded) so that neither is one end of a sorted folder.

        When there are fewer than ``keep + held``, half are held out; a single sample is
        used for both, and the verification set says so (``seen_in_calibration``).
        """
        total = len(self.inputs)
        if total < keep + held:
            held = min(held, total // 2)
        if held == 0:
            return self, replace(self, seen_in_calibration=True)
        order = np.random.default_rng(seed).permutation(total)
        verify, calibrate = sorted(order[:held]), sorted(order[held : held + keep])
        return self._subset(calibrate), self._subset(verify)

    def _subset(self, indices) -> SampleSet:
        labels = None if self.labels is None else [self.labels[i] for i in indices]
        return replace(self, inputs=[self.inputs[i] for i in indices], labels=labels)


class UnknownShape(InputError):
    """An artifact that does not record the shape of its inputs, and none was given."""


def runner_spec(tensors: Sequence, shapes: Sequence[Sequence[int]] | None = None) -> InputSpec:
    """The inputs of a loaded artifact as an :class:`InputSpec`.

    ``tensors`` are what its runner records (``runner.inputs``: name, shape with None for a
    dimension that varies, dtype); a varying dimension is taken as 1. Given ``shapes`` come
    first, with the recorded dtypes when there are as many of them (float32 otherwise).
    Raises :class:`UnknownShape` when neither gives every shape.
    """
    known = list(tensors)
    if shapes is not None:
        dtypes = (
            [t.dtype for t in known] if len(known) == len(shapes) else ["float32"] * len(shapes)
        )
        return InputSpec(
            tuple(
                TensorSpec(f"input{i}", tuple(shape), dtype)
                for i, (shape, dtype) in enumerate(zip(shapes, dtypes, strict=True))
            )
        )
    if not known or any(t.shape is None for t in known):
        raise UnknownShape("the model does not record its input shapes")
    return InputSpec(
        tuple(
            TensorSpec(t.name, tuple(1 if d is None else d for d in t.shape), t.dtype)
            for t in known
        )
    )


def runner_inputs(
    tensors: Sequence,
    count: int = 1,
    seed: int = 0,
    shapes: Sequence[Sequence[int]] | None = None,
) -> SampleSet:
    """Random inputs for a loaded artifact (see :func:`runner_spec` and :func:`random_inputs`)."""
    return random_inputs(runner_spec(tensors, shapes), count, seed)


def random_inputs(spec: InputSpec, count: int, seed: int = 0) -> SampleSet:
    """Random inputs matching ``spec``, the same for the same seed wherever they are made
    (conversion, verification, fixes, the agent): standard normal floats, 0 or 1 for
    booleans; for integers, a mask (:attr:`TensorSpec.is_mask`) of 0 and 1 whose first
    position is 1, values below ``high`` (token ids within a vocabulary) when it is known,
    from 0 to 9 otherwise."""
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(count):
        arrays = []
        for t in spec.tensors:
            if t.dtype.startswith("float"):
                arrays.append(rng.standard_normal(t.shape).astype(t.dtype))
            elif t.is_mask:
                mask = rng.integers(0, 2, t.shape)
                mask[..., 0] = 1  # a sequence keeps at least its first token
                arrays.append(mask.astype(t.dtype))
            elif t.dtype == "bool":
                arrays.append(rng.integers(0, 2, t.shape).astype(bool))
            else:
                arrays.append(rng.integers(0, t.high or 10, t.shape).astype(t.dtype))
        samples.append(arrays)
    return SampleSet(samples, "random")


def load_sample_folder(folder: str | Path, spec: InputSpec, limit: int | None = None) -> SampleSet:
    """Images or tensor files from a folder.

    A folder of sub-folders of images is a labelled set: each sub-folder is a class
    (sorted by name, as torchvision's ImageFolder does). Tensor files give their
    arrays as they are; a file with a leading batch dimension larger than the
    spec's is split into samples.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"the sample folder {folder} does not exist or is not a folder")
    preprocess = spec.preprocess or default_preprocess_for(spec.shape)
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    subdirs = [p for p in entries if p.is_dir()]
    # Not only regular files: a pipe named like an image is refused by name, never waited on.
    files = [p for p in entries if not p.is_dir()]
    images = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    tensors = [p for p in files if p.suffix.lower() in TENSOR_SUFFIXES]

    if subdirs and not images and not tensors:
        class_names = [d.name for d in subdirs]
        inputs, labels = [], []
        for index, sub in enumerate(subdirs):
            for path in sorted(sub.iterdir()):
                if path.suffix.lower() in IMAGE_SUFFIXES:
                    inputs.append([load_image(path, _need(preprocess, folder), spec.shape)])
                    labels.append(index)
        if not inputs:
            raise InputError(f"the folder {folder} has class sub-folders but no images in them")
        inputs, labels = _limit(inputs, limit), _limit(labels, limit)
        return SampleSet(inputs, "images", labels, class_names)
    if images:
        chosen = _limit(images, limit)
        return SampleSet(
            [[load_image(p, _need(preprocess, folder), spec.shape)] for p in chosen], "images"
        )
    if tensors:
        names = [t.name for t in spec.tensors]
        if len(names) > 1 and sorted(p.stem for p in tensors) == sorted(names):
            by_name = {p.stem: load_tensor_file(p) for p in tensors}  # one file per input
            return SampleSet(_limit(_split_named(by_name, spec, folder.name), limit), "tensors")
        inputs = []
        for path in tensors:
            inputs.extend(_tensor_file_samples(path, spec))
        return SampleSet(_limit(inputs, limit), "tensors")
    raise InputError(
        f"the folder {folder} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))}) "
        f"and no tensor files (.npy, .npz, .pt)",
        hint="put a few representative inputs in it, or choose another folder",
    )


def load_samples(
    source: str | Path | None, spec: InputSpec, count: int, seed: int = 0
) -> SampleSet:
    """Samples from a folder, a single tensor file, or random when ``source`` is None."""
    if source is None:
        return random_inputs(spec, count, seed)
    path = Path(source)
    if path.is_file():
        return SampleSet(_limit(_tensor_file_samples(path, spec), count), "tensors")
    return load_sample_folder(path, spec, limit=count)


def _tensor_file_samples(path: Path, spec: InputSpec) -> list[list[np.ndarray]]:
    """The samples in one tensor file: an ``.npz`` holds an array per input, named as the
    inputs; a ``.npy`` or ``.pt`` holds the one input of a single-input model."""
    if path.suffix.lower() == ".npz":
        return _split_named(load_npz(path), spec, path.name)
    if len(spec.tensors) > 1:
        names = ", ".join(t.name for t in spec.tensors)
        raise InputError(
            f"{path.name} holds one tensor, but the model takes {len(spec.tensors)} inputs "
            f"({names})",
            hint="give an .npz file with an array named after each input, or a folder with "
            "one file per input named after it",
        )
    return _split_named({spec.tensors[0].name: load_tensor_file(path)}, spec, path.name)


def load_npz(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file by name (no pickled objects)."""
    path = Path(path)
    with _open_regular(path) as f:
        try:
            with np.load(f, allow_pickle=False) as archive:
                return {name: archive[name] for name in archive.files}
        except Exception as exc:
            raise InputError(f"{path.name} is not an .npz file that can be read ({exc})") from None


def _split_named(
    arrays: dict[str, np.ndarray], spec: InputSpec, source: str
) -> list[list[np.ndarray]]:
    """Samples from one array per input (looked up by name), each split along its leading
    dimension; every input must give as many samples. An array of a single-input model
    is taken whatever its name."""
    if len(spec.tensors) == 1 and len(arrays) == 1:
        arrays = {spec.tensors[0].name: next(iter(arrays.values()))}
    per_input = []
    for tensor in spec.tensors:
        if tensor.name not in arrays:
            held = ", ".join(sorted(arrays)) or "nothing"
            raise InputError(
                f"{source} has no array for the input {tensor.name!r} (it holds {held})",
                hint="name each array after the model's input it feeds",
            )
        per_input.append(_split_batch(arrays[tensor.name], tensor))
    counts = {len(samples) for samples in per_input}
    if len(counts) > 1:
        shown = ", ".join(
            f"{t.name}: {len(n)}" for t, n in zip(spec.tensors, per_input, strict=True)
        )
        raise InputError(f"the inputs in {source} hold different numbers of samples ({shown})")
    return [list(sample) for sample in zip(*per_input, strict=True)]


def _split_batch(array: np.ndarray, tensor: TensorSpec) -> list[np.ndarray]:
    expected, dtype = tensor.shape, tensor.dtype
    if tuple(array.shape) == tuple(expected):
        return [array.astype(dtype)]
    if array.ndim == len(expected) and tuple(array.shape[1:]) == tuple(expected[1:]):
        step = expected[0]
        return [
            array[i : i + step].astype(dtype) for i in range(0, array.shape[0] - step + 1, step)
        ]
    if array.ndim == len(expected) - 1 and tuple(array.shape) == tuple(expected[1:]):
        return [array[None].astype(dtype)]
    if array.ndim == len(expected) + 1 and tuple(array.shape[1:]) == tuple(expected):
        return [a.astype(dtype) for a in array]  # one sample per leading index
    named = "" if tensor.name == "input" else f" {tensor.name!r}"
    raise InputError(
        f"a tensor of shape {tuple(array.shape)} does not fit the model's input{named} "
        f"{tuple(expected)}"
    )


def _need(preprocess: Preprocess | None, folder: Path) -> Preprocess:
    if preprocess is None:
        raise InputError(f"the folder {folder} holds images, but the model's input is not an image")
    return preprocess


def _limit(items: list, limit: int | None) -> list:
    """At most ``limit`` items, spread evenly over the list (a folder sorted by name or
    class gives inputs from all of it, not only its first classes)."""
    if limit is None or len(items) <= limit:
        return items
    return [items[(i * len(items)) // limit] for i in range(limit)]
