from __future__ import annotations

import os
import stat

import pytest

from studio.fileio import atomic_path, write_bytes_atomic


def test_success_renames_with_usual_permissions(tmp_path):
    target = tmp_path / "model.pte"
    write_bytes_atomic(target, b"abc")
    assert target.read_bytes() == b"abc"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["model.pte"]


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.pte"
    target.write_bytes(b"good")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash midway")
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["model.pte"]
