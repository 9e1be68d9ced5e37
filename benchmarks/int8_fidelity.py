"""Int8 fidelity: how close each static int8 artifact stays to the float model, on held-out data.

Trains the ReLU6 network of ``benchmarks/relu6_net.py`` on digits (seconds), converts it with
``studio.convert.convert`` to float32 pte and onnx and to static int8 pte, onnx and ptl
(calibrated on training images), and builds a pte with the stock XNNPACK quantizer (no ReLU6
fusion) for comparison. Each artifact runs on the held-out images in its own runtime; beside
the eager float model it gets: top-1 and top-5 agreement, mean cosine of the outputs, output
SQNR (dB), file size and host latency (median, batch 1). Also printed: the observed range of
the stem's ReLU6 output under either quantizer. The last line printed is one JSON object.

    python benchmarks/int8_fidelity.py [--calibration 64] [--epochs 6]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import relu6_net


def fidelity(reference: np.ndarray, outputs: np.ndarray) -> dict:
    """Agreement with the float outputs (logits, one row per image), measured as the
    studio's verification measures it."""
    from studio.convert.compare import compare_outputs

    c = compare_outputs([[r[None]] for r in reference], [[o[None]] for o in outputs])
    return {
        "top1_agreement": round(c.top1_agreement, 4),
        "top5_agreement": round(c.top5_agreement, 4) if c.top5_agreement is not None else None,
        "mean_cosine": round(c.mean_cosine, 4),
        "sqnr_db": round(c.sqnr_db, 2),
    }


def run_artifact(path: Path, inputs: np.ndarray) -> tuple[np.ndarray, float]:
    """Outputs for each input (batch 1) and the median latency in milliseconds."""
    from studio.runtimes import open_runner
    from studio.runtimes.base import measure_latency

    runner = open_runner(path, threads=1)
    try:
        outputs = np.concatenate([runner.infer([x[None]])[0] for x in inputs])
        latency = measure_latency(runner, [inputs[:1]], iterations=50, warmup=5)
    finally:
        runner.close()
    return outputs, latency


def studio_artifacts(model, data, out: Path, calibration: int) -> dict[str, Path]:
    from studio.convert import Recipe, convert
    from studio.convert.recipe import OutputSettings, QuantizeSettings, VerifySettings
    from studio.model.inputs import InputSpec

    calibration_file = out / "calibration.npy"
    np.save(calibration_file, data.train_x[:calibration].numpy())
    paths = {}
    for mode, targets in (("none", ["pte", "onnx"]), ("static", ["pte", "onnx", "ptl"])):
        recipe = Recipe(
            targets=targets,
            input=InputSpec.single(relu6_net.INPUT_SHAPE),
            output=OutputSettings(folder=str(out / mode), name="relu6net"),
            verify=VerifySettings(enabled=False),
        )
        recipe.model.arch = "Relu6Net"
        if mode == "static":
            recipe.quantize = QuantizeSettings(
                mode="static", calibration=str(calibration_file), samples=calibration
            )
        report = convert(recipe, model=model)
        label = "float32" if mode == "none" else "int8"
        paths.update({f"{a.target} {label}": a.path for a in report.artifacts})
    return paths


def stock_pte(model, data, out: Path, calibration: int) -> tuple[Path, float]:
    """A pte quantized by the stock XNNPACK quantizer; the time to build it (seconds)."""
    from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    from studio.convert.targets.pte import lower, save_program

    start = time.perf_counter()
    example = (data.train_x[:1],)
    quantizer = XNNPACKQuantizer().set_global(
        get_symmetric_quantization_config(is_per_channel=True)
    )
    prepared = prepare_pt2e(torch.export.export(model, example).module(), quantizer)
    with torch.no_grad():
        for index in range(calibration):
            prepared(data.train_x[index : index + 1])
    program = torch.export.export(convert_pt2e(prepared), example, strict=False)
    path = out / "relu6net.stock-int8.pte"
    save_program(lower(program), path)
    return path, time.perf_counter() - start


def stem_relu6_range(model, data, quantizer, calibration: int) -> list[float]:
    """The range the stem's ReLU6 output is quantized over (its observer's min and max)."""
    from torchao.quantization.pt2e.quantize_pt2e import prepare_pt2e

    prepared = prepare_pt2e(torch.export.export(model, (data.train_x[:1],)).module(), quantizer)
    with torch.no_grad():
        for index in range(calibration):
            prepared(data.train_x[index : index + 1])
    activations = (torch.ops.aten.hardtanh.default, torch.ops.aten.hardtanh_.default)
    stem = next(n for n in prepared.graph.nodes if n.target in activations)
    observer = next(getattr(prepared, u.target) for u in stem.users if u.op == "call_module")
    return [round(float(observer.min_val), 3), round(float(observer.max_val), 3)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibration", type=int, default=64, help="calibration images")
    parser.add_argument("--epochs", type=int, default=6)
    args = parser.parse_args()

    from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )

    from studio.convert.xnnpack_quantizer import xnnpack_quantizer

    data = relu6_net.digits_rgb()
    start = time.perf_counter()
    model = relu6_net.train(data, epochs=args.epochs)
    train_seconds = time.perf_counter() - start
    torch.set_num_threads(1)  # latency and conversions measured on one thread
    heldout = data.test_x.numpy()
    with torch.no_grad():
        reference = model(data.test_x).numpy()
    stock = XNNPACKQuantizer().set_global(get_symmetric_quantization_config(is_per_channel=True))
    result = {
        "model": "Relu6Net (MobileNetV2-style, ReLU6) on digits 3x32x32",
        "train_seconds": round(train_seconds, 1),
        "float_heldout_accuracy": round(relu6_net.accuracy(model, data.test_x, data.test_y), 4),
        "heldout_images": len(heldout),
        "calibration_images": args.calibration,
        "stem_relu6_range": {
            "stock": stem_relu6_range(model, data, stock, args.calibration),
            "studio": stem_relu6_range(model, data, xnnpack_quantizer(), args.calibration),
        },
        "artifacts": {},
    }
    with tempfile.TemporaryDirectory(prefix="int8-fidelity-") as tmp:
        out = Path(tmp)
        paths = studio_artifacts(model, data, out, args.calibration)
        paths["pte int8 (stock quantizer)"], stock_seconds = stock_pte(
            model, data, out, args.calibration
        )
        result["stock_pte_build_seconds"] = round(stock_seconds, 1)
        for name, path in paths.items():
            outputs, latency = run_artifact(path, heldout)
            result["artifacts"][name] = {
                **fidelity(reference, outputs),
                "size_bytes": path.stat().st_size,
                "host_latency_ms": round(latency, 3),
            }
            print(name, result["artifacts"][name], file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
