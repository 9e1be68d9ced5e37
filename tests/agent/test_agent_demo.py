"""``model-studio demo`` from scratch: its own adb server, a virtual phone, and cleanup."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_demo_runs_the_whole_flow_and_cleans_up(tmp_path):
    port = free_port()
    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(port))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio",
            "demo",
            "--json",
            "--iterations",
            "30",
            "--output",
            str(tmp_path / "demo"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    assert doc["passed"] is True
    targets = sorted(a["target"] for a in doc["conversion"]["artifacts"])
    assert targets == ["pte", "ptl"]
    assert all(a["quantize"] == "static" for a in doc["conversion"]["artifacts"])
    assert all(Path(a["path"]).is_file() for a in doc["conversion"]["artifacts"])
    assert len(doc["compat"]) == 2 and all(e["runtimes"] for e in doc["compat"])
    runs = doc["bench"]["runs"]
    assert sorted(r["runtime"] for r in runs) == ["executorch", "pytorch-lite"]
    assert all(r["samples"] == 30 and r["stats"]["p50_ms"] > 0 for r in runs)
    assert doc["device"]["adb_server_started"] is True
    saved = json.loads(Path(doc["results"]["json"]).read_text())
    assert saved["bench"] == doc["bench"]
    assert len(Path(doc["results"]["csv"]).read_text().splitlines()) == 1 + 60
    # bench.csv says which run, artifact and runtime each sample is of, and that the
    # device was virtual
    with open(doc["results"]["csv"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["virtual"] for r in rows} == {"true"}
    suffix = {"executorch": ".pte", "pytorch-lite": ".ptl"}
    runs_in_csv = {(r["run"], r["runtime"], Path(r["artifact"]).suffix) for r in rows}
    assert sorted(run for run, _, _ in runs_in_csv) == ["1", "2"]
    assert all(suffix[runtime] == kind for _, runtime, kind in runs_in_csv)
    assert all(r["virtual"] is True for r in runs)
    # it stopped the adb server it started, and the virtual phone with it
    assert not listening(port)
    serial_port = int(doc["device"]["serial"].rsplit(":", 1)[1])
    assert not listening(serial_port)
