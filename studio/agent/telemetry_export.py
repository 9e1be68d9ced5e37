"""The runs' telemetry as CSV: the file beside the samples' CSV (``latency.telemetry.csv``).

One row per telemetry sample of every run: the run's columns (as in the samples' CSV,
:func:`studio.agent.export.run_columns`), then ``t_ms`` on the samples' time axis (0
at the run's first inference; the idle baseline is negative), ``phase`` (``idle`` or
``run``), ``simulated``, each core's frequency (``cpu0_mhz``…), each thermal zone's
temperature (``temp_<zone>_c``) and the battery: level, temperature, current drawn
(mA, positive while it discharges), voltage, charging and external power. A value a
device does not report is empty.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

BATTERY_COLUMNS = (
    ("battery_level", "level"),
    ("battery_temp_c", "temp_c"),
    ("current_ma", "current_ma"),
    ("voltage_v", "voltage_v"),
    ("charging", "charging"),
    ("powered", "powered"),
)


def telemetry_path(samples_csv: str | Path) -> Path:
    """``latency.csv`` -> ``latency.telemetry.csv``."""
    path = Path(samples_csv)
    return path.with_name(f"{path.stem}.telemetry.csv")


def has_telemetry(results) -> bool:
    return any((r.telemetry or {}).get("samples") for r in results)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def telemetry_csv_text(results) -> str:
    from studio.agent.export import RUN_COLUMNS, run_columns

    cores = max(
        (len(s.get("cpu_freq_khz") or []) for r in results for s in r.telemetry.get("samples", [])),
        default=0,
    )
    zones: list[str] = []
    for r in results:
        for sample in r.telemetry.get("samples", []):
            zones += [z for z in sample.get("temp_c") or {} if z not in zones]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            *RUN_COLUMNS,
            "t_ms",
            "phase",
            "simulated",
            *(f"cpu{i}_mhz" for i in range(cores)),
            *(f"temp_{z}_c" for z in zones),
            *(name for name, _key in BATTERY_COLUMNS),
        ]
    )
    for number, result in enumerate(results, 1):
        head = run_columns(result, number)
        samples = result.telemetry.get("samples") or []
        rows = result.series.view()
        t0 = rows[0, 2] if len(rows) else (samples[0]["t_us"] if samples else 0)
        simulated = _cell(bool(result.telemetry.get("simulated")))
        for sample in samples:
            freqs = list(sample.get("cpu_freq_khz") or [])
            freqs += [None] * (cores - len(freqs))
            temps = sample.get("temp_c") or {}
            cell = sample.get("battery") or {}
            writer.writerow(
                [
                    *head,
                    f"{(sample['t_us'] - t0) / 1e3:.3f}",
                    sample.get("phase", ""),
                    simulated,
                    *("" if f is None else f"{f / 1e3:.0f}" for f in freqs),
                    *(_cell(temps.get(z)) for z in zones),
                    *(_cell(cell.get(key)) for _name, key in BATTERY_COLUMNS),
                ]
            )
    return out.getvalue()
