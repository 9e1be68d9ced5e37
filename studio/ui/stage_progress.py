"""Progress through a job's stages as plain Python: which stage runs, how far the whole job
is, and about how long is left. The progress panel draws it.

A job announces its stages up front (``planned``); events of other names are steps inside
the running stage (a conversion's "capture (torch.export)" inside "build pte") and show as
its detail instead of as more stages. Without a plan every stage counts as it appears.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# Time left is guessed once this much of the job is done and this many seconds have passed.
MIN_FRACTION_FOR_ESTIMATE = 0.05
MIN_SECONDS_FOR_ESTIMATE = 2.0


@dataclass
class Step:
    name: str
    fraction: float | None  # None: busy, no measure of how far
    message: str = ""


class StageProgress:
    def __init__(
        self, planned: list[str] | None = None, clock: Callable[[], float] = time.monotonic
    ):
        self.clock = clock
        self.started = clock()
        self.planned = bool(planned)
        self.fractions: dict[str, float | None] = dict.fromkeys(planned or [], 0.0)
        self.current: str | None = None
        self.detail: Step | None = None  # a step inside the current stage
        self.message = ""

    @property
    def stages(self) -> list[str]:
        return list(self.fractions)

    def update(self, stage: str, fraction: float | None, message: str = "") -> None:
        if stage in self.fractions or not self.planned:
            if stage != self.current:
                self.detail = None
                self._complete_before(stage)
            self.current = stage
            self.fractions[stage] = None if fraction is None else max(0.0, min(1.0, fraction))
        else:
            self.detail = Step(stage, fraction, message)
        self.message = message

    def _complete_before(self, stage: str) -> None:
        """A planned stage that starts means those before it are done (some are skipped)."""
        if not self.planned or stage not in self.fractions:
            return
        for name in self.fractions:
            if name == stage:
                return
            self.fractions[name] = 1.0

    @property
    def position(self) -> tuple[int, int]:
        """The running stage's number (from 1) and how many there are."""
        names = self.stages
        index = names.index(self.current) + 1 if self.current in names else 0
        return index, len(names)

    @property
    def overall(self) -> float:
        """How much of the whole job is done, 0 to 1 (each stage weighs the same)."""
        if not self.fractions:
            return 0.0
        done = sum(
            1.0 if f is None and n != self.current else (f or 0.0)
            for n, f in self.fractions.items()
        )
        return done / len(self.fractions)

    def seconds_left(self) -> float | None:
        """About how long the rest takes at the pace so far; None until that says anything."""
        elapsed = self.clock() - self.started
        done = self.overall
        if done < MIN_FRACTION_FOR_ESTIMATE or elapsed < MIN_SECONDS_FOR_ESTIMATE or done >= 1.0:
            return None
        return elapsed / done * (1.0 - done)

    def finish(self) -> None:
        for name, fraction in self.fractions.items():
            if fraction is None:
                self.fractions[name] = 1.0
        self.detail = None
