"""The agent's deployment to a phone: the bundle pushed once, reused, replaced, refused, removed.

Through the real adb server and virtual devices. A virtual device in its default mode
runs the agent as a process of this computer and needs no bundle; the devices here are
made to need one, as a real phone does, by replacing the shell's host-agent command
with ``bundle_launcher`` below. The bundles are tiny ones built by the tests, with the
real bundle's layout and manifest, whose launcher is a host shell script.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shlex
import signal
import sys
import tarfile
import time
from pathlib import Path

import numpy as np
import pytest

from studio.agent.bundle import import_bundle
from studio.agent.bundle.archive import archive_name, write_archive
from studio.agent.bundle.components import Component
from studio.agent.bundle.launcher import LAUNCHER, MANIFEST
from studio.agent.bundle.manifest import make_manifest, manifest_bytes
from studio.agent.deployment import AGENT_DIR, STATE_FILE
from studio.agent.device_bundle import BUNDLE_DIR, LAUNCHER_PATH
from studio.cli import main
from studio.devices.virtual.agent_command import NAME, run_agent
from studio.devices.virtual.profiles import load_profile
from studio.launcher import studio_command

pytestmark = pytest.mark.slow

HOST_AGENT = "exec " + shlex.join(studio_command("agent")) + ' "$@"\n'
REFUSED = """echo "/system/bin/sh: $0: can't execute: Permission denied" >&2
exit 126
"""


def bundle_launcher(inv) -> int:
    """Test stand-in for a phone running the bundle's launcher (the arm64 virtual device
    runs the real aarch64 bundle under qemu): the pushed launcher, a host shell script
    in these tests' bundles, runs as one of the device's programs on this computer."""
    path = inv.fs.normalize(inv.argv[0], inv.cwd)
    host = inv.fs.host_path(path)
    if path != LAUNCHER_PATH or not host.is_file():
        return inv.error("inaccessible or not found", 127)
    return run_agent(inv, [str(host)])


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_STUDIO_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def make_phone(make_virtual_device):
    """A virtual device that needs the phone bundle, as a real phone does."""

    def make(**kwargs):
        device = make_virtual_device(**kwargs)
        device.register_command(NAME, bundle_launcher)
        return device

    return make


def build_bundle(folder, body: str = HOST_AGENT, padding: int = 0, damage: bool = False):
    """A bundle with the real layout whose launcher runs ``body``; made the current one.

    ``damage``: afterwards one of its files in the bundle file differs from the manifest.
    """
    agent = folder / "agent"
    contents = {
        LAUNCHER: ("#!/bin/sh\n# a test bundle: its launcher runs on this computer\n" + body),
        "code/studio/README.txt": "the studio's agent code would be here\n",
        "site/padding.bin": np.random.default_rng(0).bytes(padding),
    }
    files = {}
    for rel, data in contents.items():
        data = data.encode() if isinstance(data, str) else data
        (agent / rel).parent.mkdir(parents=True, exist_ok=True)
        (agent / rel).write_bytes(data)
        files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        files[rel]["component"] = "studio"
    code = Component("studio", "0.1.0", hashlib.sha256(body.encode()).hexdigest(), "code", "core")
    manifest = make_manifest([code], files, ["base", "core"])
    (agent / MANIFEST).write_bytes(manifest_bytes(manifest))
    archive = folder / archive_name(manifest["id"])
    write_archive(agent, archive)
    bundle = import_bundle(archive)
    if damage:  # same size, other bytes: only a check against the manifest notices
        (agent / "code/studio/README.txt").write_text("the studio's agent code would be HERE\n")
        write_archive(agent, bundle.archive)
    return bundle


def tiny_onnx(folder):
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "tiny", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = folder / "tiny.onnx"
    onnx.save(model, path)
    return path


def bench(capsys, artifact, device) -> tuple[int, dict]:
    args = ["bench", str(artifact), "--device", device.serial, "--iterations", "5"]
    code = main([*args, "--warmup", "1", "--json"])
    return code, json.loads(capsys.readouterr().out)["runs"][0]


def recorded_pid(device) -> int:
    return json.loads(device.host_path(f"{AGENT_DIR}/{STATE_FILE}").read_text())["pid"]


def installed_id(device) -> str | None:
    path = device.host_path(f"{BUNDLE_DIR}/{MANIFEST}")
    return json.loads(path.read_text())["id"] if path.is_file() else None


def leftovers(device) -> list[str]:
    return sorted(p.name for p in device.host_path(AGENT_DIR).iterdir() if p.name[0] == ".")


def ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def test_a_host_process_agent_needs_no_bundle(virtual_device, capsys, tmp_path):
    code, run = bench(capsys, tiny_onnx(tmp_path), virtual_device)
    assert code == 0, run["error"]
    assert run["agent"] == {
        "machine": platform.machine(),
        "runtime": "onnxruntime",
        "runtime_version": run["runtime_version"],
        "runtime_package": "onnxruntime",
        "bundle": None,
        "bundle_pushed_bytes": 0,
    }
    assert not virtual_device.host_path(BUNDLE_DIR).exists()


def test_the_bundle_is_pushed_once_then_reused(make_phone, capsys, tmp_path):
    bundle = build_bundle(tmp_path / "one")
    phone = make_phone()
    artifact = tiny_onnx(tmp_path)
    code, first = bench(capsys, artifact, phone)
    assert code == 0, first["error"]
    assert first["samples"] == 5
    assert first["agent"]["bundle"] == bundle.id
    assert first["agent"]["bundle_pushed_bytes"] == bundle.archive.stat().st_size
    assert first["agent"]["machine"] == platform.machine()
    assert installed_id(phone) == bundle.id
    assert os.access(phone.host_path(LAUNCHER_PATH), os.X_OK)  # the mode came with the tar
    assert leftovers(phone) == []  # no staging folder, no pushed bundle file
    pid = recorded_pid(phone)
    received = phone.bytes_received
    code, second = bench(capsys, artifact, phone)
    assert code == 0, second["error"]
    assert second["agent"]["bundle"] == bundle.id
    assert second["agent"]["bundle_pushed_bytes"] == 0
    assert phone.bytes_received - received == artifact.stat().st_size  # the model only
    assert recorded_pid(phone) == pid  # the same agent answered


def test_another_bundle_replaces_the_agent_and_its_files(make_phone, capsys, tmp_path):
    phone = make_phone()
    artifact = tiny_onnx(tmp_path)
    old = build_bundle(tmp_path / "old")
    assert bench(capsys, artifact, phone)[0] == 0
    old_pid = recorded_pid(phone)
    new = build_bundle(tmp_path / "new", body="# another version\n" + HOST_AGENT)
    assert new.id != old.id
    code, run = bench(capsys, artifact, phone)
    assert code == 0, run["error"]
    assert run["agent"]["bundle"] == new.id and run["agent"]["bundle_pushed_bytes"] > 0
    assert installed_id(phone) == new.id
    assert "another version" in phone.host_path(LAUNCHER_PATH).read_text()
    assert recorded_pid(phone) != old_pid
    deadline = time.monotonic() + 30
    while not ended(old_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ended(old_pid)  # the agent of the old bundle was stopped
    assert leftovers(phone) == []


def test_a_bundle_that_does_not_match_its_manifest_is_not_installed(make_phone, capsys, tmp_path):
    phone = make_phone()
    artifact = tiny_onnx(tmp_path)
    good = build_bundle(tmp_path / "good")
    assert bench(capsys, artifact, phone)[0] == 0
    build_bundle(tmp_path / "damaged", body="# newer\n" + HOST_AGENT, damage=True)
    code, run = bench(capsys, artifact, phone)
    assert code == 3
    assert "SHA-256" in run["error"]["message"] and "README.txt" in run["error"]["message"]
    assert installed_id(phone) == good.id  # the bundle in use stays whole
    assert "newer" not in phone.host_path(LAUNCHER_PATH).read_text()
    assert leftovers(phone) == []


def test_a_full_phone_gets_a_plain_error_and_no_bundle(make_phone, capsys, tmp_path):
    build_bundle(tmp_path / "big", padding=3_000_000)
    phone = make_phone(data_free_bytes=4_000_000)
    code, run = bench(capsys, tiny_onnx(tmp_path), phone)
    assert code == 3
    assert "Not enough storage" in run["error"]["message"]
    assert not phone.host_path(BUNDLE_DIR).exists()
    assert leftovers(phone) == []


def test_a_killed_agent_is_started_again(make_phone, capsys, tmp_path):
    build_bundle(tmp_path / "one")
    phone = make_phone()
    artifact = tiny_onnx(tmp_path)
    assert bench(capsys, artifact, phone)[0] == 0
    pid = recorded_pid(phone)
    os.kill(pid, signal.SIGKILL)
    code, run = bench(capsys, artifact, phone)
    assert code == 0, run["error"]
    assert run["agent"]["bundle_pushed_bytes"] == 0
    assert recorded_pid(phone) != pid


def test_a_phone_that_is_not_arm64_is_refused(make_phone, capsys, tmp_path):
    build_bundle(tmp_path / "one")
    profile = load_profile("pixel-7")
    profile.props["ro.product.cpu.abi"] = "armeabi-v7a"
    phone = make_phone(profile=profile)
    code, run = bench(capsys, tiny_onnx(tmp_path), phone)
    assert code == 3
    assert "armeabi-v7a" in run["error"]["message"] and "arm64-v8a" in run["error"]["message"]
    assert not phone.host_path(BUNDLE_DIR).exists()
    assert not phone.host_path(f"{AGENT_DIR}/tiny.onnx").exists()  # refused before any copy


def test_a_phone_that_refuses_to_run_the_agent_says_why(make_phone, capsys, tmp_path):
    build_bundle(tmp_path / "refused", body=REFUSED)
    phone = make_phone()
    code, run = bench(capsys, tiny_onnx(tmp_path), phone)
    assert code == 3
    assert "did not start" in run["error"]["message"]
    assert "Permission denied" in run["error"]["message"]  # the phone's own words


def test_without_a_bundle_here_the_error_says_how_to_get_one(
    make_phone, capsys, tmp_path, monkeypatch
):
    # a computer that cannot build one (no apt tools on its PATH); one that can builds it
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    phone = make_phone()
    code, run = bench(capsys, tiny_onnx(tmp_path), phone)
    assert code == 3
    assert "agent bundle" in run["error"]["message"]
    assert "model-studio agent-bundle" in run["error"]["hint"]


def test_remove_stops_the_agent_and_deletes_the_bundle(make_phone, capsys, tmp_path):
    build_bundle(tmp_path / "one")
    phone = make_phone()
    assert bench(capsys, tiny_onnx(tmp_path), phone)[0] == 0
    pid = recorded_pid(phone)
    code = main(["agent-bundle", "remove", "--device", phone.serial, "--json"])
    assert code == 0
    assert f"{BUNDLE_DIR}" in json.loads(capsys.readouterr().out)["removed"]
    assert not phone.host_path(BUNDLE_DIR).exists()
    assert not phone.host_path(f"{AGENT_DIR}/{STATE_FILE}").exists()
    deadline = time.monotonic() + 30
    while not ended(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ended(pid)


def hostile_tar(*members: tuple[str, bytes | None]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return raw.getvalue()


@pytest.mark.parametrize(
    "member", [("../../../../escaped.txt", b"x"), ("/abs.txt", b"x"), ("agent/link", None)]
)
def test_the_virtual_shell_tar_keeps_to_its_folder(virtual_device, tmp_path, member):
    from studio.devices.discovery import find_device

    folder = virtual_device.host_path(AGENT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.tar.gz").write_bytes(hostile_tar(("agent/ok.txt", b"ok"), member))
    (folder / "out").mkdir()
    link = find_device(virtual_device.serial)
    result = link.shell(f"tar -xzf {AGENT_DIR}/hostile.tar.gz -C {AGENT_DIR}/out")
    assert result.code != 0 and "tar:" in result.err
    assert not list(virtual_device.sandbox.rglob("escaped.txt"))
    assert not list(virtual_device.sandbox.rglob("abs.txt"))
    assert not (folder / "out/agent/link").exists()
    assert (folder / "out/agent/ok.txt").read_bytes() == b"ok"  # what came before is there


def test_the_first_push_shows_progress(make_phone, capsys, tmp_path):
    build_bundle(tmp_path / "one", padding=2_000_000)
    phone = make_phone()
    artifact = tiny_onnx(tmp_path)
    code = main(["bench", str(artifact), "--device", phone.serial, "--iterations", "3"])
    assert code == 0
    err = capsys.readouterr().err
    assert "push  [" in err and "100%" in err  # the terminal progress bar of the push
    assert "agent installed" in err
    assert main(["bench", str(artifact), "--device", phone.serial, "--iterations", "3"]) == 0
    assert "agent installed" not in capsys.readouterr().err
