"""Quantization, one toolchain per target family.

- TorchScript targets (pt, ptl): eager ``torch.ao.quantization.quantize_dynamic`` for
  dynamic int8 (it needs no symbolic tracing, so every scriptable or traceable model
  works), FX graph mode (``torch.ao.quantization.quantize_fx``) for static int8; the
  qnnpack (phones) or x86 backend.
- ExecuTorch (pte): PT2E with the XNNPACK quantizer; float16 by running the model in half.
- ONNX (onnx, ort): ``onnxruntime.quantization`` (QDQ for static int8) and ONNX Runtime's
  float16 converter.

Which target can do which mode is decided up front in ``studio.convert.recipe``. Each
int8 path also counts what it quantized (:class:`studio.convert.coverage.Coverage`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from studio.convert.coverage import Coverage
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


# --- TorchScript targets: eager dynamic, FX static ------------------------------------------


def _use_engine(backend: str) -> None:
    if backend not in torch.backends.quantized.supported_engines:
        raise ConversionError(f"this torch build has no {backend} quantized engine")
    torch.backends.quantized.engine = backend


def _dynamic_kinds() -> tuple[type, ...]:
    nn = torch.nn
    return (nn.Linear, nn.LSTM, nn.GRU, nn.LSTMCell, nn.GRUCell, nn.RNNCell)


def dynamic_quantize(
    module: torch.nn.Module, backend: str = "qnnpack", keep_float: Sequence[str] = ()
) -> torch.nn.Module:
    """An int8 copy of ``module`` with dynamically quantized Linear and recurrent layers
    (eager mode). ``keep_float`` names modules (as in ``named_modules()``) that stay float32,
    with everything inside them."""
    from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic

    _use_engine(backend)
    spec: dict = dict.fromkeys(_dynamic_kinds(), default_dynamic_qconfig)
    for name, _ in module.named_modules():
        if name and any(name == n or name.startswith(n + ".") for n in keep_float):
            spec[name] = None
    try:
        with quiet():
            return quantize_dynamic(module, spec, dtype=torch.qint8).eval()
    except Exception as exc:
        if type(exc).__name__ == "Cancelled":
            raise
        raise ConversionError(
            f"dynamic int8 quantization cannot handle this model: {first_line(exc)}",
            hint="try the pte or onnx target",
            details=str(exc),
        ) from None


def fx_quantize(
    module: torch.nn.Module,
    example: tuple,
    mode: str,
    backend: str = "qnnpack",
    calibrate: Calibrate | None = None,
    keep_float: Sequence[str] = (),
) -> torch.nn.Module:
    """A static int8 copy of ``module`` (``mode`` is ``static``).

    It fuses ReLU6 into the convolution or linear layer before it
    (:mod:`studio.convert.fx_relu6`). ``keep_float`` names modules (as in
    ``named_modules()``) that stay float32.
    """
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    from studio.convert.fx_relu6 import relu6_as_modules, relu6_backend_config

    if mode != "static":
        raise ValueError(f"not an FX quantization mode: {mode}")
    _use_engine(backend)
    model = copy.deepcopy(module).eval()
    mapping = get_default_qconfig_mapping(backend)
    try:
        with quiet():
            model, inserted = relu6_as_modules(model)
            keep_float = [*keep_float, *_followers(inserted, keep_float)]
            for name in keep_float:
                mapping = mapping.set_module_name(name, None)
            config = relu6_backend_config()
            prepared = prepare_fx(model, mapping, example, backend_config=config)
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


# --- what an int8 path quantized (see studio.convert.coverage) --------------------------------

# torch.export operators of conv, linear and recurrent layers (``addmm``: a decomposed linear)
_LAYER_OPS = {
    *("conv1d", "conv2d", "conv3d", "convolution", "addmm", "linear", "gru", "lstm"),
    *("conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "rnn_tanh", "rnn_relu"),
}


def module_coverage(float_module: torch.nn.Module, quantized, mode: str) -> Coverage:
    """The layers of an eager or FX-quantized module that hold int8 weights, out of the
    float module's conv/linear/recurrent layers (counted in the program of a ``.pt2``)."""
    from torch.ao.nn import quantized as nnq
    from torch.ao.nn.quantized.dynamic.modules.rnn import RNNBase, RNNCellBase
    from torch.ao.nn.quantized.modules.conv import _ConvNd

    from studio.model.exported import program_of

    program = program_of(float_module)
    if program is not None:
        layers = graph_layers(program.graph)
    else:
        nn = torch.nn
        kinds = (nn.Linear, nn.modules.conv._ConvNd, nn.RNNBase, nn.RNNCellBase)
        layers = sum(isinstance(m, kinds) for m in float_module.modules())
    int8 = (nnq.Linear, _ConvNd, RNNBase, RNNCellBase)
    return Coverage(mode, sum(isinstance(m, int8) for m in quantized.modules()), layers)


def graph_layers(graph) -> int:
    """The conv/linear/recurrent operators of a torch.export (FX) graph."""
    return sum(node.op == "call_function" and _op_name(node) in _LAYER_OPS for node in graph.nodes)


def pt2e_coverage(program, quantized: torch.nn.Module, mode: str) -> Coverage:
    """The weights a PT2E-converted module dequantizes from int8 (one per quantized layer),
    out of the conv/linear/recurrent operators of the float ``program``."""
    weights = sum(
        node.op == "call_function"
        and _op_name(node).startswith("dequantize_per")
        and bool(node.args)
        and getattr(node.args[0], "op", None) == "get_attr"
        for node in quantized.graph.nodes
    )
    return Coverage(mode, weights, graph_layers(program.graph))


def _op_name(node) -> str:
    return str(getattr(node.target, "_opname", None) or getattr(node.target, "__name__", ""))


_ONNX_LAYERS = {"Conv", "ConvTranspose", "Gemm", "MatMul", "LSTM", "GRU", "RNN"}
_ONNX_INT8 = {
    *("ConvInteger", "MatMulInteger", "DynamicQuantizeLSTM", "DynamicQuantizeMatMul"),
    *("QLinearConv", "QLinearMatMul", "QGemm", "QAttention", "MatMulIntegerToFloat"),
}


def onnx_coverage(float_path: Path, quantized_path: Path, mode: str) -> Coverage:
    """The integer operators (dynamic) and layers with int8 weights (QDQ) of a quantized
    ONNX file, out of the float file's conv/linear/recurrent nodes."""
    import onnx

    source = onnx.load(str(float_path), load_external_data=False).graph
    weights = {i.name for i in source.initializer}
    layers = sum(
        n.op_type in _ONNX_LAYERS and (n.op_type != "MatMul" or bool(weights & set(n.input)))
        for n in source.node
    )
    graph = onnx.load(str(quantized_path), load_external_data=False).graph
    initializers = {i.name for i in graph.initializer}
    dequantized = {
        out
        for n in graph.node
        if n.op_type == "DequantizeLinear" and n.input and n.input[0] in initializers
        for out in n.output
    }
    quantized = sum(
        n.op_type in _ONNX_INT8
        or (n.op_type in _ONNX_LAYERS and len(n.input) > 1 and n.input[1] in dequantized)
        for n in graph.node
    )
    return Coverage(mode, quantized, layers)
