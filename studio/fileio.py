"""Atomic file writes: a reader never sees a half-written artifact under its final name."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it to ``final`` only on success.

    On an exception (including cancellation) the temporary file is removed and
    ``final`` is left as it was.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if tmp.exists():  # mkstemp makes owner-only files; give the usual permissions
            os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import (setting the umask to read it is not thread-safe).
_UMASK = _read_umask()


_NO_SPACE_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NO_SPACE_TEXTS = ("no space left on device", "disk quota exceeded", "not enough space")


def out_of_space(exc: BaseException) -> bool:
    """Whether ``exc``, or anything it was raised from, says the disk is full.

    Toolchains wrap the OSError in their own exceptions, often keeping only its text
    (ONNX export blames the last operator it wrote), so the text counts as well.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _NO_SPACE_ERRNOS:
            return True
        texts = [str(current), str(getattr(current, "details", "") or "")]
        if any(t in text.lower() for text in texts for t in _NO_SPACE_TEXTS):
            return True
        current = current.__cause__ or current.__context__
    return False


def write_bytes_atomic(final: str | os.PathLike, data: bytes) -> None:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(final: str | os.PathLike, text: str) -> None:
    write_bytes_atomic(final, text.encode("utf-8"))
