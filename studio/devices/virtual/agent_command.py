"""The ``model-studio-agent`` command of the virtual device's shell.

On a phone the studio starts its agent through the shell::

    /data/local/tmp/model-studio/model-studio-agent --port N --token T \\
        --root /data/local/tmp/model-studio

On the virtual device that command starts ``model-studio agent`` on this computer
with its root inside the device's sandbox, its device facts from the device's own
profile, and its life tied to the device (killed when the device stops or exits).
The command returns once the agent listens (its first line of output), as a phone's
``cmd &`` would return at once; the agent keeps running. The port it names there is
the one ``adb forward`` may reach on this device.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import threading

from studio.agent.telemetry import SIMULATED_ENV
from studio.devices.facts import facts_script, parse_facts
from studio.devices.virtual.shell import Invocation, Output
from studio.launcher import studio_command

NAME = "model-studio-agent"
# What ``getprop`` adds while the shell starts the agent as a process of this computer:
# the studio then pushes no phone agent bundle to this device.
HOST_AGENT_PROP = "ro.modelstudio.agent"
HOST_AGENT = "host"
READY_TIMEOUT = 120.0  # the agent imports numpy and the runtimes' glue before it listens
USAGE = f"usage: {NAME} --port N --token T --root DIR"
BATTERY_STATUS_CHARGING = 2  # Android's BatteryManager.BATTERY_STATUS_CHARGING


def _options(argv: list[str]) -> dict[str, str] | None:
    options: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        key, sep, value = arg.partition("=")
        if key not in ("--port", "--token", "--root"):
            return None
        if not sep:
            value = next(args, None)
            if value is None:
                return None
        options[key[2:]] = value
    if set(options) != {"port", "token", "root"} or not options["port"].isdigit():
        return None
    return options


def _device_facts(inv: Invocation) -> dict:
    captured = io.BytesIO()
    inv.shell.run_line(
        facts_script(),
        io.BytesIO(),
        Output(captured.write),
        Output(lambda b: None),
        fs=inv.fs,
        cwd="/",
    )
    return parse_facts(captured.getvalue().decode("utf-8", "replace")).to_dict()


def simulated_telemetry(profile) -> dict:
    """What the agent's model of this device's sensors starts from (its profile's CPU and
    battery); see :class:`studio.agent.telemetry.SimulatedSensors`."""
    return {
        "max_freq_khz": list(profile.max_freq_khz),
        "min_freq_khz": list(profile.min_freq_khz),
        "battery_level": profile.battery_level,
        "battery_temp_c": profile.battery_temperature_tenths_c / 10,
        "charging": profile.battery_status == BATTERY_STATUS_CHARGING,
        "usb_powered": profile.usb_powered,
    }


def cmd_agent(inv: Invocation) -> int:
    return run_agent(inv, studio_command("agent"))


def run_agent(inv: Invocation, program: list[str]) -> int:
    """Start ``program`` with the agent's options of ``inv`` (its root in the sandbox).

    Returns once the agent listens (its first line is the command's output); the agent
    stays one of the device's programs.
    """
    options = _options(inv.argv[1:])
    if options is None:
        return inv.error(USAGE, 2)
    root = inv.fs.normalize(options["root"], inv.cwd)
    try:
        if not inv.fs.is_dir(root):
            inv.fs.mkdir(root, parents=True)
        inv.fs.check_write(root)
    except OSError as exc:
        return inv.error(f"{options['root']}: {exc.strerror}")
    host_root = inv.fs.host_path(root)
    env = dict(os.environ)
    env["MODEL_STUDIO_DEVICE_FACTS"] = json.dumps(_device_facts(inv))
    env["MODEL_STUDIO_DEVICE_ROOT"] = str(inv.fs.root)
    env[SIMULATED_ENV] = json.dumps(simulated_telemetry(inv.profile))
    command = [
        *program,
        "--port",
        options["port"],
        "--token",
        options["token"],
        "--root",
        str(host_root),
        "--parent-pid",
        str(os.getpid()),
    ]
    log_path = host_root / "agent.log"
    with open(log_path, "ab") as log:
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            return inv.error(exc.strerror or str(exc), 126)
    inv.shell.track(proc)
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(READY_TIMEOUT)
    if not line or not line[0]:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        inv.shell.untrack(proc)
        tail = log_path.read_bytes()[-2000:].decode("utf-8", "replace").strip().splitlines()
        return inv.error(tail[-1] if tail else "the agent did not start")
    port = re.search(rb"listening on \S+:(\d+)", line[0])
    inv.shell.listening(proc, int(port.group(1)) if port else int(options["port"]))
    inv.stdout.write(line[0])
    return 0
