"""What goes into the phone agent bundle: the one place its inputs are named and pinned.

Wheels are pinned by version and SHA-256 (PyPI keeps every release), so the same
pins give the same bytes and the same bundle id. Debian packages are named here and
resolved from Debian ``DEBIAN_SUITE`` when the package index is refreshed: a stable
suite only moves for fixes, and old versions leave the archive, so pinning them would
break a fresh build within weeks. The versions and checksums a build used are recorded
in its manifest, and the refreshed index is kept in the cache, so a second build uses
the same packages without the network.
"""

from __future__ import annotations

from dataclasses import dataclass

DEBIAN_SUITE = "trixie"
DEBIAN_ARCH = "arm64"
PYTHON_VERSION = "3.13"

# Layers, in bundle order. ``default`` is what `agent-bundle build` makes; the rest on request.
BASE = "base"  # loader, glibc, libstdc++, CPython
CORE = "core"  # numpy, platformdirs, the studio's agent code
ONNXRUNTIME = "onnxruntime"
EXECUTORCH = "executorch"  # the torch-free ExecuTorch runtime (.pte)
PTL = "ptl"  # torch's lite interpreter (.ptl): large
DEFAULT_LAYERS = (BASE, CORE, ONNXRUNTIME, EXECUTORCH)
OPTIONAL_LAYERS = (PTL,)

DEBIAN_PACKAGES = (
    "libc6",
    "libstdc++6",
    "libgcc-s1",
    "zlib1g",
    "libffi8",
    "libexpat1",
    "liblzma5",
    "libbz2-1.0",
    "libmpdec4",
    "libuuid1",
    "python3.13-minimal",
    "libpython3.13-minimal",
    "libpython3.13-stdlib",
)


@dataclass(frozen=True)
class Wheel:
    """A pinned manylinux aarch64 wheel for CPython 3.13."""

    name: str
    version: str
    sha256: str
    layer: str


WHEELS = (
    Wheel(
        "numpy", "2.5.5", "ae2b8285d0b4eed24739c3ca9ec0fa424a0247489c01e1d5fe2815a599e11d33", CORE
    ),
    Wheel(
        "platformdirs",
        "4.14.9",
        "d0d3a23e7ff282cfa94b77f5a22b81030dcb68ba0430f90c74f4bd8d090782ea",
        CORE,
    ),
    Wheel(
        "onnxruntime",
        "1.32.0",
        "54d02baff2df38777b4c3cc7af326406fe8b8a48f54720f4c446d2d327920a79",
        ONNXRUNTIME,
    ),
    # onnxruntime's own version checks import it; flatbuffers and protobuf serve only its
    # tools, which the bundle leaves out.
    Wheel(
        "packaging",
        "26.4",
        "81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2",
        ONNXRUNTIME,
    ),
    Wheel(
        "executorch-numpy-runtime",
        "1.4.0",
        "8e38f13aa4603cc31dcc57922e9920bce9884d04fb92752006dd6218d92ff71b",
        EXECUTORCH,
    ),
    # torch 2.10 is the last CPU-only aarch64 torch on PyPI (later ones need CUDA), with
    # what `import torch` needs.
    Wheel(
        "torch", "2.10.0", "5c4d217b14741e40776dd7074d9006fd28b8a97ef5654db959d8635b2fe5f29b", PTL
    ),
    Wheel(
        "filelock", "4.3.1", "79e43df8e9fe509cd83a3899a7c186c8077cbbe4d200a1ed3705c2f3bb6bc487", PTL
    ),
    Wheel(
        "typing-extensions",
        "4.16.0",
        "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8",
        PTL,
    ),
    Wheel(
        "sympy", "1.14.0", "e091cc3e99d2141a0ba2847328f5479b05d94a6635cb96148ccb3f34671bd8f5", PTL
    ),
    Wheel(
        "mpmath", "1.3.0", "a0b2b9fe80bbcd81a6647ff13108738cfb482d481d826cc0e02f5b35e5c88d2c", PTL
    ),
    Wheel(
        "networkx", "3.6.1", "d47fbf302e7d9cbbb9e2555a0d267983d2aa476bac30e90dfbe5669bd57f3762", PTL
    ),
    Wheel(
        "jinja2", "3.1.6", "85ece4451f492d0c13c5dd7c13a64681a86afae63a5f347908daf103ce6d2f67", PTL
    ),
    Wheel(
        "markupsafe",
        "3.0.4",
        "7018d4af1cd272e847aa5917983ab5e83e4f6579f9dbfecd4a79c0ca80b144c2",
        PTL,
    ),
    Wheel(
        "fsspec",
        "2026.9.0",
        "8dd6e646e99ea382bd85f97a45e6b526a442d79423a7dc673f1e2756d05fcb5f",
        PTL,
    ),
)


def wheels_for(layers: tuple[str, ...]) -> list[Wheel]:
    return [wheel for wheel in WHEELS if wheel.layer in layers]


@dataclass(frozen=True)
class Component:
    """One input of a bundle as its manifest records it."""

    name: str
    version: str
    sha256: str  # of what was downloaded (or, for the studio's code, of its files)
    kind: str  # "deb", "wheel", "code"
    layer: str

    def key(self) -> tuple[str, str, str]:
        return (self.name, self.version, self.sha256)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "sha256": self.sha256,
            "kind": self.kind,
            "layer": self.layer,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Component:
        return cls(**{field: str(data[field]) for field in cls.__dataclass_fields__})
