"""The plain adb command line against a virtual device, and the protocol's edge cases."""

from __future__ import annotations

import hashlib
import os
import socket
import struct
import subprocess
import sys

import pytest

from studio.devices.adbproto import (
    A_CLSE,
    A_CNXN,
    A_OKAY,
    A_OPEN,
    A_VERSION,
    A_WRTE,
    HEADER,
    ID_DATA,
    ID_DONE,
    ID_SEND,
    SYNC_HEADER,
    packet,
    sync_request,
)
from studio.devices.virtual import VirtualDevice


def test_adb_lists_the_device_with_its_banner(virtual_device, adb):
    listing = adb("devices", "-l", check=True).stdout
    line = next(line for line in listing.splitlines() if line.startswith(virtual_device.serial))
    assert line.split()[1] == "device"
    assert "product:panther" in line and "model:Pixel_7" in line and "device:panther" in line
    # the banner's feature list arrives intact (no trailing NUL glued to the last one)
    features = adb("-s", virtual_device.serial, "features", check=True).stdout.split()
    assert set(features) == {"shell_v2", "stat_v2", "fixed_push_mkdir"}


def test_adb_shell_getprop_exit_codes_and_stderr(virtual_device, adb):
    serial = virtual_device.serial
    assert adb("-s", serial, "shell", "getprop", "ro.product.model").stdout == "Pixel 7\n"
    assert adb("-s", serial, "shell", "getprop ro.build.version.sdk").stdout == "34\n"
    failed = adb("-s", serial, "shell", "cat /no/such/file; exit_code_is_kept")
    assert failed.returncode == 127
    assert "cat: /no/such/file: No such file or directory" in failed.stderr
    assert failed.stdout == ""
    assert adb("-s", serial, "shell", "false").returncode == 1


def test_adb_shell_passes_stdin(virtual_device, adb):
    result = adb("-s", virtual_device.serial, "shell", "cat", input="hello from stdin\n")
    assert result.returncode == 0
    assert result.stdout == "hello from stdin\n"


def test_adb_shell_without_a_command_reads_commands_from_stdin(virtual_device, adb):
    script = "getprop ro.product.model\nfalse\necho status $?\nexit\necho never\n"
    result = adb("-s", virtual_device.serial, "shell", input=script)
    assert result.stdout == "Pixel 7\nstatus 1\n"


def test_adb_push_and_pull_round_trip(virtual_device, adb, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17)  # not a multiple of any chunk size
    source = tmp_path / "model.bin"
    source.write_bytes(data)
    serial = virtual_device.serial
    pushed = adb("-s", serial, "push", str(source), "/data/local/tmp/in/model.bin")
    assert pushed.returncode == 0, pushed.stderr
    on_device = virtual_device.host_path("/data/local/tmp/in/model.bin")
    assert on_device.read_bytes() == data
    listing = adb("-s", serial, "shell", "ls -l /data/local/tmp/in").stdout
    assert str(len(data)) in listing and "model.bin" in listing
    sync_listing = adb("-s", serial, "ls", "/data/local/tmp/in").stdout  # sync LIST
    assert any(line.endswith(" model.bin") for line in sync_listing.splitlines())
    digest = adb("-s", serial, "shell", "sha256sum /data/local/tmp/in/model.bin").stdout.split()[0]
    assert digest == hashlib.sha256(data).hexdigest()
    back = tmp_path / "back.bin"
    pulled = adb("-s", serial, "pull", "/data/local/tmp/in/model.bin", str(back))
    assert pulled.returncode == 0, pulled.stderr
    assert back.read_bytes() == data
    # pushing to a folder appends the file name, as on a phone
    assert adb("-s", serial, "push", str(source), "/sdcard/Download/").returncode == 0
    assert virtual_device.host_path("/sdcard/Download/model.bin").read_bytes() == data


def test_adb_push_to_a_read_only_place_fails(virtual_device, adb, tmp_path):
    source = tmp_path / "x.bin"
    source.write_bytes(b"x" * 1000)
    result = adb("-s", virtual_device.serial, "push", str(source), "/system/x.bin")
    assert result.returncode != 0
    said = result.stdout + result.stderr  # adb 29 reports on stdout, later ones on stderr
    assert "Read-only file system" in said or "Permission denied" in said
    assert not virtual_device.host_path("/system/x.bin").exists()


ECHO_SERVER = """
import socket, threading
listener = socket.create_server(("127.0.0.1", 0))
print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)

def serve(conn):
    with conn:
        for chunk in iter(lambda: conn.recv(65536), b""):
            conn.sendall(chunk.upper())

while True:
    threading.Thread(target=serve, args=(listener.accept()[0],), daemon=True).start()
"""


def start_echo_server():
    """A TCP server on this computer's loopback that answers in upper case: (process, port)."""
    proc = subprocess.Popen([sys.executable, "-c", ECHO_SERVER], stdout=subprocess.PIPE)
    return proc, int(proc.stdout.readline().rsplit(b":", 1)[1])


@pytest.fixture
def host_echo_server():
    """An echo server of this computer's own, which no program of the device started."""
    proc, port = start_echo_server()
    yield port
    proc.kill()
    proc.wait()


@pytest.fixture
def device_echo_server(virtual_device, adb):
    """An echo server started as a program of the device (``adb shell echo-server``)."""

    def echo_server(inv):
        proc, port = start_echo_server()
        inv.shell.track(proc)  # killed when the device stops
        inv.shell.listening(proc, port)
        inv.stdout.write(f"{port}\n")
        return 0

    virtual_device.register_command("echo-server", echo_server)
    result = adb("-s", virtual_device.serial, "shell", "echo-server", check=True)
    return int(result.stdout)


def forward(adb, serial: str, port: int) -> int:
    return int(adb("-s", serial, "forward", "tcp:0", f"tcp:{port}", check=True).stdout)


def test_adb_forward_reaches_a_port_of_a_device_program(virtual_device, adb, device_echo_server):
    serial = virtual_device.serial
    local_port = forward(adb, serial, device_echo_server)
    try:
        with socket.create_connection(("127.0.0.1", local_port), timeout=10) as conn:
            payload = b"ping through adb forward\n" * 4000  # ~100 KB: several WRTEs
            conn.sendall(payload)
            received = b""
            while len(received) < len(payload):
                chunk = conn.recv(65536)
                assert chunk, "the forwarded connection closed early"
                received += chunk
        assert received == payload.upper()
    finally:
        adb("-s", serial, "forward", "--remove", f"tcp:{local_port}")


def test_forward_to_a_host_service_the_device_did_not_start_is_refused(
    virtual_device, adb, host_echo_server
):
    # the service answers on this computer's loopback...
    with socket.create_connection(("127.0.0.1", host_echo_server), timeout=10) as direct:
        direct.sendall(b"hi")
        assert direct.recv(2) == b"HI"
    # ...but a phone's loopback holds only the phone's programs: adb forward cannot reach it
    serial = virtual_device.serial
    local_port = forward(adb, serial, host_echo_server)
    try:
        with socket.create_connection(("127.0.0.1", local_port), timeout=10) as conn:
            conn.settimeout(10)
            conn.sendall(b"hi")
            assert conn.recv(10) == b""  # closed at once, nothing relayed
    finally:
        adb("-s", serial, "forward", "--remove", f"tcp:{local_port}")
    # nor a stream that names the loopback host (adb's command line offers no such form)
    host = HostSide(virtual_device.port)
    try:
        host.send(A_CNXN, A_VERSION, 4096, b"host::\0")
        assert host.read()[0] == A_CNXN
        for i, service in enumerate((f"tcp:localhost:{host_echo_server}", "tcp:127.0.0.1:1")):
            host.send(A_OPEN, 10 + i, 0, service.encode() + b"\0")
            command, arg0, arg1, _ = host.read()
            assert (command, arg0, arg1) == (A_CLSE, 0, 10 + i)
    finally:
        host.sock.close()


def test_forward_to_a_closed_port_is_refused(virtual_device, adb):
    serial = virtual_device.serial
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    local_port = forward(adb, serial, closed_port)
    try:
        with socket.create_connection(("127.0.0.1", local_port), timeout=10) as conn:
            conn.settimeout(10)
            assert conn.recv(10) == b""  # closed at once: nothing listens on the device side
    finally:
        adb("-s", serial, "forward", "--remove", f"tcp:{local_port}")


# ----- the protocol without an adb server: framing edge cases -----------------------


class HostSide:
    """A minimal host speaking ADB to the virtual device directly."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buffer = b""

    def send(self, command, arg0, arg1, data=b""):
        self.sock.sendall(packet(command, arg0, arg1, data))

    def read(self):
        while len(self.buffer) < HEADER.size:
            self.buffer += self.sock.recv(65536)
        command, arg0, arg1, length, _check, magic = HEADER.unpack(self.buffer[: HEADER.size])
        assert magic == command ^ 0xFFFFFFFF
        while len(self.buffer) < HEADER.size + length:
            self.buffer += self.sock.recv(65536)
        data = self.buffer[HEADER.size : HEADER.size + length]
        self.buffer = self.buffer[HEADER.size + length :]
        return command, arg0, arg1, data


def test_handshake_and_sync_frames_split_and_packed_across_writes(tmp_path):
    device = VirtualDevice(sandbox=tmp_path / "phone", register=False)
    port = int(device.listen().rsplit(":", 1)[1])
    try:
        host = HostSide(port)
        host.send(A_CNXN, A_VERSION, 4096, b"host::features=shell_v2\0")
        command, version, maxdata, banner = host.read()
        assert (command, version, maxdata) == (A_CNXN, A_VERSION, 1024 * 1024)
        assert banner.startswith(b"device::ro.product.name=panther;") and not banner.endswith(b"\0")

        host.send(A_OPEN, 7, 0, b"sync:\0")
        command, local_id, remote_id, _ = host.read()
        assert (command, remote_id) == (A_OKAY, 7)

        content = bytes(range(256)) * 40  # 10240 bytes in three DATA frames
        stream = sync_request(ID_SEND, b"/data/local/tmp/split.bin,33188")
        for i in range(0, len(content), 4000):
            piece = content[i : i + 4000]
            stream += SYNC_HEADER.pack(ID_DATA, len(piece)) + piece
        stream += SYNC_HEADER.pack(ID_DONE, 1700000000)
        # cut at awkward places: inside headers, inside data, several frames per write
        cuts = [0, 3, 5, 11, 4000, 4001, 9000, len(stream)]
        for start, end in zip(cuts, cuts[1:], strict=False):
            host.send(A_WRTE, 7, local_id, stream[start:end])
            command, arg0, arg1, _ = host.read()
            assert (command, arg0, arg1) == (A_OKAY, local_id, 7), "every WRTE gets an OKAY"
        command, _arg0, _arg1, reply = host.read()
        assert command == A_WRTE and reply == b"OKAY" + struct.pack("<I", 0)
        host.send(A_OKAY, 7, local_id)
        assert device.host_path("/data/local/tmp/split.bin").read_bytes() == content

        host.send(A_CLSE, 7, local_id)
        command, _arg0, arg1, _ = host.read()
        assert (command, arg1) == (A_CLSE, 7)
        host.send(A_OPEN, 8, 0, b"no-such-service:\0")
        command, arg0, arg1, _ = host.read()
        assert (command, arg0, arg1) == (A_CLSE, 0, 8)
        host.sock.close()
    finally:
        device.stop()


def test_emulator_ports_are_refused(tmp_path):
    from studio.errors import InputError

    with pytest.raises(InputError, match="5555-5585"):
        VirtualDevice(sandbox=tmp_path / "phone", port=5555)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")
def test_adb_shell_in_a_terminal_echoes_and_ends_lines_with_crlf(virtual_device, adb_server):
    import pty
    import select
    import time

    from studio.devices.adb import adb_command

    command = adb_command(adb_server, "-s", virtual_device.serial, "shell")
    pid, fd = pty.fork()
    if pid == 0:  # the child becomes `adb shell` on a terminal
        os.execv(command[0], command)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 10
        while marker not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    return

    try:
        read_until(b"panther:/ $ ")
        os.write(fd, b"getprop ro.product.model\r")
        read_until(b"Pixel 7\r\n")
        os.write(fd, b"exit\r")
        os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert seen.startswith(b"panther:/ $ getprop ro.product.model\r\nPixel 7\r\n")
