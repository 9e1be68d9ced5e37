"""The agent's life on a device: found, started, replaced, reached through ``adb forward``.

The agent records its port and token in ``/data/local/tmp/model-studio/agent.json``;
:func:`ensure_agent` reuses the agent recorded there while it answers, else starts one
through the shell and forwards a local port to it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import secrets
from dataclasses import dataclass

from studio.agent.connection import CONNECT_TIMEOUT, AgentConnection, connect_with_retry
from studio.errors import AgentError

log = logging.getLogger("studio.agent")

AGENT_DIR = "/data/local/tmp/model-studio"  # the agent's root on a phone
AGENT_COMMAND = "model-studio-agent"
STATE_FILE = "agent.json"
AGENT_START_TIMEOUT = 150.0
PORT_RANGE = (20000, 60000)


@dataclass
class AgentEndpoint:
    serial: str
    remote_port: int
    local_port: int
    token: str
    started: bool  # True when this call started the agent

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


def ensure_agent(serial: str, server=None) -> AgentEndpoint:
    """The agent on ``serial``, reached through ``adb forward``; started when not running."""
    from studio.devices.adb import adb_errors, client, resolve_server
    from studio.devices.discovery import find_device
    from studio.devices.transfer import q

    server = resolve_server(server)
    with adb_errors(serial, server):
        link = find_device(serial, server)
        device = client(server).device(serial)
        state = _read_state(link)
        if state is not None:
            local = device.forward_port(f"tcp:{state['port']}")
            try:
                connect_with_retry(local, state["token"], 1.0).close()
                return AgentEndpoint(serial, state["port"], local, state["token"], False)
            except AgentError:
                log.info("the agent recorded on %s does not answer; starting one", serial)
                with contextlib.suppress(Exception):
                    device.forward_remove(f"tcp:{local}", raise_non_found=False)
        text = ""
        for _attempt in range(3):
            port = random.randint(*PORT_RANGE)
            token = secrets.token_hex(16)
            command = (
                f"mkdir -p {q(AGENT_DIR)} && {q(AGENT_DIR + '/' + AGENT_COMMAND)} "
                f"--port {port} --token {token} --root {q(AGENT_DIR)}"
            )
            result = link.shell(command, timeout=AGENT_START_TIMEOUT)
            text = result.text
            if result.code == 0:
                break
            if result.code == 127 or "not found" in text:
                raise AgentError(
                    f"The phone {serial} has no Model Studio agent",
                    hint="benchmark on a virtual device (`model-studio virtual-device`); "
                    f"the agent for phones is installed as {AGENT_DIR}/{AGENT_COMMAND}",
                    details=text,
                )
            log.info("agent start on port %d failed: %s", port, text)
        else:
            raise AgentError(
                f"The agent did not start on {serial}: {text or 'no output'}", details=text
            )
        local = device.forward_port(f"tcp:{port}")
    try:
        connect_with_retry(local, token, CONNECT_TIMEOUT).close()
    except AgentError:
        raise AgentError(
            f"The agent started on {serial} but cannot be reached",
            hint="check that `adb forward` works with this phone",
        ) from None
    return AgentEndpoint(serial, port, local, token, True)


def remove_forward(serial: str, local_port: int, server=None) -> None:
    from studio.devices.adb import client

    with contextlib.suppress(Exception):
        client(server, start=False).device(serial).forward_remove(
            f"tcp:{local_port}", raise_non_found=False
        )
