"""Agent streaming: a trivial model at the highest rate; samples per second delivered, none lost.

A one-node ONNX model (Relu on 4 floats) runs as fast as the agent can time it for a
few seconds; the client counts what arrives and checks it against the agent's summary
(every index present, in order). Measured twice: to a local agent directly, and to an
agent on a virtual device through the real adb server and ``adb forward`` (the path a
phone takes). Prints a JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import tempfile
import time
from pathlib import Path

import numpy as np


def trivial_model(folder: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "trivial", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = folder / "trivial.onnx"
    onnx.save(model, path)
    return path


def stream(conn, name: str, seconds: float) -> dict:
    conn.load(name, threads=1)
    chunks = []
    frames = [0]

    def on_rows(rows):
        frames[0] += 1
        chunks.append(rows)

    started = time.perf_counter()
    summary = conn.run(on_rows, warmup=100, duration_s=seconds)
    elapsed = time.perf_counter() - started
    conn.unload()
    rows = np.concatenate(chunks) if chunks else np.zeros((0, 3))
    indexes = rows[:, 0].astype(np.int64)
    complete = bool(
        len(indexes) == summary["count"] and np.array_equal(indexes, np.arange(summary["count"]))
    )
    return {
        "samples_sent": summary["count"],
        "samples_received": int(len(rows)),
        "lost": int(summary["count"] - len(rows)),
        "complete_and_in_order": complete,
        "frames": frames[0],
        "samples_per_s": round(len(rows) / elapsed, 1),
        "agent_inferences_per_s": summary["stats"]["throughput"],
        "median_latency_us": round(float(np.median(rows[:, 1])), 3) if len(rows) else None,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--no-device", action="store_true", help="skip the run through a virtual device and adb"
    )
    args = parser.parse_args()

    from studio.agent.connection import AgentConnection
    from studio.agent.deployment import AGENT_DIR, ensure_agent, remove_forward
    from studio.agent.local import spawn_local_agent

    result = {"benchmark": "agent_stream", "seconds": args.seconds}
    with tempfile.TemporaryDirectory(prefix="agent-stream-") as tmp:
        folder = Path(tmp)
        model = trivial_model(folder)
        with spawn_local_agent(folder) as agent:
            conn = AgentConnection("127.0.0.1", agent.port, agent.token)
            with conn:
                result["local"] = stream(conn, model.name, args.seconds)
        print(f"local: {result['local']}", flush=True)

        if not args.no_device:
            from studio.devices.adb import AdbServer, kill_server, start_server
            from studio.devices.transfer import push
            from studio.devices.virtual import VirtualDevice

            server = start_server(AdbServer("127.0.0.1", free_port()))
            os.environ["ANDROID_ADB_SERVER_PORT"] = str(server.port)
            device = VirtualDevice(adb_server=server)
            try:
                serial = device.start()
                push(model, serial, dest=f"{AGENT_DIR}/{model.name}", server=server)
                endpoint = ensure_agent(serial, server)
                try:
                    with endpoint.connect() as conn:
                        result["virtual_device_adb_forward"] = stream(
                            conn, model.name, args.seconds
                        )
                finally:
                    remove_forward(serial, endpoint.local_port, server)
            finally:
                device.stop()
                kill_server(server)
            print(f"virtual device: {result['virtual_device_adb_forward']}", flush=True)
    runs = [v for k, v in result.items() if isinstance(v, dict)]
    result["none_lost"] = all(r["lost"] == 0 and r["complete_and_in_order"] for r in runs)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
