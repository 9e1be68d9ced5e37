"""The phone agent bundle on a device: whether it needs one, which one it holds, installing
and removing it.

A real phone (and the virtual device's arm64 mode) runs the agent from the bundle in
``/data/local/tmp/model-studio/agent/``. A virtual device in its default mode runs the
agent as a process of this computer and says so with the system property
``ro.modelstudio.agent=host``: it needs no bundle.

An install never leaves a half-written bundle in use: the bundle's ``.tar.gz`` is pushed
(SHA-256 verified), unpacked into a staging folder beside the bundle folder, every file
is checked against the manifest on the device, and only then the old folder is renamed
away, the new one renamed into place and the old one removed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import posixpath
import re
import secrets
import tempfile
from pathlib import Path

from studio.agent.bundle.archive import TOP, archive_name, write_archive
from studio.agent.bundle.launcher import LAUNCHER, MANIFEST
from studio.agent.deployment import AGENT_DIR
from studio.devices.virtual.agent_command import HOST_AGENT, HOST_AGENT_PROP
from studio.errors import Action, AgentError
from studio.progress import CancelToken, Progress, ProgressEvent, no_progress
from studio.units import human_bytes

log = logging.getLogger("studio.agent")

BUNDLE_DIR = f"{AGENT_DIR}/{TOP}"
LAUNCHER_PATH = f"{BUNDLE_DIR}/{LAUNCHER}"
BUNDLE_ABI = "arm64-v8a"
STAGING_PREFIXES = (".agent-new-", ".agent-old-")  # beside BUNDLE_DIR during an install
VERIFY_COMMAND_CHARS = 16000  # sha256sum command lines stay well below adbd's limit


def needs_bundle(link) -> bool:
    """Whether the agent on this device runs from the phone bundle."""
    return link.shell(f"getprop {HOST_AGENT_PROP}", timeout=15).out.strip() != HOST_AGENT


def check_abi(link, serial: str) -> None:
    abi = link.shell("getprop ro.product.cpu.abi", timeout=15).out.strip()
    if abi != BUNDLE_ABI:
        raise AgentError(
            f"The phone {serial} is a {abi or 'unknown'} device; the Model Studio agent runs "
            f"on {BUNDLE_ABI} phones only",
            hint="benchmark on a 64-bit ARM phone, or on a virtual device "
            "(`model-studio virtual-device`)",
            action=Action.VIRTUAL_DEVICE,
        )


def local_bundle(serial: str, progress: Progress = no_progress):
    """This computer's bundle (built now if it has none and can build one), or an
    AgentError saying how to get one."""
    from studio.agent.bundle import BundleError, require_bundle

    try:
        return require_bundle(build_if_missing=True, progress=progress)
    except BundleError as exc:
        raise AgentError(
            f"The phone {serial} needs the Model Studio agent bundle, and this computer has none",
            hint=exc.hint or exc.message,
        ) from None


def device_bundle_id(link) -> str | None:
    """The id in the manifest of the bundle installed on the device, if any."""
    text = link.shell(f"cat {BUNDLE_DIR}/{MANIFEST} 2>/dev/null", timeout=30).out
    try:
        found = json.loads(text).get("id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def _q(path: str) -> str:
    from studio.devices.transfer import q

    return q(path)


def _run(link, command: str, what: str, timeout: float = 300) -> str:
    """Run ``command``; a failure is an AgentError with the device's own message."""
    result = link.shell(command, timeout=timeout)
    if result.code != 0:
        raise AgentError(
            f"The phone could not {what}: {result.text or f'exit status {result.code}'}",
            hint="check the phone's free storage; some phones do not allow programs "
            f"in {AGENT_DIR}",
            details=result.text,
        )
    return result.out


def _leftovers(link) -> list[str]:
    """Staging folders that an install which never finished left beside the bundle."""
    names = link.shell(f"ls -a {_q(AGENT_DIR)} 2>/dev/null", timeout=30).out.split()
    return [f"{AGENT_DIR}/{n}" for n in names if n.startswith(STAGING_PREFIXES)]


def _remove(link, paths: list[str]) -> None:
    if paths:
        with contextlib.suppress(Exception):
            link.shell("rm -rf " + " ".join(_q(p) for p in paths), timeout=120)


def _archive_of(bundle) -> Path:
    """The bundle as one .tar.gz (made beside the bundle folder when it has none yet)."""
    if bundle.archive is not None:
        return bundle.archive
    dest = bundle.folder.parent / archive_name(bundle.id)
    try:
        write_archive(bundle.folder, dest)
    except OSError:  # a read-only installation: make it in a temporary folder
        dest = Path(tempfile.mkdtemp(prefix="model-studio-bundle-")) / archive_name(bundle.id)
        write_archive(bundle.folder, dest)
    return dest


def _check_space(link, serial: str, archive: Path, manifest: dict) -> None:
    from studio.devices.facts import parse_df

    unpacked = sum(entry["size"] for entry in manifest["files"].values())
    need = archive.stat().st_size + unpacked
    out = _run(link, f"mkdir -p {_q(AGENT_DIR)} && df -k {_q(AGENT_DIR)}", "prepare its folder")
    free = parse_df(out)[1]
    if free is not None and need > free:
        raise AgentError(
            f"Not enough storage on {serial} for the Model Studio agent: it needs "
            f"{human_bytes(need)}, {human_bytes(free)} is free",
            hint="free some space on the phone and try again",
        )


def _verify(link, folder: str, manifest: dict) -> None:
    """Every file of ``manifest`` in ``folder`` on the device has its SHA-256."""
    files = manifest["files"]
    paths = sorted(files)
    start = 0
    while start < len(paths):
        batch, length = [], 0
        while start < len(paths) and (not batch or length < VERIFY_COMMAND_CHARS):
            batch.append(paths[start])
            length += len(paths[start]) + 3
            start += 1
        out = _run(
            link,
            f"cd {_q(folder)} && sha256sum " + " ".join(_q(p) for p in batch),
            "check the agent's files",
        )
        found = {}
        for line in out.splitlines():
            match = re.match(r"([0-9a-fA-F]{64}) [ *]?(.+)$", line.strip())
            if match:
                found[match.group(2)] = match.group(1).lower()
        for path in batch:
            if found.get(path) != files[path]["sha256"]:
                raise AgentError(
                    f"The agent's file {path} arrived different from its bundle's manifest "
                    "(its SHA-256 differs); nothing was installed",
                    hint="build or import the bundle again (`model-studio agent-bundle`)",
                    details=f"manifest {files[path]['sha256']}, phone {found.get(path)}",
                )


def install_bundle(
    link,
    serial: str,
    bundle,
    server=None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    before_swap=None,
) -> int:
    """Put ``bundle`` in place on the device; returns the bytes pushed.

    ``before_swap()`` runs once the new bundle is verified, before the old one is moved
    away (the caller stops the agent running from it).
    """
    from studio.devices.transfer import push

    archive = _archive_of(bundle)
    _remove(link, _leftovers(link))
    _check_space(link, serial, archive, bundle.manifest)
    token = secrets.token_hex(4)
    staging = f"{AGENT_DIR}/{STAGING_PREFIXES[0]}{token}"
    old = f"{AGENT_DIR}/{STAGING_PREFIXES[1]}{token}"
    remote_archive = f"{staging}.tar.gz"
    try:
        pushed = push(
            archive,
            serial,
            dest=remote_archive,
            server=server,
            progress=progress,
            cancel=cancel,
        )
        progress(ProgressEvent("agent", None, "unpacking the agent on the phone"))
        _run(
            link,
            f"mkdir -p {_q(staging)} && tar -xzf {_q(remote_archive)} -C {_q(staging)}",
            "unpack the agent",
            timeout=600,
        )
        _remove(link, [remote_archive])
        progress(ProgressEvent("agent", None, "checking the agent's files on the phone"))
        _verify(link, f"{staging}/{TOP}", bundle.manifest)
        if cancel is not None:
            cancel.check()
        if before_swap is not None:
            before_swap()
        if link.shell(f"test -e {_q(BUNDLE_DIR)}", timeout=30).code == 0:
            _run(link, f"mv {_q(BUNDLE_DIR)} {_q(old)}", "move the old agent away")
        try:
            _run(link, f"mv {_q(staging + '/' + TOP)} {_q(BUNDLE_DIR)}", "put the agent in place")
        except AgentError:
            link.shell(f"test -e {_q(old)} && mv {_q(old)} {_q(BUNDLE_DIR)}", timeout=30)
            raise
    finally:
        _remove(link, [remote_archive, staging, old])
    log.info("agent bundle %s installed on %s (%d bytes pushed)", bundle.id, serial, pushed.bytes)
    progress(ProgressEvent("agent", 1.0, f"agent installed ({human_bytes(pushed.bytes)} pushed)"))
    return pushed.bytes


def remove_bundle(serial: str, server=None) -> list[str]:
    """Stop the agent on ``serial`` and remove its bundle and state; returns what was removed."""
    from studio.agent.deployment import LOG_FILE, STATE_FILE, stop_recorded_agent
    from studio.devices.adb import adb_errors, resolve_server
    from studio.devices.discovery import find_device

    server = resolve_server(server)
    with adb_errors(serial, server):
        link = find_device(serial, server)
        stop_recorded_agent(link)
        names = link.shell(f"ls -a {_q(AGENT_DIR)} 2>/dev/null", timeout=30).out.split()
        removed = [
            posixpath.join(AGENT_DIR, n)
            for n in names
            if n in (TOP, STATE_FILE, LOG_FILE) or n.startswith(STAGING_PREFIXES)
        ]
        if removed:
            _run(link, "rm -rf " + " ".join(_q(p) for p in removed), "remove the agent")
    return removed
