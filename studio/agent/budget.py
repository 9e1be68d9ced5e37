"""Latency budgets: ``p90=30ms``, ``mean=12.5ms``, ``max=0.1s``, ``throughput=100`` (per second).

A latency budget passes when the statistic is at or below its limit; a throughput
budget when the rate is at or above it. No samples fail every budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.agent.stats import LatencyStats
from studio.errors import InputError

LATENCY_METRICS = ("mean", "min", "p50", "p90", "p99", "max")
UNITS_MS = {"us": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1e3}
_PATTERN = re.compile(r"^\s*([a-z0-9]+)\s*(?:<=|>=|=)\s*([0-9]*\.?[0-9]+)\s*([a-zµ/]*)\s*$")


@dataclass(frozen=True)
class Budget:
    metric: str  # "p90", "mean", ..., or "throughput"
    limit: float  # milliseconds, or inferences per second for throughput

    @property
    def text(self) -> str:
        if self.metric == "throughput":
            return f"throughput>={self.limit:g}/s"
        return f"{self.metric}<={self.limit:g}ms"

    def check(self, stats: LatencyStats) -> BudgetCheck:
        value = stats.value(self.metric) if stats.count else None
        if value is None:
            passed = False
        elif self.metric == "throughput":
            passed = value >= self.limit
        else:
            passed = value <= self.limit
        return BudgetCheck(self, None if value is None else round(value, 4), passed)


@dataclass(frozen=True)
class BudgetCheck:
    """One budget against a run's statistics."""

    budget: Budget
    value: float | None  # measured: milliseconds, or per second for throughput; None: no samples
    passed: bool

    def to_dict(self) -> dict:
        throughput = self.budget.metric == "throughput"
        return {
            "metric": self.budget.metric,
            "limit" if throughput else "limit_ms": self.budget.limit,
            "value" if throughput else "value_ms": self.value,
            "passed": self.passed,
            "budget": self.budget.text,
        }


@dataclass
class BudgetReport:
    """Every budget of a run checked. A run without budgets passes."""

    checks: list[BudgetCheck] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def to_dict(self) -> dict:
        return {"passed": self.passed, "checks": [check.to_dict() for check in self.checks]}


def parse_budget(text: str) -> Budget:
    """``p90=30ms`` -> Budget("p90", 30.0); a bare number is milliseconds."""
    match = _PATTERN.match(text.lower())
    hint = "write it as METRIC=VALUE, e.g. p90=30ms, mean=10ms, max=0.2s or throughput=100"
    if not match:
        raise InputError(f"not a latency budget: {text!r}", hint=hint)
    metric, number, unit = match.group(1), float(match.group(2)), match.group(3)
    if metric == "throughput":
        if unit not in ("", "/s", "ips", "hz"):
            raise InputError(f"throughput is in inferences per second, not {unit!r}", hint=hint)
        return Budget(metric, number)
    if metric not in LATENCY_METRICS:
        raise InputError(
            f"unknown budget metric {metric!r}",
            hint=f"use one of {', '.join(LATENCY_METRICS)} or throughput",
        )
    if unit and unit not in UNITS_MS:
        raise InputError(f"unknown time unit {unit!r} in {text!r}", hint=hint)
    if number <= 0:
        raise InputError(f"a latency budget must be above zero: {text!r}", hint=hint)
    return Budget(metric, number * UNITS_MS[unit or "ms"])


def check_budgets(budgets: list[Budget], stats: LatencyStats) -> BudgetReport:
    """Each budget checked against ``stats``; no budgets pass."""
    return BudgetReport([b.check(stats) for b in budgets])
