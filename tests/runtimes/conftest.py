"""Fixtures of the runner tests (defined in runner_artifacts)."""

from runner_artifacts import artifacts, example, tiny

__all__ = ["artifacts", "example", "tiny"]
