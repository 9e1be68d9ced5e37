"""Connecting to a phone over Wi-Fi at an address that does not answer, on the real adb
server: the message names the phone's address (not the adb server), and no offline row
is left behind."""

from __future__ import annotations

import socket
import time

import pytest

from studio.devices.adb import client, connect_device
from studio.errors import DeviceError


@pytest.fixture
def silent_port():
    """A local port that accepts connections and never says a word (a phone that does not
    answer the adb handshake)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def closed_port():
    """A local port where nothing listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def serials(server) -> list[str]:
    return [d.serial for d in client(server).list()]


def assert_plain(error: DeviceError, address: str) -> None:
    assert error.message == f"The phone at {address} did not answer"
    assert "adb server" not in error.message
    for words in ("same network", "Wireless debugging", "port"):
        assert words in error.hint


def test_a_phone_that_does_not_answer(adb_server, silent_port):
    address = f"127.0.0.1:{silent_port}"
    with pytest.raises(DeviceError) as caught:
        connect_device(address, adb_server, timeout=2)
    assert_plain(caught.value, address)
    time.sleep(0.5)  # the adb server would list it as offline by now
    assert address not in serials(adb_server)


def test_nothing_listens_at_the_address(adb_server, closed_port):
    address = f"127.0.0.1:{closed_port}"
    with pytest.raises(DeviceError) as caught:
        connect_device(address, adb_server, timeout=2)
    assert_plain(caught.value, address)
    assert address not in serials(adb_server)
