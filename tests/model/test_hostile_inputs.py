"""Hostile calibration and verification folders, and input descriptions asking for too much:
each is refused with a plain message (exit code 2), never a crash or a wait without end."""

from __future__ import annotations

import os
import struct
import threading
import zlib

import pytest

from studio.errors import EXIT_BAD_INPUT, InputError
from studio.model.inputs import (
    MAX_IMAGE_PIXELS,
    InputSpec,
    TensorSpec,
    load_sample_folder,
    parse_shape,
)

SPEC = InputSpec.single((1, 3, 32, 32))


def write_png(path, width: int, height: int) -> None:
    """A PNG that declares ``width`` x ``height`` 8-bit gray pixels, with one row of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (width + 1))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def refused(folder) -> InputError:
    with pytest.raises(InputError) as info:
        load_sample_folder(folder, SPEC)
    assert info.value.exit_code == EXIT_BAD_INPUT
    return info.value


def test_a_decompression_bomb_is_refused_by_name(tmp_path):
    write_png(tmp_path / "bomb.png", 30000, 30000)  # Pillow itself raises DecompressionBombError
    error = refused(tmp_path)
    assert "bomb.png" in error.message and "30000 x 30000" not in error.message
    assert "megapixels" in error.message


def test_an_image_over_the_pixel_bound_is_refused_before_decoding(tmp_path):
    side = int(MAX_IMAGE_PIXELS**0.5) + 100  # under Pillow's own limit, over the studio's
    write_png(tmp_path / "huge.png", side, side)
    error = refused(tmp_path)
    assert f"huge.png declares {side} x {side} pixels" in error.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
@pytest.mark.parametrize("where", [".", "cats"], ids=["folder", "class-sub-folder"])
def test_a_pipe_named_like_an_image_is_refused_not_waited_on(tmp_path, where):
    folder = tmp_path / where
    folder.mkdir(exist_ok=True)
    write_png(tmp_path / where / "a.png", 32, 32)
    pipe = folder / "b.png"
    os.mkfifo(pipe)
    outcome = {}

    def load():
        try:
            load_sample_folder(tmp_path, SPEC)
        except Exception as exc:  # the outcome is checked below
            outcome["error"] = exc

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=20)  # generous: the refusal takes milliseconds
    if worker.is_alive():
        with open(pipe, "wb"):  # release the reader blocked on the pipe, then fail
            pass
        worker.join(timeout=20)
        pytest.fail("reading the folder waited on a named pipe")
    error = outcome.get("error")
    assert isinstance(error, InputError) and error.exit_code == EXIT_BAD_INPUT
    assert "b.png is not a regular file" in error.message


@pytest.mark.parametrize(
    ("tensor", "expected"),
    [
        ({"name": "image", "shape": [1, 3, 120000, 40000]}, "would need 57.6 GB"),
        ({"name": "image", "shape": [1, 3, -5, 224]}, "all positive whole numbers"),
        ({"name": "image", "shape": [1, 3, 0, 224]}, "all positive whole numbers"),
        ({"name": "image", "shape": [1.5, 3]}, "shape must be a list of whole numbers"),
        ({"name": "image", "shape": [True, 3]}, "shape must be a list of whole numbers"),
        ({"name": "image", "shape": "1,3"}, "shape must be a list of whole numbers"),
        ({"name": "image", "shape": [1] * 9}, "1 to 8 dimensions"),
        ({"name": "x" * 300, "shape": [1, 3]}, "an input name must be text of 1 to 256"),
        ({"name": 5, "shape": [1, 3]}, "an input name must be text"),
        ({"name": "image", "shape": [1, 3], "dtype": "complex"}, "unknown dtype 'complex'"),
        ({"name": "image"}, "must be a table with a shape"),
    ],
)
def test_forged_input_descriptions_are_refused(tensor, expected):
    with pytest.raises(InputError) as info:
        InputSpec.from_dict({"tensors": [tensor]})
    assert expected in info.value.message


@pytest.mark.parametrize(
    ("preprocess", "expected"),
    [
        ("resize", "preprocess must be a table"),
        ({"resize": -1}, "preprocess resize must be a whole number from 1 to 8192"),
        ({"crop": 10**9}, "preprocess crop must be a whole number"),
        ({"std": [0, 0, 0]}, "preprocess std holds an impossible value"),
        ({"mean": "abc"}, "preprocess mean must be a list of 1 or 3 numbers"),
        ({"mean": [0.5], "std": [0.2, 0.2, 0.2]}, "same number of values"),
        ({"sharpen": True}, "unknown preprocess key 'sharpen'"),
    ],
)
def test_forged_preprocessing_is_refused(preprocess, expected):
    spec = {"tensors": [{"name": "image", "shape": [1, 3, 8, 8]}], "preprocess": preprocess}
    with pytest.raises(InputError) as info:
        InputSpec.from_dict(spec)
    assert expected in info.value.message


def test_every_source_of_a_shape_gets_the_size_bound():
    with pytest.raises(InputError, match="would need"):
        parse_shape("1,3,100000,100000")
    with pytest.raises(InputError, match="would need"):
        InputSpec.single((1, 3, 100000, 100000))
    with pytest.raises(InputError, match="would need"):
        TensorSpec("logits", (1 << 20, 1 << 10), "int64")
    assert InputSpec.single((1, 3, 224, 224)).shape == (1, 3, 224, 224)
