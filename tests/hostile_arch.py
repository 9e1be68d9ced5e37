"""Trusted architecture files that misbehave, for the worker's tests.

Each is the bundled digits network with one line of hostile code in its factory or in
its ``forward`` (which the inspect job runs once to count FLOPs).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

TEMPLATE = """\
import ctypes, sys, time
from studio.model.sample import DigitsNet

class Net(DigitsNet):
    def forward(self, x):
        {forward}
        return super().forward(x)

def make():
    {build}
    return Net()
"""


def inspect_params(folder: Path, forward: str = "pass", build: str = "pass") -> dict:
    """Parameters of an inspect job on the digits sample built by such a file, trusted."""
    from studio.paths import resource

    path = Path(folder) / f"hostile_{abs(hash((forward, build)))}.py"
    code = TEMPLATE.format(
        forward=textwrap.indent(forward, " " * 8).strip(),
        build=textwrap.indent(build, " " * 4).strip(),
    )
    path.write_text(code)
    return {
        "path": str(resource("samples", "digits_cnn.safetensors")),
        "arch": f"{path}:make",
        "trust": True,
    }


def hold_the_interpreter(seconds: int) -> str:
    """Native code that hangs: libc's sleep called through ctypes.PyDLL, which keeps the
    interpreter lock for the whole call, so no other thread of the process runs."""
    return f"ctypes.PyDLL(None).sleep({int(seconds)})"


def busy_python(seconds: float) -> str:
    """Pure Python work that lasts this long: a long job that is alive."""
    return (
        f"end = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    sum(range(1000))"
    )
