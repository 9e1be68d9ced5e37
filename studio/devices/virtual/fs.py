"""The virtual device's file system: device paths mapped into a sandbox folder.

Every device path is normalised on the device's own tree first (``..`` cannot climb
above ``/``), then mapped below the sandbox folder; a path whose real location
(after symlinks) is outside the sandbox is refused. Permissions follow a phone's:
the ``shell`` user writes to ``/data/local/tmp`` and shared storage; an app (through
``run-as``) writes to its own ``/data/data/PKG``; everything else is read-only. The
``/data`` partition reports the profile's free space, and writes beyond it fail with
"No space left on device" — for all writers together: two pushes at once share one
budget. ``/proc`` and ``/sys`` files that describe the hardware are
generated from the profile.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import posixpath
import shutil
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio.devices.virtual.profiles import DeviceProfile

SHARED_STORAGE = "/storage/emulated/0"
ALIASES = {
    "/sdcard": SHARED_STORAGE,
    "/mnt/sdcard": SHARED_STORAGE,
    "/storage/self/primary": SHARED_STORAGE,
    "/data/user/0": "/data/data",
}
SHELL_WRITABLE = ("/data/local/tmp", SHARED_STORAGE)
SKELETON = (
    "/data/local/tmp",
    "/data/data",
    "/data/app",
    SHARED_STORAGE + "/Download",
    SHARED_STORAGE + "/Android/data",
    "/system/bin",
    "/vendor",
)
# Folders whose listing the shell user may not read.
UNLISTABLE = ("/data", "/data/data", "/data/app")


def fs_error(code: int, path: str = "") -> OSError:
    return OSError(code, os.strerror(code), path or None)


@dataclass(frozen=True)
class Entry:
    mode: int
    size: int
    mtime: int
    ino: int = 0
    nlink: int = 1
    uid: int = 2000
    gid: int = 2000

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


class SandboxFS:
    """A view of the sandbox as one user: ``shell`` (app=None) or an app package."""

    def __init__(self, root: str | os.PathLike, profile: DeviceProfile, app: str | None = None):
        self.root = Path(root).resolve()
        self.profile = profile
        self.app = app
        space = FreeSpace(self._usage, lambda: self.profile.data_free_bytes)
        self._state = {"digests": {}, "received": 0, "space": space}

    # ----- setup and identity -------------------------------------------------

    def create_skeleton(self) -> None:
        for device_path in SKELETON:
            self._raw(device_path).mkdir(parents=True, exist_ok=True)
        for package in self.profile.packages:
            self._raw(f"/data/data/{package.name}/files").mkdir(parents=True, exist_ok=True)
            self._raw(f"/data/data/{package.name}/cache").mkdir(parents=True, exist_ok=True)
        build_prop = self._raw("/system/build.prop")
        build_prop.write_text("".join(f"{k}={v}\n" for k, v in self.profile.props.items()))
        self._state["space"].set_baseline()

    def for_app(self, app: str | None) -> SandboxFS:
        view = SandboxFS.__new__(SandboxFS)
        view.root, view.profile, view.app, view._state = self.root, self.profile, app, self._state
        return view

    @property
    def user(self) -> str:
        return self.app or "shell"

    def home(self) -> str:
        return f"/data/data/{self.app}" if self.app else "/"

    # ----- path mapping ---------------------------------------------------------

    def normalize(self, path: str, cwd: str = "/") -> str:
        if not path:
            raise fs_error(errno.ENOENT, path)
        joined = posixpath.join(cwd, path)
        norm = posixpath.normpath(joined)
        if norm.startswith("//"):
            norm = "/" + norm.lstrip("/")
        for alias, target in ALIASES.items():
            if _under(norm, alias):
                norm = target + norm[len(alias) :]
                break
        return norm

    def _raw(self, device_path: str) -> Path:
        return self.root.joinpath(device_path.lstrip("/"))

    def host_path(self, path: str, cwd: str = "/") -> Path:
        """The sandbox location of a device path; refuses a path that leaves the sandbox."""
        device_path = self.normalize(path, cwd)
        host = self._raw(device_path)
        real = Path(os.path.realpath(host))
        if real != self.root and self.root not in real.parents:
            raise fs_error(errno.EACCES, path)
        return host

    # ----- permissions ----------------------------------------------------------

    def _app_private(self, device_path: str) -> str | None:
        if _under(device_path, "/data/data") and device_path != "/data/data":
            return device_path.split("/")[3]
        return None

    def check_read(self, device_path: str) -> None:
        owner = self._app_private(device_path)
        if owner is not None and owner != self.app:
            raise fs_error(errno.EACCES, device_path)

    def writable(self, device_path: str) -> bool:
        if self.app:
            roots = (f"/data/data/{self.app}", f"{SHARED_STORAGE}/Android/data/{self.app}")
        else:
            roots = SHELL_WRITABLE
        return any(_under(device_path, root) and device_path != root for root in roots)

    def check_write(self, device_path: str) -> None:
        if not self.writable(device_path):
            if _under(device_path, "/system") or _under(device_path, "/vendor"):
                raise fs_error(errno.EROFS, device_path)
            raise fs_error(errno.EACCES, device_path)

    # ----- generated /proc and /sys files -----------------------------------------

    def virtual_files(self) -> dict[str, bytes]:
        p = self.profile
        files: dict[str, bytes] = {}
        cpu_lines = []
        for i in range(p.cores):
            part = p.cpu_parts[i] if i < len(p.cpu_parts) else "0xd05"
            cpu_lines.append(
                f"processor\t: {i}\nBogoMIPS\t: 52.00\n"
                "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp\n"
                f"CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\n"
                f"CPU part\t: {part}\nCPU revision\t: 0\n\n"
            )
        cpuinfo = "".join(cpu_lines)
        if p.cpu_hardware:
            cpuinfo += f"Hardware\t: {p.cpu_hardware}\n"
        files["/proc/cpuinfo"] = cpuinfo.encode()
        free_kb = max(0, p.mem_available_kb // 3)
        files["/proc/meminfo"] = (
            f"MemTotal:       {p.mem_total_kb:>8} kB\n"
            f"MemFree:        {free_kb:>8} kB\n"
            f"MemAvailable:   {p.mem_available_kb:>8} kB\n"
            f"Buffers:        {4096:>8} kB\n"
            f"Cached:         {p.mem_available_kb - free_kb:>8} kB\n"
            f"SwapTotal:      {p.mem_total_kb // 2:>8} kB\n"
            f"SwapFree:       {p.mem_total_kb // 3:>8} kB\n"
        ).encode()
        release = p.prop("ro.build.version.release", "14")
        files["/proc/version"] = (
            f"Linux version 5.10.198-android{release}-11 (build-user@build-host) "
            "(Android (10087095, +pgo, +bolt, +lto, +mlgo, based on r487747c) clang version "
            "17.0.2) #1 SMP PREEMPT\n"
        ).encode()
        span = f"0-{p.cores - 1}\n".encode()
        files["/sys/devices/system/cpu/possible"] = span
        files["/sys/devices/system/cpu/present"] = span
        files["/sys/devices/system/cpu/online"] = span
        for i in range(p.cores):
            base = f"/sys/devices/system/cpu/cpu{i}/cpufreq"
            max_f = p.max_freq_khz[i] if i < len(p.max_freq_khz) else 0
            min_f = p.min_freq_khz[i] if i < len(p.min_freq_khz) else max_f // 4
            files[f"{base}/cpuinfo_max_freq"] = f"{max_f}\n".encode()
            files[f"{base}/cpuinfo_min_freq"] = f"{min_f}\n".encode()
            files[f"{base}/scaling_cur_freq"] = f"{(min_f + max_f) // 2}\n".encode()
        battery = "/sys/class/power_supply/battery"
        files[f"{battery}/capacity"] = f"{p.battery_level}\n".encode()
        files[f"{battery}/temp"] = f"{p.battery_temperature_tenths_c}\n".encode()
        return files

    def _virtual_children(self, device_path: str) -> list[str] | None:
        prefix = device_path.rstrip("/") + "/"
        names = {
            key[len(prefix) :].split("/")[0]
            for key in self.virtual_files()
            if key.startswith(prefix)
        }
        return sorted(names) if names else None

    # ----- queries -----------------------------------------------------------------

    def stat(self, path: str, cwd: str = "/") -> Entry:
        device_path = self.normalize(path, cwd)
        virtual = self.virtual_files()
        now = int(time.time())
        if device_path in virtual:
            return Entry(stat.S_IFREG | 0o444, len(virtual[device_path]), now, uid=0, gid=0)
        if self._virtual_children(device_path) is not None:
            return Entry(stat.S_IFDIR | 0o555, 0, now, uid=0, gid=0)
        host = self.host_path(device_path)
        owner = self._app_private(device_path)
        if owner is not None and owner != self.app and device_path.count("/") > 3:
            raise fs_error(errno.EACCES, path)
        st = os.stat(host)
        uid = (
            0 if not self.writable(device_path) and not _under(device_path, "/data/data") else 2000
        )
        return Entry(st.st_mode, st.st_size, int(st.st_mtime), st.st_ino, st.st_nlink, uid, uid)

    def exists(self, path: str, cwd: str = "/") -> bool:
        try:
            self.stat(path, cwd)
            return True
        except OSError:
            return False

    def is_dir(self, path: str, cwd: str = "/") -> bool:
        try:
            return self.stat(path, cwd).is_dir
        except OSError:
            return False

    def listdir(self, path: str, cwd: str = "/") -> list[str]:
        device_path = self.normalize(path, cwd)
        children = self._virtual_children(device_path)
        if children is not None:
            return children
        if not self.app and device_path in UNLISTABLE:
            raise fs_error(errno.EACCES, path)
        self.check_read(device_path)
        host = self.host_path(device_path)
        names = sorted(os.listdir(host))
        if device_path == "/":
            names = sorted(set(names) | {"proc", "sys", "sdcard"})
        return names

    def read_bytes(self, path: str, cwd: str = "/") -> bytes:
        with self.open_read(path, cwd) as f:
            return f.read()

    def open_read(self, path: str, cwd: str = "/"):
        device_path = self.normalize(path, cwd)
        virtual = self.virtual_files()
        if device_path in virtual:
            return io.BytesIO(virtual[device_path])
        self.check_read(device_path)
        host = self.host_path(device_path)
        if host.is_dir():
            raise fs_error(errno.EISDIR, path)
        return open(host, "rb")

    # ----- space ---------------------------------------------------------------------

    def _usage(self) -> int:
        total = 0
        for top in ("data", "storage"):
            for folder, _dirs, files in os.walk(self.root / top):
                for name in files:
                    with contextlib.suppress(OSError):
                        total += os.lstat(os.path.join(folder, name)).st_size
        return total

    def free_bytes(self) -> int:
        return self._state["space"].recount()

    # ----- changes ----------------------------------------------------------------------

    def _writable_host(self, path: str, cwd: str) -> tuple[str, Path]:
        device_path = self.normalize(path, cwd)
        self.check_write(device_path)
        return device_path, self.host_path(device_path)

    def mkdir(self, path: str, cwd: str = "/", parents: bool = False) -> None:
        device_path = self.normalize(path, cwd)
        if self.is_dir(device_path):
            if parents:
                return
            raise fs_error(errno.EEXIST, path)
        _, host = self._writable_host(device_path, "/")
        if not parents and not self.is_dir(posixpath.dirname(device_path)):
            raise fs_error(errno.ENOENT, path)
        if parents:
            # every created level must itself be writable
            missing = []
            probe = device_path
            while not self.exists(probe):
                missing.append(probe)
                probe = posixpath.dirname(probe)
            for level in missing:
                self.check_write(level)
            host.mkdir(parents=True, exist_ok=True)
        else:
            host.mkdir()

    def remove(self, path: str, cwd: str = "/", recursive: bool = False) -> None:
        device_path, host = self._writable_host(path, cwd)
        if host.is_symlink() or host.is_file():
            host.unlink()
        elif host.is_dir():
            if not recursive:
                raise fs_error(errno.EISDIR, path)
            shutil.rmtree(host)
        else:
            raise fs_error(errno.ENOENT, path)

    def rename(self, src: str, dst: str, cwd: str = "/") -> None:
        src_path, src_host = self._writable_host(src, cwd)
        dst_path = self.normalize(dst, cwd)
        if self.is_dir(dst_path):
            dst_path = posixpath.join(dst_path, posixpath.basename(src_path))
        _, dst_host = self._writable_host(dst_path, "/")
        if not src_host.exists():
            raise fs_error(errno.ENOENT, src)
        os.replace(src_host, dst_host)

    def create(
        self,
        path: str,
        cwd: str = "/",
        mode: int = 0o644,
        append: bool = False,
        make_parents: bool = False,
        digest: str | None = None,
    ) -> SandboxWriter:
        device_path, host = self._writable_host(path, cwd)
        if make_parents:
            self.mkdir(posixpath.dirname(device_path), parents=True)
        if host.is_dir():
            raise fs_error(errno.EISDIR, path)
        if not host.parent.is_dir():
            raise fs_error(errno.ENOENT, path)
        space = self._state["space"]
        space.recount()  # files removed since the last count give their space back
        return SandboxWriter(host, space, mode & 0o7777, append, digest)

    # Files received over sync are hashed as they are written; sha256sum answers from
    # that while the file is unchanged (same inode, size and modification time).

    def count_received(self, n: int) -> None:
        self._state["received"] += n

    @property
    def bytes_received(self) -> int:
        """File bytes received over sync since the device started."""
        return self._state["received"]

    def remember_digest(self, path: str, algorithm: str, hexdigest: str) -> None:
        with contextlib.suppress(OSError):
            st = os.stat(self.host_path(path))
            key = (st.st_dev, st.st_ino, algorithm)
            self._state["digests"][key] = (st.st_size, st.st_mtime_ns, hexdigest)

    def known_digest(self, path: str, algorithm: str, cwd: str = "/") -> str | None:
        try:
            st = os.stat(self.host_path(path, cwd))
        except OSError:
            return None
        found = self._state["digests"].get((st.st_dev, st.st_ino, algorithm))
        if found and found[:2] == (st.st_size, st.st_mtime_ns):
            return found[2]
        return None

    def set_mtime(self, path: str, mtime: int, cwd: str = "/") -> None:
        with contextlib.suppress(OSError):
            os.utime(self.host_path(path, cwd), (mtime, mtime))


class FreeSpace:
    """The free space of one device, shared by every file being written on it.

    Writers take their bytes from one count under ``lock``, so writers at the same
    time cannot together exceed it; ``recount`` takes it again from the files in the
    sandbox under the same lock, so it never misses a write.
    """

    def __init__(self, usage: Callable[[], int], budget: Callable[[], int]):
        self._usage = usage  # bytes the files in the sandbox take
        self._budget = budget  # free bytes when the device started
        self.lock = threading.Lock()
        self._baseline: int | None = None
        self._free = 0

    def set_baseline(self) -> None:
        with self.lock:
            self._baseline = self._usage()

    def recount(self) -> int:
        with self.lock:
            usage = self._usage()
            if self._baseline is None:
                self._baseline = usage
            self._free = max(0, self._budget() - (usage - self._baseline))
            return self._free

    def take(self, n: int) -> bool:
        """With ``lock`` held: claim ``n`` bytes if they are free."""
        if n > self._free:
            return False
        self._free -= n
        return True

    def give_back(self, n: int) -> None:
        """With ``lock`` held: ``n`` bytes were freed."""
        self._free += n


class SandboxWriter:
    """A file being written on the device: enforces the free space; ``abort`` removes it.

    A write that does not fit fails with ENOSPC and removes the file at once, so its
    space is free again for the other writers before any of them needs it.
    """

    def __init__(
        self, host: Path, space: FreeSpace, mode: int, append: bool, digest: str | None = None
    ):
        self.host = host
        self.space = space
        self.written = 0
        self._discarded = False
        self.digest = hashlib.new(digest) if digest else None
        try:
            self._file = open(host, "ab" if append else "wb")  # noqa: SIM115
        except IsADirectoryError:
            raise fs_error(errno.EISDIR, str(host)) from None
        with contextlib.suppress(OSError):
            os.chmod(host, mode or 0o644)

    def write(self, data) -> None:
        with self.space.lock:
            if self._discarded or not self.space.take(len(data)):
                self._discard()
                raise fs_error(errno.ENOSPC)
            self._file.write(data)
            self._file.flush()
            self.written += len(data)
        if self.digest is not None:
            self.digest.update(data)

    def close(self) -> None:
        self._file.close()

    def abort(self) -> None:
        with self.space.lock:
            self._discard()

    def _discard(self) -> None:
        """With the space lock held: close and remove the file, give its bytes back."""
        if self._discarded:
            return
        self._discarded = True
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.host.unlink()
        self.space.give_back(self.written)
        self.written = 0

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
