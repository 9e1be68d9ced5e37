"""Where the studio finds its bundled resources and keeps its logs and settings."""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

import platformdirs

APP_NAME = "model-studio"


def resources_dir() -> Path:
    """The ``studio/resources/`` package data, or ``resources/`` inside a frozen bundle.

    ``MODEL_STUDIO_RESOURCES`` names another folder. The package is installed unzipped
    (a wheel, an editable install, the phone bundle's ``code/studio``), so its data is a
    real folder on disk: callers open, list and copy its files as paths.
    """
    override = os.environ.get("MODEL_STUDIO_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(str(files("studio") / "resources"))


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def log_dir() -> Path:
    return Path(os.environ.get("MODEL_STUDIO_LOG_DIR") or platformdirs.user_log_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("MODEL_STUDIO_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Downloads and built things the studio can make again (the phone agent bundle)."""
    return Path(os.environ.get("MODEL_STUDIO_CACHE_DIR") or platformdirs.user_cache_dir(APP_NAME))
