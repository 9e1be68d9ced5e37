"""How long a compatibility check takes on resnet18 artifacts (.ptl, .pte with XNNPACK, .onnx).

Prints one JSON object: per artifact kind, the median in-process time to read the
operators and to check them against every bundled runtime, and the median wall time of
the whole `model-studio check ARTIFACT --json` command (process start and imports included).

    python benchmarks/compat_check.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path


def build(folder: Path) -> dict[str, Path]:
    import torch
    import torchvision
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    module = torchvision.models.resnet18(weights=None).eval()
    example = (torch.randn(1, 3, 224, 224),)
    paths = {k: folder / f"resnet18.{k}" for k in ("ptl", "pte", "onnx")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(module)._save_for_lite_interpreter(str(paths["ptl"]))
        torch.onnx.export(module, example, str(paths["onnx"]), dynamo=False, opset_version=17)
    program = torch.export.export(module, example)
    lowered = to_edge_transform_and_lower(program, partitioner=[XnnpackPartitioner()])
    paths["pte"].write_bytes(lowered.to_executorch().buffer)
    return paths


def median_ms(times: list[float]) -> float:
    return round(statistics.median(times) * 1000.0, 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from studio.compat import check, load_profiles, read_operators

    profiles = load_profiles()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, path in build(Path(tmp)).items():
            read_operators(path)  # warm up imports
            read_times, check_times, cli_times = [], [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                ops = read_operators(path)
                read_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                check(ops, profiles)
                check_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "studio", "check", str(path), "--json"],
                    capture_output=True,
                    check=False,
                )
                cli_times.append(time.perf_counter() - started)
            results[kind] = {
                "operators": len(ops.operators),
                "read_ms": median_ms(read_times),
                "check_all_runtimes_ms": median_ms(check_times),
                "cli_wall_ms": median_ms(cli_times),
            }
    print(
        json.dumps(
            {
                "benchmark": "compat_check",
                "model": "resnet18",
                "runtimes": len(profiles),
                "repeat": args.repeat,
                "results": results,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
