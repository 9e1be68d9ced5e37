"""Verified push (and pull) to virtual devices through the real adb server."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import signal
import subprocess
import sys
import threading
import time

import pytest

from studio.devices.transfer import NoSpaceError, NotWritableError, pull, push
from studio.errors import Cancelled, DeviceError, InputError
from studio.progress import CancelToken

MB = 1024 * 1024


def make_file(path, size: int):
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            block = os.urandom(min(remaining, 4 * MB))
            f.write(block)
            remaining -= len(block)
    return path


@pytest.fixture(scope="session")
def file_100mb(tmp_path_factory):
    return make_file(tmp_path_factory.mktemp("big") / "large-model.pte", 100 * MB)


def sha256_of(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(4 * MB), b""):
            digest.update(block)
    return digest.hexdigest()


def partials(device, folder: str) -> list[str]:
    host = device.host_path(folder)
    return [p.name for p in host.iterdir() if p.name.endswith(".partial")] if host.exists() else []


@pytest.mark.parametrize("size", [1024, 10 * MB])
def test_push_small_and_medium_files_arrive_intact(virtual_device, tmp_path, size):
    source = make_file(tmp_path / "model.pte", size)
    events = []
    result = push(source, virtual_device.serial, progress=events.append)
    assert result.remote_path == "/data/local/tmp/model-studio/model.pte"
    assert result.bytes == size and result.method == "sync"
    assert result.sha256 == sha256_of(source)
    on_device = virtual_device.host_path(result.remote_path)
    assert sha256_of(on_device) == result.sha256
    assert partials(virtual_device, "/data/local/tmp/model-studio") == []
    pushes = [e for e in events if e.stage == "push"]
    assert pushes[0].done == 0 and pushes[-1].fraction == 1.0 and pushes[-1].done == size
    assert all(e.total == size for e in pushes)
    assert [e.done for e in pushes] == sorted(e.done for e in pushes)
    assert "MB/s" in pushes[1].message
    doc = result.to_dict()
    assert {"remote_path", "sha256", "bytes", "seconds"} <= doc.keys()


@pytest.mark.slow
def test_push_100mb_arrives_intact(virtual_device, file_100mb):
    result = push(file_100mb, virtual_device.serial, dest="/sdcard/Download/")
    assert result.remote_path == "/sdcard/Download/large-model.pte"
    assert result.bytes == 100 * MB
    assert sha256_of(virtual_device.host_path(result.remote_path)) == sha256_of(file_100mb)


def test_push_to_custom_path_and_into_apps(virtual_device, tmp_path):
    source = make_file(tmp_path / "net.ptl", 50_000)
    digest = sha256_of(source)
    custom = push(source, virtual_device.serial, dest="/data/local/tmp/models/v2/net.ptl")
    assert custom.remote_path == "/data/local/tmp/models/v2/net.ptl"
    # a debuggable app: its private files, through run-as
    private = push(source, virtual_device.serial, package="com.example.vision")
    assert private.method == "run-as"
    assert private.remote_path == "/data/data/com.example.vision/files/net.ptl"
    assert sha256_of(virtual_device.host_path(private.remote_path)) == digest
    assert partials(virtual_device, "/data/local/tmp/model-studio") == []
    assert partials(virtual_device, "/data/data/com.example.vision/files") == []
    # a release build: its external files folder
    external = push(source, virtual_device.serial, package="com.example.vision.release")
    assert external.remote_path == "/sdcard/Android/data/com.example.vision.release/files/net.ptl"
    assert sha256_of(virtual_device.host_path(external.remote_path)) == digest
    with pytest.raises(InputError, match="not installed"):
        push(source, virtual_device.serial, package="com.example.missing")


def test_push_without_enough_space_says_so_before_sending(make_virtual_device, tmp_path):
    device = make_virtual_device(profile="budget-go", data_free_bytes=2 * MB)
    source = make_file(tmp_path / "model.pte", 3 * MB)
    with pytest.raises(NoSpaceError) as info:
        push(source, device.serial)
    assert "Not enough storage" in info.value.message and "free" in info.value.message
    assert device.bytes_received == 0
    assert partials(device, "/data/local/tmp/model-studio") == []
    assert not device.host_path("/data/local/tmp/model-studio/model.pte").exists()


def test_push_to_places_the_phone_does_not_allow(virtual_device, tmp_path):
    source = make_file(tmp_path / "model.pte", 10_000)
    for dest in ("/system/model.pte", "/data/local/tmp/../../../../../etc/model.pte"):
        with pytest.raises(NotWritableError):
            push(source, virtual_device.serial, dest=dest)
    assert virtual_device.bytes_received == 0
    assert not (virtual_device.sandbox / "etc").exists()
    assert not virtual_device.host_path("/system/model.pte").exists()
    # a symlink that would lead outside the sandbox
    outside = tmp_path / "outside"
    outside.mkdir()
    (virtual_device.host_path("/data/local/tmp") / "escape").symlink_to(outside)
    with pytest.raises(NotWritableError):
        push(source, virtual_device.serial, dest="/data/local/tmp/escape/model.pte")
    assert list(outside.iterdir()) == []


def test_cancel_leaves_nothing_behind(virtual_device, tmp_path):
    source = make_file(tmp_path / "model.pte", 20 * MB)
    token = CancelToken()

    def cancel_once_started(event):
        if event.stage == "push":
            token.cancel()

    with pytest.raises(Cancelled):
        push(source, virtual_device.serial, progress=cancel_once_started, cancel=token)
    assert not virtual_device.host_path("/data/local/tmp/model-studio/model.pte").exists()
    assert partials(virtual_device, "/data/local/tmp/model-studio") == []


def test_a_damaged_copy_is_not_renamed_into_place(virtual_device, tmp_path):
    source = make_file(tmp_path / "model.pte", 100_000)

    def lying_sha256sum(inv):
        inv.stdout.write("0" * 64 + f"  {inv.argv[-1]}\n")
        return 0

    virtual_device.register_command("sha256sum", lying_sha256sum)
    with pytest.raises(DeviceError, match="arrived damaged"):
        push(source, virtual_device.serial)
    assert not virtual_device.host_path("/data/local/tmp/model-studio/model.pte").exists()
    assert partials(virtual_device, "/data/local/tmp/model-studio") == []


def test_push_to_an_unknown_device_or_a_missing_file(adb_server, tmp_path):
    with pytest.raises(InputError, match="no file"):
        push(tmp_path / "missing.pte", "127.0.0.1:1")
    source = make_file(tmp_path / "model.pte", 10)
    with pytest.raises(DeviceError, match="no phone 127.0.0.1:1"):
        push(source, "127.0.0.1:1")


def test_pull_round_trip_and_missing_file(virtual_device, tmp_path):
    source = make_file(tmp_path / "result.bin", 2 * MB + 5)
    pushed = push(source, virtual_device.serial)
    result = pull(pushed.remote_path, tmp_path / "back", virtual_device.serial)
    assert result.sha256 == pushed.sha256 and result.bytes == pushed.bytes
    assert sha256_of(tmp_path / "back") == pushed.sha256
    with pytest.raises(InputError, match="no file"):
        pull("/data/local/tmp/nothing.bin", tmp_path / "nothing.bin", virtual_device.serial)
    assert not (tmp_path / "nothing.bin").exists()


@pytest.mark.slow
def test_device_killed_mid_push_gives_a_clear_error_quickly(adb_server, file_100mb, tmp_path):
    sandbox = tmp_path / "phone"
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "virtual-device", "--json", "--sandbox", str(sandbox)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        serial = json.loads(proc.stdout.readline())["serial"]
        killed_at = []

        def kill_when_under_way(event):
            if event.stage == "push" and event.done and not killed_at:
                os.kill(proc.pid, signal.SIGKILL)
                killed_at.append(time.monotonic())

        with pytest.raises(DeviceError) as info:
            push(file_100mb, serial, progress=kill_when_under_way)
        assert killed_at, "the push finished before the device could be killed"
        assert time.monotonic() - killed_at[0] < 10
        assert "disconnected" in info.value.message
        final = sandbox / "data/local/tmp/model-studio/large-model.pte"
        assert not final.exists()
    finally:
        proc.kill()
        proc.wait()
        from studio.devices.adb import disconnect_device

        try:
            disconnect_device(serial, adb_server)
        except DeviceError:
            pass


def sandbox_usage(device) -> int:
    total = 0
    for top in ("data", "storage"):
        for folder, _dirs, files in os.walk(device.sandbox / top):
            for name in files:
                try:
                    total += os.lstat(os.path.join(folder, name)).st_size
                except OSError:
                    pass
    return total


def test_two_pushes_at_once_share_the_free_space(make_virtual_device, tmp_path):
    budget = 6 * MB
    device = make_virtual_device(profile="budget-go", data_free_bytes=budget)
    sources = [make_file(tmp_path / f"model-{i}.pte", 4 * MB) for i in range(2)]
    baseline = sandbox_usage(device)
    # both pushes pass their free-space check before either sends a byte
    started = threading.Barrier(2, timeout=30)

    def wait_for_the_other(event):
        if event.stage == "push" and event.done == 0:
            started.wait()

    peak = [0]
    watching = threading.Event()

    def watch():
        while not watching.is_set():
            peak[0] = max(peak[0], sandbox_usage(device) - baseline)
            time.sleep(0.002)

    outcomes: dict[int, object] = {}

    def run(i):
        try:
            outcomes[i] = push(sources[i], device.serial, progress=wait_for_the_other)
        except Exception as exc:  # the outcome is checked below
            outcomes[i] = exc

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    watching.set()
    watcher.join()

    failed = [o for o in outcomes.values() if isinstance(o, Exception)]
    pushed = [o for o in outcomes.values() if not isinstance(o, Exception)]
    assert len(failed) == 1 and len(pushed) == 1, outcomes
    assert isinstance(failed[0], NoSpaceError) and "storage" in failed[0].message
    assert ".partial" not in failed[0].message  # it names the file the user asked for
    assert peak[0] <= budget
    folder = "/data/local/tmp/model-studio"
    assert partials(device, folder) == []
    assert sorted(p.name for p in device.host_path(folder).iterdir()) == [
        posixpath.basename(pushed[0].remote_path)
    ]
    assert sha256_of(device.host_path(pushed[0].remote_path)) == pushed[0].sha256


STUDIO_FOLDER = "/data/local/tmp/model-studio"
HOUR_AGO = time.time() - 3600


def plant(device, device_path: str, mtime: float, size: int = 1024) -> None:
    """A file on the device as an earlier session left it, last changed at ``mtime``."""
    host = device.host_path(device_path)
    host.parent.mkdir(parents=True, exist_ok=True)
    host.write_bytes(b"p" * size)
    os.utime(host, (mtime, mtime))


def test_next_push_sweeps_partials_of_pushes_that_never_finished(virtual_device, tmp_path):
    studio_named = [".model.pte.0a1b2c3d.partial", ".other net.ptl.deadbeef.partial"]
    lookalikes = [  # the user's files, not named as the studio names its temporary files
        ".model.pte.partial",
        "model.pte.0a1b2c3d.partial",
        ".model.pte.0A1B2C3D.partial",
        ".model.pte.0a1b2c3.partial",
        ".model.pte.0a1b2c3d.partial.keep",
        ".model.pte.0a1b2c3d.partial2",
        "notes.partial",
    ]
    for name in studio_named + lookalikes:
        plant(virtual_device, f"{STUDIO_FOLDER}/{name}", HOUR_AGO)
    in_progress = ".model.pte.12345678.partial"  # another push writing right now
    plant(virtual_device, f"{STUDIO_FOLDER}/{in_progress}", time.time())
    elsewhere = "/data/local/tmp/other/.model.pte.0a1b2c3d.partial"  # a folder not pushed to
    plant(virtual_device, elsewhere, HOUR_AGO)
    app_folder = "/data/data/com.example.vision/files"
    plant(virtual_device, f"{app_folder}/.net.ptl.0a1b2c3d.partial", HOUR_AGO)
    plant(virtual_device, f"{app_folder}/.net.ptl.partial", HOUR_AGO)

    push(make_file(tmp_path / "model.pte", 10_000), virtual_device.serial)
    left = {p.name for p in virtual_device.host_path(STUDIO_FOLDER).iterdir()}
    assert left == {"model.pte", in_progress, *lookalikes}
    assert virtual_device.host_path(elsewhere).exists()

    push(
        make_file(tmp_path / "net.ptl", 10_000), virtual_device.serial, package="com.example.vision"
    )
    left = {p.name for p in virtual_device.host_path(app_folder).iterdir()}
    assert left == {"net.ptl", ".net.ptl.partial"}


@pytest.mark.slow
def test_a_push_cut_off_by_a_dying_phone_is_swept_by_a_later_push(
    make_virtual_device, adb_server, tmp_path
):
    sandbox = tmp_path / "phone"
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "virtual-device", "--json", "--sandbox", str(sandbox)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        serial = json.loads(proc.stdout.readline())["serial"]

        def kill_when_under_way(event):
            if event.stage == "push" and event.done and proc.returncode is None:
                proc.kill()
                proc.wait()

        with pytest.raises(DeviceError):  # "disconnected" or "offline", as adb saw it first
            push(make_file(tmp_path / "big.pte", 32 * MB), serial, progress=kill_when_under_way)
    finally:
        proc.kill()
        proc.wait()
    folder = sandbox / STUDIO_FOLDER.lstrip("/")
    (left_over,) = (p for p in folder.iterdir() if p.name.endswith(".partial"))
    assert left_over.name.startswith(".big.pte.") and left_over.stat().st_size > 0
    users = folder / ".big.pte.partial"  # the user's own file, named alike
    users.write_bytes(b"mine")
    os.utime(users, (HOUR_AGO, HOUR_AGO))

    # the phone comes back, at the same address
    port = int(serial.rsplit(":", 1)[1])
    phone = make_virtual_device(sandbox=sandbox, port=port)
    assert phone.serial == serial
    small = make_file(tmp_path / "small.pte", 1000)
    push(small, serial)  # minutes have not passed: for all it knows, that push is still running
    assert left_over.exists()
    os.utime(left_over, (HOUR_AGO, HOUR_AGO))  # as the phone's clock moves on
    push(small, serial)
    assert not left_over.exists()
    assert users.read_bytes() == b"mine"
    assert {p.name for p in folder.iterdir()} == {"small.pte", ".big.pte.partial"}
