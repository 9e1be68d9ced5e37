"""Settings for the whole suite: Qt offscreen, logs and user data in temporary folders."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Shared fixtures: a real adb server per session and virtual devices (tests/adb_fixtures.py).
pytest_plugins = ["adb_fixtures"]


def pytest_configure(config):
    import tempfile

    root = tempfile.mkdtemp(prefix="model-studio-test-")
    os.environ.setdefault("MODEL_STUDIO_LOG_DIR", os.path.join(root, "logs"))
    os.environ.setdefault("MODEL_STUDIO_DATA_DIR", os.path.join(root, "data"))


SAMPLE_TARGETS = ("pt", "ptl", "pte", "onnx", "ort")


@pytest.fixture(scope="session")
def sample_conversion(tmp_path_factory):
    """The sample model converted once per session to every target (float32, verified on all
    its images), with the progress it reported: ``(ConversionReport, [ProgressEvent])``.

    Its files are shared: a test that changes or adds files works on a copy
    (``tests/ui/ui_helpers.py: load_artifacts``).
    """
    from studio.convert import Recipe, convert
    from studio.convert.recipe import ModelSource, OutputSettings, VerifySettings
    from studio.model.sample import images_dir, weights_path

    recipe = Recipe(
        model=ModelSource(path=str(weights_path())),
        targets=list(SAMPLE_TARGETS),
        verify=VerifySettings(data=str(images_dir()), samples=64, latency_runs=3),
        output=OutputSettings(folder=str(tmp_path_factory.mktemp("sample-artifacts"))),
    )
    events = []
    report = convert(recipe, progress=events.append)
    return report, events


@pytest.fixture(scope="session")
def sample_artifacts(sample_conversion):
    """The state after converting the sample: the report of :func:`sample_conversion`."""
    return sample_conversion[0]
