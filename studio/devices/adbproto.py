"""Constants and framing of the ADB transport and of its file-sync sub-protocol.

Shared by the host-side transfer code and by the virtual device, which speaks the
device side. See ``protocol.txt`` and ``SYNC.TXT`` in AOSP ``packages/modules/adb``.
"""

from __future__ import annotations

import struct

# Transport packets: six little-endian u32 (command, arg0, arg1, length, checksum, magic).
A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_AUTH = 0x48545541
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_STLS = 0x534C5453

A_VERSION = 0x01000001
MAX_PAYLOAD = 1024 * 1024
HEADER = struct.Struct("<6I")

COMMAND_NAMES = {
    A_SYNC: "SYNC",
    A_CNXN: "CNXN",
    A_AUTH: "AUTH",
    A_OPEN: "OPEN",
    A_OKAY: "OKAY",
    A_CLSE: "CLSE",
    A_WRTE: "WRTE",
    A_STLS: "STLS",
}


def packet(command: int, arg0: int, arg1: int, data: bytes = b"") -> bytes:
    """One transport packet. The checksum is 0: hosts ignore it since version 0x01000001."""
    return HEADER.pack(command, arg0, arg1, len(data), 0, command ^ 0xFFFFFFFF) + data


# File sync (service "sync:"): 4-byte id + u32 length (+ payload).
SYNC_MAX_DATA = 64 * 1024
SYNC_HEADER = struct.Struct("<4sI")
STAT_V1 = struct.Struct("<4sIII")  # id, mode, size, mtime
STAT_V2 = struct.Struct(
    "<4sIQQIIIIQqqq"
)  # id, error, dev, ino, mode, nlink, uid, gid, size, a/m/ctime
DENT_V1 = struct.Struct("<4sIIII")  # id, mode, size, mtime, namelen

ID_STAT = b"STAT"
ID_STA2 = b"STA2"
ID_LST2 = b"LST2"
ID_LIST = b"LIST"
ID_DENT = b"DENT"
ID_SEND = b"SEND"
ID_RECV = b"RECV"
ID_DATA = b"DATA"
ID_DONE = b"DONE"
ID_OKAY = b"OKAY"
ID_FAIL = b"FAIL"
ID_QUIT = b"QUIT"


def sync_request(ident: bytes, argument: bytes) -> bytes:
    return SYNC_HEADER.pack(ident, len(argument)) + argument


def sync_fail(message: str) -> bytes:
    data = message.encode("utf-8", "replace")
    return SYNC_HEADER.pack(ID_FAIL, len(data)) + data


# Shell protocol v2 packets: u8 id + u32 length + data.
SHELL_HEADER = struct.Struct("<BI")
SHELL_STDIN = 0
SHELL_STDOUT = 1
SHELL_STDERR = 2
SHELL_EXIT = 3
SHELL_CLOSE_STDIN = 4
SHELL_WINDOW_SIZE = 5


def shell_packet(ident: int, data: bytes) -> bytes:
    return SHELL_HEADER.pack(ident, len(data)) + data
