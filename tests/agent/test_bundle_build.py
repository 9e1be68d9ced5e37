"""Building the real phone agent bundle from the registries, and running it as aarch64 code.

The downloads are kept in the user's cache folder, so only the first run needs the
network. The bundle's Python runs under qemu-user (Debian's qemu-user-static, which
.ci/run installs): there is no arm64 phone here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from studio.agent.bundle import find_bundle, import_bundle
from studio.agent.bundle.build import build
from studio.agent.bundle.launcher import LAUNCHER, LIB, LOADER, MANIFEST, PYTHON, ROOT
from studio.agent.bundle.sources import sha256_file

pytestmark = pytest.mark.slow

QEMU = shutil.which("qemu-aarch64-static")
# Under qemu-user /proc/cpuinfo is this computer's (x86), on which the CPU detection
# inside onnxruntime crashes; a phone has an arm64 one. The emulated process sees this one.
ARM64_CPUINFO = "".join(
    f"processor\t: {n}\nBogoMIPS\t: 50.00\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid "
    "asimdrdm lrcpc dcpop asimddp\nCPU implementer\t: 0x41\nCPU architecture: 8\n"
    "CPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n\n"
    for n in range(2)
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The default bundle built twice, into two folders."""
    first, second = (tmp_path_factory.mktemp(name) for name in ("first", "second"))
    return build(out=first), build(out=second)


def test_same_inputs_give_the_same_bundle(built):
    first, second = built
    assert first.id == second.id
    assert first.manifest == second.manifest
    assert first.archive.read_bytes() == second.archive.read_bytes()
    assert first.archive.name == f"model-studio-agent-{first.id}.tar.gz"


def test_manifest_lists_every_file_with_its_checksum(built):
    bundle = built[0]
    listed = bundle.manifest["files"]
    found = {}
    for path in bundle.folder.rglob("*"):
        assert not path.is_symlink(), path
        if path.is_file():
            found[path.relative_to(bundle.folder).as_posix()] = path
    assert set(found) == set(listed) | {MANIFEST}
    for rel, entry in listed.items():
        assert sha256_file(found[rel]) == entry["sha256"], rel
        assert found[rel].stat().st_size == entry["size"], rel
    names = {c["name"]: c for c in bundle.manifest["components"]}
    assert {"libc6", "python3.13-minimal", "numpy", "onnxruntime", "studio"} <= set(names)
    assert names["executorch-numpy-runtime"]["version"] == "1.4.0"
    assert "torch" not in names  # the ptl layer is built only on request
    assert all(len(c["sha256"]) == 64 for c in names.values())
    assert bundle.layers == ["base", "core", "onnxruntime", "executorch"]


def test_contents_are_the_agent_side_and_pruned(built):
    files = built[0].manifest["files"]
    assert not [f for f in files if f.startswith("code/studio/ui/")]
    assert "code/studio/agent/server.py" in files and "code/studio/agent/main.py" in files
    assert not [f for f in files if "/__pycache__/" in f or f.endswith(".pyc")]
    assert not [f for f in files if "/tests/" in f or "/idlelib/" in f or "/ensurepip/" in f]
    assert not [f for f in files if f.startswith("site/onnxruntime/transformers/")]
    assert LOADER in files and PYTHON in files and f"{LIB}/libstdc++.so.6" in files


def test_launcher(built):
    bundle = built[0]
    launcher = bundle.folder / LAUNCHER
    text = launcher.read_text()
    assert text.startswith("#!/system/bin/sh\n")
    assert os.access(launcher, os.X_OK)
    assert '--library-path "$L" --argv0 "$H/python"' in text
    assert "-P -m studio.agent.main" in text
    for variable in ("PYTHONHOME", "PYTHONPATH", "PYTHONNOUSERSITE", "TMPDIR", "HOME", "LC_ALL"):
        assert re.search(rf"^export .*\b{variable}\b", text, re.M), variable


def test_the_built_file_imports_as_the_current_bundle(built, tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_STUDIO_CACHE_DIR", str(tmp_path))
    bundle = import_bundle(built[0].archive)
    assert find_bundle() == bundle and bundle.id == built[0].id


def arm64(cpuinfo, *command):
    """``command`` in a private mount namespace that sees ``cpuinfo`` as /proc/cpuinfo."""
    return [
        "unshare", "--mount", "--propagation", "private", "sh", "-c",
        'mount --bind "$0" /proc/cpuinfo && exec "$@"', str(cpuinfo), *command,
    ]  # fmt: skip


needs_qemu = pytest.mark.skipif(
    not QEMU or os.geteuid() != 0 or not sys.platform.startswith("linux"),
    reason="needs qemu-user-static and root (for the private /proc/cpuinfo)",
)


@needs_qemu
def test_bundle_python_runs_a_model_as_aarch64(built, tmp_path):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "x"], ["y"])],
        "double",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "double.onnx")
    (tmp_path / "cpuinfo").write_text(ARM64_CPUINFO)
    agent = built[0].folder
    script = (
        "import json, platform, sys, numpy, onnxruntime, executorch_numpy_runtime\n"
        "import studio.agent.server, studio.agent.main\n"
        "s = onnxruntime.InferenceSession(sys.argv[1])\n"
        "y = s.run(None, {'x': numpy.array([1, 2, 3], numpy.float32)})[0]\n"
        "print(json.dumps({'machine': platform.machine(), 'y': y.tolist(),\n"
        "  'torch': 'torch' in sys.modules, 'executable': sys.executable}))\n"
    )
    env = {
        "PYTHONHOME": f"{agent}/{ROOT}/usr",
        "PYTHONPATH": f"{agent}/site:{agent}/code",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LC_ALL": "C.UTF-8",
    }
    command = [QEMU, str(agent / LOADER), "--library-path", str(agent / LIB)]
    command += ["--argv0", f"{agent}/python", str(agent / PYTHON), "-P", "-c", script]
    done = subprocess.run(
        arm64(tmp_path / "cpuinfo", *command, str(tmp_path / "double.onnx")),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["machine"] == "aarch64"
    assert np.allclose(result["y"], [2, 4, 6])
    assert result["torch"] is False
    assert result["executable"] == f"{agent}/python"


@needs_qemu
def test_launcher_starts_the_agent(built, tmp_path):
    agent = built[0].folder
    (tmp_path / "cpuinfo").write_text(ARM64_CPUINFO)
    # This computer runs no aarch64 program by itself (no binfmt handler), so a copy of
    # the launcher beside it starts the loader through qemu; the rest is the launcher's.
    text = (agent / LAUNCHER).read_text()
    assert text.count('exec "$H/') == 1
    emulated = agent / ".launcher-under-qemu"
    emulated.write_text(text.replace('exec "$H/', f'exec {QEMU} "$H/'))
    models = tmp_path / "models"
    models.mkdir()
    env = {"PATH": os.environ["PATH"], "TMPDIR": str(tmp_path)}
    command = ["sh", str(emulated), "--port", "0", "--token", "secret", "--root", str(models)]
    proc = subprocess.Popen(
        arm64(tmp_path / "cpuinfo", *command),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()

    def listening() -> bool:
        return any(line.startswith("agent listening on 127.0.0.1:") for line in lines)

    try:
        deadline = time.monotonic() + 300  # generous: an emulated start takes seconds
        while time.monotonic() < deadline and proc.poll() is None and not listening():
            time.sleep(0.5)
        assert listening(), (proc.poll(), lines)
        state = json.loads((models / "agent.json").read_text())
        assert state["token"] == "secret" and state["port"] > 0
    finally:
        proc.kill()
        proc.wait(timeout=30)
        emulated.unlink()
