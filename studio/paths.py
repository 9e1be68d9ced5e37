"""Where the studio finds its bundled resources and keeps its logs and settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "model-studio"


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package, or inside a frozen bundle."""
    override = os.environ.get("MODEL_STUDIO_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def log_dir() -> Path:
    return Path(os.environ.get("MODEL_STUDIO_LOG_DIR") or platformdirs.user_log_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("MODEL_STUDIO_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Downloads and built things the studio can make again (the phone agent bundle)."""
    return Path(os.environ.get("MODEL_STUDIO_CACHE_DIR") or platformdirs.user_cache_dir(APP_NAME))
