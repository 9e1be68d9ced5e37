"""Draw the application icon and write it for every OS.

    python scripts/make_icons.py

Writes studio/resources/icons/model-studio.png (512 px: window icon, Linux desktop entry),
model-studio.ico (Windows: 16-256 px) and model-studio.icns (macOS: 16-256 px). The picture: a
phone on a deep blue tile, on its screen a small network whose last node is lit.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "studio" / "resources" / "icons"
SIZE = 1024  # drawn large, then scaled down with antialiasing

TILE_TOP = (52, 84, 209)
TILE_BOTTOM = (28, 40, 120)
PHONE = (245, 247, 255)
SCREEN = (22, 30, 80)
EDGE = (120, 150, 255)
NODE = (200, 214, 255)
LIT = (255, 196, 61)


def draw(size: int = SIZE) -> Image.Image:
    s = size / 1024
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    # Tile: a vertical gradient inside a rounded square.
    gradient = Image.new("RGBA", (size, size))
    pixels = ImageDraw.Draw(gradient)
    for y in range(size):
        t = y / (size - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(TILE_TOP, TILE_BOTTOM, strict=True))
        pixels.line([(0, y), (size, y)], fill=(*colour, 255))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [40 * s, 40 * s, 984 * s, 984 * s], radius=200 * s, fill=255
    )
    image.paste(gradient, (0, 0), mask)
    d = ImageDraw.Draw(image)
    # Phone body and screen.
    d.rounded_rectangle([322 * s, 150 * s, 702 * s, 874 * s], radius=70 * s, fill=PHONE)
    d.rounded_rectangle([356 * s, 224 * s, 668 * s, 780 * s], radius=24 * s, fill=SCREEN)
    d.rounded_rectangle([462 * s, 178 * s, 562 * s, 196 * s], radius=9 * s, fill=SCREEN)
    d.ellipse([488 * s, 800 * s, 536 * s, 848 * s], fill=SCREEN)
    # A small network on the screen: three layers, the output lit.
    layers = [
        [(420, 330), (420, 500), (420, 670)],
        [(512, 410), (512, 590)],
        [(604, 500)],
    ]
    for left, right in zip(layers, layers[1:], strict=False):
        for x0, y0 in left:
            for x1, y1 in right:
                d.line([(x0 * s, y0 * s), (x1 * s, y1 * s)], fill=EDGE, width=round(12 * s))
    for index, layer in enumerate(layers):
        for x, y in layer:
            r = 34 if index < 2 else 42
            colour = LIT if index == 2 else NODE
            d.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=colour)
    return image


# ICNS entries (type, pixels), each a PNG: 128, 256, 512 and the @2x of 16, 32, 128, 256.
ICNS_ENTRIES = [
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
]


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def write_icns(image: Image.Image, path: Path) -> None:
    """An .icns of palette PNGs (Pillow's own writer stores every size, unoptimised)."""
    pngs = {
        pixels: _png_bytes(image.resize((pixels, pixels), Image.LANCZOS))
        for pixels in {pixels for _, pixels in ICNS_ENTRIES}
    }
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[pixels])) + pngs[pixels]
        for kind, pixels in ICNS_ENTRIES
    )
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    png = big.resize((512, 512), Image.LANCZOS)
    png.save(OUT / "model-studio.png", optimize=True)
    big.save(
        OUT / "model-studio.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )
    write_icns(big, OUT / "model-studio.icns")
    for path in sorted(OUT.iterdir()):
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
