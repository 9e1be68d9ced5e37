"""Agent fidelity: does the agent's latency match a tight loop of the same runner?

Converts MobileNetV3-small (random weights) to ONNX and ExecuTorch. For each artifact,
two processes hold the same runner, model and thread count: a tight-loop worker (this
script with ``--loop``: time ``runner.infer`` and nothing else) and a local agent. They
take turns in small chunks (``--chunk`` inferences each, ``--chunks`` turns), so that
load from other programs on a shared machine falls on both alike; then the medians of
all their samples are compared. Target: the agent within 5% of the tight loop.
Prints a JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
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


def loop_worker(path: Path, threads: int) -> int:
    """Serve chunks on stdin/stdout: a line "N" in, N latencies (µs) as JSON out."""
    from studio.model.inputs import runner_inputs
    from studio.runtimes import open_runner

    runner = open_runner(path, threads)
    inputs = runner_inputs(runner.inputs).inputs[0]
    infer, clock = runner.infer, time.perf_counter_ns
    print("ready", flush=True)
    for line in sys.stdin:
        count = int(line)
        times = []
        for _ in range(count):
            start = clock()
            infer(inputs)
            times.append((clock() - start) / 1e3)
        print(json.dumps(times), flush=True)
    return 0


class LoopWorker:
    def __init__(self, path: Path, threads: int):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--loop", str(path), "--threads", str(threads)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "ready"

    def run(self, count: int) -> list[float]:
        self.proc.stdin.write(f"{count}\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


def compare(conn, path: Path, threads: int, chunk: int, chunks: int, warmup: int) -> dict:
    worker = LoopWorker(path, threads)
    conn.load(path.name, threads=threads)
    worker.run(warmup)
    conn.run(lambda rows: None, iterations=warmup)
    loop, agent = [], []
    try:
        for turn in range(chunks):  # who goes first alternates, so neither gains by place
            if turn % 2:
                conn.run(lambda rows: agent.extend(rows[:, 1]), iterations=chunk)
                loop.extend(worker.run(chunk))
            else:
                loop.extend(worker.run(chunk))
                conn.run(lambda rows: agent.extend(rows[:, 1]), iterations=chunk)
    finally:
        worker.close()
        conn.unload()
    loop_us, agent_us = float(np.median(loop)), float(np.median(agent))
    loop_p10, agent_p10 = float(np.percentile(loop, 10)), float(np.percentile(agent, 10))
    return {
        "tight_loop_median_ms": round(loop_us / 1e3, 4),
        "agent_median_ms": round(agent_us / 1e3, 4),
        "difference_pct": round(100 * (agent_us - loop_us) / loop_us, 2),
        # the 10th percentile: the least disturbed samples, for a machine under other load
        "tight_loop_p10_ms": round(loop_p10 / 1e3, 4),
        "agent_p10_ms": round(agent_p10 / 1e3, 4),
        "p10_difference_pct": round(100 * (agent_p10 - loop_p10) / loop_p10, 2),
        "samples_each": len(loop),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", default="onnx,pte")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=10)
    parser.add_argument("--chunks", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--loop", metavar="ARTIFACT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop:
        return loop_worker(Path(args.loop), args.threads)

    from studio.agent.connection import AgentConnection
    from studio.agent.local import spawn_local_agent

    with tempfile.TemporaryDirectory(prefix="agent-fidelity-") as tmp:
        folder = Path(tmp)
        artifacts = convert_models(folder, args.targets.split(","))
        results = {}
        with spawn_local_agent(folder) as agent:
            conn = AgentConnection("127.0.0.1", agent.port, agent.token)
            with conn:
                for path in artifacts:
                    entry = compare(conn, path, args.threads, args.chunk, args.chunks, args.warmup)
                    results[path.suffix.lstrip(".")] = entry
                    print(f"{path.name}: {entry}", flush=True)
    worst = max(abs(r["difference_pct"]) for r in results.values())
    print(
        json.dumps(
            {
                "benchmark": "agent_fidelity",
                "model": "mobilenet_v3_small",
                "threads": args.threads,
                "chunk": args.chunk,
                "chunks": args.chunks,
                "runtimes": results,
                "worst_difference_pct": worst,
                "worst_p10_difference_pct": max(
                    abs(r["p10_difference_pct"]) for r in results.values()
                ),
                "target_pct": 5.0,
                "within_target": worst <= 5.0,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
