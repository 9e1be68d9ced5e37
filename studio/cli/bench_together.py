"""``model-studio bench A B ...``: several artifacts, one after another or ``--together``.

Without ``--together`` the artifacts are measured one after another, each on every
``--device`` (each artifact's devices at once, as for one artifact). With ``--together``
they run at the same time on one device (:class:`studio.agent.together.TogetherBench`),
each alone first, and the table shows each model's latency alone, together and the
slowdown.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from studio.errors import InputError


def run_name(result, results) -> str:
    """How the table names a run: its device, and its artifact when there are several."""
    if len({r.artifact for r in results}) > 1:
        return f"{result.device} {Path(result.artifact).name}"
    return result.device


def check_artifacts(paths: list[str]) -> None:
    for path in paths:
        if not Path(path).is_file():
            raise InputError(f"There is no file {path}", hint="check the artifact's path")


class ArtifactQueue:
    """Several artifacts one after another, each on all the devices at once."""

    def __init__(self, serials, artifacts, config, callback, server):
        from studio.agent.bench import BenchGroup

        self.groups = [BenchGroup(serials, a, config, callback, server) for a in artifacts]
        self._stopped = threading.Event()

    def run(self) -> list:
        results = []
        for group in self.groups:
            if self._stopped.is_set():
                break
            results.extend(group.run())
        return results

    def stop(self) -> None:
        self._stopped.set()
        for group in self.groups:
            group.stop()


def together_labels(serial: str, artifacts: list[str]) -> list[str]:
    return [f"{serial} {Path(a).name}" for a in artifacts]


def together_bench(serial: str, artifacts: list[str], config, live, server):
    """A TogetherBench whose events reach the live line under each artifact's label."""
    from studio.agent.together import TogetherBench

    def relabel(label):
        return lambda event: live(dataclasses.replace(event, device=label))

    labels = together_labels(serial, artifacts)
    return TogetherBench(serial, artifacts, config, [relabel(x) for x in labels], server)


def _ms(value) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) and value > 0 else "-"


def _ratio(value) -> str:
    return f"{value:.2f}x" if isinstance(value, (int, float)) else "-"


def print_together(results) -> None:
    """Each model alone and together: p50, mean and the slowdown, and the shared window."""
    headers = [
        "artifact",
        "alone p50",
        "together p50",
        "slowdown",
        "alone mean",
        "together mean",
        "slowdown",
        "samples",
    ]
    rows = []
    for r in results:
        info = r.together or {}
        alone = info.get("alone") or {}
        s = r.stats
        rows.append(
            [
                Path(r.artifact).name,
                _ms(alone.get("p50_ms")),
                _ms(s.p50_ms if s.count else None),
                _ratio(info.get("slowdown_p50")),
                _ms(alone.get("mean_ms")),
                _ms(s.mean_ms if s.count else None),
                _ratio(info.get("slowdown_mean")),
                f"{info.get('alone_samples', 0)}/{r.samples}",
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    print()
    for row in [headers, *rows]:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    overlap = next((r.together.get("overlap_s") for r in results if r.together), 0.0)
    print(f"(milliseconds; samples alone/together; the runs overlapped for {overlap:.2f} s)")
