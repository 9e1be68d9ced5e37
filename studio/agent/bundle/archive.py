"""The bundle as one file: a deterministic ``.tar.gz``, and its verified unpacking.

Entries: ``agent/``, then ``agent/manifest.json``, then every other folder and file in
sorted order, with fixed times, owner 0 and the modes of :func:`launcher.file_mode`;
the gzip header carries no time or name. So the same folder always gives the same
bytes, and an import can check each file against the manifest as the file streams by.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from studio.agent.bundle.launcher import MANIFEST, file_mode
from studio.agent.bundle.manifest import MAX_MANIFEST_BYTES, BundleError, check_manifest
from studio.fileio import atomic_path

TOP = "agent"
MTIME = 1577836800  # 2020-01-01T00:00:00Z, for every entry


def archive_name(bundle_id: str) -> str:
    return f"model-studio-agent-{bundle_id}.tar.gz"


def _entry(name: str, mode: int, size: int = 0, directory: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode, info.size, info.mtime = mode, size, MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def write_archive(agent: Path, dest: Path) -> None:
    """Write the folder ``agent`` (a bundle) to ``dest`` as a deterministic tar.gz."""
    paths = []
    for dirpath, dirnames, filenames in os.walk(agent):
        base = Path(dirpath).relative_to(agent)
        paths += [((base / name).as_posix(), True) for name in dirnames]
        paths += [((base / name).as_posix(), False) for name in filenames]
    paths.sort(key=lambda item: (item[0] != MANIFEST, item[0]))
    with (
        atomic_path(dest) as tmp,
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        tar.addfile(_entry(TOP, 0o755, directory=True))
        for rel, directory in paths:
            name = f"{TOP}/{rel}"
            if directory:
                tar.addfile(_entry(name, 0o755, directory=True))
                continue
            path = agent / rel
            if path.is_symlink():
                raise BundleError(f"{path} is a symbolic link; a bundle holds none")
            with open(path, "rb") as handle:
                tar.addfile(_entry(name, file_mode(rel), path.stat().st_size), handle)


def _relative(name: str) -> str:
    """The path inside the bundle of a member name, refused unless plainly inside ``agent/``."""
    path = PurePosixPath(name)
    parts = path.parts
    if (
        path.is_absolute()
        or "\\" in name
        or not parts
        or parts[0] != TOP
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise BundleError(f"the bundle file holds {name!r}, which is outside its agent/ folder")
    return "/".join(parts[1:])


def extract_verified(file: Path, dest: Path) -> dict:
    """Unpack bundle ``file`` into the new folder ``dest``, checking it against its manifest.

    Every member must be a plain folder or a file the manifest lists, with the listed
    size and SHA-256; every listed file must be there; the manifest's id must be its
    components' id. Returns the manifest; raises :class:`BundleError` (``dest`` may then
    hold part of the files: the caller removes it).
    """
    try:
        with tarfile.open(file, mode="r|gz") as tar:
            return _extract(tar, dest)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BundleError(f"{file} is not a readable bundle file ({exc})") from None


def _extract(tar: tarfile.TarFile, dest: Path) -> dict:
    members = iter(tar)
    first = next(members, None)
    if first is None or not first.isdir() or first.name.rstrip("/") != TOP:
        raise BundleError("this file is not a Model Studio phone agent bundle (no agent/ folder)")
    info = next(members, None)
    if info is None or info.name != f"{TOP}/{MANIFEST}" or not info.isfile():
        raise BundleError("this file is not a Model Studio phone agent bundle (no manifest)")
    if info.size > MAX_MANIFEST_BYTES:
        raise BundleError("the bundle's manifest is too large")
    raw = tar.extractfile(info).read()  # type: ignore[union-attr]
    try:
        manifest = check_manifest(json.loads(raw))
    except ValueError:
        raise BundleError("the bundle's manifest is not JSON") from None
    files: dict = manifest["files"]
    dest.mkdir(parents=True)
    (dest / MANIFEST).write_bytes(raw)
    seen: set[str] = set()
    for member in members:
        rel = _relative(member.name.rstrip("/") if member.isdir() else member.name)
        if member.isdir():
            (dest / rel).mkdir(parents=True, exist_ok=True)
            continue
        entry = files.get(rel)
        if not member.isfile() or entry is None or rel in seen:
            raise BundleError(
                f"the bundle file holds {member.name}, which its manifest does not list"
            )
        if member.size != entry["size"]:
            raise BundleError(f"{rel} in the bundle file is not the size its manifest says")
        seen.add(rel)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        source = tar.extractfile(member)
        with open(target, "wb") as out:
            for block in iter(functools.partial(source.read, 1 << 20), b""):  # type: ignore[union-attr]
                digest.update(block)
                out.write(block)
        os.chmod(target, file_mode(rel))
        if digest.hexdigest() != entry["sha256"]:
            raise BundleError(
                f"{rel} in the bundle file does not match its manifest's SHA-256: the file "
                "is damaged or was changed",
                hint="build the bundle again, or import an unchanged copy",
            )
    missing = sorted(set(files) - seen)
    if missing:
        raise BundleError(f"the bundle file lacks {len(missing)} listed files, e.g. {missing[0]}")
    return manifest
