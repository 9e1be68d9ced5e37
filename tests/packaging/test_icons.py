"""The committed application icons: what each OS asks of them."""

from __future__ import annotations

import struct

from PIL import Image

from studio.paths import resource


def test_the_png_is_a_square_512_with_transparent_corners():
    image = Image.open(resource("icons", "model-studio.png"))
    assert image.size == (512, 512) and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # rounded tile
    assert image.getpixel((256, 256))[3] == 255


def test_the_ico_holds_every_size_windows_uses():
    image = Image.open(resource("icons", "model-studio.ico"))
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(image.info["sizes"])


def test_the_icns_is_well_formed_and_small():
    data = resource("icons", "model-studio.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, offset = [], 8
    while offset < len(data):
        kind, length = struct.unpack(">4sI", data[offset : offset + 8])
        assert data[offset + 8 : offset + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        offset += length
    assert offset == len(data)
    assert {b"ic07", b"ic08", b"ic09", b"ic13", b"ic14"} <= set(kinds)
    assert len(data) < 100_000
    image = Image.open(resource("icons", "model-studio.icns"))
    assert image.size == (512, 512)
