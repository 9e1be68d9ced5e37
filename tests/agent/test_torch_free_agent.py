"""The agent's side of the studio where torch, onnx and executorch cannot be imported.

As on a phone's bundle: the agent runs from the part of the studio the bundle carries, in
a Python holding only numpy, onnxruntime and the torch-free executorch-numpy-runtime (the environment the bundle's operator profiles are
computed in, made for real from the package index), with an import hook that refuses
torch, onnx, executorch and torchvision besides. The artifacts are converted here, with
the real toolchain.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from studio.agent.connection import AgentConnection
from studio.compat.bundled import (
    default_versions,
    runtime_environment,
    studio_env,
    write_bundle_profiles,
)
from studio.convert.compare import DEFAULT_TOLERANCES, compare_outputs
from studio.runtimes import open_runner

pytestmark = pytest.mark.slow

BLOCKED = ("torch", "onnx", "executorch", "torchvision")

# sitecustomize.py: imported by the interpreter before anything else runs
BLOCKER = f"""
import importlib.abc
import sys

BLOCKED = {BLOCKED!r}


class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} cannot be imported here")
        return None


sys.meta_path.insert(0, Blocked())
"""

CHILD = f"""
BLOCKED = {BLOCKED!r}
import json, sys
import numpy as np
import studio.agent.protocol
import studio.agent.server
import studio.model.inputs
from studio.agent import capabilities
from studio.runtimes import open_runner

artifacts, example, out = json.loads(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3]
report = {{}}
for target, path in artifacts.items():
    runner = open_runner(path)
    np.save(f"{{out}}/{{target}}.npy", runner.infer([example])[0])
    report[target] = [type(runner).__name__, runner.version()]
report["runtimes"] = capabilities.runtimes(True)
report["imported"] = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED)
print(json.dumps(report))
"""


@pytest.fixture(scope="session")
def torch_free_python():
    return runtime_environment(default_versions())


@pytest.fixture(scope="session")
def bundle_profiles(tmp_path_factory, torch_free_python):
    folder = tmp_path_factory.mktemp("agent-profiles")
    write_bundle_profiles(folder, default_versions())
    return folder


@pytest.fixture(scope="session")
def bundle_code(tmp_path_factory):
    """The part of the studio a phone bundle carries (no ui, convert, jobs, ...)."""
    from studio.agent.bundle.build import copy_code

    tree = tmp_path_factory.mktemp("bundle-code")
    copy_code(tree)
    return tree


@pytest.fixture
def blocked_env(tmp_path, bundle_profiles, bundle_code):
    site = tmp_path / "blocker"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = studio_env(bundle_code)
    env["PYTHONPATH"] = f"{site}{os.pathsep}{env['PYTHONPATH']}"
    env["MODEL_STUDIO_PROFILES_DIR"] = str(bundle_profiles)
    return env


def _example(path) -> np.ndarray:
    shape = open_runner(path).inputs[0].shape
    return np.random.default_rng(3).standard_normal(shape).astype(np.float32)


def test_the_blocker_refuses_torch(torch_free_python, blocked_env):
    done = subprocess.run(
        [str(torch_free_python), "-c", "import onnx"], env=blocked_env, capture_output=True
    )
    assert done.returncode != 0 and b"cannot be imported here" in done.stderr


def test_agent_side_loads_and_runs_pte_and_onnx_without_torch_onnx_executorch(
    torch_free_python, blocked_env, digits_artifacts, tmp_path
):
    artifacts = {t: str(digits_artifacts[t]) for t in ("pte", "onnx")}
    example = _example(digits_artifacts["pte"])
    np.save(tmp_path / "example.npy", example)
    done = subprocess.run(
        [str(torch_free_python), "-P", "-c", CHILD, json.dumps(artifacts)]
        + [str(tmp_path / "example.npy"), str(tmp_path)],
        env=blocked_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["imported"] == []
    assert report["pte"] == ["ExecuTorchNumpyRunner", "1.3.1"]
    assert report["onnx"][0] == "OnnxRuntimeRunner"

    # the outputs are the desktop runtimes' (executorch 1.5.1, onnxruntime), within the
    # tolerances verification applies to float32 artifacts
    tolerances = DEFAULT_TOLERANCES["none"]
    for target in artifacts:
        reference = open_runner(artifacts[target]).infer([example])
        actual = [np.load(tmp_path / f"{target}.npy")]
        comparison = compare_outputs([reference], [actual])
        allowed = tolerances.atol + tolerances.rtol * comparison.max_reference
        assert comparison.max_abs_error <= allowed, (target, comparison)

    runtimes = {r["name"]: r for r in report["runtimes"]}
    pte = runtimes["executorch"]
    assert (pte["version"], pte["package"], pte["package_version"]) == (
        "1.3.1",
        "executorch-numpy-runtime",
        "1.4.0",
    )
    assert not runtimes["pytorch-lite"]["available"]
    assert not runtimes["torchscript"]["available"]
    # onnx is not importable: both profiles are the ones shipped with the agent
    for name in ("executorch", "onnxruntime"):
        assert "profile_error" not in runtimes[name], runtimes[name]["profile_error"]
        profile = runtimes[name]["profile"]
        assert profile["name"] == f"{name}-bundle"
        assert profile["runtime_version"] == runtimes[name]["version"]
        assert profile["operators"]


def _spawn_agent(python, env, root) -> tuple[subprocess.Popen, int, str]:
    """``model-studio agent`` run by ``python``, as the bundle's launcher runs it."""
    token = secrets.token_hex(16)
    command = [str(python), "-P", "-m", "studio", "agent", "--port", "0", "--token", token]
    process = subprocess.Popen(
        [*command, "--root", str(root)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    line = process.stdout.readline().decode("utf-8", "replace")
    if "listening on" not in line:
        process.kill()
        _out, err = process.communicate()
        pytest.fail(f"the agent did not start: {line!r} {err.decode(errors='replace')[-2000:]}")
    return process, int(line.rsplit(":", 1)[1]), token


def test_real_agent_benchmarks_a_pte_with_torch_onnx_executorch_blocked(
    torch_free_python, blocked_env, digits_artifacts, tmp_path
):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(digits_artifacts["pte"], root / "model.pte")
    process, port, token = _spawn_agent(torch_free_python, blocked_env, root)
    try:
        with AgentConnection("127.0.0.1", port, token, operators=True) as conn:
            runtimes = {r["name"]: r for r in conn.capabilities["runtimes"]}
            assert runtimes["executorch"]["version"] == "1.3.1"
            assert runtimes["onnxruntime"]["profile"]["name"] == "onnxruntime-bundle"
            loaded = conn.load("model.pte")
            assert (loaded["runtime"], loaded["runtime_version"]) == ("executorch", "1.3.1")
            rows = []
            summary = conn.run(rows.append, warmup=2, iterations=20)
        assert sum(len(r) for r in rows) == 20
        assert "error" not in summary, summary
        maps = Path(f"/proc/{process.pid}/maps").read_text(encoding="utf-8")
        assert "libtorch" not in maps and "_core.abi3.so" in maps
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_host_agent_still_runs_pte_in_the_executorch_package(digits_artifacts):
    runner = open_runner(digits_artifacts["pte"])
    assert type(runner).__name__ == "ExecuTorchRunner"
    assert runner.version() == metadata.version("executorch").split("+")[0]
