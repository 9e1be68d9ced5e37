"""Listing devices with their facts: local server, several devices, remote servers, live updates."""

from __future__ import annotations

import queue

import pytest
from adb_fixtures import free_port, start_adb_server, stop_adb_server

from studio.devices.adb import AdbServer, guidance_for, parse_server
from studio.devices.discovery import DeviceWatcher, find_device, scan
from studio.devices.facts import DeviceFacts, parse_facts
from studio.errors import DeviceError, InputError


def entry_for(result, serial):
    return next(d for d in result.devices if d.serial == serial)


def test_scan_lists_a_device_with_its_facts(virtual_device):
    result = scan()
    assert result.servers[0].ok
    entry = entry_for(result, virtual_device.serial)
    assert entry.state == "device" and entry.ready and entry.guidance is None
    assert entry.transport == "tcp"
    facts = entry.facts
    assert facts is not None, entry.facts_error
    profile = virtual_device.profile
    assert (facts.manufacturer, facts.model) == ("Google", "Pixel 7")
    assert (facts.android_version, facts.sdk) == ("14", 34)
    assert facts.abis == ["arm64-v8a", "armeabi-v7a", "armeabi"]
    assert facts.soc == "Google GS201"
    assert facts.cpu_cores == 8
    assert facts.cpu_max_freq_khz == profile.max_freq_khz
    assert facts.ram_total_bytes == profile.mem_total_kb * 1024
    assert facts.ram_available_bytes == profile.mem_available_kb * 1024
    assert facts.storage_free_bytes == profile.data_free_bytes // 1024 * 1024
    assert facts.battery_level == 78 and facts.battery_temperature_c == pytest.approx(31.2)
    doc = entry.to_dict()
    assert doc["serial"] == virtual_device.serial and doc["model"] == "Pixel 7"
    assert "Android 14 (SDK 34)" in facts.summary()


def test_two_devices_at_once(make_virtual_device):
    pixel = make_virtual_device(profile="pixel-7")
    samsung = make_virtual_device(profile="galaxy-a54", data_free_bytes=5 * 2**30)
    result = scan()
    a, b = entry_for(result, pixel.serial), entry_for(result, samsung.serial)
    assert a.facts.model == "Pixel 7"
    assert (b.facts.manufacturer, b.facts.model, b.facts.soc) == (
        "samsung",
        "SM-A546B",
        "Samsung Exynos 1380",
    )
    assert b.facts.storage_free_bytes == 5 * 2**30
    assert b.facts.name == "Samsung SM-A546B"


def test_remote_server_devices_and_an_unreachable_server(make_virtual_device):
    remote = start_adb_server()
    try:
        lab_phone = make_virtual_device(profile="budget-go", adb_server=remote)
        with socket_closed_port() as dead_port:
            result = scan([remote.address, f"127.0.0.1:{dead_port}"])
        by_server = {s.address: s for s in result.servers}
        assert by_server[remote.address].ok
        dead = by_server[f"127.0.0.1:{dead_port}"]
        assert not dead.ok and "No adb server answers" in dead.error
        entry = entry_for(result, lab_phone.serial)
        assert entry.server == remote.address
        assert entry.facts.model == "Nokia C20" and entry.facts.abis == ["armeabi-v7a", "armeabi"]
        # the local server does not know the lab's phone
        local = scan()
        assert lab_phone.serial not in [d.serial for d in local.devices]
    finally:
        stop_adb_server(remote)


class socket_closed_port:
    def __enter__(self):
        return free_port()

    def __exit__(self, *exc):
        return False


def test_watcher_reports_devices_coming_and_going(adb_server, make_virtual_device):
    changes: queue.Queue = queue.Queue()
    watcher = DeviceWatcher(changes.put, adb_server).start()
    try:
        device = make_virtual_device()
        seen = []
        while "device" not in seen:
            change = changes.get(timeout=10)
            if change.serial == device.serial:
                seen.append(change.state)
        device.stop()
        while seen[-1] != "absent":
            change = changes.get(timeout=10)
            if change.serial == device.serial:
                seen.append(change.state)
        assert seen[-1] == "absent"
    finally:
        watcher.stop()


def test_find_device_explains_a_missing_phone(adb_server):
    with pytest.raises(DeviceError, match="no phone 127.0.0.1:1 on the adb server"):
        find_device("127.0.0.1:1", adb_server)


def test_states_come_with_guidance():
    assert guidance_for("unauthorized") == "unlock the phone and accept the USB debugging prompt"
    assert guidance_for("offline").startswith("reconnect the cable")
    assert "udev" in guidance_for("no permissions")


def test_server_addresses_parse_or_say_why_not():
    assert parse_server("lab-pc:5038") == AdbServer("lab-pc", 5038)
    assert parse_server("lab-pc") == AdbServer("lab-pc", 5037)
    with pytest.raises(InputError) as info:
        parse_server("lab-pc:http")
    assert "HOST:PORT" in info.value.hint


def test_facts_tolerate_missing_and_garbled_output():
    assert parse_facts("") == DeviceFacts()
    partial = parse_facts(
        "@@ms:props\n[ro.product.model]: [Phone X]\n[ro.build.version.sdk]: [not-a-number]\n"
        "@@ms:meminfo\nMemTotal: lots\n@@ms:df\nFilesystem 1K-blocks\n@@ms:battery\n  level: 55\n"
        "@@ms:possible\n0-3\n@@ms:freq0\n1800000\n@@ms:freq1\n"
    )
    assert partial.model == "Phone X" and partial.sdk is None
    assert partial.ram_total_bytes is None and partial.storage_free_bytes is None
    assert partial.battery_level == 55 and partial.battery_temperature_c is None
    assert partial.cpu_cores == 4 and partial.cpu_max_freq_khz == [1800000]
    assert DeviceFacts.from_dict(partial.to_dict()) == partial


def test_unauthorized_phone_is_listed_with_guidance_until_accepted(make_virtual_device):
    import time

    device = make_virtual_device(authorized=False)
    deadline = time.monotonic() + 10
    entry = None
    while time.monotonic() < deadline:
        entry = entry_for(scan(), device.serial)
        if entry.state == "unauthorized":
            break
        time.sleep(0.1)
    assert entry.state == "unauthorized" and entry.facts is None
    assert entry.guidance == "unauthorized: unlock the phone and accept the USB debugging prompt"
    with pytest.raises(DeviceError) as info:
        find_device(device.serial)
    assert info.value.hint == "unlock the phone and accept the USB debugging prompt"
    device.authorize()
    while time.monotonic() < deadline and entry.state != "device":
        time.sleep(0.1)
        entry = entry_for(scan(), device.serial)
    assert entry.state == "device" and entry.facts.model == "Pixel 7"
