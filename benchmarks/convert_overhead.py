"""Overhead of the studio's conversion pipeline over the bare toolchain calls, per target.

For each target the same model (in memory, so loading is not measured) is converted by
``studio.convert.convert`` with verification off, and by a hand-written script that calls
the toolchains' APIs for the same steps. Each is run ``--repeat`` times, alternating, and
the fastest run of each counts (quick targets are run more often). The last line printed is one JSON object; the target is a
ratio of at most 1.10.

    python benchmarks/convert_overhead.py [--model resnet18] [--size 128] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
import warnings
from pathlib import Path

import torch

TARGETS = ["pt", "ptl", "onnx", "ort", "pte"]
MIN_SECONDS = 5.0  # per side and target, at least
FIXED_RUNS = 30


# --- the hand-written scripts ----------------------------------------------------------------


def bare_pt(model, example, out: Path) -> None:
    torch.jit.save(torch.jit.script(model), str(out / "model.pt"))


def bare_ptl(model, example, out: Path) -> None:
    frozen = torch.jit.freeze(torch.jit.script(model).eval())
    frozen._save_for_lite_interpreter(str(out / "model.ptl"))


def bare_onnx(model, example, out: Path) -> Path:
    import onnx

    program = torch.export.export(model, example)
    onnx_program = torch.onnx.export(program, example, dynamo=True, opset_version=18)
    path = out / "model.onnx"
    onnx.save_model(onnx_program.model_proto, str(path))
    return path


def bare_ort(model, example, out: Path) -> None:
    from onnxruntime.tools.convert_onnx_models_to_ort import (
        OptimizationStyle,
        convert_onnx_models_to_ort,
    )

    path = bare_onnx(model, example, out)
    convert_onnx_models_to_ort(path, output_dir=out, optimization_styles=[OptimizationStyle.Fixed])


def bare_pte(model, example, out: Path) -> None:
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    program = torch.export.export(model, example)
    edge = to_edge_transform_and_lower(program, partitioner=[XnnpackPartitioner()])
    (out / "model.pte").write_bytes(edge.to_executorch().buffer)


BARE = {"pt": bare_pt, "ptl": bare_ptl, "onnx": bare_onnx, "ort": bare_ort, "pte": bare_pte}


# --- the studio -------------------------------------------------------------------------------


def studio_convert(model, shape, target: str, out: Path) -> None:
    from studio.convert import Recipe, convert
    from studio.convert.recipe import OutputSettings, VerifySettings
    from studio.model.inputs import InputSpec

    recipe = Recipe(
        targets=[target],
        input=InputSpec.single(shape),
        output=OutputSettings(folder=str(out), name="model"),
        verify=VerifySettings(enabled=False),
    )
    recipe.model.arch = type(model).__name__
    convert(recipe, model=model)


def timed(function, *args) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            function(*args, Path(folder))
        return time.perf_counter() - started


def main() -> None:
    import contextlib
    import io
    import sys

    import torchvision

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--targets", default=",".join(TARGETS))
    args = parser.parse_args()

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)(weights=None).eval()
    shape = (1, 3, args.size, args.size)
    example = (torch.randn(shape),)
    targets = [t for t in args.targets.split(",") if t]

    # warm up imports and one-time initialisation on both sides
    tiny = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU()).eval()
    tiny_example = (torch.randn(1, 3, 8, 8),)
    with contextlib.redirect_stdout(io.StringIO()):
        for target in targets:
            timed(BARE[target], tiny, tiny_example)
            timed(studio_convert, tiny, (1, 3, 8, 8), target)

    # the pipeline's fixed cost (recipe, staging, atomic publication, report.json) on a
    # model so small that the toolchain's own work is a few milliseconds
    with contextlib.redirect_stdout(io.StringIO()):
        tiny_bare = min(timed(bare_pt, tiny, tiny_example) for _ in range(FIXED_RUNS))
        tiny_studio = min(
            timed(studio_convert, tiny, (1, 3, 8, 8), "pt") for _ in range(FIXED_RUNS)
        )
    fixed_ms = round((tiny_studio - tiny_bare) * 1000, 2)

    results = {}
    for target in targets:
        studio_times, bare_times = [], []
        runs = args.repeat
        while len(bare_times) < runs:
            with contextlib.redirect_stdout(io.StringIO()):
                bare_times.append(timed(BARE[target], model, example))
                studio_times.append(timed(studio_convert, model, shape, target))
            # quick targets get more runs (up to 20), so that scheduling noise on a
            # shared machine does not decide the ratio
            runs = min(20, max(args.repeat, math.ceil(MIN_SECONDS / min(bare_times))))
        studio_s, bare_s = min(studio_times), min(bare_times)
        results[target] = {
            "runs": len(bare_times),
            "studio_s": round(studio_s, 3),
            "bare_s": round(bare_s, 3),
            "ratio": round(studio_s / bare_s, 3),
        }
        print(f"{target}: studio {studio_s:.2f} s, bare {bare_s:.2f} s", file=sys.stderr)
    worst = max(r["ratio"] for r in results.values())
    print(
        json.dumps(
            {
                "benchmark": "convert_overhead",
                "model": args.model,
                "input_shape": list(shape),
                "repeat": args.repeat,
                "verification": "excluded",
                "targets": results,
                "fixed_overhead_ms": fixed_ms,
                "max_ratio": worst,
                "target_ratio": 1.10,
                "ok": worst <= 1.10,
            }
        )
    )


if __name__ == "__main__":
    main()
