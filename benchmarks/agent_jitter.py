"""Agent jitter: does the agent add outliers of its own to the latency it measures?

A trivial model (a one-node ONNX Relu, or ``--artifact FILE``) is timed three ways with
the same runner (``studio.runtimes``):

- ``tight_loop``: in this process, the monotonic clock read around ``infer`` and nothing
  else (no agent at all) — the floor;
- ``local_agent``: through an agent process on this computer (``spawn_local_agent``);
- ``virtual_device``: through the agent on a virtual device, the real adb server and
  ``adb forward`` (``DeviceBench``, the path a phone takes); ``--no-device`` skips it.

For each: p50, p99, p99/p50, max, and how many samples exceed 10x the median. With
``--diagnose`` the local agent runs with probes (Python's collector callbacks, every
frame it sends, and the timed thread's involuntary context switches read around each
inference) and the report says how many of its outliers coincide with each suspect.
The probes themselves cost time, so figures from a diagnosed run are for attribution,
not comparison. Prints a JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from agent_stream import trivial_model

# Runs inside the diagnosed agent process before the agent starts: it records collections,
# sends and context switches to a file given by the environment.
PROBES = r"""
import gc, os, resource, sys, threading, time
from studio.agent import protocol
clock = time.perf_counter_ns
out = open(os.environ["JITTER_PROBE_FILE"], "w", buffering=1)
started = {}
def on_gc(phase, info):
    if phase == "start":
        started[info["generation"]] = clock()
    else:
        out.write(f"gc {info['generation']} {started.pop(info['generation'], 0)} {clock()}\n")
gc.callbacks.append(on_gc)
send = protocol.Channel.send
def probed_send(self, message):
    t0 = clock()
    send(self, message)
    out.write(f"send {message.get('type')} {t0} {clock()} {threading.get_ident()}\n")
protocol.Channel.send = probed_send
from studio.runtimes import base
def wrap(cls):
    infer = cls.infer
    def probed_infer(self, inputs):
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw
        t0 = clock()
        result = infer(self, inputs)
        t1 = clock()
        switched = resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw - before
        if switched:
            out.write(f"preempted {switched} {t0} {t1}\n")
        return result
    cls.infer = probed_infer
import studio.runtimes as runtimes
for name in list(runtimes.RUNTIMES):
    try:
        wrap(runtimes.runner_class(name))
    except Exception:
        pass
from studio.cli import main
sys.exit(main(sys.argv[1:]))
"""


def figures(latencies_us: np.ndarray) -> dict:
    """p50, p99, their ratio, max and the outliers above 10x the median (times in µs)."""
    values = np.asarray(latencies_us, dtype=np.float64)
    p50, p99 = (float(v) for v in np.percentile(values, [50, 99]))
    outliers = np.nonzero(values > 10 * p50)[0]
    gaps = np.diff(outliers)
    return {
        "count": int(len(values)),
        "p50_us": round(p50, 2),
        "p99_us": round(p99, 2),
        "p99_over_p50": round(p99 / p50, 2),
        "max_us": round(float(values.max()), 1),
        "over_10x_median": int(len(outliers)),
        "outlier_spacing_median": float(np.median(gaps)) if len(gaps) else None,
    }


def tight_loop(model: Path, runtime: str, threads: int | None, count: int, warmup: int) -> dict:
    from studio.model.inputs import random_inputs, runner_spec
    from studio.runtimes import runner_class

    runner = runner_class(runtime).open(model, threads)
    inputs = random_inputs(runner_spec(runner.inputs, None), 1, 0).inputs[0]
    infer, clock = runner.infer, time.perf_counter_ns
    for _ in range(warmup):
        infer(inputs)
    stamps = np.zeros((count, 2), dtype=np.int64)
    for i in range(count):
        start = clock()
        infer(inputs)
        stamps[i, 1] = clock()
        stamps[i, 0] = start
    runner.close()
    return figures((stamps[:, 1] - stamps[:, 0]) / 1000.0)


def through(conn, name: str, runtime: str, threads: int | None, count: int, warmup: int):
    conn.load(name, runtime, threads)
    chunks = []
    summary = conn.run(chunks.append, warmup=warmup, iterations=count)
    conn.unload()
    rows = np.concatenate(chunks)
    assert len(rows) == summary["count"] == count, "samples were lost"
    return rows


def spawn_probed_agent(root: Path, probe_file: Path):
    """An agent on this computer with the probes of :data:`PROBES` (its own process)."""
    import secrets

    from studio.agent.local import LocalAgent

    token = secrets.token_hex(16)
    env = dict(os.environ, JITTER_PROBE_FILE=str(probe_file))
    command = [sys.executable, "-c", PROBES, "agent", "--port", "0", "--token", token]
    process = subprocess.Popen(
        [*command, "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    line = process.stdout.readline().decode("utf-8", "replace")
    if "listening on" not in line:
        process.kill()
        raise SystemExit(f"the probed agent did not start: {line.strip()}")
    return LocalAgent(process, int(line.rsplit(":", 1)[1]), token, root)


def attribute(rows: np.ndarray, probe_file: Path) -> dict:
    """Which suspects overlap the outliers of a probed run (rows: index, latency_us, t_us)."""
    gcs, sends, preempted = [], [], []
    send_threads: set[str] = set()
    for line in probe_file.read_text().splitlines():
        parts = line.split()
        if parts[0] == "gc":
            gcs.append((int(parts[1]), int(parts[2]), int(parts[3])))
        elif parts[0] == "send":
            sends.append((parts[1], int(parts[2]), int(parts[3])))
            send_threads.add(parts[4])
        elif parts[0] == "preempted":
            preempted.append((int(parts[2]), int(parts[3])))
    start_ns = rows[:, 2] * 1000.0
    end_ns = start_ns + rows[:, 1] * 1000.0
    median = float(np.median(rows[:, 1]))
    outliers = np.nonzero(rows[:, 1] > 10 * median)[0]
    t0, t1 = start_ns[0], end_ns[-1]

    def overlapping(spans) -> int:
        return sum(any(a < end_ns[i] and b > start_ns[i] for a, b in spans) for i in outliers)

    in_run = [g for g in gcs if t0 <= g[1] <= t1]
    return {
        "outliers": int(len(outliers)),
        "with_a_collection": overlapping([(a, b) for _g, a, b in in_run]),
        "with_a_send": overlapping([(a, b) for _k, a, b in sends]),
        "with_a_preemption": overlapping(preempted),
        "collections_during_run": {str(g): sum(1 for x in in_run if x[0] == g) for g in (0, 1, 2)},
        "collection_max_us": {
            str(g): round(max(((b - a) / 1000 for x, a, b in in_run if x == g), default=0.0), 1)
            for g in (0, 1, 2)
        },
        "send_max_us": round(max(((b - a) / 1000 for _k, a, b in sends), default=0.0), 1),
        # the share of the run's time some thread was sending: what chance alone would give
        "send_time_share": round(
            sum(min(b, t1) - max(a, t0) for _k, a, b in sends if b > t0 and a < t1) / (t1 - t0), 4
        ),
        "outlier_share_with_a_send": round(
            overlapping([(a, b) for _k, a, b in sends]) / max(1, len(outliers)), 3
        ),
        "sending_threads": len(send_threads),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artifact", help="a model to time instead of the one-node ONNX model")
    parser.add_argument("--runtime", default="auto")
    parser.add_argument("--threads", type=int, default=1, help="0: the runtime's default")
    parser.add_argument("--iterations", type=int, default=20000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--no-device", action="store_true", help="skip the virtual device")
    parser.add_argument("--diagnose", action="store_true", help="attribute the outliers")
    args = parser.parse_args()

    from studio.agent.connection import AgentConnection
    from studio.agent.local import spawn_local_agent
    from studio.runtimes import runtime_for

    result = {"benchmark": "agent_jitter", "iterations": args.iterations, "threads": args.threads}
    with tempfile.TemporaryDirectory(prefix="agent-jitter-") as tmp:
        folder = Path(tmp)
        if args.artifact:
            model = folder / Path(args.artifact).name
            model.write_bytes(Path(args.artifact).read_bytes())
        else:
            model = trivial_model(folder)
        runtime = runtime_for(model) if args.runtime == "auto" else args.runtime
        result["model"], result["runtime"] = model.name, runtime
        n, warm, threads = args.iterations, args.warmup, args.threads or None

        result["tight_loop"] = tight_loop(model, runtime, threads, n, warm)
        print(f"tight loop: {result['tight_loop']}", file=sys.stderr, flush=True)

        with (
            spawn_local_agent(folder) as agent,
            AgentConnection("127.0.0.1", agent.port, agent.token) as conn,
        ):
            rows = through(conn, model.name, runtime, threads, n, warm)
        result["local_agent"] = figures(rows[:, 1])
        print(f"local agent: {result['local_agent']}", file=sys.stderr, flush=True)

        if args.diagnose:
            probe_file = folder / "probes.txt"
            with (
                spawn_probed_agent(folder, probe_file) as agent,
                AgentConnection("127.0.0.1", agent.port, agent.token) as conn,
            ):
                rows = through(conn, model.name, runtime, threads, n, warm)
            result["diagnosed_local_agent"] = {
                **figures(rows[:, 1]),
                "attribution": attribute(rows, probe_file),
            }
            print(f"diagnosed: {result['diagnosed_local_agent']}", file=sys.stderr, flush=True)

        if not args.no_device:
            from studio.agent.bench import DeviceBench
            from studio.agent.results import BenchConfig
            from studio.devices.adb import AdbServer, kill_server, start_server
            from studio.devices.virtual import VirtualDevice

            server = start_server(AdbServer("127.0.0.1", free_port()))
            os.environ["ANDROID_ADB_SERVER_PORT"] = str(server.port)
            device = VirtualDevice(adb_server=server)
            try:
                serial = device.start()
                config = BenchConfig(runtime=runtime, threads=threads, warmup=warm, iterations=n)
                bench = DeviceBench(serial, model, config, server=server).run()
                if bench.error:
                    raise SystemExit(bench.error.one_line())
                result["virtual_device"] = figures(bench.series.arrays()[1])
            finally:
                device.stop()
                kill_server(server)
            print(f"virtual device: {result['virtual_device']}", file=sys.stderr, flush=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
