"""Fetching the bundle's inputs: Debian arm64 packages and aarch64 wheels, cached.

Debian packages come through ``apt-get download`` under a private apt configuration
(its own ``Dir``, state, cache and etc folders inside the studio's cache, architecture
arm64), with the archive addresses taken from this computer's own Debian sources and
the suite switched to :data:`DEBIAN_SUITE`. The system's apt state is never touched:
no ``dpkg --add-architecture``, no change under ``/etc`` or ``/var``.

Wheels come through ``pip download`` for manylinux aarch64 / CPython 3.13.

Every download is kept in ``<cache>/agent-bundle/downloads/NAME_VERSION_SHA256/``, so a
build whose inputs are all there needs no network.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from studio.agent.bundle.components import (
    BASE,
    DEBIAN_ARCH,
    DEBIAN_PACKAGES,
    DEBIAN_SUITE,
    PYTHON_VERSION,
    Component,
    Wheel,
)
from studio.errors import InputError
from studio.paths import cache_dir

log = logging.getLogger(__name__)

DEBIAN_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
SYSTEM_SOURCES = (Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d"))
WHEEL_PLATFORMS = ("manylinux_2_28_aarch64", "manylinux2014_aarch64")
DOWNLOAD_TIMEOUT_S = 1800


class SourceError(InputError):
    """The bundle's inputs cannot be fetched on this computer."""


def bundle_cache() -> Path:
    return cache_dir() / "agent-bundle"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Fetched:
    component: Component
    path: Path  # the downloaded file in the cache


# -- the download cache ---------------------------------------------------------------


def _cache_slot(name: str, version: str, sha256: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9.+~-]", "_", f"{name}_{version}")
    return bundle_cache() / "downloads" / f"{safe}_{sha256}"


def cached_file(name: str, version: str, sha256: str) -> Path | None:
    """The cached download of this exact name, version and checksum, if it is there intact."""
    slot = _cache_slot(name, version, sha256)
    files = sorted(slot.glob("*")) if slot.is_dir() else []
    if len(files) == 1 and sha256_file(files[0]) == sha256:
        return files[0]
    return None


def _store(path: Path, name: str, version: str, sha256: str) -> Path:
    """Move a verified download into its cache slot (atomically: a temporary folder renamed)."""
    slot = _cache_slot(name, version, sha256)
    staging = slot.with_name(f".{slot.name}.{secrets.token_hex(4)}")
    staging.mkdir(parents=True)
    shutil.move(str(path), staging / path.name)
    shutil.rmtree(slot, ignore_errors=True)
    os.replace(staging, slot)
    return slot / path.name


def _scratch(kind: str) -> Path:
    folder = bundle_cache() / "tmp" / f"{kind}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    return folder


def _run(cmd: list[str], what: str, env: dict | None = None, cwd: Path | None = None) -> str:
    log.info("bundle: %s", " ".join(cmd))
    try:
        done = subprocess.run(
            cmd,
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=DOWNLOAD_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise SourceError(f"{what} needs {cmd[0]}, which this computer does not have") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"{what} took over {DOWNLOAD_TIMEOUT_S} s and was stopped") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise SourceError(
            f"{what} failed: {lines[-1] if lines else f'exit {done.returncode}'}",
            hint="check the network connection, then build again",
            details=done.stderr,
        )
    return done.stdout


# -- wheels ---------------------------------------------------------------------------


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def fetch_wheels(wheels: list[Wheel]) -> list[Fetched]:
    """The pinned wheels, from the cache or ``pip download``, each checked by SHA-256."""
    missing = [
        wheel for wheel in wheels if cached_file(wheel.name, wheel.version, wheel.sha256) is None
    ]
    if missing:
        _download_wheels(missing)
    fetched = []
    for wheel in wheels:
        path = cached_file(wheel.name, wheel.version, wheel.sha256)
        assert path is not None
        fetched.append(
            Fetched(Component(wheel.name, wheel.version, wheel.sha256, "wheel", wheel.layer), path)
        )
    return fetched


def _download_wheels(wheels: list[Wheel]) -> None:
    if getattr(sys, "frozen", False):
        raise SourceError(
            "this installation cannot download wheels for the phone bundle",
            hint="use the bundle that came with it, or `model-studio agent-bundle import FILE`",
        )
    scratch = _scratch("wheels")
    try:
        cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q"]
        cmd += ["--no-deps", "--only-binary=:all:", "--implementation", "cp"]
        cmd += ["--python-version", PYTHON_VERSION, "-d", str(scratch)]
        for platform in WHEEL_PLATFORMS:
            cmd += ["--platform", platform]
        cmd += [f"{wheel.name}=={wheel.version}" for wheel in wheels]
        _run(cmd, "downloading the phone bundle's wheels")
        by_name = {_normal(path.name.split("-", 1)[0]): path for path in scratch.glob("*.whl")}
        for wheel in wheels:
            path = by_name.get(_normal(wheel.name))
            if path is None:
                raise SourceError(f"pip did not download {wheel.name} {wheel.version}")
            actual = sha256_file(path)
            if actual != wheel.sha256:
                raise SourceError(
                    f"the downloaded {path.name} has SHA-256 {actual}, not the pinned "
                    f"{wheel.sha256}",
                    hint="the package index served other bytes for this version; nothing was kept",
                )
            _store(path, wheel.name, wheel.version, wheel.sha256)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# -- Debian packages ------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    """The Debian archive addresses this computer's apt configuration names."""

    main: str
    security: str | None


def _sources_entries(text: str) -> list[tuple[list[str], list[str], str]]:
    """(URIs, suites, signed-by) of each ``deb`` entry of a sources file (one-line or deb822)."""
    # Comment lines go entirely: in deb822 a blank line (not a comment) ends an entry.
    lines = [
        line.split("#", 1)[0].rstrip() for line in text.splitlines() if line.strip()[:1] != "#"
    ]
    entries = []
    if any(re.match(r"(?i)types\s*:", line) for line in lines):
        for paragraph in re.split(r"\n\s*\n", "\n".join(lines)):
            fields: dict[str, str] = {}
            key = None
            for line in paragraph.splitlines():
                if line[:1].isspace() and key:
                    fields[key] += " " + line.strip()
                elif ":" in line:
                    key, value = line.split(":", 1)
                    key = key.strip().lower()
                    fields[key] = value.strip()
            if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes") != "no":
                entries.append(
                    (
                        fields.get("uris", "").split(),
                        fields.get("suites", "").split(),
                        fields.get("signed-by", ""),
                    )
                )
        return entries
    for line in lines:
        match = re.match(r"\s*deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line)
        if match:
            options = match.group(1) or ""
            signed = re.search(r"signed-by=(\S+)", options)
            entries.append(([match.group(2)], [match.group(3)], signed.group(1) if signed else ""))
    return entries


def _is_debian(uri: str, signed_by: str) -> bool:
    last = urlparse(uri).path.rstrip("/").rsplit("/", 1)[-1]
    return "debian-archive" in signed_by or last in ("debian", "debian-security")


def find_archive(texts: list[str]) -> Archive | None:
    """The Debian archive and security archive named in these sources files, if any."""
    main = security = None
    for text in texts:
        for uris, suites, signed_by in _sources_entries(text):
            for uri in uris:
                if not _is_debian(uri, signed_by):
                    continue
                for suite in suites:
                    if suite.endswith("-security"):
                        security = security or uri
                    elif "-" not in suite.rstrip("/") or suite.endswith("-updates"):
                        main = main or uri
    return Archive(main, security) if main else None


def system_archive() -> Archive:
    """The Debian archive of this computer's own apt configuration (read, never changed)."""
    texts = []
    for place in SYSTEM_SOURCES:
        files = (
            sorted(place.glob("*.list")) + sorted(place.glob("*.sources"))
            if place.is_dir()
            else [place]
        )
        for path in files:
            try:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    archive = find_archive(texts)
    if archive is None:
        raise SourceError(
            "this computer's apt sources name no Debian archive, which the phone bundle's "
            "system libraries come from",
            hint="build the bundle on a Debian computer and carry the file here with "
            "`model-studio agent-bundle import FILE`, or name a Debian mirror with "
            "--debian-mirror URL",
        )
    return archive


class PrivateApt:
    """apt-get and apt-cache for Debian ``DEBIAN_SUITE`` arm64, with all state in the cache."""

    def __init__(self, root: Path | None = None):
        self.root = root or bundle_cache() / "apt"
        self.config = self.root / "apt.conf"

    def _write_config(self, archive: Archive) -> None:
        if not DEBIAN_KEYRING.is_file():
            raise SourceError(
                f"{DEBIAN_KEYRING} is missing: it checks the Debian packages' signatures",
                hint="install the debian-archive-keyring package",
            )
        root = self.root
        for folder in (
            "etc/apt/apt.conf.d",
            "etc/apt/preferences.d",
            "etc/apt/trusted.gpg.d",
            "etc/apt/sources.list.d",
            "var/lib/apt/lists/partial",
            "var/cache/apt/archives/partial",
            "var/lib/dpkg",
            "var/log/apt",
        ):
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "var/lib/dpkg/status").touch()
        self.config.write_text(
            "\n".join(
                [
                    f'Dir "{root}/";',
                    f'Dir::State::status "{root}/var/lib/dpkg/status";',
                    f'APT::Architecture "{DEBIAN_ARCH}";',
                    f'APT::Architectures {{ "{DEBIAN_ARCH}"; }};',
                    'Acquire::Languages "none";',
                    'APT::Sandbox::User "root";' if os.geteuid() == 0 else "",
                    "",
                ]
            )
        )
        entries = [(archive.main, f"{DEBIAN_SUITE} {DEBIAN_SUITE}-updates")]
        if archive.security:
            entries.append((archive.security, f"{DEBIAN_SUITE}-security"))
        (root / "etc/apt/sources.list.d/debian.sources").write_text(
            "\n".join(
                f"Types: deb\nURIs: {uri}\nSuites: {suites}\nComponents: main\n"
                f"Signed-By: {DEBIAN_KEYRING}\n"
                for uri, suites in entries
            )
        )

    def _env(self) -> dict:
        return {**os.environ, "APT_CONFIG": str(self.config), "LC_ALL": "C"}

    def has_index(self) -> bool:
        lists = self.root / "var/lib/apt/lists"
        return self.config.is_file() and any(lists.glob("*_Packages*"))

    def update(self, archive: Archive) -> None:
        self._write_config(archive)
        _run(
            ["apt-get", "-q", "update"],
            f"reading the Debian {DEBIAN_SUITE} package index",
            self._env(),
        )

    def resolve(self, packages: tuple[str, ...]) -> list[Component]:
        """Each package's candidate version and the SHA-256 of its .deb, from the kept index."""
        out = _run(
            ["apt-cache", "show", "--no-all-versions", *packages],
            "looking up the Debian packages",
            self._env(),
        )
        found = {}
        for stanza in out.split("\n\n"):
            fields = dict(re.findall(r"^([A-Za-z0-9-]+): (.*)$", stanza, re.M))
            if "Package" in fields:
                found[fields["Package"]] = Component(
                    fields["Package"], fields["Version"], fields["SHA256"], "deb", BASE
                )
        missing = [name for name in packages if name not in found]
        if missing:
            raise SourceError(f"Debian {DEBIAN_SUITE} {DEBIAN_ARCH} has no {', '.join(missing)}")
        return [found[name] for name in packages]

    def download(self, components: list[Component]) -> None:
        scratch = _scratch("debs")
        try:
            specs = [f"{c.name}={c.version}" for c in components]
            _run(
                ["apt-get", "-q", "download", *specs],
                "downloading the Debian packages",
                self._env(),
                scratch,
            )
            for component in components:
                name = f"{component.name}_"
                matches = [path for path in scratch.glob("*.deb") if path.name.startswith(name)]
                if len(matches) != 1 or sha256_file(matches[0]) != component.sha256:
                    raise SourceError(
                        f"apt did not deliver {component.name} {component.version} intact"
                    )
                _store(matches[0], component.name, component.version, component.sha256)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def fetch_debs(
    mirror: str | None = None,
    refresh: bool = False,
    packages: tuple[str, ...] = DEBIAN_PACKAGES,
) -> list[Fetched]:
    """Debian arm64 ``packages`` (default: the base layer's), from the cache when the kept
    index allows."""
    apt = PrivateApt()

    def update() -> None:
        apt.update(Archive(mirror, None) if mirror else system_archive())

    if refresh or mirror or not apt.has_index():
        update()
    for attempt in (1, 2):
        components = apt.resolve(packages)
        missing = [c for c in components if cached_file(c.name, c.version, c.sha256) is None]
        if not missing:
            break
        try:
            apt.download(missing)
            break
        except SourceError:
            if attempt == 2:
                raise
            update()  # the kept index may name versions the archive has since replaced
    return [Fetched(c, cached_file(c.name, c.version, c.sha256)) for c in components]  # type: ignore[arg-type]
