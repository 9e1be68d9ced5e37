"""Runners: one small class per runtime, for verification here and for the on-device agent.

Importing this package is cheap; each runner imports its runtime library when loaded.

    runner = runner_for("model.pte").open("model.pte", threads=2)
    outputs = runner.infer([array])
"""

from __future__ import annotations

import importlib
from pathlib import Path

from studio.errors import InputError
from studio.runtimes.base import Runner, TensorInfo, measure_latency

# runtime name -> "module:Class"
RUNTIMES: dict[str, str] = {
    "executorch": "studio.runtimes.executorch_runner:ExecuTorchRunner",
    "pytorch-lite": "studio.runtimes.lite_runner:LiteRunner",
    "torchscript": "studio.runtimes.torchscript_runner:TorchScriptRunner",
    "onnxruntime": "studio.runtimes.onnxruntime_runner:OnnxRuntimeRunner",
    "eager": "studio.runtimes.eager_runner:EagerRunner",
}

# artifact suffix -> runtime name
SUFFIX_RUNTIMES: dict[str, str] = {
    ".pte": "executorch",
    ".ptl": "pytorch-lite",
    ".pt": "torchscript",
    ".onnx": "onnxruntime",
    ".ort": "onnxruntime",
}


def runner_class(runtime: str) -> type[Runner]:
    """The runner class of a runtime name (``executorch``, ``pytorch-lite``, ...)."""
    try:
        target = RUNTIMES[runtime]
    except KeyError:
        raise InputError(
            f"unknown runtime {runtime!r}", hint=f"choose one of {', '.join(RUNTIMES)}"
        ) from None
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def runtime_for(path: str | Path) -> str:
    """The runtime that runs an artifact, by its suffix."""
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIX_RUNTIMES[suffix]
    except KeyError:
        raise InputError(
            f"no runtime runs {Path(path).name}",
            hint=f"artifacts end in {', '.join(SUFFIX_RUNTIMES)}",
        ) from None


def runner_for(path: str | Path) -> type[Runner]:
    """The runner class for an artifact, by its suffix; ``.open(path, threads)`` loads it."""
    return runner_class(runtime_for(path))


def open_runner(path: str | Path, threads: int | None = None, runtime: str | None = None) -> Runner:
    """Load an artifact in its runtime (or the named one) and return the runner."""
    cls = runner_class(runtime) if runtime else runner_for(path)
    return cls.open(path, threads)


__all__ = [
    "RUNTIMES",
    "SUFFIX_RUNTIMES",
    "Runner",
    "TensorInfo",
    "measure_latency",
    "open_runner",
    "runner_class",
    "runner_for",
    "runtime_for",
]
