"""Which runtimes an artifact is checked against: one rule for the command line, the worker,
the demo and the window.

    profiles = runtimes_to_check(detect_kind(path), named=[load_profile("ort-cpu")])

- Runtimes a person named (by name or as a profile file) are checked as given, whatever
  files they read: the report then says that a runtime does not read this kind of file.
- Runtimes that phones reported are checked when they are for this kind of file.
- The bundled runtimes for this kind of file are checked unless runtimes were named, or
  ``phones_only`` is set and a phone reported one for this kind of file (``check --device``:
  what that phone runs, not what phones in general run).

A runtime is *for* a kind of file when it reads it, or when it is of the runtime family
that runs that kind of file. A full TorchScript ``.pt`` is checked against the full
TorchScript interpreter (pytorch_android on a phone), not against PyTorch Lite, which reads
only ``.ptl`` (see docs/compatibility.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from studio.compat import profiles as prof
from studio.compat.operators import ONNX, ORT, PT, PTE, PTL

# The runtime family that runs each kind of artifact.
FAMILY_OF_KIND = {
    PTL: prof.PYTORCH_LITE,
    PT: prof.TORCHSCRIPT,
    PTE: prof.EXECUTORCH,
    ONNX: prof.ONNXRUNTIME,
    ORT: prof.ONNXRUNTIME,
}


def is_for(profile: prof.RuntimeProfile, kind: str) -> bool:
    """Whether ``profile`` is a runtime worth checking an artifact of ``kind`` against."""
    return kind in profile.formats or profile.family == FAMILY_OF_KIND.get(kind)


def bundled_for(kind: str) -> list[prof.RuntimeProfile]:
    """The bundled runtime profiles for this kind of file, by name."""
    return [p for p in prof.load_profiles() if is_for(p, kind)]


def runtimes_to_check(
    kind: str,
    named: Iterable[prof.RuntimeProfile] = (),
    phones: Iterable[prof.RuntimeProfile] = (),
    phones_only: bool = False,
) -> list[prof.RuntimeProfile]:
    """The runtimes an artifact of ``kind`` is checked against (see the module's rule)."""
    named = list(named)
    from_phones = [p for p in phones if is_for(p, kind)]
    builtin = not named and not (phones_only and from_phones)
    chosen = named + (bundled_for(kind) if builtin else []) + from_phones
    unique: dict[str, prof.RuntimeProfile] = {}
    for profile in chosen:
        unique.setdefault(profile.name, profile)
    return list(unique.values())
