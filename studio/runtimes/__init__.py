"""Runners: one small class per runtime, for verification here and for the on-device agent.

Importing this package is cheap; each runner imports its runtime library when loaded.

    runner = runner_for("model.pte").open("model.pte", threads=2)
    outputs = runner.infer([array])
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from studio import artifacts
from studio.errors import InputError
from studio.runtimes.base import Runner, TensorInfo, measure_latency


@dataclass(frozen=True)
class Implementation:
    """One build of a runtime: the runner that drives it and the library that runner imports."""

    runner: str  # "module:Class"
    library: str  # the top-level module the runner imports
    distribution: str  # the package that installs the library
    # The library's attribute that holds the runtime's version, where the package's own
    # version is another one (executorch-numpy-runtime 1.4.0 runs ExecuTorch 1.3.1).
    version_attribute: str | None = None

    def available(self) -> bool:
        """Whether the library can be imported here (looked up, not imported: cheap)."""
        try:
            return importlib.util.find_spec(self.library) is not None
        except (ImportError, ValueError):  # a module blocked, or left half-imported
            return False

    def package_version(self) -> str | None:
        """The installed package's version, or None."""
        try:
            return metadata.version(self.distribution).split("+")[0]
        except metadata.PackageNotFoundError:
            return None

    def version(self) -> str | None:
        """The version of the runtime it runs (cheap: only a torch-free library is imported)."""
        if self.version_attribute:
            return str(getattr(importlib.import_module(self.library), self.version_attribute))
        return self.package_version()


# runtime name -> its implementations, preferred first; the first importable one runs it.
# ``.pte``: the ExecuTorch Python package where it is installed (desktop, with torch),
# else the torch-free executorch-numpy-runtime (the phone's bundle).
RUNTIMES: dict[str, tuple[Implementation, ...]] = {
    "executorch": (
        Implementation(
            "studio.runtimes.executorch_runner:ExecuTorchRunner", "executorch", "executorch"
        ),
        Implementation(
            "studio.runtimes.executorch_numpy_runner:ExecuTorchNumpyRunner",
            "executorch_numpy_runtime",
            "executorch-numpy-runtime",
            version_attribute="__et_version__",
        ),
    ),
    "pytorch-lite": (Implementation("studio.runtimes.lite_runner:LiteRunner", "torch", "torch"),),
    "torchscript": (
        Implementation("studio.runtimes.torchscript_runner:TorchScriptRunner", "torch", "torch"),
    ),
    "onnxruntime": (
        Implementation(
            "studio.runtimes.onnxruntime_runner:OnnxRuntimeRunner", "onnxruntime", "onnxruntime"
        ),
    ),
    "eager": (Implementation("studio.runtimes.eager_runner:EagerRunner", "torch", "torch"),),
}

# artifact suffix -> runtime name (studio.artifacts defines them)
SUFFIX_RUNTIMES: dict[str, str] = {s: f.runtime for s, f in artifacts.BY_SUFFIX.items()}
assert set(SUFFIX_RUNTIMES.values()) <= set(RUNTIMES)


def _implementations(runtime: str) -> tuple[Implementation, ...]:
    try:
        return RUNTIMES[runtime]
    except KeyError:
        raise InputError(
            f"unknown runtime {runtime!r}", hint=f"choose one of {', '.join(RUNTIMES)}"
        ) from None


def implementation(runtime: str) -> Implementation | None:
    """The implementation that runs ``runtime`` here: the first importable one, or None."""
    return next((i for i in _implementations(runtime) if i.available()), None)


def runner_class(runtime: str) -> type[Runner]:
    """The runner class of a runtime name (``executorch``, ``pytorch-lite``, ...).

    Where no implementation is importable, the preferred one: loading with it says what
    is missing.
    """
    chosen = implementation(runtime) or _implementations(runtime)[0]
    module_name, class_name = chosen.runner.split(":")
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
    "Implementation",
    "SUFFIX_RUNTIMES",
    "Runner",
    "TensorInfo",
    "implementation",
    "measure_latency",
    "open_runner",
    "runner_class",
    "runner_for",
    "runtime_for",
]
