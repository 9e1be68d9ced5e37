"""Artifacts of the digits sample for the agent's tests, converted once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def digits_artifacts(sample_artifacts) -> dict:
    """``{"pte": Path, "ptl": Path, "onnx": Path}``: the sample model, float32 (the session's
    conversion of the sample, tests/conftest.py)."""
    return {
        a.target: a.path for a in sample_artifacts.artifacts if a.target in ("pte", "ptl", "onnx")
    }
