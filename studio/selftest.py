"""``model-studio --self-test``: prove that this installation works, headless.

Runs, in order: the bundled resources are there; the bundled adb runs; torch
computes on the CPU; the model
worker (``model-studio worker``, as the window starts it) answers a job on the sample
model; the window opens and closes offscreen, and a plot like the Latency tab's is
painted thousands of times (each in a child process, so a broken Qt install fails one
check rather than the whole test); and the demo flow — convert the
sample model, check it, start a virtual phone, push and benchmark there. Prints one
JSON document (``passed`` and one entry per check) and exits 0 when every check
passed, 1 otherwise. Every installer build is smoke-tested with it, and it works the
same from a Python environment.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from studio import __version__
from studio.errors import EXIT_OK, EXIT_VERDICT
from studio.launcher import frozen, studio_command

# A child started by the window check runs only the checks named here.
ONLY_ENV = "MODEL_STUDIO_SELF_TEST_ONLY"
CHILD_TIMEOUT = 180.0
DEMO_ITERATIONS = 50
# Enough renders that a Qt losing references as it paints aborts (a leaking build
# aborts within a hundred), as it would after a few benchmarks on the Latency tab.
PLOT_RENDERS = 2000


class CheckFailed(Exception):
    """A check's plain-language reason for failing."""


def check_resources(work: Path) -> dict:
    from studio.model.sample import images_dir, weights_path
    from studio.paths import resources_dir

    root = resources_dir()
    missing = [str(p) for p in (weights_path(), images_dir(), root / "runtimes") if not p.exists()]
    if missing:
        raise CheckFailed(f"missing from {root}: {', '.join(missing)}")
    return {"resources": str(root)}


def check_adb(work: Path) -> dict:
    from studio.devices.adb import adb_binary

    binary = adb_binary()
    done = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30)
    first = (done.stdout or "").splitlines()[:1]
    if done.returncode != 0 or not first:
        raise CheckFailed(f"{binary} version exited {done.returncode}: {done.stderr.strip()}")
    return {"adb": str(binary), "version": first[0].strip()}


def check_torch(work: Path) -> dict:
    """torch loads and computes on the CPU (the bundle carries no CUDA libraries)."""
    import torch

    product = torch.ones(8, 8) @ torch.ones(8, 8)
    if float(product.sum()) != 8 * 8 * 8:
        raise CheckFailed(f"torch computed {float(product.sum())} instead of 512")
    return {"torch": torch.__version__, "cuda_available": bool(torch.cuda.is_available())}


def check_worker(work: Path) -> dict:
    """The worker process answers an ``inspect`` of the sample model."""
    from studio.jobs import protocol
    from studio.model.sample import weights_path

    command = studio_command("worker")
    proc = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        proc.stdin.write(
            protocol.encode(protocol.request(1, "inspect", {"path": str(weights_path())}))
        )
        proc.stdin.flush()
        deadline = time.monotonic() + CHILD_TIMEOUT
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                raise CheckFailed(f"the worker exited ({proc.wait(10)}) before it answered")
            message = protocol.decode(line)
            if message.get("id") != 1:
                continue
            if message.get("event") == protocol.ERROR:
                raise CheckFailed(f"the worker failed: {message['error'].get('message')}")
            if message.get("event") == protocol.RESULT:
                result = message["result"]
                if not result.get("runnable"):
                    raise CheckFailed("the worker loaded the sample model but cannot run it")
                return {"command": command[0], "architecture": result.get("architecture")}
        raise CheckFailed(f"the worker did not answer within {CHILD_TIMEOUT:.0f} s")
    finally:
        proc.stdin.close()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _in_child(name: str) -> dict:
    """Run the child check ``name`` offscreen in a child process: its facts, or why it
    failed (a Qt that aborts the process fails this check, not the whole test)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{ONLY_ENV: name})
    done = subprocess.run(
        studio_command("--self-test"),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=env,
    )
    try:
        doc = json.loads(done.stdout[done.stdout.index("{") :])
        (entry,) = doc["checks"]
    except (ValueError, IndexError, KeyError):
        raise CheckFailed(
            f"the {name} check exited {done.returncode}: {done.stderr.strip()[-600:]}"
        ) from None
    if not entry["passed"]:
        raise CheckFailed(entry["error"])
    return entry["facts"]


def check_window(work: Path) -> dict:
    """The main window opens and closes offscreen, in a child process."""
    return _in_child("window-here")


def check_plots(work: Path) -> dict:
    """Qt paints plots like the Latency tab's thousands of times, in a child process."""
    return _in_child("plots-here")


def check_window_here(work: Path) -> dict:
    from studio.ui.app import create_app
    from studio.ui.main_window import MainWindow

    app = create_app()
    window = MainWindow()
    window.show()
    app.processEvents()
    title = window.windowTitle()
    platform_name = app.platformName()
    window.close()
    app.processEvents()
    return {"title": title, "qt_platform": platform_name}


def check_plots_here(work: Path) -> dict:
    from studio.ui.app import create_app
    from studio.ui.qt_health import QtUnusable, check_painting, stress_plots

    create_app()
    try:
        lost = check_painting()
    except QtUnusable as exc:
        raise CheckFailed(exc.one_line()) from None
    return {"probe_none_references_lost": lost, **stress_plots(PLOT_RENDERS)}


def check_demo(work: Path) -> dict:
    """Convert, check, push and benchmark the sample model on a virtual phone."""
    from studio.demo import run_demo

    doc = run_demo(work / "demo", iterations=DEMO_ITERATIONS, warmup=5)
    runs = doc["bench"]["runs"]
    facts = {
        "conversion": doc["conversion"]["verdict"],
        "artifacts": [Path(a["path"]).name for a in doc["conversion"]["artifacts"]],
        "device": doc["device"]["profile"],
        "p50_ms": {Path(r["artifact"]).name: r["stats"]["p50_ms"] for r in runs},
    }
    if not doc["passed"]:
        raise CheckFailed(f"the demo flow failed: {json.dumps(facts)}")
    return facts


CHECKS: dict[str, Callable[[Path], dict]] = {
    "resources": check_resources,
    "adb": check_adb,
    "torch": check_torch,
    "worker": check_worker,
    "window": check_window,
    "plots": check_plots,
    "demo": check_demo,
}
CHILD_CHECKS = {"window-here": check_window_here, "plots-here": check_plots_here}


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_checks(names: list[str], work: Path) -> list[dict]:
    results = []
    every = {**CHECKS, **CHILD_CHECKS}
    for name in names:
        started = time.monotonic()
        entry: dict = {"name": name}
        try:
            entry["facts"] = every[name](work)
            entry["passed"] = True
        except Exception as exc:
            entry["passed"] = False
            entry["error"] = (
                str(exc) if isinstance(exc, CheckFailed) else (f"{type(exc).__name__}: {exc}")
            )
            if not isinstance(exc, CheckFailed):
                entry["traceback"] = traceback.format_exc(limit=-8)
        entry["seconds"] = round(time.monotonic() - started, 2)
        results.append(entry)
    return results


def self_test(names: list[str] | None = None) -> dict:
    """Run the checks (all by default) in a fresh temporary folder; the verdict document."""
    started = time.monotonic()
    names = names or list(CHECKS)
    # A headless machine has no display: nothing here may need one. A private adb
    # server, so the test neither disturbs nor depends on the user's. (Set for the
    # checks and the processes they start; restored afterwards.)
    defaults = {"QT_QPA_PLATFORM": "offscreen", "ANDROID_ADB_SERVER_PORT": str(_free_port())}
    added = [name for name in defaults if name not in os.environ]
    os.environ.update({name: defaults[name] for name in added})
    try:
        with tempfile.TemporaryDirectory(prefix="model-studio-self-test-") as folder:
            checks = run_checks(names, Path(folder))
    finally:
        for name in added:
            os.environ.pop(name, None)
    return {
        "self_test": "model-studio",
        "version": __version__,
        "frozen": frozen(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "passed": all(entry["passed"] for entry in checks),
        "checks": checks,
        "seconds": round(time.monotonic() - started, 2),
    }


def main() -> int:
    only = os.environ.pop(ONLY_ENV, None)
    doc = self_test(only.split(",") if only else None)
    print(json.dumps(doc, indent=1), flush=True)
    return EXIT_OK if doc["passed"] else EXIT_VERDICT
