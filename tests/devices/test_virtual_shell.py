"""The virtual device's shell and sandbox, driven directly (no adb)."""

from __future__ import annotations

import errno
import hashlib
import io
import sys
import time

import pytest

from studio.devices.virtual.commands import default_commands
from studio.devices.virtual.fs import SandboxFS
from studio.devices.virtual.profiles import load_profile, profile_names
from studio.devices.virtual.shell import Output, Shell, expand, parse, tokenize


@pytest.fixture
def shell(tmp_path):
    fs = SandboxFS(tmp_path / "sandbox", load_profile("pixel-7"))
    fs.create_skeleton()
    return Shell(fs, default_commands())


def run(shell: Shell, line: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.BytesIO()
    code = shell.run_line(line, io.BytesIO(stdin), Output(out.write), Output(err.write))
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_tokens_quotes_operators_and_variables():
    tokens = tokenize("""echo 'a b' "c $X" d\\ e;ls 2>/dev/null""")
    words = [expand(t.text, {"X": "1"}) for t in tokens]
    assert words == ["echo", "a b", "c 1", "d e", ";", "ls", "2>", "/dev/null"]
    sequence = parse(tokenize("a && b || c; d | e > f"))
    assert [(c, [cmd.argv for cmd in p]) for c, p in sequence] == [
        (";", [["a"]]),
        ("&&", [["b"]]),
        ("||", [["c"]]),
        (";", [["d"], ["e"]]),
    ]
    assert sequence[-1][1][-1].stdout == (">", "f")


def test_exit_codes_sequences_and_status_variable(shell):
    assert run(shell, "false; echo $?") == (0, "1\n", "")
    assert run(shell, "false && echo no || echo yes") == (0, "yes\n", "")
    code, _out, err = run(shell, "frobnicate --now")
    assert code == 127 and "frobnicate: inaccessible or not found" in err
    code, _out, err = run(shell, "echo 'unterminated")
    assert code == 2 and "unterminated" in err


def test_getprop_from_profile(shell):
    assert run(shell, "getprop ro.product.model") == (0, "Pixel 7\n", "")
    assert run(shell, "getprop no.such.prop fallback") == (0, "fallback\n", "")
    _code, out, _err = run(shell, "getprop")
    assert "[ro.build.version.sdk]: [34]" in out.splitlines()


def test_files_mkdir_redirect_cat_mv_rm_and_sha256(shell):
    assert run(shell, "mkdir -p /data/local/tmp/a/b && echo hi > /data/local/tmp/a/b/f")[0] == 0
    assert run(shell, "cat /sdcard/../data/local/tmp/a/b/f") == (0, "hi\n", "")
    digest = hashlib.sha256(b"hi\n").hexdigest()
    assert run(shell, "sha256sum /data/local/tmp/a/b/f") == (
        0,
        f"{digest}  /data/local/tmp/a/b/f\n",
        "",
    )
    assert run(shell, "mv /data/local/tmp/a/b/f /data/local/tmp/g && ls /data/local/tmp") == (
        0,
        "a\ng\n",
        "",
    )
    assert run(shell, "echo x | cat; rm -r /data/local/tmp/a; ls /data/local/tmp") == (
        0,
        "x\ng\n",
        "",
    )
    code, _out, err = run(shell, "rm /data/local/tmp/nothing")
    assert code == 1 and "No such file or directory" in err


def test_proc_sys_df_and_battery_are_plausible(shell):
    _code, meminfo, _err = run(shell, "cat /proc/meminfo")
    assert meminfo.startswith("MemTotal:") and "MemAvailable:" in meminfo
    assert run(shell, "cat /sys/devices/system/cpu/possible") == (0, "0-7\n", "")
    assert run(shell, "cat /sys/devices/system/cpu/cpu7/cpufreq/cpuinfo_max_freq") == (
        0,
        "2850000\n",
        "",
    )
    _code, df, _err = run(shell, "df -k /data")
    available_kb = int(df.splitlines()[1].split()[3])
    assert available_kb == shell.fs.profile.data_free_bytes // 1024
    _code, battery, _err = run(shell, "dumpsys battery")
    assert "  level: 78" in battery and "  temperature: 312" in battery


def test_paths_cannot_leave_the_sandbox(shell, tmp_path):
    fs = shell.fs
    # ".." stops at the device's root, and the root maps into the sandbox
    assert fs.normalize("/data/local/tmp/../../../../../etc/passwd") == "/etc/passwd"
    assert fs.host_path("/../../etc/passwd") == fs.root / "etc" / "passwd"
    code, _out, err = run(shell, "echo x > /data/local/tmp/../../../../etc/owned")
    assert code == 1 and "Permission denied" in err
    assert not (tmp_path / "etc").exists()
    # a symlink inside the sandbox that points outside is refused
    outside = tmp_path / "outside"
    outside.mkdir()
    (fs.root / "data/local/tmp/escape").symlink_to(outside)
    code, _out, err = run(shell, "echo x > /data/local/tmp/escape/file")
    assert code == 1 and "Permission denied" in err
    assert list(outside.iterdir()) == []
    with pytest.raises(PermissionError):
        fs.host_path("/data/local/tmp/escape/file")


def test_read_only_places_and_app_privacy(shell):
    code, _out, err = run(shell, "touch /system/x")
    assert code == 1 and "Read-only file system" in err
    code, _out, err = run(shell, "ls /data/data/com.example.vision")
    assert code == 1 and "Permission denied" in err
    # a debuggable app through run-as: its own files, its own home
    assert run(shell, "run-as com.example.vision pwd") == (0, "/data/data/com.example.vision\n", "")
    assert run(shell, "run-as com.example.vision sh -c 'echo m > files/model.pte; ls files'") == (
        0,
        "model.pte\n",
        "",
    )
    code, _out, err = run(shell, "run-as com.example.vision.release ls")
    assert code == 1 and "package not debuggable" in err
    code, _out, err = run(shell, "run-as com.nope ls")
    assert code == 1 and "unknown package" in err


def test_writes_beyond_free_space_fail(tmp_path):
    profile = load_profile("pixel-7")
    profile.data_free_bytes = 1000
    fs = SandboxFS(tmp_path / "sandbox", profile)
    fs.create_skeleton()
    with pytest.raises(OSError) as info, fs.create("/data/local/tmp/big") as out:
        out.write(b"x" * 1001)
    assert info.value.errno == errno.ENOSPC
    assert not fs.exists("/data/local/tmp/big")
    with fs.create("/data/local/tmp/small") as out:
        out.write(b"x" * 400)
    assert fs.free_bytes() == 600


def test_files_written_at_once_share_the_free_space(tmp_path):
    profile = load_profile("pixel-7")
    profile.data_free_bytes = 1000
    fs = SandboxFS(tmp_path / "sandbox", profile)
    fs.create_skeleton()
    first, second = fs.create("/data/local/tmp/a"), fs.create("/data/local/tmp/b")
    first.write(b"a" * 600)
    second.write(b"b" * 300)
    with pytest.raises(OSError) as info:
        second.write(b"b" * 200)  # 1100 bytes together: the one that does not fit loses its file
    assert info.value.errno == errno.ENOSPC
    assert not fs.exists("/data/local/tmp/b")
    first.write(b"a" * 400)  # the space the other file held is free again
    first.close()
    assert fs.free_bytes() == 0
    assert fs.stat("/data/local/tmp/a").size == 1000


def test_date_prints_the_time(shell):
    before = int(time.time())
    code, out, _err = run(shell, "date +%s")
    assert code == 0 and before <= int(out) <= time.time()
    assert run(shell, "date 010100002000")[0] == 1  # setting the clock needs root


def test_pm_lists_profile_packages(shell):
    _code, out, _err = run(shell, "pm list packages example")
    assert out == "package:com.example.vision\npackage:com.example.vision.release\n"
    assert run(shell, "pm path com.nope")[0] == 1


def test_registered_command_spawns_a_host_program_inside_the_sandbox(shell):
    def agent(inv):
        # device paths in the arguments become sandbox paths; cwd is the device folder
        return inv.spawn(
            [
                sys.executable,
                "-c",
                "import os, sys; print(os.getcwd()); print(sys.argv[1])",
                "/data/local/tmp/model-studio",
            ],
            cwd="/data/local/tmp",
        )

    shell.commands.register("model-studio-agent", agent)
    code, out, err = run(shell, "model-studio-agent")
    assert (code, err) == (0, "")
    cwd, root = out.splitlines()
    assert cwd == str(shell.fs.root / "data/local/tmp")
    assert root == str(shell.fs.root / "data/local/tmp/model-studio")


def test_bundled_profiles_load():
    names = profile_names()
    assert {"pixel-7", "galaxy-a54", "budget-go"} <= set(names)
    for name in names:
        profile = load_profile(name)
        assert profile.cores == len(profile.max_freq_khz) > 0
        assert profile.prop("ro.product.model")


def test_pipes_stream_and_stop_early_readers_quietly(shell):
    with shell.fs.create("/data/local/tmp/big") as out:
        for _ in range(8):
            out.write(b"y" * (1 << 20))
    digest = hashlib.sha256(b"y" * (8 << 20)).hexdigest()
    assert run(shell, "cat /data/local/tmp/big | sha256sum") == (0, f"{digest}  -\n", "")
    # the reader stops at once; the writer ends without complaint
    assert run(shell, "cat /data/local/tmp/big | true") == (0, "", "")
    assert run(shell, "echo a b | cat | cat") == (0, "a b\n", "")
