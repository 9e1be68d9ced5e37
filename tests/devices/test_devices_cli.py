"""The devices, push, pull, connect, disconnect and virtual-device commands."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

from studio.cli import main
from studio.devices.virtual import VirtualDevice
from studio.errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_UNREACHABLE


def run_json(capsys, *argv) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_devices_json_lists_serial_state_model_and_facts(virtual_device, capsys):
    code, doc = run_json(capsys, "devices", "--json")
    assert code == EXIT_OK
    entry = next(d for d in doc["devices"] if d["serial"] == virtual_device.serial)
    assert entry["state"] == "device" and entry["model"] == "Pixel 7"
    assert entry["facts"]["sdk"] == 34 and entry["facts"]["cpu_cores"] == 8


def test_devices_human_output_and_unreachable_server(virtual_device, capsys):
    code = main(["devices", "--adb-server", "127.0.0.1:1"])
    captured = capsys.readouterr()
    assert code == EXIT_UNREACHABLE
    assert (
        virtual_device.serial in captured.out
        and "Pixel 7 (virtual) · Android 14 (SDK 34)" in captured.out
    )
    assert "adb server 127.0.0.1:1: No adb server answers" in captured.err


def test_push_json_and_errors(virtual_device, tmp_path, capsys):
    source = tmp_path / "model.pte"
    source.write_bytes(os.urandom(4096))
    code, doc = run_json(
        capsys,
        "push",
        str(source),
        "--device",
        virtual_device.serial,
        "--dest",
        "/data/local/tmp/cli/",
        "--json",
    )
    assert code == EXIT_OK
    assert doc["remote_path"] == "/data/local/tmp/cli/model.pte" and doc["bytes"] == 4096
    assert len(doc["sha256"]) == 64 and doc["seconds"] > 0
    assert virtual_device.host_path(doc["remote_path"]).read_bytes() == source.read_bytes()

    assert main(["push", str(tmp_path / "missing.pte"), "--device", virtual_device.serial]) == (
        EXIT_BAD_INPUT
    )
    assert main(["push", str(source), "--device", "127.0.0.1:1"]) == EXIT_UNREACHABLE
    err = capsys.readouterr().err
    assert "error: There is no file" in err and "error: There is no phone 127.0.0.1:1" in err
    assert "Traceback" not in err

    code, doc = run_json(
        capsys,
        "pull",
        "/data/local/tmp/cli/model.pte",
        str(tmp_path / "b"),
        "--device",
        virtual_device.serial,
        "--json",
    )
    assert code == EXIT_OK and (tmp_path / "b").read_bytes() == source.read_bytes()


def test_connect_and_disconnect(adb_server, tmp_path, capsys):
    device = VirtualDevice(sandbox=tmp_path / "phone", register=False)
    address = device.listen()
    try:
        code, doc = run_json(capsys, "connect", address, "--json")
        assert (code, doc) == (EXIT_OK, {"serial": address, "state": "device"})
        code, doc = run_json(capsys, "devices", "--json", "--no-facts")
        assert address in [d["serial"] for d in doc["devices"]]
        assert main(["disconnect", address]) == EXIT_OK
        assert f"disconnected {address}" in capsys.readouterr().out
        code, doc = run_json(capsys, "devices", "--json", "--no-facts")
        assert address not in [d["serial"] for d in doc["devices"]]
        with socket.socket() as held:  # bound, never listening: connections are refused
            held.bind(("127.0.0.1", 0))
            gone = f"127.0.0.1:{held.getsockname()[1]}"
            assert main(["connect", gone]) == EXIT_UNREACHABLE
        assert f"The phone at {gone} did not answer" in capsys.readouterr().err
    finally:
        device.stop()


def test_virtual_device_command_registers_and_stops_cleanly(adb_server, adb, tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "studio",
            "virtual-device",
            "--json",
            "--profile",
            "galaxy-a54",
            "--free-space",
            "1G",
            "--sandbox",
            str(tmp_path / "phone"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())
        serial = info["serial"]
        port = int(serial.rsplit(":", 1)[1])
        assert not 5555 <= port <= 5585
        assert adb("-s", serial, "shell", "getprop ro.product.model").stdout == "SM-A546B\n"
        df = adb("-s", serial, "shell", "df -k /data").stdout.splitlines()[1].split()
        assert int(df[3]) == 1024 * 1024
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        listing = adb("devices").stdout
        assert serial not in listing
        assert (tmp_path / "phone/data/local/tmp").is_dir()  # a given sandbox is kept
    finally:
        proc.kill()
        proc.wait()


def test_unknown_profile_is_a_bad_input(capsys):
    assert main(["virtual-device", "--profile", "no-such-phone", "--no-register"]) == EXIT_BAD_INPUT
    assert "no virtual device profile named 'no-such-phone'" in capsys.readouterr().err
