"""Settings for the whole suite: Qt offscreen, logs and user data in temporary folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Shared fixtures: a real adb server per session and virtual devices (tests/adb_fixtures.py).
pytest_plugins = ["adb_fixtures"]


def pytest_configure(config):
    import tempfile

    root = tempfile.mkdtemp(prefix="model-studio-test-")
    os.environ.setdefault("MODEL_STUDIO_LOG_DIR", os.path.join(root, "logs"))
    os.environ.setdefault("MODEL_STUDIO_DATA_DIR", os.path.join(root, "data"))
