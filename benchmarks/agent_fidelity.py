"""Agent fidelity: does the agent's latency match a tight loop of the same runner in-process?

Converts MobileNetV3-small (random weights) to ONNX and ExecuTorch, then for each
artifact measures the median latency of ``runner.infer`` in a tight in-process loop and
through a local agent (a separate process, the same runner, model and thread count),
interleaved in rounds so a busy moment on a shared machine hits both alike. Target: the
agent's median within 5% of the in-process one. Prints a JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def convert_models(folder: Path, targets: list[str]) -> list[Path]:
    import torchvision

    from studio.convert import Recipe, convert
    from studio.convert.recipe import ModelSource, OutputSettings, VerifySettings
    from studio.model.inputs import InputSpec

    model = torchvision.models.mobilenet_v3_small(weights=None).eval()
    recipe = Recipe(
        model=ModelSource(arch="mobilenet_v3_small"),
        input=InputSpec.single((1, 3, 224, 224)),
        targets=targets,
        verify=VerifySettings(enabled=False),
        output=OutputSettings(folder=str(folder), name="mobilenet_v3_small"),
    )
    report = convert(recipe, model=model)
    return [Path(a.path) for a in report.artifacts]


def in_process_median(path: Path, threads: int, iterations: int, warmup: int) -> float:
    from studio.model.inputs import InputSpec, TensorSpec, random_inputs
    from studio.runtimes import open_runner

    runner = open_runner(path, threads)
    spec = InputSpec(tuple(TensorSpec(t.name, tuple(t.shape), t.dtype) for t in runner.inputs))
    inputs = random_inputs(spec, 1, 0).inputs[0]
    for _ in range(warmup):
        runner.infer(inputs)
    times = []
    clock = time.perf_counter_ns
    for _ in range(iterations):
        start = clock()
        runner.infer(inputs)
        times.append((clock() - start) / 1e3)
    runner.close()
    return float(np.median(times))


def agent_median(conn, path: Path, threads: int, iterations: int, warmup: int) -> float:
    conn.load(path.name, threads=threads)
    latencies = []
    conn.run(lambda rows: latencies.extend(rows[:, 1]), warmup=warmup, iterations=iterations)
    conn.unload()
    return float(np.median(latencies))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", default="onnx,pte")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from studio.agent.client import AgentConnection
    from studio.agent.local import spawn_local_agent

    with tempfile.TemporaryDirectory(prefix="agent-fidelity-") as tmp:
        folder = Path(tmp)
        artifacts = convert_models(folder, args.targets.split(","))
        results = {}
        with spawn_local_agent(folder) as agent:
            conn = AgentConnection("127.0.0.1", agent.port, agent.token)
            for path in artifacts:
                local, remote = [], []
                for _ in range(args.rounds):
                    local.append(
                        in_process_median(path, args.threads, args.iterations, args.warmup)
                    )
                    remote.append(
                        agent_median(conn, path, args.threads, args.iterations, args.warmup)
                    )
                local_us, agent_us = statistics.median(local), statistics.median(remote)
                results[path.suffix.lstrip(".")] = {
                    "in_process_median_ms": round(local_us / 1e3, 4),
                    "agent_median_ms": round(agent_us / 1e3, 4),
                    "difference_pct": round(100 * (agent_us - local_us) / local_us, 2),
                    "rounds_in_process_ms": [round(v / 1e3, 4) for v in local],
                    "rounds_agent_ms": [round(v / 1e3, 4) for v in remote],
                }
                print(
                    f"{path.name}: in-process {local_us / 1e3:.3f} ms, "
                    f"agent {agent_us / 1e3:.3f} ms",
                    flush=True,
                )
            conn.close()
    worst = max(abs(r["difference_pct"]) for r in results.values())
    print(
        json.dumps(
            {
                "benchmark": "agent_fidelity",
                "model": "mobilenet_v3_small",
                "threads": args.threads,
                "iterations": args.iterations,
                "rounds": args.rounds,
                "runtimes": results,
                "worst_difference_pct": worst,
                "target_pct": 5.0,
                "within_target": worst <= 5.0,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
