"""The one interface every runtime speaks: load an artifact, describe its inputs, run it.

Verification on this computer and the agent on the phone use the same runners.
Runners take and return numpy arrays, so callers never touch a runtime's tensor type.
Heavy libraries are imported inside each runner module, never here.
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from studio import artifacts
from studio.errors import InputError, ModelFileError

# Extra file that conversion stores inside TorchScript and Lite archives: the input spec,
# which these formats do not record themselves.
METADATA_NAME = "model_studio.json"


@dataclass(frozen=True)
class TensorInfo:
    """One input or output: its name, shape (None for a dimension that varies) and dtype."""

    name: str
    shape: tuple[int | None, ...] | None
    dtype: str

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "shape": None if self.shape is None else list(self.shape),
            "dtype": self.dtype,
        }


class Runner(ABC):
    """A loaded artifact in one runtime.

    ``runner = SomeRunner.open(path, threads)`` or ``SomeRunner().load(path, threads)``;
    then ``runner.inputs``, ``runner.infer([array, ...]) -> [array, ...]`` and ``close()``.
    """

    runtime: ClassVar[str]  # the runtime's name, as reports and the agent spell it
    # The artifacts it runs (studio.artifacts gives them for the runtime).
    suffixes: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "runtime" in cls.__dict__:
            cls.suffixes = artifacts.suffixes_of(cls.runtime)

    def __init__(self) -> None:
        self.path: Path | None = None
        self.threads: int | None = None
        self._inputs: list[TensorInfo] = []

    @classmethod
    def open(cls, path: str | Path, threads: int | None = None) -> Runner:
        runner = cls()
        runner.load(path, threads)
        return runner

    @abstractmethod
    def load(self, path: str | Path, threads: int | None = None) -> None:
        """Load the artifact; raise ModelFileError when the file is not one this runtime reads."""

    @property
    def inputs(self) -> list[TensorInfo]:
        """The artifact's inputs, as far as the format records them (set by ``load``)."""
        return list(self._inputs)

    @abstractmethod
    def infer(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Run once; one array per model input in, one per model output out."""

    def close(self) -> None:
        """Release the loaded model."""
        self.closed = True

    @classmethod
    @abstractmethod
    def version(cls) -> str:
        """The version of the runtime library."""

    def describe(self) -> dict:
        return {
            "runtime": self.runtime,
            "version": self.version(),
            "path": str(self.path) if self.path else None,
            "inputs": [t.to_dict() for t in self.inputs],
        }

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- helpers for the runner modules --------------------------------------------------

    def _check_file(self, path: str | Path) -> Path:
        path = Path(path)
        if not path.is_file():
            raise ModelFileError(f"{path} does not exist or is not a file")
        if path.stat().st_size == 0:
            raise ModelFileError(f"{path.name} is empty")
        return path

    def _check_inputs(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        expected = self.inputs
        arrays = [np.ascontiguousarray(a) for a in inputs]
        if expected and len(arrays) != len(expected):
            raise InputError(
                f"{self.path.name if self.path else 'the model'} takes {len(expected)} input(s), "
                f"got {len(arrays)}"
            )
        for array, info in zip(arrays, expected, strict=False):
            if info.shape is None:
                continue
            fixed = [d for d in info.shape]
            if len(fixed) != array.ndim or any(
                d is not None and d != s for d, s in zip(fixed, array.shape, strict=False)
            ):
                raise InputError(
                    f"input {info.name!r} has shape {tuple(array.shape)}, "
                    f"the model expects {tuple('?' if d is None else d for d in fixed)}"
                )
        return arrays


ANSI = re.compile(r"\x1b\[[0-9;]*m")  # terminal colour codes in toolchain messages


def first_line(exc: BaseException, limit: int = 200) -> str:
    """The first meaningful line of an exception's message, for a one-line explanation."""
    text = ANSI.sub("", str(exc)).strip()
    if text.startswith(INTERPRETER_FAILED):
        text = _interpreter_reason(text)
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("Traceback", "File ", "~", "^")):
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return type(exc).__name__


INTERPRETER_FAILED = "The following operation failed in the TorchScript interpreter."
_ERROR_CLASS = re.compile(r"^[\w.]*(?:Error|Exception): ")


def _interpreter_reason(text: str) -> str:
    """A TorchScript interpreter error as the error it wraps and the operation that raised
    it: the innermost source line its traceback marks ``<--- HERE``."""
    lines = text.splitlines()
    marks = [i for i, line in enumerate(lines) if line.rstrip().endswith("<--- HERE")]
    if not marks:
        return "\n".join(lines[1:]) or text
    error = next((line.strip() for line in lines[marks[-1] + 1 :] if line.strip()), "")
    error = _ERROR_CLASS.sub("", error) or "an operation failed"
    operation = lines[marks[-1] - 1].strip().removeprefix("return ").strip()
    return f"{error} (in {operation})" if operation else error


def read_archive_metadata(path: str | Path) -> dict:
    """The studio's metadata stored inside a TorchScript/Lite zip archive, or {}."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith("/extra/" + METADATA_NAME):
                    return json.loads(archive.read(name).decode("utf-8"))
    except (zipfile.BadZipFile, OSError, ValueError):
        return {}
    return {}


def inputs_from_metadata(metadata: dict) -> list[TensorInfo]:
    spec = metadata.get("input_spec") or {}
    return [
        TensorInfo(t.get("name", f"input{i}"), tuple(t["shape"]), t.get("dtype", "float32"))
        for i, t in enumerate(spec.get("tensors", []))
    ]


def measure_latency(
    runner: Runner, inputs: Sequence[np.ndarray], iterations: int = 10, warmup: int = 2
) -> float:
    """Median wall time of ``runner.infer(inputs)`` in milliseconds on this computer."""
    for _ in range(warmup):
        runner.infer(inputs)
    times = []
    for _ in range(max(1, iterations)):
        start = time.perf_counter()
        runner.infer(inputs)
        times.append((time.perf_counter() - start) * 1000.0)
    return float(np.median(times))
