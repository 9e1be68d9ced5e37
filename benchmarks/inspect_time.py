"""How long `model-studio inspect` takes on a resnet18 state_dict, end to end and in-process.

Prints one JSON object: the median wall time of the whole command (process start,
imports, format detection, architecture detection, a dry run with FLOP counting)
and of the in-process load + describe.

    python benchmarks/inspect_time.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import torch
    import torchvision

    from studio.model import load_model
    from studio.model.describe import describe

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resnet18.pth"
        torch.save(torchvision.models.resnet18(weights=None).state_dict(), path)
        command = [sys.executable, "-m", "studio", "inspect", str(path), "--json"]
        cli_times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            cli_times.append(time.perf_counter() - started)
        load_times, describe_times = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            model = load_model(path)
            load_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            describe(model)
            describe_times.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "model": "resnet18 state_dict (46.8 MB)",
                "repeat": args.repeat,
                "cli_median_s": round(statistics.median(cli_times), 3),
                "load_median_s": round(statistics.median(load_times), 3),
                "describe_median_s": round(statistics.median(describe_times), 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
