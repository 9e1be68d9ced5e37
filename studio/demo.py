"""The whole flow, headless, on the bundled sample model and a virtual device.

    doc = run_demo(progress=print_progress)
    doc["bench"]["runs"][0]["stats"]["p90_ms"]

Converts the digits sample to ExecuTorch (.pte) and PyTorch Lite (.ptl) with int8
quantization calibrated on the bundled digit scans, checks both against the runtime
profiles, starts a virtual phone (and an adb server when none runs), pushes and
benchmarks each artifact there, and writes the results beside the artifacts. The
virtual phone and any adb server it started are gone when it returns. The returned
document is what ``model-studio demo --json`` prints (and what a self-test can check).
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from studio.progress import CancelToken, Progress, ProgressEvent, no_progress

TARGETS = ("pte", "ptl")


def default_output() -> Path:
    from studio.paths import data_dir

    return Path(data_dir()) / "demo" / time.strftime("%Y%m%d-%H%M%S")


def run_demo(
    output: str | Path | None = None,
    iterations: int = 200,
    warmup: int = 10,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> dict:
    from studio.agent.bench import DeviceBench
    from studio.agent.export import write_results
    from studio.agent.results import BenchConfig, results_document
    from studio.compat import check, detect_kind, runtimes_to_check
    from studio.convert import Recipe, convert
    from studio.convert.recipe import ModelSource, OutputSettings, QuantizeSettings
    from studio.devices.adb import default_server, kill_server, server_running, start_server
    from studio.devices.virtual import VirtualDevice
    from studio.fileio import write_text_atomic
    from studio.model.sample import images_dir, weights_path

    cancel = cancel or CancelToken()
    started = time.monotonic()
    folder = Path(output) if output else default_output()
    folder.mkdir(parents=True, exist_ok=True)

    def say(stage: str, message: str) -> None:
        progress(ProgressEvent(stage, None, message))

    doc: dict = {"output_folder": str(folder), "steps": []}

    def step(name: str, **facts) -> None:
        doc["steps"].append(
            {"step": name, "seconds": round(time.monotonic() - started, 2), **facts}
        )

    # 1. convert
    say(
        "convert",
        "converting the digits sample to .pte and .ptl (int8, calibrated on "
        "the bundled digit scans)",
    )
    recipe = Recipe(
        model=ModelSource(path=str(weights_path())),
        targets=list(TARGETS),
        quantize=QuantizeSettings(mode="static", calibration=str(images_dir())),
        output=OutputSettings(folder=str(folder)),
    )
    report = convert(recipe, progress=progress, cancel=cancel)
    artifacts = [Path(a.path) for a in report.artifacts]
    doc["conversion"] = {
        "verdict": report.verdict,
        "report": str(report.report_path) if report.report_path else None,
        "artifacts": [
            {
                "path": str(a.path),
                "target": a.target,
                "quantize": a.quantize,
                "size_bytes": a.size_bytes,
                "verdict": a.verdict,
            }
            for a in report.artifacts
        ],
    }
    step("convert", verdict=report.verdict, artifacts=[str(p) for p in artifacts])
    cancel.check()

    # 2. compatibility
    doc["compat"] = []
    for artifact in artifacts:
        verdicts = check(artifact, runtimes_to_check(detect_kind(artifact)))
        entry = {
            "artifact": str(artifact),
            "runtimes": {r.name: r.verdict for r in verdicts.runtimes},
        }
        doc["compat"].append(entry)
        say(
            "check",
            f"{artifact.name}: " + ", ".join(f"{n} {v}" for n, v in entry["runtimes"].items()),
        )
    step("check")
    cancel.check()

    # 3. a virtual phone (and an adb server, when none runs)
    server = default_server()
    started_server = not server_running(server)
    if started_server:
        say("device", f"starting an adb server on port {server.port}")
        start_server(server)
    device = None
    try:
        device = VirtualDevice(adb_server=server)
        serial = device.start()
        say(
            "device",
            f"virtual {device.profile.prop('ro.product.model', 'phone')} attached as {serial}",
        )
        doc["device"] = {
            "serial": serial,
            "profile": device.profile.name,
            "adb_server": server.address,
            "adb_server_started": started_server,
        }
        step("device", serial=serial)

        # 4. push and benchmark
        results = []
        config = BenchConfig(warmup=warmup, iterations=iterations)
        for artifact in artifacts:
            cancel.check()
            say("bench", f"pushing and benchmarking {artifact.name} ({iterations} runs)")
            result = DeviceBench(serial, artifact, config, server=server).run()
            if result.error is not None:
                raise result.error
            s = result.stats
            say(
                "bench",
                f"{artifact.name} on {result.runtime}: p50 {s.p50_ms:.3f} ms, "
                f"p90 {s.p90_ms:.3f} ms, p99 {s.p99_ms:.3f} ms over {s.count} runs",
            )
            results.append(result)
        step("bench")
    finally:
        if device is not None:
            device.stop()
        if started_server:
            with contextlib.suppress(Exception):
                kill_server(server)
            deadline = time.monotonic() + 10
            while server_running(server, timeout=0.2) and time.monotonic() < deadline:
                time.sleep(0.1)
    doc["bench"] = results_document(results)
    csv_path = write_results(results, folder / "bench.csv")
    json_path = folder / "demo.json"
    doc["results"] = {"csv": str(csv_path), "json": str(json_path)}
    doc["passed"] = report.verdict != "fail" and doc["bench"]["passed"]
    doc["seconds"] = round(time.monotonic() - started, 2)
    write_text_atomic(json_path, json.dumps(doc, indent=1) + "\n")
    say("done", f"results in {folder}")
    return doc
