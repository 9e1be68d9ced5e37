"""PyTorch Lite (``.ptl``) for ``pytorch_android_lite``, at a chosen bytecode version.

``optimize_for_mobile`` needs a torch built with XNNPACK, which the PyPI builds of
torch 2.13/2.14 are not. Where it is missing the portable passes run instead (freeze,
conv-bn folding, dropout removal) and the report says that XNNPACK prepacking was
skipped.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from pathlib import Path

import torch

from studio.convert.targets.base import BuildContext, Target, TargetResult
from studio.convert.toolchain import first_line
from studio.errors import ConversionError
from studio.fileio import atomic_path
from studio.runtimes.base import METADATA_NAME

log = logging.getLogger(__name__)

XNNPACK_SKIPPED = (
    "XNNPACK prepacking was skipped: this torch build has no XNNPACK, so optimize_for_mobile "
    "cannot run; applied the portable passes instead (freeze, conv-bn folding, dropout removal)"
)


def xnnpack_available() -> bool:
    """Whether optimize_for_mobile can run with this torch build."""
    check = getattr(torch._C, "_is_xnnpack_enabled", None)
    return bool(check()) if check is not None else False


def optimize_for_lite(module: torch.jit.ScriptModule) -> tuple[torch.jit.ScriptModule, list[str]]:
    """optimize_for_mobile when the build supports it, else the portable passes."""
    if xnnpack_available():
        try:
            from torch.utils.mobile_optimizer import optimize_for_mobile

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return optimize_for_mobile(module), ["optimized with optimize_for_mobile (XNNPACK)"]
        except Exception as exc:  # builds that report XNNPACK but fail the rewrite
            log.info("optimize_for_mobile failed: %s", exc)
            reason = first_line(exc)
            notes = [f"optimize_for_mobile failed ({reason}); " + XNNPACK_SKIPPED]
    else:
        notes = [XNNPACK_SKIPPED]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # freeze inlines weights and runs the frozen-graph optimizations, which fold
        # conv-bn, conv-add/mul and remove dropout
        frozen = torch.jit.freeze(module.eval(), optimize_numerics=True)
        torch._C._jit_pass_remove_dropout(frozen._c)
    return frozen, notes


def bytecode_version(path: str | Path) -> int:
    from torch.jit.mobile import _get_model_bytecode_version

    return int(_get_model_bytecode_version(str(path)))


def backport(source: str | Path, destination: str | Path, version: int) -> Path:
    """Write ``source`` (a .ptl) as bytecode ``version`` to ``destination``, atomically.

    Raises ConversionError when torch cannot backport to that version.
    """
    from torch.jit.mobile import _backport_for_mobile_to_buffer

    source, destination = Path(source), Path(destination)
    current = bytecode_version(source)
    if version == current:
        with atomic_path(destination) as tmp:
            tmp.write_bytes(source.read_bytes())
        return destination
    if version > current:
        raise ConversionError(
            f"{source.name} is bytecode version {current}; it cannot be moved forward to {version}",
            hint=f"choose a version up to {current}",
        )
    with atomic_path(destination) as tmp:
        try:  # to memory first: torch's file writer aborts the process on a full disk
            data = _backport_for_mobile_to_buffer(str(source), int(version))
        except Exception as exc:
            ok, reason = False, first_line(exc)
        else:
            ok, reason = bool(data), "torch reported failure"
            if ok:
                tmp.write_bytes(data)
        if not ok or bytecode_version(tmp) != version:
            raise ConversionError(
                f"{source.name} cannot be backported to bytecode version {version} ({reason})",
                hint="an older version may not have the operators this model uses",
            )
    return destination


def save_lite(
    module: torch.jit.ScriptModule, path: Path, metadata_json: str, version: int | None = None
) -> int:
    """Write a .ptl atomically (backported when ``version`` is older); returns its version."""
    written = native_bytecode_version()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # built in memory: torch's file writer aborts the process on a full disk
            data = module._save_to_buffer_for_lite_interpreter(
                _extra_files={METADATA_NAME: metadata_json}
            )
    except RuntimeError as exc:
        raise ConversionError(
            f"the Lite interpreter cannot hold this model: {lite_refusal(exc)}",
            hint="the pt target (the full TorchScript runtime) holds any TorchScript model",
            details=str(exc),
        ) from None
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
        if version is not None and version != written:
            backport(tmp, tmp, version)
            written = version
    return written


def lite_refusal(exc: Exception) -> str:
    """Why torch refused to write a model for the Lite interpreter, in one line: a class
    that is not a module (torchvision's detectors pass an ImageList) is named."""
    match = re.search(r"The problematic type is: ([\w.]+)", str(exc))
    if match:
        name = match.group(1).removeprefix("__torch__.")
        return f"it uses the class {name}, and Lite holds only modules, tensors and built-in types"
    return first_line(exc)


@functools.lru_cache(maxsize=1)
def native_bytecode_version() -> int:
    """The bytecode version this torch writes (read once from a tiny module: reading it from
    a large file costs tens of milliseconds)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = torch.jit.script(_Identity())._save_to_buffer_for_lite_interpreter()
    return int(torch._C._get_model_bytecode_version_from_buffer(data))


class _Identity(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class LiteTarget(Target):
    name = "ptl"

    def build(self, context: BuildContext, path: Path) -> TargetResult:
        captured, notes = context.torchscript(quantized=True)
        notes = list(notes)
        options = context.recipe.lite
        module = captured.graph
        if options.optimize:
            context.report("optimize ptl", 0.0)
            module, more = optimize_for_lite(module)
            notes.extend(more)
            context.report("optimize ptl", 1.0)
            context.check()
        context.report("write ptl", 0.0)
        written = save_lite(
            module, path, context.metadata_json(captured.method), options.bytecode_version
        )
        context.report("write ptl", 1.0, f"bytecode version {written}")
        return TargetResult(
            captured.method,
            notes,
            {"bytecode_version": written},
            quantized_layers=context.torchscript_coverage(),
        )
