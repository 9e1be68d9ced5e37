"""Assembling the bundle: unpack, place, prune, add the studio's code and the launcher.

Each component is unpacked into a scratch folder of its own and its files are moved
into the bundle under the layout of :mod:`studio.agent.bundle.launcher`, so the
manifest knows which component every file came from. The bundle holds no symbolic
links (a phone's ``adb push`` and a Windows unzip both handle them badly): a library
alias such as ``libstdc++.so.6 -> libstdc++.so.6.0.33`` becomes the file under the
alias's name, and links that leave their folder are dropped.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import secrets
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import studio
from studio import __version__
from studio.agent.bundle import sources
from studio.agent.bundle.archive import TOP, archive_name, write_archive
from studio.agent.bundle.components import (
    CORE,
    DEFAULT_LAYERS,
    OPTIONAL_LAYERS,
    Component,
    wheels_for,
)
from studio.agent.bundle.launcher import (
    CODE,
    LAUNCHER,
    LIB,
    MANIFEST,
    ROOT,
    SITE,
    file_mode,
    launcher_text,
)
from studio.agent.bundle.manifest import BundleError, hash_files, make_manifest, manifest_bytes
from studio.agent.bundle.store import Bundle, install, open_bundle, staging_dir
from studio.agent.capabilities import SHIPPED_PROFILES
from studio.paths import resources_dir
from studio.progress import Progress, ProgressEvent, no_progress

log = logging.getLogger(__name__)

MULTIARCH = "usr/lib/aarch64-linux-gnu/"
STDLIB = f"{ROOT}/usr/lib/python3.13"

# Parts of the studio the agent never imports (the window, conversion, the virtual phone),
# and the desktop's resources: of those the agent reads only CODE_RESOURCES.
CODE_EXCLUDED = (
    "ui",
    "jobs",
    "convert",
    "devices/virtual",
    "demo.py",
    "selftest.py",
    "resources",
)
CODE_RESOURCES = ("runtimes",)  # resources/ folders the agent side reads

PRUNED_PREFIXES = (
    f"{ROOT}/etc/",
    f"{ROOT}/usr/share/",
    f"{ROOT}/usr/lib/binfmt.d/",
    f"{LIB}/gconv/",
    *(
        f"{STDLIB}/{name}/"
        for name in ("idlelib", "tkinter", "ensurepip", "pydoc_data", "turtledemo", "lib2to3")
    ),
    f"{SITE}/onnxruntime/transformers/",
    f"{SITE}/onnxruntime/quantization/",
    f"{SITE}/torch/include/",
    f"{SITE}/torch/share/",
)
PRUNED_GLOBS = (
    f"{STDLIB}/sitecustomize.py",
    *(
        f"{STDLIB}/lib-dynload/{name}*"
        for name in ("_test", "_ctypes_test", "_xxtestfuzz", "xxlimited", "xxsubtype")
    ),
    "*.pyc",
    f"{SITE}/*.a",
)
PRUNED_FOLDERS = frozenset({"__pycache__", "tests", "test"})


def pruned(dest: str) -> bool:
    """Whether a bundle path is left out: tests, tooling the agent never runs, caches."""
    if dest.startswith(PRUNED_PREFIXES) or any(fnmatch.fnmatch(dest, g) for g in PRUNED_GLOBS):
        return True
    return any(part in PRUNED_FOLDERS for part in dest.split("/")[:-1])


def destination(kind: str, rel: str) -> str:
    """Where a file of a component's unpacked tree goes in the bundle."""
    if kind == "deb":
        return LIB + "/" + rel[len(MULTIARCH) :] if rel.startswith(MULTIARCH) else f"{ROOT}/{rel}"
    return f"{SITE if kind == 'wheel' else CODE}/{rel}"


def tree_files(tree: Path) -> list[tuple[str, Path, bool]]:
    """(path in the tree, file with the content, whether it may be moved) of each file.

    A symbolic link to a file in its own folder (a library alias) stands for that file,
    which is then not listed under its own name; other links are left out.
    """
    links: dict[str, Path] = {}
    regular: list[str] = []
    for dirpath, dirnames, filenames in os.walk(tree):
        folder = Path(dirpath)
        for name in filenames + dirnames:
            path = folder / name
            rel = path.relative_to(tree).as_posix()
            if path.is_symlink():
                real = path.resolve()
                if real.parent == folder.resolve() and real.is_file():
                    links[rel] = real
            elif path.is_file():
                regular.append(rel)
    aliased = {real for real in links.values()}
    entries = [(rel, tree / rel, True) for rel in regular if (tree / rel).resolve() not in aliased]
    entries += [(rel, real, False) for rel, real in links.items()]
    return sorted(entries)


def place(tree: Path, kind: str, owner: str, agent: Path, files: dict[str, dict]) -> None:
    """Move a component's unpacked files into the bundle, recording each one's owner."""
    for rel, source, movable in tree_files(tree):
        dest = destination(kind, rel)
        if pruned(dest):
            continue
        if dest in files:
            raise BundleError(f"{owner} and {files[dest]['component']} both hold {dest}")
        target = agent / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if movable:
            os.replace(source, target)
        else:
            shutil.copyfile(source, target)
        os.chmod(target, file_mode(dest))
        files[dest] = {"sha256": sources.sha256_file(target), "size": target.stat().st_size}
        files[dest]["component"] = owner


def unpack(fetched: sources.Fetched, tree: Path) -> None:
    tree.mkdir(parents=True)
    if fetched.component.kind == "deb":
        done = subprocess.run(
            ["dpkg-deb", "-x", str(fetched.path), str(tree)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise BundleError(f"dpkg-deb cannot unpack {fetched.path.name}: {done.stderr.strip()}")
    else:
        with zipfile.ZipFile(fetched.path) as wheel:
            wheel.extractall(tree)


def copy_code(tree: Path) -> Component:
    """Copy the studio's agent-side code and resources into ``tree``; its component."""
    package = Path(studio.__file__).resolve().parent
    if not (package / "agent" / "server.py").is_file():
        raise BundleError("this installation carries no studio source to put in a bundle")
    copied = []
    for source, prefix in [(package, "studio")] + [
        (resources_dir() / name, f"studio/resources/{name}") for name in CODE_RESOURCES
    ]:
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source).as_posix()
            if path.is_dir() or pruned(f"{prefix}/{rel}"):
                continue
            if prefix == "studio" and any(
                rel == part or rel.startswith(part + "/") for part in CODE_EXCLUDED
            ):
                continue
            target = tree / prefix / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            copied.append(f"{prefix}/{rel}")
    return Component("studio", __version__, hash_files(tree, copied), "code", CORE)


def write_profiles(tree: Path, layers: tuple[str, ...]) -> Component | None:
    """The operator profiles of the bundle's runtimes, computed here (the phone has no
    ``onnx`` to describe ONNX Runtime with), as ``tree/agent-profiles``; their component.

    Computing them needs a Python 3.12+ and, the first time, the package index. Where
    that fails the bundle goes without: its agent then describes what it can itself, and
    ``check --device`` knows less about ONNX Runtime on the phone.
    """
    from studio.compat.bundled import default_versions, write_bundle_profiles
    from studio.compat.profiles import ProfileError

    versions = default_versions(layers)
    folder = tree / SHIPPED_PROFILES
    try:
        written = write_bundle_profiles(folder, versions)
    except (ProfileError, OSError) as exc:
        log.warning("the bundle ships no operator profiles: %s", exc)
        return None
    rel = sorted(f"{SHIPPED_PROFILES}/{path.name}" for path in written.values())
    label = ", ".join(f"{name} {version}" for name, version in sorted(versions.items()))
    return Component("operator-profiles", label, hash_files(tree, rel), "code", CORE)


def assemble(fetched: list[sources.Fetched], layers: tuple[str, ...], home: Path) -> dict:
    """Build the bundle folder ``home/agent`` from the fetched inputs; its manifest."""
    agent = home / TOP
    scratch = home / "unpacked"
    files: dict[str, dict] = {}
    components = []
    try:
        for item in fetched:
            tree = scratch / f"{len(components)}-{item.component.name}"
            unpack(item, tree)
            place(tree, item.component.kind, item.component.name, agent, files)
            components.append(item.component)
        code = copy_code(scratch / "code")
        place(scratch / "code", "code", code.name, agent, files)
        components.append(code)
        profiles = write_profiles(scratch / "profiles", layers)
        if profiles is not None:
            place(scratch / "profiles", "code", profiles.name, agent, files)
            components.append(profiles)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    launcher = agent / LAUNCHER
    launcher.write_text(launcher_text(), encoding="utf-8", newline="\n")
    os.chmod(launcher, file_mode(LAUNCHER))
    files[LAUNCHER] = {
        "sha256": sources.sha256_file(launcher),
        "size": launcher.stat().st_size,
        "component": "launcher",
    }
    manifest = make_manifest(components, files, list(layers))
    (agent / MANIFEST).write_bytes(manifest_bytes(manifest))
    return manifest


def build(
    layers: tuple[str, ...] = DEFAULT_LAYERS,
    out: Path | None = None,
    mirror: str | None = None,
    refresh: bool = False,
    progress: Progress = no_progress,
) -> Bundle:
    """Fetch (or take from the cache) the inputs of ``layers`` and build the bundle.

    Without ``out`` it becomes this computer's current bundle (see :mod:`.store`); with
    ``out`` the folder ``out/agent`` and ``out/model-studio-agent-ID.tar.gz`` are
    written there instead (an ``out/agent`` bundle already there is replaced).
    """
    layers = tuple(name for name in (*DEFAULT_LAYERS, *OPTIONAL_LAYERS) if name in layers)
    progress(ProgressEvent("download", None, "Debian packages"))
    fetched = sources.fetch_debs(mirror, refresh)
    progress(ProgressEvent("download", 0.5, "wheels"))
    fetched += sources.fetch_wheels(wheels_for(layers))
    progress(ProgressEvent("assemble", None, "unpacking and pruning"))
    home = staging_dir("building") if out is None else _out_staging(out)
    try:
        manifest = assemble(fetched, layers, home)
        progress(ProgressEvent("archive", None, archive_name(manifest["id"])))
        write_archive(home / TOP, home / archive_name(manifest["id"]))
        bundle = install(home) if out is None else _publish(home, out)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    progress(ProgressEvent("done", 1.0, bundle.id))
    return bundle


def _out_staging(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    home = out / f".building-{secrets.token_hex(4)}"
    home.mkdir()
    return home


def _publish(home: Path, out: Path) -> Bundle:
    """Move a bundle built in ``home`` to ``out/agent`` and ``out/NAME.tar.gz``."""
    built = open_bundle(home)
    final = out / TOP
    if final.exists():
        if not (final / MANIFEST).is_file():
            raise BundleError(f"{final} exists and is not a bundle: nothing was replaced")
        old = out / f".old-{TOP}-{time.time_ns()}"
        os.replace(final, old)
        shutil.rmtree(old, ignore_errors=True)
    os.replace(home / TOP, final)
    assert built.archive is not None
    os.replace(built.archive, out / built.archive.name)
    return open_bundle(out)
