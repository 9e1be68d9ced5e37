"""Verified push and pull between this computer and a phone.

A push writes the file under a temporary name beside its destination, checks its
SHA-256 on the phone, and only then renames it: a cancelled, interrupted or damaged
transfer never leaves a file under the destination name; the temporary file of a
push that never finished (the phone went away) is removed by the next push to that
folder. Free space is checked before a byte is sent. Data goes over adb's file-sync
protocol directly, in large writes, so progress (bytes, MB/s, time left) and cancel
cost next to nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import posixpath
import queue
import re
import secrets
import shlex
import socket
import stat
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from studio.devices.adb import AdbServer, adb_errors, resolve_server
from studio.devices.adbproto import (
    ID_DATA,
    ID_DONE,
    ID_FAIL,
    ID_OKAY,
    ID_RECV,
    ID_SEND,
    SYNC_HEADER,
    SYNC_MAX_DATA,
    sync_request,
)
from studio.devices.discovery import find_device
from studio.devices.link import DeviceLink, recv_exact
from studio.errors import DeviceError, InputError
from studio.fileio import atomic_path
from studio.progress import CancelToken, Progress, ProgressEvent, no_progress
from studio.units import human_bytes

log = logging.getLogger("studio.devices")

STUDIO_DIR = "/data/local/tmp/model-studio"
BLOCK = 16 * SYNC_MAX_DATA  # 1 MiB read and sent per write
STALL_TIMEOUT = 10.0  # seconds without progress before a phone counts as gone
PROGRESS_INTERVAL = 0.1
PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
# A push's temporary file: ``.NAME.TOKEN.partial``, TOKEN 8 lowercase hex digits.
PARTIAL_NAME = re.compile(r"^\..+\.[0-9a-f]{8}\.partial$")
# A temporary file unchanged this long (by the phone's clock) belongs to a push that
# never finished: a live push writes it at least every STALL_TIMEOUT, then verifies
# and renames it within the shell timeouts below (6 minutes at most).
STALE_PARTIAL_AGE = 10 * 60


class NoSpaceError(DeviceError):
    """The phone has not enough free storage for the file."""


class NotWritableError(DeviceError):
    """The destination folder on the phone cannot be written."""


@dataclass
class PushResult:
    serial: str
    local_path: str
    remote_path: str
    bytes: int
    sha256: str
    seconds: float
    method: str = "sync"  # "sync", or "run-as" for an app's private files

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict:
        doc = asdict(self)
        doc["mb_per_s"] = round(self.mb_per_s, 2)
        return doc


@dataclass
class PullResult:
    serial: str
    remote_path: str
    local_path: str
    bytes: int
    sha256: str
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


# ----- shell helpers --------------------------------------------------------------------


def q(path: str) -> str:
    return shlex.quote(path)


def _shell_failure(what: str, path: str, text: str) -> DeviceError:
    lowered = text.lower()
    if "no space" in lowered:
        return NoSpaceError(
            f"The phone ran out of storage while writing {path}",
            hint="free some space on the phone and push again",
            details=text,
        )
    if "permission denied" in lowered or "read-only" in lowered or "not permitted" in lowered:
        return NotWritableError(
            f"The phone does not allow writing to {posixpath.dirname(path) or path}",
            hint=f"push into {STUDIO_DIR}/ (the default), the app's folder (--package), "
            "or a folder under /sdcard/",
            details=text,
        )
    return DeviceError(
        f"Could not {what} {path} on the phone: {text or 'unknown error'}", details=text
    )


# ----- temporary files --------------------------------------------------------------------


def partial_path(folder: str, name: str, token: str) -> str:
    """Where a push writes ``name`` before it is verified and renamed into place."""
    return f"{folder}/.{name}.{token}.partial"


def _sweep_partials(device, folder: str, package: str | None = None) -> None:
    """Remove what earlier pushes left in ``folder`` when the phone went away mid-push.

    Only files named as :func:`partial_path` names them, and only those unchanged for
    STALE_PARTIAL_AGE by the phone's own clock, so a push in progress keeps its file.
    ``package``: the folder is that app's, reached through run-as.
    """
    as_app = f"run-as {q(package)} " if package else ""
    listing = device.shell(f"date +%s; {as_app}ls -a {q(folder)}", timeout=30).out.splitlines()
    if not listing or not listing[0].strip().isdigit():
        return
    now = int(listing[0])
    candidates = [f"{folder}/{name}" for name in listing[1:] if PARTIAL_NAME.match(name)]
    if not candidates:
        return
    found = device.shell(f"{as_app}stat -c '%Y %n' {_words(candidates)}", timeout=30)
    stale = []
    for line in found.out.splitlines():
        mtime, _, path = line.partition(" ")
        if path in candidates and mtime.isdigit() and now - int(mtime) > STALE_PARTIAL_AGE:
            stale.append(path)
    if stale:
        log.info("removing %d unfinished push(es) from %s", len(stale), folder)
        device.shell(f"{as_app}rm -f {_words(stale)}", timeout=30)


def _words(paths: list[str]) -> str:
    return " ".join(q(p) for p in paths)


# ----- destination ------------------------------------------------------------------------


@dataclass
class Destination:
    final: str  # where the file ends up
    upload_dir: str  # where sync writes the temporary file
    package: str | None = None  # set when the final copy is made through run-as


def resolve_destination(
    device: DeviceLink, name: str, dest: str | None, package: str | None
) -> Destination:
    if dest and package:
        raise InputError("Give either a destination path or an app package, not both")
    if package:
        if not PACKAGE_NAME.match(package):
            raise InputError(
                f"{package!r} is not an Android package name", hint="for example com.example.app"
            )
        installed = device.shell(f"pm path {q(package)}", timeout=30)
        if installed.code != 0 or "package:" not in installed.out:
            raise InputError(
                f"The app {package} is not installed on the phone",
                hint="install the app first (or check the name with `adb shell pm list packages`)",
            )
        probe = device.shell(f"run-as {q(package)} id", timeout=30)
        if probe.code == 0:
            return Destination(f"/data/data/{package}/files/{name}", STUDIO_DIR, package)
        folder = f"/sdcard/Android/data/{package}/files"
        return Destination(f"{folder}/{name}", folder)
    if not dest:
        return Destination(f"{STUDIO_DIR}/{name}", STUDIO_DIR)
    if not dest.startswith("/"):
        dest = posixpath.join(STUDIO_DIR, dest)
    if dest.endswith("/"):
        final = posixpath.normpath(dest) + "/" + name
    else:
        final = posixpath.normpath(dest)
        found = device.stat(final)
        if found and stat.S_ISDIR(found[0]):
            final = posixpath.join(final, name)
    return Destination(final, posixpath.dirname(final))


def _prepare(device, folder: str, tmp: str, size: int, copies: int) -> None:
    """Create the folder, prove it writable, and check the space: before any byte is sent."""
    from studio.devices.facts import parse_df

    result = device.shell(
        f"mkdir -p {q(folder)} && touch {q(tmp)} && df -k {q(folder)}", timeout=30
    )
    if result.code != 0:
        raise _shell_failure("write to", tmp, result.text)
    free = parse_df(result.out)[1]
    if free is not None and size * copies > free:
        _cleanup(device, tmp, None, "", False)
        raise NoSpaceError(
            f"Not enough storage on the phone: the file needs {human_bytes(size * copies)}, "
            f"{human_bytes(free)} is free",
            hint="free some space on the phone (or push a smaller model) and try again",
        )


# ----- push -----------------------------------------------------------------------------------


class _Meter:
    """Progress events for a transfer: bytes, MB/s and time left, at most every 0.1 s."""

    def __init__(self, progress: Progress, total: int, stage: str):
        self.progress = progress
        self.total = total
        self.stage = stage
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        rate = done / elapsed
        fraction = done / self.total if self.total else 1.0
        message = f"{done / 1e6:.1f} of {self.total / 1e6:.1f} MB, {rate / 1e6:.1f} MB/s"
        if done < self.total and rate > 0:
            message += f", {max(0, (self.total - done) / rate):.0f} s left"
        self.progress(ProgressEvent(self.stage, fraction, message, done=done, total=self.total))


def _device_gone(serial: str, exc: BaseException | str) -> DeviceError:
    return DeviceError(
        f"The phone {serial} disconnected during the transfer",
        hint="reconnect it and push again; nothing was left under the destination name",
        details=str(exc),
    )


def _send_file(
    device: DeviceLink, local: Path, remote_tmp: str, final: str, meter: _Meter, cancel: CancelToken
) -> str:
    """SEND ``local`` to ``remote_tmp`` over sync; returns the local SHA-256.

    Failures name ``final``, the path the user asked for, not the temporary one.

    The file is hashed on a second thread while it is sent (hashlib releases the GIL).
    """
    hasher = _Hasher()
    try:
        sock = device.open("sync:", timeout=30)
    except OSError as exc:
        raise _device_gone(device.serial, exc) from None
    try:
        sock.settimeout(STALL_TIMEOUT)
        spec = f"{remote_tmp},{stat.S_IFREG | 0o644}".encode()
        sock.sendall(sync_request(ID_SEND, spec))
        done = 0
        with open(local, "rb", buffering=0) as f:
            while True:
                cancel.check()
                block = f.read(BLOCK)
                if not block:
                    break
                hasher.feed(block)
                view = memoryview(block)
                buffers = []
                for i in range(0, len(view), SYNC_MAX_DATA):
                    piece = view[i : i + SYNC_MAX_DATA]
                    buffers += (SYNC_HEADER.pack(ID_DATA, len(piece)), piece)
                try:
                    _send_buffers(sock, buffers)
                except OSError as exc:
                    raise _device_gone(device.serial, _failure_reply(sock) or exc) from None
                done += len(block)
                meter.update(done)
        try:
            sock.sendall(SYNC_HEADER.pack(ID_DONE, int(time.time())))
            ident, length = SYNC_HEADER.unpack(recv_exact(sock, SYNC_HEADER.size))
        except (OSError, EOFError) as exc:
            raise _device_gone(device.serial, exc) from None
        if ident == ID_FAIL:
            message = recv_exact(sock, length).decode("utf-8", "replace")
            raise _shell_failure("write", final, message)
        if ident != ID_OKAY:
            raise DeviceError(f"The phone answered the push with {ident!r}")
        meter.update(done, force=True)
        with contextlib.suppress(OSError):
            sock.sendall(SYNC_HEADER.pack(b"QUIT", 0))
        return hasher.hexdigest()
    finally:
        hasher.close()
        sock.close()


def _send_buffers(sock: socket.socket, buffers: list) -> None:
    """sendall for a list of buffers, without joining them (partial sends resumed)."""
    pending = [memoryview(b).cast("B") for b in buffers]
    while pending:
        sent = sock.sendmsg(pending)
        while sent:
            if sent >= len(pending[0]):
                sent -= len(pending[0])
                pending.pop(0)
            else:
                pending[0] = pending[0][sent:]
                sent = 0


class _Hasher:
    """SHA-256 computed on a background thread, fed block by block."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._closed = False

    def _run(self) -> None:
        for block in iter(self._queue.get, None):
            self._digest.update(block)

    def feed(self, block: bytes) -> None:
        self._queue.put(block)

    def hexdigest(self) -> str:
        self.close()
        return self._digest.hexdigest()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()


def _failure_reply(sock: socket.socket) -> str | None:
    """When the phone stops a SEND early (disk full), read the FAIL it sent."""
    with contextlib.suppress(OSError, ValueError):
        sock.settimeout(1.0)
        head = sock.recv(8)
        if len(head) == 8 and head[:4] == ID_FAIL:
            return sock.recv(SYNC_HEADER.unpack(head)[1]).decode("utf-8", "replace")
    return None


def _remote_sha256(device, path: str, package: str | None) -> str:
    command = f"sha256sum {q(path)}"
    if package:
        command = f"run-as {q(package)} {command}"
    result = device.shell(command, timeout=300)
    match = re.match(r"\s*([0-9a-fA-F]{64})\b", result.out)
    if result.code != 0 or not match:
        raise DeviceError(
            f"Could not check the file on the phone: {result.text or 'no sha256sum'}",
            hint="this phone's shell lacks sha256sum (Android 7 or later has it)",
        )
    return match.group(1).lower()


def push(
    local_path: str | os.PathLike,
    serial: str,
    dest: str | None = None,
    package: str | None = None,
    server: AdbServer | str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> PushResult:
    """Copy a file to the phone, verified by SHA-256, renamed into place only when intact.

    ``dest``: a device path (a folder when it ends with "/" or is one); default
    ``/data/local/tmp/model-studio/NAME``. ``package``: into that app's files — its
    private ``files/`` through ``run-as`` when the app is debuggable, else its external
    files folder on shared storage.
    """
    cancel = cancel or CancelToken()
    local = Path(local_path)
    if not local.is_file():
        raise InputError(f"There is no file {local}", hint="check the path of the artifact")
    size = local.stat().st_size
    server = resolve_server(server)
    started = time.monotonic()
    with adb_errors(serial, server):
        device = find_device(serial, server)
        target = resolve_destination(device, local.name, dest, package)
        _sweep_partials(device, target.upload_dir)
        if target.package:
            _sweep_partials(device, posixpath.dirname(target.final), target.package)
        token = secrets.token_hex(4)
        tmp = partial_path(target.upload_dir, local.name, token)
        _prepare(device, target.upload_dir, tmp, size, 2 if target.package else 1)
        meter = _Meter(progress, size, "push")
        meter.update(0, force=True)
        sent = False
        try:
            local_sha = _send_file(device, local, tmp, target.final, meter, cancel)
            sent = True
            cancel.check()
            progress(ProgressEvent("verify", None, "checking SHA-256 on the phone"))
            if target.package:
                final_tmp = _copy_into_app(device, target, tmp, token)
                check_path, owner = final_tmp, target.package
            else:
                check_path, owner = tmp, None
            remote_sha = _remote_sha256(device, check_path, owner)
            if remote_sha != local_sha:
                raise DeviceError(
                    "The file arrived damaged on the phone (its SHA-256 differs)",
                    hint="push again; if it keeps happening, try another cable or port",
                    details=f"local {local_sha}, phone {remote_sha}",
                )
            cancel.check()
            _rename(device, check_path, target.final, owner)
        except BaseException:
            _cleanup(device, tmp, target, token, sent)
            raise
        if target.package:
            _cleanup(device, tmp, None, token, True)
    seconds = time.monotonic() - started
    progress(ProgressEvent("push", 1.0, f"{human_bytes(size)} pushed and verified", size, size))
    return PushResult(
        serial,
        str(local),
        target.final,
        size,
        local_sha,
        seconds,
        "run-as" if target.package else "sync",
    )


def _copy_into_app(device, target: Destination, staged: str, token: str) -> str:
    pkg = q(target.package)
    folder = posixpath.dirname(target.final)
    app_tmp = partial_path(folder, posixpath.basename(target.final), token)
    # The shell reads the staged file and the app writes it: SELinux lets an app read
    # a pipe from the shell, not files in /data/local/tmp.
    result = device.shell(
        f"run-as {pkg} mkdir -p {q(folder)} && "
        f"cat {q(staged)} | run-as {pkg} sh -c {q('cat > ' + q(app_tmp))}",
        timeout=300,
    )
    if result.code != 0:
        raise _shell_failure("copy into the app", target.final, result.text)
    return app_tmp


def _rename(device, tmp: str, final: str, package: str | None) -> None:
    command = f"mv -f {q(tmp)} {q(final)}"
    if package:
        command = f"run-as {q(package)} {command}"
    result = device.shell(command, timeout=60)
    if result.code != 0:
        raise _shell_failure("rename the file to", final, result.text)


def _cleanup(device, tmp: str, target: Destination | None, token: str, sent: bool) -> None:
    """Best effort: remove temporary files (the phone may be gone)."""
    commands = [f"rm -f {q(tmp)}"]
    if target is not None and target.package:
        folder = posixpath.dirname(target.final)
        app_tmp = partial_path(folder, posixpath.basename(target.final), token)
        commands.append(f"run-as {q(target.package)} rm -f {q(app_tmp)}")
    for command in commands:
        with contextlib.suppress(Exception):
            device.shell(command, timeout=5)


# ----- pull ---------------------------------------------------------------------------------------


def pull(
    remote_path: str,
    local_path: str | os.PathLike,
    serial: str,
    server: AdbServer | str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> PullResult:
    """Copy a file from the phone; the local file appears only when complete."""
    cancel = cancel or CancelToken()
    server = resolve_server(server)
    local = Path(local_path)
    if local.is_dir():
        local = local / posixpath.basename(remote_path)
    started = time.monotonic()
    with adb_errors(serial, server):
        device = find_device(serial, server)
        found = device.stat(remote_path)
        if found is None or stat.S_ISDIR(found[0]):
            raise InputError(f"There is no file {remote_path} on the phone")
        total = found[1]
        meter = _Meter(progress, total, "pull")
        digest = hashlib.sha256()
        done = 0
        with atomic_path(local) as tmp, open(tmp, "wb") as out:
            sock = device.open("sync:", timeout=30)
            try:
                sock.settimeout(STALL_TIMEOUT)
                sock.sendall(sync_request(ID_RECV, remote_path.encode()))
                while True:
                    cancel.check()
                    try:
                        ident, length = SYNC_HEADER.unpack(recv_exact(sock, SYNC_HEADER.size))
                        data = recv_exact(sock, length) if ident in (ID_DATA, ID_FAIL) else b""
                    except (OSError, EOFError) as exc:
                        raise _device_gone(serial, exc) from None
                    if ident == ID_DONE:
                        break
                    if ident == ID_FAIL:
                        raise _shell_failure("read", remote_path, data.decode("utf-8", "replace"))
                    if ident != ID_DATA:
                        raise DeviceError(f"The phone sent {ident!r} during a pull")
                    out.write(data)
                    digest.update(data)
                    done += len(data)
                    meter.update(done)
            finally:
                sock.close()
        meter.update(done, force=True)
    return PullResult(
        serial, remote_path, str(local), done, digest.hexdigest(), time.monotonic() - started
    )
