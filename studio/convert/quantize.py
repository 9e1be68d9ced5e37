"""Quantization, one toolchain per target family.

- TorchScript targets (pt, ptl): FX graph mode (``torch.ao.quantization.quantize_fx``)
  with the qnnpack (phones) or x86 backend.
- ExecuTorch (pte): PT2E with the XNNPACK quantizer; float16 by running the model in half.
- ONNX (onnx, ort): ``onnxruntime.quantization`` (QDQ for static int8) and ONNX Runtime's
  float16 converter.

Which target can do which mode is decided up front in ``studio.convert.recipe``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from studio.convert.toolchain import first_line, quiet
from studio.errors import ConversionError
from studio.fileio import atomic_path
from studio.progress import CancelToken

Calibrate = Callable[[Callable], None]  # feeds every calibration sample to a model


def calibration_feeder(
    samples: Sequence[Sequence[np.ndarray]],
    cancel: CancelToken | None = None,
    on_sample: Callable[[int, int], None] | None = None,
) -> Calibrate:
    """A function that runs ``model(*sample)`` for each sample, checking for cancel."""

    def feed(model: Callable) -> None:
        with torch.no_grad():
            for index, sample in enumerate(samples):
                if cancel is not None:
                    cancel.check()
                model(*[torch.from_numpy(np.ascontiguousarray(a)) for a in sample])
                if on_sample is not None:
                    on_sample(index + 1, len(samples))

    return feed


# --- FX graph mode, for TorchScript targets --------------------------------------------------


def fx_quantize(
    module: torch.nn.Module,
    example: tuple,
    mode: str,
    backend: str = "qnnpack",
    calibrate: Calibrate | None = None,
    keep_float: Sequence[str] = (),
) -> torch.nn.Module:
    """An int8 copy of ``module``: ``dynamic`` (Linear/LSTM/GRU weights) or ``static``.

    Static int8 fuses ReLU6 into the convolution or linear layer before it
    (:mod:`studio.convert.fx_relu6`). ``keep_float`` names modules (as in
    ``named_modules()``) that stay float32.
    """
    from torch.ao.quantization import (
        QConfigMapping,
        default_dynamic_qconfig,
        get_default_qconfig_mapping,
    )
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    from studio.convert.fx_relu6 import relu6_as_modules, relu6_backend_config

    if backend not in torch.backends.quantized.supported_engines:
        raise ConversionError(f"this torch build has no {backend} quantized engine")
    torch.backends.quantized.engine = backend
    model = copy.deepcopy(module).eval()
    if mode == "dynamic":
        mapping = QConfigMapping()
        for kind in (torch.nn.Linear, torch.nn.LSTM, torch.nn.GRU):
            mapping = mapping.set_object_type(kind, default_dynamic_qconfig)
    elif mode == "static":
        mapping = get_default_qconfig_mapping(backend)
    else:
        raise ValueError(f"not an FX quantization mode: {mode}")
    try:
        with quiet():
            if mode == "static":
                model, inserted = relu6_as_modules(model)
                keep_float = [*keep_float, *_followers(inserted, keep_float)]
            for name in keep_float:
                mapping = mapping.set_module_name(name, None)
            config = relu6_backend_config()
            prepared = prepare_fx(model, mapping, example, backend_config=config)
            if mode == "static":
                if calibrate is None:
                    raise ValueError("static quantization needs calibration samples")
                calibrate(prepared)
            return convert_fx(prepared, backend_config=config)
    except ConversionError:
        raise
    except Exception as exc:
        if type(exc).__name__ == "Cancelled":
            raise
        raise ConversionError(
            f"FX graph mode quantization cannot handle this model: {first_line(exc)}",
            hint="FX needs a symbolically traceable model; try the pte or onnx target",
            details=str(exc),
        ) from None


def _followers(inserted: dict[str, str], names: Sequence[str]) -> list[str]:
    """The inserted modules (name -> the module they follow) that follow a module in
    ``names`` or inside one."""
    return [
        name
        for name, source in inserted.items()
        if any(source == n or source.startswith(n + ".") for n in names)
    ]


# --- PT2E with the XNNPACK quantizer, for ExecuTorch -----------------------------------------


def pt2e_quantize(
    program,
    example: tuple,
    mode: str,
    calibrate: Calibrate | None = None,
    keep_float: Sequence[str] = (),
) -> torch.nn.Module:
    """Quantize a captured ``torch.export`` program; returns a module to export again.

    ``keep_float`` names modules (as in ``named_modules()``) whose operators stay float32.
    """
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    from studio.convert.xnnpack_quantizer import xnnpack_quantizer

    quantizer = xnnpack_quantizer(dynamic=(mode == "dynamic"), keep_float=keep_float)
    try:
        with quiet():
            prepared = prepare_pt2e(program.module(), quantizer)
            if mode == "static":
                if calibrate is None:
                    raise ValueError("static quantization needs calibration samples")
                calibrate(prepared)
            else:
                prepared(*example)
            return convert_pt2e(prepared)
    except Exception as exc:
        if type(exc).__name__ == "Cancelled":
            raise
        raise ConversionError(
            f"PT2E quantization cannot handle this model: {first_line(exc)}",
            details=str(exc),
        ) from None


class HalfPrecision(torch.nn.Module):
    """Runs a model in float16 while keeping float32 inputs and outputs."""

    def __init__(self, module: torch.nn.Module):
        super().__init__()
        self.inner = copy.deepcopy(module).half().eval()

    def forward(self, *inputs):
        outputs = self.inner(*[x.half() if x.is_floating_point() else x for x in inputs])
        if isinstance(outputs, torch.Tensor):
            return outputs.float()
        return tuple(o.float() if o.is_floating_point() else o for o in outputs)


# --- onnxruntime.quantization, for ONNX ------------------------------------------------------


def onnx_quantize(
    source: Path,
    destination: Path,
    mode: str,
    input_names: Sequence[str],
    samples: Sequence[Sequence[np.ndarray]] = (),
    per_channel: bool = True,
    cancel: CancelToken | None = None,
    keep_float: Sequence[str] = (),
) -> None:
    """Write an int8 (QDQ for static) or float16 copy of an ONNX file, atomically.

    ``keep_float`` names modules (as in ``named_modules()``) whose nodes stay float32 in int8.
    """
    import onnx

    excluded = onnx_nodes_in(onnx.load(str(source)), keep_float) if keep_float else []
    with atomic_path(destination) as tmp, quiet():
        try:
            if mode == "fp16":
                from onnxruntime.transformers.float16 import convert_float_to_float16

                model = convert_float_to_float16(onnx.load(str(source)), keep_io_types=True)
                onnx.save_model(model, str(tmp))
            elif mode == "dynamic":
                from onnxruntime.quantization import QuantType, quantize_dynamic

                quantize_dynamic(
                    str(source), str(tmp), weight_type=QuantType.QInt8, nodes_to_exclude=excluded
                )
            elif mode == "static":
                from onnxruntime.quantization import (
                    CalibrationDataReader,
                    QuantFormat,
                    QuantType,
                    quantize_static,
                )

                class Reader(CalibrationDataReader):
                    def __init__(self) -> None:
                        self._items = iter(samples)

                    def get_next(self):
                        if cancel is not None:
                            cancel.check()
                        sample = next(self._items, None)
                        if sample is None:
                            return None
                        return dict(zip(input_names, sample, strict=False))

                quantize_static(
                    str(source),
                    str(tmp),
                    Reader(),
                    quant_format=QuantFormat.QDQ,
                    per_channel=per_channel,
                    activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8,
                    nodes_to_exclude=excluded,
                )
            else:
                raise ValueError(f"not an ONNX quantization mode: {mode}")
        except Exception as exc:
            if type(exc).__name__ == "Cancelled" or isinstance(exc, ValueError):
                raise
            raise ConversionError(
                f"onnxruntime cannot quantize this model as {mode}: {first_line(exc)}",
                details=str(exc),
            ) from None


def onnx_nodes_in(model, module_names: Sequence[str]) -> list[str]:
    """The names of the ONNX nodes that compute parts of the named modules.

    The dynamo exporter records each node's module path (``pkg.torch.onnx.name_scopes``,
    kept through its graph rewrites: a Conv with BatchNorm folded in keeps the BatchNorm's
    path, inside the same block); the TorchScript exporter names nodes by it
    (``/blocks/blocks.0/blocks.0.expand/Conv``).
    """
    wanted = set(module_names)
    return [
        node.name
        for node in model.graph.node
        if node.name and wanted.intersection(_module_path(node))
    ]


def _module_path(node) -> list[str]:
    import ast

    for prop in node.metadata_props:
        if prop.key == "pkg.torch.onnx.name_scopes":
            try:
                return [str(scope) for scope in ast.literal_eval(prop.value)]
            except (ValueError, SyntaxError):
                return []
    return node.name.split("/")[1:-1] if node.name.startswith("/") else []
