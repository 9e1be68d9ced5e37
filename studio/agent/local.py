"""An agent on this computer, in its own process: for tests, benchmarks and conformance runs.

with spawn_local_agent(folder) as agent:
    conn = AgentConnection("127.0.0.1", agent.port, agent.token)
"""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from studio.errors import AgentError
from studio.launcher import studio_command


@dataclass
class LocalAgent:
    process: subprocess.Popen
    port: int
    token: str
    root: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> LocalAgent:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def spawn_local_agent(
    root: str | Path, token: str | None = None, options: tuple[str, ...] = (), preexec_fn=None
) -> LocalAgent:
    """Start ``model-studio agent`` on a free loopback port; returns once it listens.

    ``options`` are more of its command line (``--load-timeout 5``); ``preexec_fn`` runs
    in the child before it starts (limits for tests).
    """
    token = token or secrets.token_hex(16)
    root = Path(root)
    process = subprocess.Popen(
        studio_command("agent", "--port", "0", "--token", token, "--root", str(root), *options),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        preexec_fn=preexec_fn,
    )
    line = process.stdout.readline().decode("utf-8", "replace")
    if "listening on" not in line:
        process.kill()
        process.wait()
        raise AgentError(f"the local agent did not start: {line.strip() or 'no output'}")
    return LocalAgent(process, int(line.rsplit(":", 1)[1]), token, root)
