"""The agent under test, for the protocol conformance suite.

By default a local agent is spawned (``python -m studio agent``). To check another agent
(an Android build, an agent on a phone behind ``adb forward``), point the suite at it:

    MODEL_STUDIO_AGENT=127.0.0.1:PORT      where it listens (on this computer)
    MODEL_STUDIO_AGENT_TOKEN=SECRET         the token it was started with
    MODEL_STUDIO_AGENT_ROOT=DIR             a local folder the agent sees as its --root
                                            (e.g. a virtual device's sandbox folder, or a
                                            folder mirrored to the phone before the run)

The suite writes its small models into that folder and refers to them by relative path.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from studio.agent import protocol
from studio.agent.local import spawn_local_agent
from studio.agent.protocol import Channel

VECTOR = 64
WIDE = 768


@dataclass
class AgentTarget:
    host: str
    port: int
    token: str
    root: Path
    process: subprocess.Popen | None = None

    def alive(self) -> bool:
        return self.process is None or self.process.poll() is None


class Wire:
    """A raw connection to the agent: frames in and out, nothing hidden."""

    def __init__(self, target: AgentTarget, timeout: float = 30.0):
        self.sock = socket.create_connection((target.host, target.port), timeout=timeout)
        self.channel = Channel(self.sock, protocol.MAX_REPLY_BYTES)
        self.target = target

    def send(self, message: dict) -> None:
        self.channel.send(message)

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self, timeout: float = 30.0) -> dict:
        self.sock.settimeout(timeout)
        return self.channel.recv()

    def hello(self, token: str | None = None, **extra) -> dict:
        self.send(
            {
                "type": "hello",
                "protocol": protocol.PROTOCOL_VERSION,
                "token": self.target.token if token is None else token,
                "operators": False,
                **extra,
            }
        )
        return self.recv()

    def request(self, message: dict, timeout: float = 60.0) -> dict:
        self.send(message)
        return self.recv(timeout)

    def closed_by_peer(self, timeout: float = 5.0) -> bool:
        """True when the agent has closed this connection (EOF or reset)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False

    def run_to_summary(self, message: dict) -> tuple[dict, list[list], list[dict]]:
        """Send a run; collect (summary, sample rows, other messages)."""
        started = self.request(message)
        assert started["type"] == "started", started
        rows, others = [], []
        while True:
            reply = self.recv()
            if reply["type"] == "samples":
                rows.extend(reply["samples"])
            elif reply["type"] == "summary":
                return reply, rows, others
            else:
                others.append(reply)

    def close(self) -> None:
        self.channel.close()


def _models(root: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)

    def save(name: str, width: int, layers: int) -> None:
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, width])
        nodes, inits, last = [], [], "x"
        for i in range(layers):
            weight = (rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32)
            inits.append(numpy_helper.from_array(weight, f"w{i}"))
            out = "y" if i == layers - 1 else f"h{i}"
            nodes.append(helper.make_node("MatMul", [last, f"w{i}"], [f"m{i}"]))
            nodes.append(helper.make_node("Tanh", [f"m{i}"], [out]))
            last = out
        graph = helper.make_graph(nodes, name, [x], [y], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, root / f"{name}.onnx")

    save("tiny", VECTOR, 1)
    save("slow", WIDE, 8)
    (root / "corrupt.onnx").write_bytes(b"\x08\x07" + os.urandom(2000))
    (root / "models").mkdir(exist_ok=True)
    (root / "models" / "truncated.onnx").write_bytes((root / "tiny.onnx").read_bytes()[:100])
    np.save(root / "inputs.npy", np.ones((1, VECTOR), dtype=np.float32))


@pytest.fixture(scope="session")
def agent_target(tmp_path_factory):
    address = os.environ.get("MODEL_STUDIO_AGENT")
    if address:
        host, _, port = address.rpartition(":")
        root = Path(os.environ["MODEL_STUDIO_AGENT_ROOT"])
        target = AgentTarget(
            host or "127.0.0.1", int(port), os.environ["MODEL_STUDIO_AGENT_TOKEN"], root
        )
    else:
        root = tmp_path_factory.mktemp("agent-root")
        local = spawn_local_agent(root)
        target = AgentTarget("127.0.0.1", local.port, local.token, root, local.process)
    _models(target.root)
    yield target
    if address is None:
        local.stop()


@pytest.fixture
def wire(agent_target):
    """Factory of raw connections; all closed after the test."""
    opened = []

    def make() -> Wire:
        w = Wire(agent_target)
        opened.append(w)
        return w

    yield make
    for w in opened:
        w.close()


@pytest.fixture
def session(wire):
    """An authenticated connection."""
    w = wire()
    reply = w.hello()
    assert reply["type"] == "capabilities", reply
    return w


def wait_until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
