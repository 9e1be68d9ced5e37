"""The virtual phone's arm64 mode: the device's own aarch64 programs run for real.

A program pushed to the device (the phone agent bundle's ``model-studio-agent``) runs
as aarch64 code under qemu-user (Debian's ``qemu-user-static``, started by the kernel
through binfmt_misc), in a root that looks like a phone's rather than this computer's:

    /system/bin/sh    a static aarch64 busybox (Debian's busybox-static), the toybox analog
    /data, /storage   the device's sandbox folders, as they are
    /proc             this computer's, with the device's cpuinfo, meminfo and version
    /sys              the device's generated CPU and battery files only
    /dev              null, zero, random, urandom

and nothing else: no /etc, /usr, /lib or /tmp. The root is read-only; the program runs
as the ``shell`` user (uid 2000), like a program started from ``adb shell``, and the
files in ``/data/local/tmp`` belong to that user, as files pushed with adb do.

Each program is started by a small helper (this module run with ``-m``) that enters a
private mount namespace, mounts the root, changes to it and to uid 2000, and execs the
program, so the mounts are never seen outside it. The program dies with the device:
it is killed when the device stops, and by the kernel when the device's process ends
(its parent-death signal, tied to one long-lived thread of the device).

This needs root (mount namespaces and binfmt_misc) and qemu-user-static; binfmt_misc
is mounted and the qemu-aarch64 handler registered (with the fix-binary flag, so a
program inside the root finds qemu) when they are not already.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import errno
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from studio.errors import InputError

QEMU = "qemu-aarch64-static"
BINFMT = Path("/proc/sys/fs/binfmt_misc")
DEBIAN_BINFMT = Path("/usr/lib/binfmt.d/qemu-aarch64.conf")  # qemu-user-static's own
AARCH64_MAGIC = r"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00"
AARCH64_MASK = r"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"
BUSYBOX = "busybox-static"
SHELL_UID = 2000
SHELL_GROUPS = (2000, 1004, 3003)  # shell, input, inet: what `id` answers on the device
SHELL_WRITABLE = "/data/local/tmp"
SHARED_FOLDERS = ("/data", "/storage")
DEV_NODES = ("null", "zero", "random", "urandom")
# Commands of a phone's toybox that busybox answers too (through /system/bin/NAME -> sh).
APPLETS = ("cat", "chmod", "cp", "df", "id", "kill", "ls", "mkdir", "mv", "rm", "sha256sum")
APPLETS += ("sleep", "uname")
# The environment adbd gives a shell, less what a program here does not need.
ANDROID_ENV = {
    "PATH": "/product/bin:/apex/com.android.runtime/bin:/system/bin:/system/xbin:/vendor/bin",
    "ANDROID_ROOT": "/system",
    "ANDROID_DATA": "/data",
    "TMPDIR": "/data/local/tmp",
    "HOME": "/",
    "USER": "shell",
    "SHELL": "/system/bin/sh",
}

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1
CLONE_NEWNS = 0x20000


class Arm64Unavailable(InputError):
    """This computer cannot run the virtual phone's aarch64 programs."""


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _call(name: str, *args, what: str = "") -> None:
    """A libc call that returns 0 or sets errno (Python has no mount, prctl, unshare)."""
    if getattr(_libc(), name)(*args) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{name} {what}: {os.strerror(code)}".replace("  ", " "))


def _mount(source: str | None, target: str, fstype: str | None, flags: int) -> None:
    def encode(text: str | None) -> bytes | None:
        return text.encode() if text is not None else None

    _call("mount", encode(source), encode(target), encode(fstype), flags, None, what=target)


# ----- what this computer needs --------------------------------------------------------


def _handler_flags() -> str | None:
    """The flags of the enabled binfmt_misc handler for aarch64 ELF files, if there is one."""
    magic = AARCH64_MAGIC.replace(r"\x", "")
    for entry in sorted(BINFMT.iterdir()):
        if entry.name in ("register", "status"):
            continue
        try:
            lines = entry.read_text().splitlines()
        except OSError:
            continue
        fields = dict(line.partition(" ")[::2] for line in lines)
        if "enabled" in lines and fields.get("magic") == magic:
            return fields.get("flags:", "")
    return None


def _register_binfmt() -> None:
    if not (BINFMT / "register").exists():
        _mount("binfmt_misc", str(BINFMT), "binfmt_misc", 0)
    if DEBIAN_BINFMT.is_file():
        lines = DEBIAN_BINFMT.read_text().splitlines()
        line = next(x for x in lines if x.startswith(":"))
    else:
        line = f":qemu-aarch64:M::{AARCH64_MAGIC}:{AARCH64_MASK}:{shutil.which(QEMU)}:F"
    try:
        (BINFMT / "register").write_text(line + "\n")
    except FileExistsError:
        pass  # another device registered it at the same time


def check_host() -> None:
    """Make this computer ready to run aarch64 programs in a root, or say what is missing."""
    how = "run `model-studio virtual-device --arch arm64` as root, or leave out --arch arm64"
    if getattr(sys, "frozen", False):
        raise Arm64Unavailable(
            "The arm64 virtual phone runs from a Python installation of the studio",
            hint="install it with pip, or leave out --arch arm64",
        )
    if shutil.which(QEMU) is None:
        raise Arm64Unavailable(
            f"The arm64 virtual phone needs {QEMU}, which this computer does not have",
            hint="install it (Debian and Ubuntu: `apt-get install qemu-user-static`), "
            "or leave out --arch arm64",
        )
    if os.geteuid() != 0:
        raise Arm64Unavailable(
            "The arm64 virtual phone needs root: it mounts the phone's root in a private "
            "mount namespace and registers qemu with the kernel's binfmt_misc",
            hint=how,
        )
    try:
        if _handler_flags() is None:
            _register_binfmt()
        flags = _handler_flags()
    except (OSError, StopIteration) as exc:
        raise Arm64Unavailable(
            f"The kernel cannot be taught to run aarch64 programs through qemu ({exc})",
            hint="check that binfmt_misc is available (`mount -t binfmt_misc binfmt_misc "
            f"{BINFMT}`), or leave out --arch arm64",
        ) from None
    if flags is None or "F" not in flags:
        raise Arm64Unavailable(
            "The kernel's handler for aarch64 programs lacks the fix-binary (F) flag, "
            "without which a program inside the phone's root cannot find qemu",
            hint=f"remove it (`echo -1 > {BINFMT}/qemu-aarch64`, as root) and start the "
            "virtual phone again: it registers qemu-user-static's own handler",
        )


def system_shell() -> Path:
    """The static aarch64 busybox that is the phone's ``/system/bin/sh`` (cached)."""
    from studio.agent.bundle.build import unpack
    from studio.agent.bundle.sources import fetch_debs
    from studio.paths import cache_dir

    (fetched,) = fetch_debs(packages=(BUSYBOX,))
    shell = cache_dir() / "virtual-arm64" / f"busybox-{fetched.component.sha256[:16]}"
    if not shell.is_file():
        scratch = Path(tempfile.mkdtemp(prefix=".busybox-", dir=shell.parent.parent))
        try:
            unpack(fetched, scratch / "tree")
            shell.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(scratch / "tree/usr/bin/busybox", scratch / "busybox")
            os.chmod(scratch / "busybox", 0o755)
            os.replace(scratch / "busybox", shell)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return shell


def getprop_script(props: dict[str, str]) -> str:
    """``/system/bin/getprop [NAME [DEFAULT]]`` answering the device's properties."""
    listing = "".join(f"[{k}]: [{v}]\n" for k, v in sorted(props.items()))
    cases = "".join(
        f"  {shlex.quote(k)}) echo {shlex.quote(v)} ;;\n" for k, v in sorted(props.items())
    )
    return (
        "#!/system/bin/sh\n"
        "if [ $# -eq 0 ]; then\n  cat <<'END'\n" + listing + "END\n  exit 0\nfi\n"
        'case "$1" in\n' + cases + '  *) echo "$2" ;;\nesac\n'
    )


# ----- the phone's root ------------------------------------------------------------------


class Arm64Root:
    """The phone's root for one virtual device, and the programs started in it."""

    def __init__(self, fs):
        """``fs``: the device's :class:`~studio.devices.virtual.fs.SandboxFS`."""
        check_host()
        shell = system_shell()
        self.fs = fs
        self.home = Path(tempfile.mkdtemp(prefix="virtual-arm64-root-"))
        self.root = self.home / "root"
        generated = self.home / "generated"  # the /proc files, bound over the real ones
        self.binds: list[tuple[str, str]] = [(str(shell), "/system/bin/sh")]
        self.binds += [(f"/dev/{name}", f"/dev/{name}") for name in DEV_NODES]
        self.binds += [(str(fs.host_path(folder)), folder) for folder in SHARED_FOLDERS]
        for folder in ("system/bin", "proc", "dev", "sys", "data", "storage"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        for _source, target in self.binds:
            if target not in SHARED_FOLDERS:
                (self.root / target.lstrip("/")).touch()
        for applet in APPLETS:
            (self.root / "system/bin" / applet).symlink_to("sh")
        getprop = self.root / "system/bin/getprop"
        getprop.write_text(getprop_script(fs.profile.props))
        getprop.chmod(0o755)
        generated.mkdir()
        for path, content in fs.virtual_files().items():
            if path.startswith("/proc/"):
                (generated / path[len("/proc/") :]).write_bytes(content)
                self.binds.append((str(generated / path[len("/proc/") :]), path))
            else:
                (self.root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
                (self.root / path.lstrip("/")).write_bytes(content)
        for folder, dirs, _files in os.walk(self.home):
            for name in [".", *dirs]:
                os.chmod(os.path.join(folder, name), 0o755)
        # Popen from one thread that lives as long as the device: the kernel sends the
        # parent-death signal when the thread that started a program ends.
        self._starter = concurrent.futures.ThreadPoolExecutor(1, "virtual-arm64")

    def _give_to_shell(self) -> None:
        """Files in /data/local/tmp belong to the shell user, as adb pushes them."""
        top = self.fs.host_path(SHELL_WRITABLE)
        os.chmod(top, 0o771)
        for folder, dirs, files in os.walk(top):
            for name in [".", *dirs, *files]:
                path = os.path.join(folder, name)
                if os.lstat(path).st_uid != SHELL_UID:
                    os.lchown(path, SHELL_UID, SHELL_UID)

    def popen(self, argv: list[str], cwd: str, env: dict[str, str], stdout, stderr):
        """Start device program ``argv`` (``argv[0]`` a device path) in the root.

        ``env`` is added to the Android shell's environment; ``stdout`` and ``stderr``
        are as for :class:`subprocess.Popen`. Returns the Popen: its pid is the program's.
        """
        self._give_to_shell()
        spec = {
            "root": str(self.root),
            "binds": self.binds,
            "cwd": cwd,
            "argv": argv,
            "env": {**ANDROID_ENV, **env},
            "parent": os.getpid(),
        }
        command = [sys.executable, "-P", "-m", __name__, json.dumps(spec)]
        return self._starter.submit(
            subprocess.Popen,
            command,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        ).result()

    def runs(self, device_path: str) -> bool:
        """Whether a command naming this path runs it: a file pushed to /data/local/tmp."""
        if not device_path.startswith(SHELL_WRITABLE + "/"):
            return False
        try:
            return self.fs.host_path(device_path).is_file()
        except OSError:
            return False

    def run(self, inv) -> int:
        """The shell command ``inv`` (its program a pushed file), run until it ends."""
        env = {name: value for name, value in inv.env.items() if name.isidentifier()}
        argv = [inv.path(inv.argv[0]), *inv.argv[1:]]
        proc = self.popen(argv, inv.cwd, env, subprocess.PIPE, subprocess.PIPE)
        return inv.follow(proc)

    def listens(self, port: int, procs: list[subprocess.Popen]) -> bool:
        """Whether one of ``procs`` (running device programs) listens on loopback ``port``."""
        sockets = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    sockets.add(f"socket:[{fields[9]}]")
        for proc in procs:
            if proc.poll() is not None:
                continue
            try:
                fds = os.listdir(f"/proc/{proc.pid}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(f"/proc/{proc.pid}/fd/{fd}") in sockets:
                        return True
                except OSError:
                    continue
        return False

    def close(self) -> None:
        """After the device's programs are killed: remove the root's folder."""
        self._starter.shutdown(wait=False)
        shutil.rmtree(self.home, ignore_errors=True)


# ----- the helper that enters the root (a process of its own) ---------------------------


def _enter(spec: dict) -> None:
    """In a fresh private mount namespace: mount the root, enter it as the shell user."""
    _call("unshare", CLONE_NEWNS)  # os.unshare is Python 3.12's
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = spec["root"]
    _mount(root, root, None, MS_BIND)
    _mount("proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for source, target in spec["binds"]:
        _mount(source, root + target, None, MS_BIND | MS_REC)
    _mount(None, root, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    os.chroot(root)
    os.chdir(spec["cwd"])
    os.setgroups(list(SHELL_GROUPS))
    os.setgid(SHELL_UID)
    os.setuid(SHELL_UID)
    # After the change of user, which clears it: die with the device.
    _call("prctl", PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != spec["parent"]:
        os._exit(137)


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    name = spec["argv"][0]
    try:
        _enter(spec)
    except OSError as exc:
        print(f"{name}: cannot enter the phone's root: {exc}", file=sys.stderr)
        return 126
    try:
        os.execve(name, spec["argv"], spec["env"])
    except OSError as exc:
        print(f"/system/bin/sh: {name}: {exc.strerror}", file=sys.stderr)
        return 127 if exc.errno == errno.ENOENT else 126


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
