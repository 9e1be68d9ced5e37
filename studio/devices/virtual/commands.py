"""The built-in commands of the virtual shell, as a phone's toybox would answer them."""

from __future__ import annotations

import errno
import hashlib
import posixpath
import stat
import time

from studio.devices.virtual.shell import CommandTable, Invocation


def _flags(argv: list[str], known: str) -> tuple[set[str], list[str]]:
    """Split ``-abc`` style flags (only letters in ``known``) from operands."""
    flags: set[str] = set()
    rest: list[str] = []
    operands_only = False
    for arg in argv:
        if not operands_only and arg == "--":
            operands_only = True
        elif (
            not operands_only
            and arg.startswith("-")
            and len(arg) > 1
            and all(c in known for c in arg[1:])
        ):
            flags.update(arg[1:])
        else:
            rest.append(arg)
    return flags, rest


def cmd_true(inv: Invocation) -> int:
    return 0


def cmd_false(inv: Invocation) -> int:
    return 1


def cmd_echo(inv: Invocation) -> int:
    args = inv.argv[1:]
    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    inv.stdout.write(" ".join(args) + ("\n" if newline else ""))
    return 0


def _props(inv: Invocation) -> dict[str, str]:
    """The profile's properties, and whether the shell starts the agent as a host process."""
    from studio.devices.virtual.agent_command import HOST_AGENT, HOST_AGENT_PROP, NAME, cmd_agent

    props = dict(inv.profile.props)
    if inv.shell.commands.get(NAME) is cmd_agent:
        props[HOST_AGENT_PROP] = HOST_AGENT
    return props


def cmd_getprop(inv: Invocation) -> int:
    props = _props(inv)
    args = inv.argv[1:]
    if not args:
        inv.stdout.write("".join(f"[{k}]: [{v}]\n" for k, v in sorted(props.items())))
    else:
        default = args[1] if len(args) > 1 else ""
        inv.stdout.write(props.get(args[0], default) + "\n")
    return 0


def cmd_setprop(inv: Invocation) -> int:
    if len(inv.argv) != 3:
        return inv.error("usage: setprop NAME VALUE")
    if inv.argv[1].startswith("ro."):
        return inv.error(f"failed to set property '{inv.argv[1]}' to '{inv.argv[2]}'")
    inv.profile.props[inv.argv[1]] = inv.argv[2]
    return 0


def _mode_string(mode: int) -> str:
    return stat.filemode(mode)


def cmd_ls(inv: Invocation) -> int:
    flags, paths = _flags(inv.argv[1:], "laA1dhRt")
    paths = paths or ["."]
    status = 0
    many = len(paths) > 1

    def line(name: str, entry) -> str:
        if "l" not in flags:
            return name + "\n"
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.mtime))
        owner = "shell" if entry.uid == 2000 else "root"
        return (
            f"{_mode_string(entry.mode)} {entry.nlink} {owner} {owner} {entry.size:>8} "
            f"{when} {name}\n"
        )

    for path in paths:
        try:
            entry = inv.fs.stat(path, inv.cwd)
            if entry.is_dir and "d" not in flags:
                names = inv.fs.listdir(path, inv.cwd)
                if "a" not in flags and "A" not in flags:
                    names = [n for n in names if not n.startswith(".")]
                if many:
                    inv.stdout.write(f"{path}:\n")
                out = []
                for name in names:
                    try:
                        child = inv.fs.stat(posixpath.join(path, name), inv.cwd)
                    except OSError:
                        continue
                    out.append(line(name, child))
                inv.stdout.write("".join(out))
            else:
                inv.stdout.write(line(path, entry))
        except OSError as exc:
            status = 1
            inv.error(f"{path}: {exc.strerror}")
    return status


def cmd_mkdir(inv: Invocation) -> int:
    flags, paths = _flags(inv.argv[1:], "pv")
    if not paths:
        return inv.error("Needs 1 argument")
    status = 0
    for path in paths:
        try:
            inv.fs.mkdir(path, inv.cwd, parents="p" in flags)
        except OSError as exc:
            status = 1
            inv.error(f"{path}: {exc.strerror}")
    return status


def cmd_rm(inv: Invocation) -> int:
    flags, paths = _flags(inv.argv[1:], "frRiv")
    status = 0
    for path in paths:
        try:
            inv.fs.remove(path, inv.cwd, recursive=bool(flags & {"r", "R"}))
        except OSError as exc:
            if "f" in flags and exc.errno == errno.ENOENT:
                continue
            status = 1
            inv.error(f"{path}: {exc.strerror}")
    return status


def cmd_mv(inv: Invocation) -> int:
    _flags_set, paths = _flags(inv.argv[1:], "fnv")
    if len(paths) < 2:
        return inv.error("Needs 2 arguments")
    *sources, dest = paths
    status = 0
    for src in sources:
        try:
            inv.fs.rename(src, dest, inv.cwd)
        except OSError as exc:
            status = 1
            inv.error(f"{exc.filename or src}: {exc.strerror}")
    return status


def cmd_cp(inv: Invocation) -> int:
    _flags_set, paths = _flags(inv.argv[1:], "fpv")
    if len(paths) != 2:
        return inv.error("Needs 2 arguments")
    src, dest = paths
    try:
        if inv.fs.is_dir(dest, inv.cwd):
            dest = posixpath.join(dest, posixpath.basename(src))
        with inv.fs.open_read(src, inv.cwd) as source, inv.fs.create(dest, inv.cwd) as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                out.write(chunk)
    except OSError as exc:
        return inv.error(f"{exc.filename or src}: {exc.strerror}")
    return 0


def cmd_touch(inv: Invocation) -> int:
    status = 0
    for path in inv.argv[1:]:
        try:
            if inv.fs.exists(path, inv.cwd):
                inv.fs.set_mtime(path, int(time.time()), inv.cwd)
            else:
                inv.fs.create(path, inv.cwd).close()
        except OSError as exc:
            status = 1
            inv.error(f"{path}: {exc.strerror}")
    return status


def cmd_cat(inv: Invocation) -> int:
    paths = inv.argv[1:] or ["-"]
    status = 0
    for path in paths:
        try:
            source = inv.stdin if path == "-" else inv.fs.open_read(path, inv.cwd)
            for chunk in iter(lambda s=source: s.read(1 << 20), b""):
                inv.stdout.write(chunk)
            if path != "-":
                source.close()
        except OSError as exc:
            status = 1
            inv.error(f"{path}: {exc.strerror}")
    return status


def _digest_command(algorithm: str):
    def run(inv: Invocation) -> int:
        _flags_set, paths = _flags(inv.argv[1:], "b")
        status = 0
        for path in paths or ["-"]:
            try:
                known = inv.fs.known_digest(path, algorithm, inv.cwd) if path != "-" else None
                if known:
                    inv.stdout.write(f"{known}  {path}\n")
                    continue
                digest = hashlib.new(algorithm)
                source = inv.stdin if path == "-" else inv.fs.open_read(path, inv.cwd)
                for chunk in iter(lambda s=source: s.read(1 << 20), b""):
                    digest.update(chunk)
                if path != "-":
                    source.close()
                inv.stdout.write(f"{digest.hexdigest()}  {path}\n")
            except OSError as exc:
                status = 1
                inv.error(f"{path}: {exc.strerror}")
        return status

    return run


def cmd_df(inv: Invocation) -> int:
    flags, paths = _flags(inv.argv[1:], "hk")
    total = inv.profile.data_total_bytes
    free = inv.fs.free_bytes()
    mounts = {"/data": "/dev/block/dm-45", "/storage/emulated": "/dev/fuse"}
    targets = []
    for path in paths or ["/data", "/storage/emulated"]:
        device_path = inv.fs.normalize(path, inv.cwd)
        if not inv.fs.exists(device_path):
            inv.error(f"{path}: No such file or directory")
            return 1
        mount = "/storage/emulated" if device_path.startswith("/storage") else "/data"
        targets.append(mount)

    def size(n: int) -> str:
        if "h" not in flags:
            return str(n // 1024)
        for unit in ("", "K", "M", "G", "T"):
            if n < 1024 or unit == "T":
                return f"{n:.1f}{unit}" if unit else str(n)
            n /= 1024
        return str(n)

    header = "Size" if "h" in flags else "1K-blocks"
    inv.stdout.write(
        f"Filesystem        {header:>10} {'Used':>10} {'Available':>10} Use% Mounted on\n"
    )
    for mount in targets:
        used = total - free
        pct = f"{round(100 * used / total) if total else 0}%"
        inv.stdout.write(
            f"{mounts[mount]:<17} {size(total):>10} {size(used):>10} {size(free):>10} "
            f"{pct:>4} {mount}\n"
        )
    return 0


def cmd_dumpsys(inv: Invocation) -> int:
    service = inv.argv[1] if len(inv.argv) > 1 else ""
    p = inv.profile
    if service == "battery":
        usb = "true" if p.usb_powered else "false"
        inv.stdout.write(
            "Current Battery Service state:\n"
            "  AC powered: false\n"
            f"  USB powered: {usb}\n"
            "  Wireless powered: false\n"
            "  Max charging current: 500000\n"
            f"  status: {p.battery_status}\n"
            "  health: 2\n"
            "  present: true\n"
            f"  level: {p.battery_level}\n"
            "  scale: 100\n"
            "  voltage: 4012\n"
            f"  temperature: {p.battery_temperature_tenths_c}\n"
            "  technology: Li-ion\n"
        )
        return 0
    inv.stdout.write(f"Can't find service: {service}\n")
    return 0


def cmd_pm(inv: Invocation) -> int:
    args = inv.argv[1:]
    packages = inv.profile.packages
    if args[:2] == ["list", "packages"]:
        flags, rest = _flags(args[2:], "3sdefiu")
        names = [p.name for p in packages]
        if "3" in flags:
            names = [
                n for n in names if not n.startswith(("com.android.", "com.google.", "com.sec."))
            ]
        if rest:
            names = [n for n in names if rest[0] in n]
        inv.stdout.write("".join(f"package:{n}\n" for n in sorted(names)))
        return 0
    if args[:1] == ["path"] and len(args) == 2:
        if inv.profile.package(args[1]) is None:
            return 1
        inv.stdout.write(f"package:/data/app/~~vT2x1Q==/{args[1]}-1/base.apk\n")
        return 0
    inv.stderr.write("Error: unknown or unsupported pm command\n")
    return 1


def cmd_run_as(inv: Invocation) -> int:
    if len(inv.argv) < 2:
        return inv.error("usage: run-as <package-name> [--user <uid>] <command> [<args>]")
    name = inv.argv[1]
    package = inv.profile.package(name)
    if package is None:
        return inv.error(f"unknown package: {name}")
    if not package.debuggable:
        return inv.error(f"package not debuggable: {name}")
    app_fs = inv.fs.for_app(name)
    command = inv.argv[2:] or ["sh"]
    home = app_fs.home()
    env = dict(inv.env, HOME=home, USER=name, PWD=home)
    app_inv = Invocation(
        command, inv.stdin, inv.stdout, inv.stderr, app_fs, home, env, inv.shell, inv.cancelled
    )
    return inv.shell.run_argv(command, app_inv)


def cmd_sh(inv: Invocation) -> int:
    args = inv.argv[1:]
    if len(args) >= 2 and args[0] == "-c":
        script = args[1]
    elif args:
        try:
            script = inv.fs.read_bytes(args[0], inv.cwd).decode("utf-8", "replace")
        except OSError as exc:
            return inv.error(f"{args[0]}: {exc.strerror}", 127)
    else:
        script = inv.stdin.read().decode("utf-8", "replace")
    return inv.shell.run_line(
        script,
        inv.stdin,
        inv.stdout,
        inv.stderr,
        fs=inv.fs,
        cwd=inv.cwd,
        cancelled=inv.cancelled,
        env=dict(inv.env),
    )


def cmd_test(inv: Invocation) -> int:
    args = inv.argv[1:]
    if inv.argv[0] == "[":
        if not args or args[-1] != "]":
            return inv.error("missing ]", 2)
        args = args[:-1]
    negate = bool(args) and args[0] == "!"
    if negate:
        args = args[1:]
    if len(args) == 2 and args[0] in ("-e", "-f", "-d", "-s", "-w", "-r"):
        op, path = args
        try:
            entry = inv.fs.stat(path, inv.cwd)
            result = {
                "-e": True,
                "-f": not entry.is_dir,
                "-d": entry.is_dir,
                "-s": entry.size > 0,
                "-w": inv.fs.writable(inv.fs.normalize(path, inv.cwd)),
                "-r": True,
            }[op]
        except OSError:
            result = False
    elif len(args) == 3 and args[1] in ("=", "!="):
        result = (args[0] == args[2]) == (args[1] == "=")
    elif len(args) == 1:
        result = bool(args[0])
    else:
        return inv.error("unsupported test", 2)
    return 0 if result != negate else 1


def cmd_id(inv: Invocation) -> int:
    if inv.fs.app:
        inv.stdout.write(f"uid=10245({inv.fs.app}) gid=10245({inv.fs.app}) groups=10245,3003\n")
    else:
        inv.stdout.write(
            "uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),3003(inet)\n"
        )
    return 0


def cmd_whoami(inv: Invocation) -> int:
    inv.stdout.write(f"{inv.fs.user}\n")
    return 0


def cmd_uname(inv: Invocation) -> int:
    abi = inv.profile.prop("ro.product.cpu.abi", "arm64-v8a")
    machine = "aarch64" if "64" in abi else "armv8l"
    if "-a" in inv.argv:
        version = inv.fs.read_bytes("/proc/version").decode().split()[2]
        host = inv.profile.prop("ro.product.device", "localhost")
        inv.stdout.write(f"Linux {host} {version} #1 SMP PREEMPT {machine} Toybox\n")
    elif "-m" in inv.argv:
        inv.stdout.write(machine + "\n")
    else:
        inv.stdout.write("Linux\n")
    return 0


def cmd_nproc(inv: Invocation) -> int:
    inv.stdout.write(f"{inv.profile.cores}\n")
    return 0


def cmd_sleep(inv: Invocation) -> int:
    try:
        seconds = float(inv.argv[1]) if len(inv.argv) > 1 else 0.0
    except ValueError:
        return inv.error(f"invalid number '{inv.argv[1]}'")
    inv.cancelled.wait(seconds)
    return 0


def cmd_date(inv: Invocation) -> int:
    args = inv.argv[1:]
    if len(args) > 1 or (args and not args[0].startswith("+")):
        return inv.error("cannot set date: Operation not permitted")
    now = time.time()
    fmt = args[0][1:] if args else "%a %b %e %H:%M:%S %Z %Y"
    inv.stdout.write(time.strftime(fmt.replace("%s", str(int(now))), time.localtime(now)) + "\n")
    return 0


def cmd_chmod(inv: Invocation) -> int:
    if len(inv.argv) < 3:
        return inv.error("Needs 2 arguments")
    status = 0
    for path in inv.argv[2:]:
        try:
            device_path = inv.fs.normalize(path, inv.cwd)
            inv.fs.check_write(device_path)
            host = inv.fs.host_path(device_path)
            if not host.exists():
                raise OSError(errno.ENOENT, "No such file or directory", path)
            if inv.argv[1].isdigit():
                host.chmod(int(inv.argv[1], 8))
        except OSError as exc:
            status = 1
            inv.error(f"{path}: {exc.strerror}")
    return status


def cmd_stat(inv: Invocation) -> int:
    args = inv.argv[1:]
    fmt = None
    if len(args) >= 2 and args[0] == "-c":
        fmt, args = args[1], args[2:]
    status = 0
    for path in args:
        try:
            entry = inv.fs.stat(path, inv.cwd)
        except OSError as exc:
            status = 1
            inv.error(f"{path}: {exc.strerror}")
            continue
        if fmt:
            text = (
                fmt.replace("%s", str(entry.size))
                .replace("%Y", str(entry.mtime))
                .replace("%n", path)
                .replace("%F", "directory" if entry.is_dir else "regular file")
            )
            inv.stdout.write(text + "\n")
        else:
            inv.stdout.write(f"  File: {path}\n  Size: {entry.size}\n")
    return status


def _tar_options(args: list[str]) -> tuple[set[str], str | None, str | None] | None:
    flags: set[str] = set()
    archive = folder = None
    words = iter(args)
    for arg in words:
        if not arg.startswith("-") and flags:
            return None
        for letter in arg.lstrip("-"):
            if letter == "f":
                archive = next(words, None)
            elif letter == "C":
                folder = next(words, None)
            elif letter in "xzvop":
                flags.add(letter)
            else:
                return None
    return flags, archive, folder


def cmd_tar(inv: Invocation) -> int:
    """``tar -xzf FILE [-C DIR]``: unpack folders and regular files, none outside DIR."""
    import tarfile

    parsed = _tar_options(inv.argv[1:])
    if parsed is None or "x" not in parsed[0] or not parsed[1]:
        return inv.error("usage: tar -xzf FILE [-C DIR] (only extraction is supported)")
    _flags_set, archive, folder = parsed
    top = inv.fs.normalize(folder or ".", inv.cwd)
    if not inv.fs.is_dir(top):
        return inv.error(f"{folder}: No such file or directory")
    try:
        with (
            inv.fs.open_read(archive, inv.cwd) as raw,
            tarfile.open(fileobj=raw, mode="r|*") as tar,
        ):
            for member in tar:
                name = member.name.rstrip("/")
                path = posixpath.normpath(posixpath.join(top, name))
                if (
                    name.startswith("/")
                    or ".." in name.split("/")
                    or (path != top and not path.startswith(top.rstrip("/") + "/"))
                ):
                    return inv.error(f"{member.name}: refusing a path outside {top}")
                if member.isdir():
                    inv.fs.mkdir(path, parents=True)
                elif member.isfile():
                    inv.fs.mkdir(posixpath.dirname(path), parents=True)
                    source = tar.extractfile(member)
                    with inv.fs.create(path, mode=member.mode & 0o777) as out:
                        for chunk in iter(lambda s=source: s.read(1 << 20), b""):
                            out.write(chunk)
                else:
                    return inv.error(f"{member.name}: links and special files are not supported")
    except OSError as exc:
        return inv.error(f"{exc.filename or archive}: {exc.strerror or exc}")
    except (tarfile.TarError, EOFError, ValueError) as exc:
        return inv.error(f"{archive}: not a readable archive ({exc})")
    return 0


def cmd_run_rest(inv: Invocation) -> int:
    """``setsid CMD...`` and ``nohup CMD...``: the shell's programs already outlive it."""
    if len(inv.argv) < 2:
        return inv.error(f"usage: {inv.argv[0]} COMMAND [ARG...]")
    return inv.run(inv.argv[1:])


def cmd_kill(inv: Invocation) -> int:
    import signal

    args = inv.argv[1:]
    signum = signal.SIGTERM
    if args and args[0].startswith("-"):
        name = args.pop(0)[1:]
        signum = int(name) if name.isdigit() else getattr(signal, f"SIG{name.upper()}", None)
        if signum is None:
            return inv.error(f"unknown signal '{name}'")
    if not args:
        return inv.error("usage: kill [-SIGNAL] PID...")
    status = 0
    for pid in args:
        if not pid.isdigit() or not inv.shell.signal(int(pid), signum):
            status = inv.error(f"{pid}: No such process")
    return status


def cmd_cd(inv: Invocation) -> int:
    target = inv.argv[1] if len(inv.argv) > 1 else inv.fs.home()
    if not inv.fs.is_dir(target, inv.cwd):
        return inv.error(f"{target}: No such file or directory")
    inv.env["PWD"] = inv.fs.normalize(target, inv.cwd)
    return 0


def cmd_pwd(inv: Invocation) -> int:
    inv.stdout.write(inv.cwd + "\n")
    return 0


def default_commands() -> CommandTable:
    """A fresh table of the built-in commands (each device gets its own copy)."""
    table = CommandTable()
    for name, handler in {
        "true": cmd_true,
        "false": cmd_false,
        "echo": cmd_echo,
        "getprop": cmd_getprop,
        "setprop": cmd_setprop,
        "ls": cmd_ls,
        "mkdir": cmd_mkdir,
        "rm": cmd_rm,
        "mv": cmd_mv,
        "cp": cmd_cp,
        "touch": cmd_touch,
        "cat": cmd_cat,
        "sha256sum": _digest_command("sha256"),
        "md5sum": _digest_command("md5"),
        "df": cmd_df,
        "dumpsys": cmd_dumpsys,
        "pm": cmd_pm,
        "run-as": cmd_run_as,
        "sh": cmd_sh,
        "test": cmd_test,
        "[": cmd_test,
        "id": cmd_id,
        "whoami": cmd_whoami,
        "uname": cmd_uname,
        "nproc": cmd_nproc,
        "sleep": cmd_sleep,
        "date": cmd_date,
        "chmod": cmd_chmod,
        "stat": cmd_stat,
        "cd": cmd_cd,
        "pwd": cmd_pwd,
        "tar": cmd_tar,
        "setsid": cmd_run_rest,
        "nohup": cmd_run_rest,
        "kill": cmd_kill,
    }.items():
        table.register(name, handler)
    from studio.devices.virtual.agent_command import NAME as AGENT
    from studio.devices.virtual.agent_command import cmd_agent

    table.register(AGENT, cmd_agent)
    return table
