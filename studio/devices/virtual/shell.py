"""The virtual device's shell: a small POSIX-like interpreter with a command table.

It understands what the studio and ``adb`` send: words with quotes and escapes,
``$?`` and ``$VAR``, ``;``, ``&&``, ``||``, pipes, ``>``, ``>>``, ``2>``, ``2>&1`` and ``<``.
Commands come from a :class:`CommandTable` (see :mod:`.commands` for the built-in
ones); a later feature adds its own with :meth:`CommandTable.register`. A command is a
function ``(Invocation) -> exit code``; :meth:`Invocation.spawn` runs a host program
inside the sandbox for commands that are real programs on a phone.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.devices.virtual.fs import SandboxFS

if TYPE_CHECKING:
    from studio.devices.virtual.profiles import DeviceProfile

log = logging.getLogger("studio.devices.virtual")

SH = "/system/bin/sh"


class ShellSyntaxError(Exception):
    pass


class PipeClosed(Exception):
    """The command after a pipe stopped reading."""


def _pipe_writer(writer):
    def write(data: bytes) -> None:
        try:
            writer.write(data)
        except (BrokenPipeError, ValueError):
            raise PipeClosed() from None

    return write


# ----- tokens and parsing -------------------------------------------------------------

OPERATORS = ("2>&1", "2>>", "&&", "||", ">>", "2>", ";", "|", ">", "<", "&", "\n")


@dataclass
class Word:
    text: str


@dataclass
class Op:
    text: str


VAR = "\x00{}\x00"
VAR_PATTERN = re.compile("\x00([^\x00]*)\x00")


def expand(word: str, env: dict[str, str]) -> str:
    """Replace the variable markers of a word with their values."""
    return VAR_PATTERN.sub(lambda m: env.get(m.group(1), ""), word)


def tokenize(line: str) -> list[Word | Op]:
    tokens: list[Word | Op] = []
    i, n = 0, len(line)
    word: list[str] | None = None

    def expand(j: int) -> tuple[str, int]:
        # line[j] == "$": a marker, replaced by the value when the command runs
        if j + 1 < n and line[j + 1] in "?$#":
            return VAR.format(line[j + 1]), j + 2
        if j + 1 < n and line[j + 1] == "{":
            end = line.find("}", j + 2)
            if end < 0:
                raise ShellSyntaxError("bad substitution")
            return VAR.format(line[j + 2 : end]), end + 1
        k = j + 1
        while k < n and (line[k].isalnum() or line[k] == "_"):
            k += 1
        if k == j + 1:
            return "$", k
        return VAR.format(line[j + 1 : k]), k

    while i < n:
        c = line[i]
        if word is None and c == "#":
            break
        if c in " \t":
            if word is not None:
                tokens.append(Word("".join(word)))
                word = None
            i += 1
            continue
        op = next(
            (o for o in OPERATORS if line.startswith(o, i) and (o[0] != "2" or word is None)),
            None,
        )
        if op is not None:
            if word is not None:
                tokens.append(Word("".join(word)))
                word = None
            tokens.append(Op(";" if op == "\n" else op))
            i += len(op)
            continue
        if word is None:
            word = []
        if c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string")
            word.append(line[i + 1 : end])
            i = end + 1
        elif c == '"':
            i += 1
            while True:
                if i >= n:
                    raise ShellSyntaxError("unterminated quoted string")
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and line[i + 1] in '"\\$`':
                    word.append(line[i + 1])
                    i += 2
                elif c == "$":
                    value, i = expand(i)
                    word.append(value)
                else:
                    word.append(c)
                    i += 1
        elif c == "\\" and i + 1 < n:
            word.append(line[i + 1])
            i += 2
        elif c == "$":
            value, i = expand(i)
            word.append(value)
        else:
            word.append(c)
            i += 1
    if word is not None:
        tokens.append(Word("".join(word)))
    return tokens


@dataclass
class Command:
    argv: list[str] = field(default_factory=list)
    stdout: tuple[str, str] | None = None  # (">" or ">>", path)
    stderr: tuple[str, str] | None = None  # ("2>" or "2>>", path) or ("2>&1", "")
    stdin: str | None = None
    background: bool = False  # the last of a pipeline ended by "&": the line goes on at once


def parse(tokens: list[Word | Op]) -> list[tuple[str, list[Command]]]:
    """A list of (connector, pipeline); the connector joins it to the previous one."""
    sequence: list[tuple[str, list[Command]]] = []
    pipeline: list[Command] = []
    command = Command()
    connector = ";"
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, Word):
            command.argv.append(tok.text)
        elif tok.text in (">", ">>", "2>", "2>>", "<"):
            if i + 1 >= len(tokens) or not isinstance(tokens[i + 1], Word):
                raise ShellSyntaxError(f"syntax error: unexpected {tok.text!r}")
            target = tokens[i + 1].text
            if tok.text == "<":
                command.stdin = target
            elif tok.text.startswith("2"):
                command.stderr = (tok.text, target)
            else:
                command.stdout = (tok.text, target)
            i += 1
        elif tok.text == "2>&1":
            command.stderr = ("2>&1", "")
        elif tok.text == "|":
            if not command.argv:
                raise ShellSyntaxError("syntax error: unexpected '|'")
            pipeline.append(command)
            command = Command()
        else:  # ; && || &
            if command.argv:
                pipeline.append(command)
            elif pipeline or tok.text != ";":
                raise ShellSyntaxError(f"syntax error: unexpected {tok.text!r}")
            if pipeline:
                pipeline[-1].background = tok.text == "&"
                sequence.append((connector, pipeline))
            pipeline, command = [], Command()
            connector = ";" if tok.text == "&" else tok.text
        i += 1
    if command.argv:
        pipeline.append(command)
    elif pipeline:
        raise ShellSyntaxError("syntax error: unexpected end of command")
    if pipeline:
        sequence.append((connector, pipeline))
    return sequence


# ----- running ---------------------------------------------------------------------------

Handler = Callable[["Invocation"], int]


class CommandTable:
    """Names to command functions. Copy the defaults, then register extra commands."""

    def __init__(self, commands: dict[str, Handler] | None = None):
        self._commands: dict[str, Handler] = dict(commands or {})

    def register(self, name: str, handler: Handler) -> None:
        self._commands[name] = handler

    def unregister(self, name: str) -> None:
        self._commands.pop(name, None)

    def get(self, name: str) -> Handler | None:
        return self._commands.get(name.rsplit("/", 1)[-1] if name.startswith("/") else name)

    def names(self) -> list[str]:
        return sorted(self._commands)

    def copy(self) -> CommandTable:
        return CommandTable(self._commands)


class Output:
    """Where a command writes: a function taking bytes (streamed to the host or captured)."""

    def __init__(self, sink: Callable[[bytes], None]):
        self._sink = sink

    def write(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if data:
            self._sink(data)

    def flush(self) -> None:
        pass


@dataclass
class Invocation:
    """One command being run: its arguments, streams, and the device it runs on."""

    argv: list[str]
    stdin: io.RawIOBase | io.BufferedIOBase
    stdout: Output
    stderr: Output
    fs: SandboxFS
    cwd: str
    env: dict[str, str]
    shell: Shell
    cancelled: threading.Event

    @property
    def profile(self) -> DeviceProfile:
        return self.fs.profile

    def error(self, message: str, code: int = 1) -> int:
        """Write ``name: message`` on stderr as toybox does and return ``code``."""
        self.stderr.write(f"{self.argv[0]}: {message}\n")
        return code

    def path(self, device_path: str) -> str:
        return self.fs.normalize(device_path, self.cwd)

    def run(self, argv: list[str]) -> int:
        """Run another command with the same streams (``sh -c``, ``run-as``)."""
        return self.shell.run_argv(argv, self)

    def spawn(
        self,
        argv: list[str],
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        device_path_args: bool = True,
    ) -> int:
        """Run a host program as if it ran on the device, inside the sandbox.

        Arguments that are absolute device paths are mapped to their sandbox
        locations (unless ``device_path_args`` is false); the working directory is the
        sandbox location of ``cwd`` (default: the shell's). Output streams to the
        caller; the program is killed when the host closes the shell.
        """
        host_cwd = self.fs.host_path(cwd or self.cwd, "/")
        args = [
            str(self.fs.host_path(a)) if device_path_args and i > 0 and a.startswith("/") else a
            for i, a in enumerate(argv)
        ]
        full_env = dict(os.environ)
        full_env.update(env or {})
        full_env["MODEL_STUDIO_DEVICE_ROOT"] = str(self.fs.root)
        try:
            proc = subprocess.Popen(
                args,
                cwd=host_cwd,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            return self.error(f"{exc.strerror}", 126)
        return self.follow(proc)

    def follow(self, proc: subprocess.Popen) -> int:
        """Stream a started program's output to the caller until it ends; its exit code.

        The program (its stdout and stderr pipes) is one of the device's while it runs;
        it is killed when the host closes the shell.
        """
        self.shell.track(proc)

        def pump(stream, out: Output) -> None:
            for chunk in iter(lambda: stream.read1(65536), b""):
                with contextlib.suppress(Exception):
                    out.write(chunk)

        pumps = [
            threading.Thread(target=pump, args=(proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=pump, args=(proc.stderr, self.stderr), daemon=True),
        ]
        for t in pumps:
            t.start()
        while proc.poll() is None:
            if self.cancelled.wait(0.1):
                proc.kill()
        for t in pumps:
            t.join()
        self.shell.untrack(proc)
        return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode


class Shell:
    """Runs command lines for one device; shared by all its shell sessions."""

    def __init__(self, fs: SandboxFS, commands: CommandTable):
        self.fs = fs
        self.commands = commands
        self._procs: set[subprocess.Popen] = set()
        self._ports: dict[int, subprocess.Popen] = {}
        # Runs the device's own program files (the arm64 mode's :class:`.arm64.Arm64Root`);
        # None: commands are the table's only.
        self.programs = None
        self._lock = threading.Lock()

    def track(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.add(proc)

    def untrack(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(proc)
            for port in [p for p, owner in self._ports.items() if owner is proc]:
                del self._ports[port]

    # The device's programs run on this computer, so their ports are on its loopback
    # beside everything else that listens there. A phone's loopback holds only the
    # phone's own programs: ``adb forward`` reaches a port only while a program this
    # shell started listens on it.

    def listening(self, proc: subprocess.Popen, port: int) -> None:
        """``proc`` (tracked) listens on ``port`` of the loopback."""
        with self._lock:
            if proc in self._procs:
                self._ports[port] = proc

    def listens(self, port: int) -> bool:
        """Whether one of the device's running programs listens on ``port``."""
        with self._lock:
            owner = self._ports.get(port)
            procs = list(self._procs)
        if owner is not None and owner.poll() is None:
            return True
        return self.programs is not None and self.programs.listens(port, procs)

    def signal(self, pid: int, signum: int) -> bool:
        """Send ``signum`` to the device's running program ``pid``; False when there is none."""
        with self._lock:
            proc = next((p for p in self._procs if p.pid == pid), None)
        if proc is None or proc.poll() is not None:
            return False
        proc.send_signal(signum)
        return True

    def kill_all(self) -> None:
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            with contextlib.suppress(OSError):
                proc.kill()

    def run_line(
        self,
        line: str,
        stdin,
        stdout: Output,
        stderr: Output,
        fs: SandboxFS | None = None,
        cwd: str | None = None,
        cancelled: threading.Event | None = None,
        env: dict[str, str] | None = None,
    ) -> int:
        fs = fs or self.fs
        env = env if env is not None else {}
        env.setdefault("?", "0")
        env.setdefault("HOME", fs.home())
        env.setdefault("PATH", "/product/bin:/apex/com.android.runtime/bin:/system/bin")
        env.setdefault("USER", fs.user)
        env.setdefault("HOSTNAME", fs.profile.prop("ro.product.device", "localhost"))
        try:
            sequence = parse(tokenize(line))
        except ShellSyntaxError as exc:
            stderr.write(f"{SH}: {exc}\n")
            return 2
        env["PWD"] = cwd or env.get("PWD") or fs.home()
        base = Invocation(
            [], stdin, stdout, stderr, fs, env["PWD"], env, self, cancelled or threading.Event()
        )
        status = 0
        for connector, pipeline in sequence:
            if connector == "&&" and status != 0:
                continue
            if connector == "||" and status == 0:
                continue
            status = (
                self._background(pipeline, base)
                if pipeline[-1].background
                else self._run_pipeline(pipeline, base)
            )
            env["?"] = str(status)
            if base.cancelled.is_set():
                break
        return status

    def _background(self, pipeline: list[Command], base: Invocation) -> int:
        """``cmd &``: the pipeline runs on its own, past the end of the shell session."""
        job = Invocation(
            [], io.BytesIO(), base.stdout, base.stderr, base.fs, base.cwd, dict(base.env), self,
            threading.Event(),
        )  # fmt: skip
        threading.Thread(
            target=self._run_pipeline, args=(pipeline, job), daemon=True, name="virtual-shell-job"
        ).start()
        return 0

    def _run_pipeline(self, pipeline: list[Command], base: Invocation) -> int:
        """Commands joined by pipes run at once, streaming (a large file is never held)."""
        stdin = base.stdin
        upstream: list[tuple[threading.Thread, io.BufferedReader]] = []
        for command in pipeline[:-1]:
            read_fd, write_fd = os.pipe()
            reader, writer = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")

            def feed(command=command, stdin=stdin, writer=writer) -> None:
                try:
                    self._run_command(command, base, stdin, Output(_pipe_writer(writer)))
                finally:
                    with contextlib.suppress(OSError):
                        writer.close()

            thread = threading.Thread(target=feed, daemon=True, name="virtual-shell-pipe")
            thread.start()
            upstream.append((thread, reader))
            stdin = reader
        status = self._run_command(pipeline[-1], base, stdin, base.stdout)
        for thread, reader in reversed(upstream):
            reader.close()  # a writer still running gets a broken pipe, as with SIGPIPE
            thread.join()
        return status

    def _run_command(self, command: Command, base: Invocation, stdin, stdout: Output) -> int:
        stderr = base.stderr
        base.cwd = base.env.get("PWD", base.cwd)
        env = base.env
        command = Command(
            [expand(a, env) for a in command.argv],
            (command.stdout[0], expand(command.stdout[1], env)) if command.stdout else None,
            (command.stderr[0], expand(command.stderr[1], env)) if command.stderr else None,
            expand(command.stdin, env) if command.stdin is not None else None,
        )
        closers = []
        try:
            if (
                command.stdin is not None
                and base.fs.normalize(command.stdin, base.cwd) == "/dev/null"
            ):
                stdin = io.BytesIO()
            elif command.stdin is not None:
                stdin = base.fs.open_read(command.stdin, base.cwd)
                closers.append(stdin.close)
            if command.stdout is not None:
                stdout = self._redirect(command.stdout, base, closers)
            if command.stderr is not None:
                if command.stderr[0] == "2>&1":
                    stderr = stdout
                else:
                    stderr = self._redirect(command.stderr, base, closers)
        except OSError as exc:
            base.stderr.write(f"{SH}: {exc.filename or ''}: {exc.strerror}\n")
            return 1
        inv = Invocation(
            command.argv, stdin, stdout, stderr, base.fs, base.cwd, base.env, self, base.cancelled
        )
        try:
            return self.run_argv(command.argv, inv)
        finally:
            for close in closers:
                with contextlib.suppress(Exception):
                    close()

    def _redirect(self, spec: tuple[str, str], base: Invocation, closers: list) -> Output:
        op, target = spec
        if self.fs.normalize(target, base.cwd) == "/dev/null":
            return Output(lambda data: None)
        writer = base.fs.create(target, base.cwd, append=op.endswith(">>"))
        closers.append(writer.close)
        return Output(writer.write)

    def run_argv(self, argv: list[str], inv: Invocation) -> int:
        if not argv:
            return 0
        assignments = 0
        while (
            assignments < len(argv)
            and "=" in argv[assignments]
            and argv[assignments][0].isalpha()
            and argv[assignments].split("=", 1)[0].replace("_", "").isalnum()
        ):
            name, value = argv[assignments].split("=", 1)
            inv.env[name] = value
            assignments += 1
        argv = argv[assignments:]
        if not argv:
            return 0
        if self.programs is not None and "/" in argv[0] and self.programs.runs(inv.path(argv[0])):
            handler = self.programs.run
        else:
            handler = self.commands.get(argv[0])
        if handler is None:
            inv.stderr.write(f"{SH}: {argv[0]}: inaccessible or not found\n")
            return 127
        inv = Invocation(
            argv, inv.stdin, inv.stdout, inv.stderr, inv.fs, inv.cwd, inv.env, self, inv.cancelled
        )
        try:
            return int(handler(inv) or 0)
        except PipeClosed:
            return 141  # 128 + SIGPIPE: the reader went away; a shell says nothing
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            inv.stderr.write(f"{argv[0]}: {where}{exc.strerror or exc}\n")
            return 1
        except Exception as exc:  # a command bug must not kill the device
            log.exception("virtual shell command failed: %s", argv)
            inv.stderr.write(f"{argv[0]}: {exc}\n")
            return 1
