"""The agent's life on a device: found, started, replaced, reached through ``adb forward``.

The agent records its port, pid and token in ``/data/local/tmp/model-studio/agent.json``;
:func:`ensure_agent` reuses the agent recorded there while it answers, else starts one
through the shell and forwards a local port to it. On a phone the agent runs from the
phone bundle (:mod:`studio.agent.device_bundle`), pushed once and replaced when this
computer's bundle has another id; it is started in its own session with its output in
``agent.log``, so it outlives the ``adb shell`` that started it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import secrets
import time
from dataclasses import dataclass

from studio.agent.connection import CONNECT_TIMEOUT, AgentConnection, connect_with_retry
from studio.errors import Action, AgentError
from studio.progress import CancelToken, Progress, no_progress

log = logging.getLogger("studio.agent")

AGENT_DIR = "/data/local/tmp/model-studio"  # the agent's root on a phone
AGENT_COMMAND = "model-studio-agent"
STATE_FILE = "agent.json"
LOG_FILE = "agent.log"  # the bundle agent's output on the phone
EXIT_MARK = "model-studio-agent exited with status"  # written to the log when it ends
AGENT_START_TIMEOUT = 150.0
PORT_RANGE = (20000, 60000)


@dataclass
class AgentEndpoint:
    serial: str
    remote_port: int
    local_port: int
    token: str
    started: bool  # True when this call started the agent
    bundle: str | None = None  # the id of the phone bundle it runs from; None: a host process
    bundle_pushed_bytes: int = 0  # what this call pushed of the bundle

    def connect(self, operators: bool = False) -> AgentConnection:
        return AgentConnection("127.0.0.1", self.local_port, self.token, operators=operators)


def _read_state(link) -> dict | None:
    result = link.shell(f"cat {AGENT_DIR}/{STATE_FILE} 2>/dev/null", timeout=15)
    try:
        state = json.loads(result.out)
    except ValueError:
        return None
    if isinstance(state, dict) and isinstance(state.get("port"), int) and state.get("token"):
        return state
    return None


def stop_recorded_agent(link) -> None:
    """Stop the agent recorded on the device (its files are about to change)."""
    state = _read_state(link)
    if state is None:
        return
    pid = state.get("pid")
    kill = f"kill {pid} 2>/dev/null; " if isinstance(pid, int) and pid > 1 else ""
    link.shell(f"{kill}rm -f {AGENT_DIR}/{STATE_FILE}", timeout=30)


def _log_tail(link, lines: int = 20) -> str:
    text = link.shell(f"cat {AGENT_DIR}/{LOG_FILE} 2>/dev/null", timeout=30).out
    return "\n".join(text.strip().splitlines()[-lines:])


def _start_command(port: int, token: str, bundled: bool) -> str:
    from studio.devices.transfer import q

    args = f"--port {port} --token {token} --root {q(AGENT_DIR)}"
    if not bundled:  # a virtual device in its default mode intercepts the command
        return f"mkdir -p {q(AGENT_DIR)} && {q(AGENT_DIR + '/' + AGENT_COMMAND)} {args}"
    from studio.agent.device_bundle import LAUNCHER_PATH

    script = f'{q(LAUNCHER_PATH)} {args}; echo "{EXIT_MARK} $?"'
    return (
        f"cd {q(AGENT_DIR)} && setsid nohup sh -c {q(script)} "
        f"> {q(AGENT_DIR + '/' + LOG_FILE)} 2>&1 < /dev/null &"
    )


def _failure(serial: str, text: str) -> AgentError:
    lines = [line for line in text.splitlines() if line.strip() and EXIT_MARK not in line]
    return AgentError(
        f"The agent did not start on {serial}: {lines[-1] if lines else 'no output'}",
        hint="the phone may not allow programs in /data/local/tmp (see its message); "
        "`model-studio agent-bundle remove --device SERIAL` removes the agent",
        details=text,
    )


def _wait_for_agent(link, local: int, token: str, serial: str, bundled: bool) -> str | None:
    """Connect until the agent answers; returns None, or the log when the agent ended."""
    deadline = time.monotonic() + (AGENT_START_TIMEOUT if bundled else CONNECT_TIMEOUT)
    while True:
        try:
            AgentConnection("127.0.0.1", local, token).close()
            return None
        except AgentError:
            if bundled:
                text = _log_tail(link)
                ended = re.search(f"{EXIT_MARK} (\\d+)", text)
                if ended and ended.group(1) != "0":  # 0: it runs on (a virtual device's way)
                    return text
            if time.monotonic() >= deadline:
                if bundled:
                    raise _failure(serial, _log_tail(link) or "it did not answer in time") from None
                raise AgentError(
                    f"The agent started on {serial} but cannot be reached",
                    hint="check that `adb forward` works with this phone",
                ) from None
            time.sleep(0.5)


def _reuse(link, device, serial: str) -> tuple[dict, int] | None:
    """The recorded agent and a forward to it, when it answers."""
    state = _read_state(link)
    if state is None:
        return None
    local = device.forward_port(f"tcp:{state['port']}")
    try:
        connect_with_retry(local, state["token"], 1.0).close()
        return state, local
    except AgentError:
        log.info("the agent recorded on %s does not answer; starting one", serial)
        with contextlib.suppress(Exception):
            device.forward_remove(f"tcp:{local}", raise_non_found=False)
    return None


def ensure_agent(
    serial: str,
    server=None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> AgentEndpoint:
    """The agent on ``serial``, reached through ``adb forward``; started when not running.

    A phone first gets this computer's bundle when it holds no bundle or another one
    (``progress`` follows the push); an agent running from the old one is stopped.
    """
    from studio.agent import device_bundle
    from studio.devices.adb import adb_errors, client, resolve_server
    from studio.devices.discovery import find_device

    server = resolve_server(server)
    with adb_errors(serial, server):
        link = find_device(serial, server)
        device = client(server).device(serial)
        bundle_id, pushed = None, 0
        bundled = device_bundle.needs_bundle(link)
        if bundled:
            device_bundle.check_abi(link, serial)
            bundle = device_bundle.local_bundle(serial, progress)
            bundle_id = bundle.id
            if device_bundle.device_bundle_id(link) != bundle.id:
                pushed = device_bundle.install_bundle(
                    link,
                    serial,
                    bundle,
                    server,
                    progress,
                    cancel,
                    lambda: stop_recorded_agent(link),
                )
        found = _reuse(link, device, serial)
        if found is not None:
            state, local = found
            return AgentEndpoint(
                serial, state["port"], local, state["token"], False, bundle_id, pushed
            )
        text = ""
        for _attempt in range(3):
            port = random.randint(*PORT_RANGE)
            token = secrets.token_hex(16)
            result = link.shell(_start_command(port, token, bundled), timeout=AGENT_START_TIMEOUT)
            text = result.text
            if result.code == 127 and not bundled:
                raise AgentError(
                    f"The phone {serial} has no Model Studio agent",
                    hint="benchmark on a virtual device (`model-studio virtual-device`)",
                    action=Action.VIRTUAL_DEVICE,
                    details=text,
                )
            if result.code != 0:
                if bundled:
                    raise _failure(serial, text)
                log.info("agent start on port %d failed: %s", port, text)
                continue
            local = device.forward_port(f"tcp:{port}")
            ended = _wait_for_agent(link, local, token, serial, bundled)
            if ended is None:
                return AgentEndpoint(serial, port, local, token, True, bundle_id, pushed)
            remove_forward(serial, local, server)
            text = ended
            if "cannot listen" not in ended:
                raise _failure(serial, ended)
            log.info("agent start on port %d failed: %s", port, ended)
        raise _failure(serial, text)


def remove_forward(serial: str, local_port: int, server=None) -> None:
    from studio.devices.adb import client

    with contextlib.suppress(Exception):
        client(server, start=False).device(serial).forward_remove(
            f"tcp:{local_port}", raise_non_found=False
        )
