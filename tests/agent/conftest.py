"""Artifacts of the digits sample for the agent's tests, converted once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def digits_artifacts(tmp_path_factory) -> dict:
    """``{"pte": Path, "ptl": Path, "onnx": Path}``: the sample model, float32, unverified."""
    from studio.convert import Recipe, convert
    from studio.convert.recipe import ModelSource, OutputSettings, VerifySettings
    from studio.model.sample import weights_path

    folder = tmp_path_factory.mktemp("digits-artifacts")
    recipe = Recipe(
        model=ModelSource(path=str(weights_path())),
        targets=["pte", "ptl", "onnx"],
        verify=VerifySettings(enabled=False),
        output=OutputSettings(folder=str(folder)),
    )
    report = convert(recipe)
    return {a.target: a.path for a in report.artifacts}
