"""Operator compatibility: what an artifact needs, what a runtime has, and what to do about it.

    from studio.compat import check, load_profile, read_operators
    report = check("model.ptl", [load_profile("pytorch-lite-v7")])
    report.runtime("pytorch-lite-v7").verdict   # "ready" | "fallback" | "fail"

No Qt here; heavy libraries (torch, executorch, onnx) are imported when a file is read.
"""

from studio.compat.operators import OperatorSet, OperatorUse, detect_kind, read_operators
from studio.compat.profiles import (
    ProfileError,
    RuntimeProfile,
    available_runtimes,
    load_profile,
    load_profile_file,
    load_profiles,
)
from studio.compat.report import CompatReport, RuntimeVerdict, check
from studio.compat.runtimes import runtimes_to_check

__all__ = [
    "CompatReport",
    "OperatorSet",
    "OperatorUse",
    "ProfileError",
    "RuntimeProfile",
    "RuntimeVerdict",
    "available_runtimes",
    "check",
    "detect_kind",
    "load_profile",
    "load_profile_file",
    "load_profiles",
    "read_operators",
    "runtimes_to_check",
]


def profile_of_installed(runtime: str) -> RuntimeProfile:
    """Describe a runtime installed here (``pytorch-lite``, ``executorch``, ``onnxruntime``)."""
    from studio.compat.installed import profile_of_installed as build

    return build(runtime)
