"""Runs started together in the Latency tab: several artifacts at once on one device.

No Qt here. :func:`run_together` benchmarks the runs of one device with
:class:`studio.agent.together.TogetherBench` (each alone, then all at once), each run fed
by its own artifact's events; a stop asked of any of them ends them all, as they are
measured against each other. :func:`slowdown_text` is the summary's line for a run.
"""

from __future__ import annotations

from studio.ui.latency_run import UNIT, LatencyRun


def run_together(runs: list[LatencyRun], server, config, cancel, skipped: str = "not run") -> list:
    """Benchmark ``runs`` (all on one device, one artifact each) together; on its own thread."""
    from studio.agent.together import TogetherBench

    if cancel.cancelled:
        for run in runs:
            run.skip(skipped)
        return []
    bench = TogetherBench(
        runs[0].serial,
        [run.artifact for run in runs],
        config,
        callbacks=[run.on_event for run in runs],
        server=server,
    )
    for run in runs:
        run.attach(bench)
    return bench.run()


def slowdown_text(run: LatencyRun, template: str) -> str:
    """``template`` filled for a finished run: %1 run, %2 alone p50, %3 together p50, %4 unit,
    %5 slowdown; empty when the run was not measured together."""
    result = run.result
    info = result.together if result is not None else None
    if not info or not info.get("alone") or info.get("slowdown_p50") is None:
        return ""
    return (
        template.replace("%1", run.label)
        .replace("%2", f"{info['alone']['p50_ms']:.3f}")
        .replace("%3", f"{result.stats.p50_ms:.3f}")
        .replace("%4", UNIT)
        .replace("%5", f"{info['slowdown_p50']:.2f}")
    )
