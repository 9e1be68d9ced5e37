"""The current bundle of this computer: where it is kept, how one is imported or found.

``<cache>/agent-bundle/bundles/ID/`` holds ``agent/`` (the bundle folder) and
``model-studio-agent-ID.tar.gz``; ``<cache>/agent-bundle/current`` names the id in use.
A new bundle is unpacked beside the others and renamed into place, and only then made
current, so a half-written bundle is never the current one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from studio.agent.bundle.archive import TOP, archive_name, extract_verified
from studio.agent.bundle.manifest import BundleError, read_manifest
from studio.agent.bundle.sources import SourceError, bundle_cache, system_archive
from studio.fileio import write_text_atomic

CURRENT = "current"


@dataclass(frozen=True)
class Bundle:
    folder: Path  # the bundle folder (``agent/``): what is pushed to the phone
    manifest: dict
    archive: Path | None  # the same as one .tar.gz, when there is one

    @property
    def id(self) -> str:
        return self.manifest["id"]

    @property
    def layers(self) -> list[str]:
        return list(self.manifest["layers"])


def bundles_dir() -> Path:
    return bundle_cache() / "bundles"


def staging_dir(kind: str) -> Path:
    """A new empty folder beside the kept bundles, to assemble one in and rename."""
    folder = bundles_dir() / f".{kind}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    return folder


def open_bundle(home: Path) -> Bundle:
    """The bundle kept in ``home`` (a folder holding ``agent/`` and maybe its tar.gz)."""
    manifest = read_manifest(home / TOP)
    archive = home / archive_name(manifest["id"])
    return Bundle(home / TOP, manifest, archive if archive.is_file() else None)


# Where an installed studio carries the default bundle, among its resources.
SHIPPED = "agent-bundle"


def find_bundle() -> Bundle | None:
    """The current bundle (built or imported on this computer), else the one this
    installation ships with, or None."""
    return _current_bundle() or shipped_bundle()


def _current_bundle() -> Bundle | None:
    try:
        bundle_id = (bundle_cache() / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not bundle_id or "/" in bundle_id or bundle_id.startswith("."):
        return None
    try:
        bundle = open_bundle(bundles_dir() / bundle_id)
    except BundleError:
        return None
    return bundle if bundle.id == bundle_id else None


def shipped_bundle() -> Bundle | None:
    """The bundle the installers put in the studio's resources, if this is one of them."""
    from studio.paths import resource

    home = resource(SHIPPED)
    try:
        return open_bundle(home) if (home / TOP).is_dir() else None
    except BundleError:
        return None


def install(staging: Path) -> Bundle:
    """Make the bundle assembled in ``staging`` (beside the kept ones) the current one."""
    bundle_id = open_bundle(staging).id
    final = bundles_dir() / bundle_id
    if final.exists():
        old = final.with_name(f".old-{bundle_id}-{secrets.token_hex(4)}")
        os.replace(final, old)
        shutil.rmtree(old, ignore_errors=True)
    os.replace(staging, final)
    write_text_atomic(bundle_cache() / CURRENT, bundle_id + "\n")
    for other in bundles_dir().iterdir():  # older bundles are only disk space now
        if other.name != bundle_id and not other.name.startswith(".") and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    return open_bundle(final)


def import_bundle(file: Path) -> Bundle:
    """Check bundle ``file`` against its manifest and make it the current bundle."""
    if not file.is_file():
        raise BundleError(f"{file} is not a file")
    staging = staging_dir("importing")
    try:
        manifest = extract_verified(file, staging / TOP)
        shutil.copyfile(file, staging / archive_name(manifest["id"]))
        return install(staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def cannot_build_reason() -> str | None:
    """Why this computer cannot build a bundle, or None when it can."""
    if getattr(sys, "frozen", False):
        return "this installation has no Python packaging tools"
    for tool in ("apt-get", "apt-cache", "dpkg-deb"):
        if shutil.which(tool) is None:
            return f"it has no {tool} (it is not Debian or Ubuntu)"
    try:
        system_archive()
    except SourceError:
        return "its apt sources name no Debian archive"
    return None


def bundle_status_message() -> str:
    """One plain paragraph: the current bundle, or how to get one on this computer."""
    bundle = find_bundle()
    if bundle is not None:
        return (
            f"Phone agent bundle {bundle.id} ({', '.join(bundle.layers)}) is ready in "
            f"{bundle.folder}."
        )
    reason = cannot_build_reason()
    if reason is None:
        return (
            "There is no phone agent bundle on this computer yet. Build it once with "
            "`model-studio agent-bundle build` (it downloads about 60 MB from Debian and "
            "PyPI), or import a bundle file with `model-studio agent-bundle import FILE`."
        )
    return (
        "There is no phone agent bundle on this computer, and this computer cannot build "
        f"one ({reason}). Build it on a Debian or Ubuntu computer with `model-studio "
        "agent-bundle build`, copy the .tar.gz it makes here, and run `model-studio "
        "agent-bundle import FILE`."
    )


def require_bundle(build_if_missing: bool = False, progress=None) -> Bundle:
    """The current bundle, or a :class:`BundleError` saying how to get one.

    With ``build_if_missing``, a computer that can build one (Debian or Ubuntu with the
    package registries reachable) builds it now, once: the first benchmark on a phone
    after a pip install.
    """
    bundle = find_bundle()
    if bundle is None and build_if_missing and cannot_build_reason() is None:
        from studio.agent.bundle.build import build
        from studio.progress import no_progress

        try:
            return build(progress=progress or no_progress)
        except (BundleError, SourceError) as exc:
            raise BundleError(
                f"the phone agent bundle could not be built ({exc})",
                hint=bundle_status_message(),
            ) from None
    if bundle is None:
        raise BundleError(bundle_status_message())
    return bundle
