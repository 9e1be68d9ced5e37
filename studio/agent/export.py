"""Benchmark results written to files: CSV (one row per sample) and JSON (one entry per run).

    write_results(results, "latency.csv")

One writer for the Latency tab, ``model-studio bench --export`` and the demo's
``bench.csv``. Every row and every run says where and how it was measured: the device,
its name and whether it is virtual (numbers from a virtual device on this computer are
not a phone's), the artifact, the runtime and its version, the threads, the cores it was
allowed to run on and the studio's version. The CSV repeats those on each row, so a
spreadsheet's filter or ``pandas.read_csv(path).groupby("run")`` tells runs apart
without parsing a header.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from studio import __version__
from studio.agent.results import BenchResult
from studio.agent.telemetry_export import has_telemetry, telemetry_csv_text, telemetry_path
from studio.agent.together import sample_phases
from studio.fileio import write_text_atomic

RUN_COLUMNS = (
    "run",
    "device",
    "device_name",
    "virtual",
    "artifact",
    "runtime",
    "runtime_version",
    "threads",
    "cores",
    "verification",  # bench --verify: the verdict on the device's outputs, else empty
    "studio_version",
)
SAMPLE_COLUMNS = ("index", "latency_ms", "t_ms")
CSV_COLUMNS = RUN_COLUMNS + SAMPLE_COLUMNS


def run_columns(result: BenchResult, number: int) -> list:
    """The CSV's first columns for ``result``, the ``number``-th run of the file."""
    return [
        number,
        result.device,
        result.device_name,
        "true" if result.virtual else "false",
        Path(result.artifact).name,
        result.runtime or result.config.runtime,
        result.runtime_version or "",
        result.config.threads or "",
        cores_cell(result),
        (result.verification or {}).get("verdict", ""),
        __version__,
    ]


def cores_cell(result: BenchResult) -> str:
    """The cores the run was allowed (``0-3``), as the device read them back; else empty."""
    from studio.agent.cores import format_cores

    allowed = (result.cores or {}).get("allowed")
    return format_cores(allowed) if allowed else ""


def csv_text(results: list[BenchResult]) -> str:
    """One row per sample of every run: the run's columns, then index, latency and time (ms)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # models run together (studio.agent.together) add a phase column: alone, then together
    phased = any(r.together is not None for r in results)
    writer.writerow((*CSV_COLUMNS, "phase") if phased else CSV_COLUMNS)
    for number, result in enumerate(results, 1):
        head = run_columns(result, number)
        for phase, rows in sample_phases(result):
            tail = [phase] if phased else []
            t0 = rows[0, 2] if len(rows) else 0.0
            for index, latency_us, t_us in rows:
                writer.writerow(
                    [
                        *head,
                        int(index),
                        f"{latency_us / 1e3:.6f}",
                        f"{(t_us - t0) / 1e3:.3f}",
                        *tail,
                    ]
                )
    return out.getvalue()


def json_document(results: list[BenchResult]) -> dict:
    """Every run with its samples (µs) and where and how it was measured."""
    return {
        "studio_version": __version__,
        "runs": [{"run": n, **r.to_dict(include_samples=True)} for n, r in enumerate(results, 1)],
    }


def write_results(results: list[BenchResult], path: str | Path) -> Path:
    """All runs in one file: ``.csv`` (one row per sample) or ``.json`` (with samples)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        write_text_atomic(path, csv_text(results))
        if has_telemetry(results):  # the sensors' samples beside: name.telemetry.csv
            write_text_atomic(telemetry_path(path), telemetry_csv_text(results))
    else:
        write_text_atomic(path, json.dumps(json_document(results), indent=1) + "\n")
    return path
