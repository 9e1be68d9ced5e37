"""The bundle's manifest: its components, every file's checksum, and the bundle id.

The id is a hash over the sorted component list (name, version, SHA-256 of what was
downloaded; for the studio's code, a hash of its files), the launcher's SHA-256 and
the layout's format number, so the same inputs always give the same id.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from studio.agent.bundle.components import Component
from studio.agent.bundle.launcher import LAUNCHER, MANIFEST
from studio.agent.bundle.sources import sha256_file
from studio.errors import InputError

FORMAT = 1
MAX_MANIFEST_BYTES = 32 << 20


class BundleError(InputError):
    """A bundle (folder or file) that is damaged, incomplete or not a Model Studio bundle."""


def bundle_id(components: list[Component], launcher_sha256: str) -> str:
    document = {
        "format": FORMAT,
        "components": sorted(c.key() for c in components),
        "launcher": launcher_sha256,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def hash_files(folder: Path, paths: list[str]) -> str:
    """One SHA-256 over a set of files (path and content), in a fixed order."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path}\0{sha256_file(folder / path)}\n".encode())
    return digest.hexdigest()


def make_manifest(components: list[Component], files: dict[str, dict], layers: list[str]) -> dict:
    """The manifest of an assembled bundle; ``files``: path -> sha256, size, component."""
    owners = {c.name: c.layer for c in components}
    sizes = dict.fromkeys(layers, 0)
    for entry in files.values():
        sizes[owners.get(entry["component"], layers[0])] += entry["size"]
    return {
        "format": FORMAT,
        "id": bundle_id(components, files[LAUNCHER]["sha256"]),
        "layers": layers,
        "layer_bytes": sizes,
        "components": [c.to_dict() for c in sorted(components, key=Component.key)],
        "files": dict(sorted(files.items())),
    }


def check_manifest(manifest: object) -> dict:
    """The manifest if it is well formed and its id is the id of its components, else BundleError."""
    try:
        assert isinstance(manifest, dict) and manifest.get("format") == FORMAT
        components = [Component.from_dict(c) for c in manifest["components"]]
        files = manifest["files"]
        assert isinstance(files, dict) and LAUNCHER in files
        for path, entry in files.items():
            assert isinstance(path, str) and isinstance(entry["sha256"], str)
            assert isinstance(entry["size"], int) and entry["size"] >= 0
        expected = bundle_id(components, files[LAUNCHER]["sha256"])
    except (AssertionError, KeyError, TypeError, ValueError, AttributeError):
        raise BundleError(
            "this is not a Model Studio phone agent bundle, or its manifest is damaged"
        ) from None
    if manifest.get("id") != expected:
        raise BundleError(
            f"the bundle's manifest says id {manifest.get('id')!r}, but its components "
            f"give {expected}: the manifest was changed",
            hint="build the bundle again, or import an unchanged copy",
        )
    return manifest


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise BundleError(f"{path} is too large to be a bundle manifest")
        return check_manifest(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise BundleError(f"{path} cannot be read as a bundle manifest ({exc})") from None


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
