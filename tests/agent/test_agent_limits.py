"""The agent's limits, against real agent processes: descriptors, runaway loads, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from studio.agent import protocol
from studio.agent.connection import AgentConnection
from studio.agent.local import spawn_local_agent
from studio.agent.protocol import Channel
from studio.cli import main
from studio.errors import AgentError

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a phone's OS"),
]

DESCRIPTORS = 64
IDLE = 200


def _limit_descriptors() -> None:  # runs in the agent's process before it starts
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTORS, DESCRIPTORS))


def _open_idle(port: int) -> socket.socket:
    """A connection that never says anything (connect without waiting for the accept)."""
    sock = socket.socket()
    sock.setblocking(False)
    sock.connect_ex(("127.0.0.1", port))
    time.sleep(0.01)  # paced, so that the agent accepts them until it runs out of descriptors
    return sock


def _descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _connect_by(agent, deadline: float) -> AgentConnection:
    """A real client's connection (hello + capabilities), retried until ``deadline``."""
    while True:
        left = deadline - time.monotonic()
        try:
            return AgentConnection("127.0.0.1", agent.port, agent.token, timeout=max(left, 0.1))
        except AgentError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def test_an_agent_out_of_descriptors_serves_again_once_idle_connections_close(tmp_path):
    with spawn_local_agent(tmp_path, preexec_fn=_limit_descriptors) as agent:
        idle = [_open_idle(agent.port) for _ in range(IDLE)]
        try:
            # every descriptor in use: accept() now fails with EMFILE, again and again
            assert _wait(lambda: _descriptors(agent.process.pid) >= DESCRIPTORS - 2, 10)
            time.sleep(0.5)
        finally:
            for sock in idle:
                sock.close()
        closed = time.monotonic()
        with _connect_by(agent, closed + 2.0) as conn:
            answered = time.monotonic() - closed
            assert conn.capabilities["type"] == protocol.CAPABILITIES
        print(f"answered {answered:.3f} s after {IDLE} idle connections closed")
        assert agent.alive()


def test_a_client_beyond_the_cap_is_refused_plainly_and_served_once_others_close(tmp_path):
    with spawn_local_agent(tmp_path, options=("--max-connections", "3")) as agent:
        idle = [socket.create_connection(("127.0.0.1", agent.port)) for _ in range(3)]
        try:
            with pytest.raises(AgentError, match="busy with other connections") as refused:
                AgentConnection("127.0.0.1", agent.port, agent.token)
            assert refused.value.exit_code == 3
        finally:
            for sock in idle:
                sock.close()
        with _connect_by(agent, time.monotonic() + 5) as conn:
            assert conn.capabilities["max_connections"] == 3


def test_idle_connections_are_closed_after_the_hello_deadline(tmp_path):
    with spawn_local_agent(tmp_path, options=("--hello-timeout", "1")) as agent:
        idle = [socket.create_connection(("127.0.0.1", agent.port)) for _ in range(10)]
        try:
            for sock in idle:
                sock.settimeout(10)
                channel = Channel(sock, protocol.MAX_REPLY_BYTES)
                reply = channel.recv()
                assert reply["code"] == protocol.E_UNAUTHENTICATED
                assert sock.recv(1) == b""  # closed
        finally:
            for sock in idle:
                sock.close()
        with AgentConnection("127.0.0.1", agent.port, agent.token) as conn:
            assert conn.capabilities["hello_timeout_s"] == 1.0


# ----- a load that never ends ------------------------------------------------------------


def _save_spinning_model(path: Path) -> None:
    """A TorchScript file whose ``__setstate__`` loops (practically) forever on load."""
    import torch

    class Spin(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = 1

        @torch.jit.export
        def __getstate__(self) -> tuple[int, bool]:
            return (self.scale, self.training)

        @torch.jit.export
        def __setstate__(self, state: tuple[int, bool]) -> None:
            i = 0
            while i >= 0:  # 2**63 iterations
                i += 1
            self.scale = state[0]
            self.training = state[1]

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.scale

    torch.jit.save(torch.jit.script(Spin()), str(path))


@pytest.fixture(scope="module")
def runaway_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("runaway")
    _save_spinning_model(root / "spin.pt")
    return root


def _raw_client(agent) -> Channel:
    sock = socket.create_connection(("127.0.0.1", agent.port), timeout=30)
    channel = Channel(sock, protocol.MAX_REPLY_BYTES)
    channel.send({"type": "hello", "protocol": 1, "token": agent.token, "operators": False})
    assert channel.recv()["type"] == protocol.CAPABILITIES
    return channel


def test_a_runaway_load_is_answered_with_load_timeout_then_the_agent_exits(runaway_root):
    with spawn_local_agent(runaway_root, options=("--load-timeout", "3")) as agent:
        bystander = AgentConnection("127.0.0.1", agent.port, agent.token)
        channel = _raw_client(agent)
        watchdog = _children(agent.process.pid)
        sent = time.monotonic()
        channel.send({"type": "load", "path": "spin.pt", "id": "spin"})
        reply = channel.recv()
        replied = time.monotonic() - sent
        assert reply["type"] == "error" and reply["code"] == protocol.E_LOAD_TIMEOUT
        assert reply["id"] == "spin" and reply["fatal"] is True
        assert 3 <= replied < 20
        agent.process.wait(10)  # it exits, to be started afresh
        print(f"load_timeout after {replied:.2f} s, agent ended {agent.process.returncode}")
        with pytest.raises(AgentError):
            bystander.telemetry()
        assert _wait(lambda: all(_gone(pid) for pid in watchdog), 5)
        with pytest.raises(AgentError, match="No agent answers"):
            AgentConnection("127.0.0.1", agent.port, agent.token)


def test_sigterm_ends_an_agent_stuck_in_a_load(runaway_root):
    with spawn_local_agent(runaway_root) as agent:  # the default deadline: minutes away
        channel = _raw_client(agent)
        watchdog = _children(agent.process.pid)
        channel.send({"type": "load", "path": "spin.pt"})

        def stuck() -> bool:  # the spinning load holds the GIL: nobody else is answered
            try:
                AgentConnection("127.0.0.1", agent.port, agent.token, timeout=1.0).close()
            except AgentError:
                return True
            return False

        assert _wait(stuck, 60)
        agent.process.send_signal(signal.SIGTERM)
        assert agent.process.wait(5) == -signal.SIGTERM
        assert _wait(lambda: all(_gone(pid) for pid in watchdog), 5)
        channel.close()


def test_bench_of_a_runaway_model_exits_3_and_the_next_bench_starts_a_new_agent(
    runaway_root, monkeypatch, virtual_device, tmp_path, capsys
):
    import onnx
    from onnx import TensorProto, helper

    monkeypatch.setenv("MODEL_STUDIO_AGENT_LOAD_TIMEOUT", "3")  # the device's agent reads it
    code = main(["bench", str(runaway_root / "spin.pt"), "--device", virtual_device.serial])
    captured = capsys.readouterr()
    assert code == 3
    assert "took too long to load" in captured.err
    assert "Traceback" not in captured.err + captured.out

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "relu.onnx")
    code = main(["bench", str(tmp_path / "relu.onnx"), "--device", virtual_device.serial, "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0, doc
    assert doc["runs"][0]["samples"] == 100
