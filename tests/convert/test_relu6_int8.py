"""Static int8 of a network with ReLU6: every ReLU6 output quantized over [0, 6], for pte (PT2E,
XNNPACK), pt/ptl (FX) and onnx; layers kept in float on request."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from convert_helpers import tiny_recipe

from studio.convert.quantize import calibration_feeder, fx_quantize, onnx_nodes_in

aten = torch.ops.aten
RELU6_SPELLINGS = {
    aten.hardtanh.default,
    aten.hardtanh_.default,
    aten.relu6.default,
    aten.clamp.default,
}


def prepared_pt2e(model, samples, quantizer):
    from torchao.quantization.pt2e.quantize_pt2e import prepare_pt2e

    program = torch.export.export(model, (samples[:1],))
    prepared = prepare_pt2e(program.module(), quantizer)
    with torch.no_grad():
        for index in range(len(samples)):
            prepared(samples[index : index + 1])
    return prepared


def relu6_faults(prepared) -> list[str]:
    """What is wrong with how a prepared PT2E model observes its ReLU6 outputs: the ReLU6
    (any spelling) must take the conv/linear output unobserved, and its own observer must lie
    within [0, 6]."""
    faults = []
    activations = [
        n for n in prepared.graph.nodes if n.op == "call_function" and n.target in RELU6_SPELLINGS
    ]
    assert len(activations) >= 11  # the network's ReLU6s: 10 after convolutions, 1 after linear
    for node in activations:
        source = node.args[0]
        if source.op == "call_module":
            faults.append(f"{node.name}: its input is observed ({source.target})")
        observers = [getattr(prepared, u.target) for u in node.users if u.op == "call_module"]
        if len(observers) != 1:
            faults.append(f"{node.name}: {len(observers)} output observers")
            continue
        low, high = float(observers[0].min_val), float(observers[0].max_val)
        if not (low >= 0.0 and high <= 6.0):
            faults.append(f"{node.name}: observed over [{low:.2f}, {high:.2f}]")
    return faults


def agreement(reference: np.ndarray, outputs: np.ndarray) -> float:
    return float((reference.argmax(1) == outputs.argmax(1)).mean())


# --- PT2E --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_relu6_output_is_observed_over_zero_to_six(relu6_trained):
    from studio.convert.xnnpack_quantizer import xnnpack_quantizer

    model, data = relu6_trained
    prepared = prepared_pt2e(model, data.train_x[:32], xnnpack_quantizer())
    assert relu6_faults(prepared) == []


@pytest.mark.slow
def test_the_stock_quantizer_observes_relu6_over_the_pre_activation_range(relu6_trained):
    # The check above can fail: the stock XNNPACK quantizer shares the conv's observer.
    from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )

    model, data = relu6_trained
    stock = XNNPACKQuantizer().set_global(get_symmetric_quantization_config(is_per_channel=True))
    faults = relu6_faults(prepared_pt2e(model, data.train_x[:32], stock))
    assert any("observed over [-" in f for f in faults)  # the stem's shared conv observer
    assert any("input is observed" in f for f in faults)  # relu6 / clamp requantized


def test_each_spelling_of_relu6_becomes_a_fused_hardtanh():
    from studio.convert.xnnpack_quantizer import xnnpack_quantizer

    class Spellings(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.convs = torch.nn.ModuleList(torch.nn.Conv2d(4, 4, 1) for _ in range(4))
            self.inplace = torch.nn.ReLU6(inplace=True)

        def forward(self, x):
            x = F.relu6(self.convs[0](x))
            x = torch.clamp(self.convs[1](x), 0, 6)
            x = self.inplace(self.convs[2](x))
            return torch.clamp(self.convs[3](x), min=0.0)  # not ReLU6: left as it is

    torch.manual_seed(0)
    prepared = prepared_pt2e(Spellings().eval(), torch.randn(8, 4, 6, 6), xnnpack_quantizer())
    targets = [n.target for n in prepared.graph.nodes if n.op == "call_function"]
    assert targets.count(aten.hardtanh.default) == 3
    assert aten.relu6.default not in targets and aten.hardtanh_.default not in targets
    fused = [
        n
        for n in prepared.graph.nodes
        if n.target == aten.hardtanh.default and n.args[0].target == aten.conv2d.default
    ]
    assert len(fused) == 3  # each takes its convolution's output directly, unobserved


def test_pt2e_keeps_named_modules_float(relu6_net):
    from studio.convert.xnnpack_quantizer import xnnpack_quantizer

    torch.manual_seed(0)
    prepared = prepared_pt2e(
        relu6_net.Relu6Net().eval(),
        torch.randn(4, 3, 32, 32),
        xnnpack_quantizer(keep_float=["stem", "blocks.0"]),
    )
    convs = [n for n in prepared.graph.nodes if n.target == aten.conv2d.default]
    observed = [n.args[1].op == "call_module" for n in convs]  # a weight observer or not
    # stem (1 conv) and blocks.0 (3) stay float; the other 10 convolutions are quantized
    assert observed == [False] * 4 + [True] * 10


# --- FX (pt, ptl) ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["qnnpack", "x86"])
def test_fx_fuses_relu6_and_agrees_with_float(relu6_trained, backend):
    """qnnpack ran each quantized ReLU6 on a conv's channels-last output as if contiguous
    (top-1 agreement 8% before ReLU6 was fused)."""
    from torch.ao.nn.intrinsic import quantized as nniq

    model, data = relu6_trained
    samples = [[data.train_x[i : i + 1].numpy()] for i in range(32)]
    quantized = fx_quantize(
        model, (data.test_x[:1],), "static", backend, calibration_feeder(samples)
    )
    fused = [m for m in quantized.modules() if isinstance(m, nniq.ConvReLU2d | nniq.LinearReLU)]
    assert len(fused) == 11
    with torch.no_grad():
        reference, outputs = model(data.test_x).numpy(), quantized(data.test_x).numpy()
    assert agreement(reference, outputs) >= 0.97


def test_fx_keeps_named_modules_float(relu6_net):
    from torch.ao.nn import quantized as nnq
    from torch.ao.nn.intrinsic import quantized as nniq

    torch.manual_seed(0)
    model = relu6_net.Relu6Net().eval()
    samples = [[np.random.default_rng(0).standard_normal((1, 3, 32, 32), dtype=np.float32)]]
    quantized = fx_quantize(
        model, (torch.from_numpy(samples[0][0]),), "static", "qnnpack",
        calibration_feeder(samples), keep_float=["stem", "blocks.0.expand"],
    )  # fmt: skip
    modules = dict(quantized.named_modules())
    quantized_convs = nnq.Conv2d | nniq.ConvReLU2d
    assert not isinstance(modules["stem.0.0"], quantized_convs)  # float (fused or not)
    assert not isinstance(modules["blocks.0.expand.0"], quantized_convs)
    assert isinstance(modules["blocks.0.depthwise.0"], nniq.ConvReLU2d)
    with torch.no_grad():
        assert torch.isfinite(quantized(torch.from_numpy(samples[0][0]))).all()


# --- ONNX ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("dynamo", [True, False])
def test_onnx_nodes_of_a_module_are_found_by_its_name(relu6_net, tmp_path, dynamo):
    import onnx

    path = tmp_path / "net.onnx"
    model = relu6_net.Relu6Net().eval()
    torch.onnx.export(
        model, (torch.randn(1, 3, 32, 32),), str(path), dynamo=dynamo, opset_version=18
    )
    graph = onnx.load(str(path))
    kinds = {n.name: n.op_type for n in graph.graph.node}
    stem = onnx_nodes_in(graph, ["stem"])
    # (the TorchScript exporter adds the Clip's bounds as Constant nodes in the same scope)
    assert sorted(kinds[n] for n in stem if kinds[n] != "Constant") == ["Clip", "Conv"]
    block = onnx_nodes_in(graph, ["blocks.1"])
    assert [kinds[n] for n in block].count("Conv") == 3
    assert not set(stem) & set(block)
    assert onnx_nodes_in(graph, ["hidden"]) and onnx_nodes_in(graph, ["no.such.module"]) == []


def test_onnx_quantize_keeps_named_modules_float(relu6_net, tmp_path):
    import onnx

    from studio.convert.quantize import onnx_quantize

    source, destination = tmp_path / "net.onnx", tmp_path / "net.int8.onnx"
    model = relu6_net.Relu6Net().eval()
    torch.onnx.export(model, (torch.randn(1, 3, 32, 32),), str(source), dynamo=True)
    rng = np.random.default_rng(0)
    samples = [[rng.standard_normal((1, 3, 32, 32), dtype=np.float32)] for _ in range(4)]
    onnx_quantize(source, destination, "static", ["x"], samples, keep_float=["stem"])
    graph = onnx.load(str(destination)).graph
    producers = {out: n for n in graph.node for out in n.output}
    convs = [n for n in graph.node if n.op_type == "Conv"]
    weight_quantized = [
        n.input[1] in producers and producers[n.input[1]].op_type == "DequantizeLinear"
        for n in convs
    ]
    assert weight_quantized == [False] + [True] * 13  # the stem's Conv keeps float weights


# --- the whole conversion ------------------------------------------------------------------------


def heldout_outputs(path, inputs: np.ndarray) -> np.ndarray:
    from studio.runtimes import open_runner

    runner = open_runner(path)
    try:
        return np.concatenate([runner.infer([x[None]])[0] for x in inputs])
    finally:
        runner.close()


@pytest.mark.slow
def test_static_int8_pte_agrees_with_float_as_well_as_onnx(relu6_trained, tmp_path):
    from executorch.exir._serialize import _deserialize_pte_binary

    from studio.compat import ops_executorch
    from studio.convert import convert
    from studio.convert.recipe import QuantizeSettings, VerifySettings
    from studio.model.inputs import InputSpec

    model, data = relu6_trained
    calibration, verification = tmp_path / "calibration.npy", tmp_path / "heldout.npy"
    np.save(calibration, data.train_x[:64].numpy())
    np.save(verification, data.test_x[:64].numpy())
    recipe = tiny_recipe(
        tmp_path / "out",
        ["pte", "onnx"],
        input=InputSpec.single((1, 3, 32, 32)),
        quantize=QuantizeSettings(mode="static", calibration=str(calibration), samples=64),
        verify=VerifySettings(data=str(verification), samples=64, latency_runs=2),
    )
    report = convert(recipe, model=model)
    paths = {a.target: a.path for a in report.artifacts}

    heldout = data.test_x.numpy()
    with torch.no_grad():
        reference = model(data.test_x).numpy()
    pte = agreement(reference, heldout_outputs(paths["pte"], heldout))
    onnx = agreement(reference, heldout_outputs(paths["onnx"], heldout))
    # 360 held-out digits: one point is under 4 images, well inside the noise between two
    # int8 toolchains' rounding (their observers and calibration differ).
    assert pte >= onnx - 0.01, (pte, onnx)
    assert pte >= 0.97

    program = _deserialize_pte_binary(paths["pte"].read_bytes()).program
    assert [len(plan.delegates) for plan in program.execution_plan] == [1]
    kernels = [op.name for op in ops_executorch.read(paths["pte"]).operators if op.kind == "kernel"]
    assert not [name for name in kernels if "conv" in name or "quantize" in name], kernels
