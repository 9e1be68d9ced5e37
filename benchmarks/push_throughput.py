"""Push throughput: `model-studio push` against `adb push`, same 100 MB file, same device.

Starts its own adb server on a free port and a virtual device in a separate process,
then times each tool a few times (best of N, interleaved). Prints a JSON object on the
last line: time ratio (studio / adb) for the push function and for the command line.
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def best_of_interleaved(runs: int, actions: dict) -> dict[str, float]:
    """Best time of each action over ``runs`` rounds, the actions taking turns in each
    round (so that a busy moment on a shared machine hits them alike)."""
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=100, help="file size in MB (default 100)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (best is kept)")
    args = parser.parse_args()

    os.environ["ANDROID_ADB_SERVER_PORT"] = str(free_port())
    from studio.devices.adb import (
        adb_binary,
        adb_command,
        default_server,
        kill_server,
        start_server,
    )
    from studio.devices.transfer import push

    server = start_server(default_server())
    device_proc = None
    try:
        device_proc = subprocess.Popen(
            [sys.executable, "-m", "studio", "virtual-device", "--json"],
            stdout=subprocess.PIPE,
            text=True,
        )
        info = json.loads(device_proc.stdout.readline())
        serial = info["serial"]
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "model.bin"
            with open(source, "wb") as f:
                for _ in range(args.mb):
                    f.write(os.urandom(1_000_000))
            size = source.stat().st_size

            def adb_push():
                subprocess.run(
                    adb_command(
                        server, "-s", serial, "push", str(source), "/data/local/tmp/adb-push.bin"
                    ),
                    check=True,
                    capture_output=True,
                )

            def studio_push():
                push(source, serial, dest="/data/local/tmp/studio-push.bin", server=server)

            def studio_cli():
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "studio",
                        "push",
                        str(source),
                        "--device",
                        serial,
                        "--dest",
                        "/data/local/tmp/studio-cli.bin",
                        "--json",
                    ],
                    check=True,
                    capture_output=True,
                )

            adb_push()  # warm up the page cache and the device
            best = best_of_interleaved(
                args.runs, {"adb": adb_push, "api": studio_push, "cli": studio_cli}
            )
            adb_s, api_s, cli_s = best["adb"], best["api"], best["cli"]
        result = {
            "benchmark": "push_throughput",
            "bytes": size,
            "adb": adb_binary(),
            "adb_push_s": round(adb_s, 3),
            "studio_push_s": round(api_s, 3),
            "studio_cli_s": round(cli_s, 3),
            "adb_mb_per_s": round(size / 1e6 / adb_s, 1),
            "studio_mb_per_s": round(size / 1e6 / api_s, 1),
            "ratio": round(api_s / adb_s, 3),
            "cli_ratio": round(cli_s / adb_s, 3),
            "target_ratio": 1.15,
            "note": "ratio: the push function (transfer, SHA-256 check on the device, rename) "
            "against the adb push command; cli_ratio adds the Python start-up of the "
            "model-studio command",
        }
    finally:
        if device_proc is not None:
            device_proc.terminate()
            device_proc.wait(timeout=10)
        kill_server(server)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
