"""The phone's path on the arm64 virtual phone: the bundle, pushed and started from adb shell.

The agent bundle built by the builder is pushed with ``adb push`` through the real adb
server, started with a phone's command line through ``adb shell``, and reached through
``adb forward``; it runs as aarch64 code under qemu-user in the device's Android-like
root. The conformance suite runs against it, a ``.pte`` and an ``.onnx`` load and run on
it, and their outputs there equal the desktop runtimes' within verification tolerances.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from studio.agent.connection import AgentConnection
from studio.errors import AgentError

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("qemu-aarch64-static") is None or os.geteuid() != 0,
        reason="the arm64 virtual phone needs qemu-user-static and root",
    ),
]

DIR = "/data/local/tmp/model-studio"
LAUNCHER = f"{DIR}/agent/model-studio-agent"
START_TIMEOUT = 300.0  # a generous bound: the agent imports numpy and ORT under emulation
CHECKOUT = Path(__file__).resolve().parents[2]

# Run by the bundle's own Python: what it sees of the device.
WHERE = (
    "import os, platform; print(platform.machine(), os.getuid(), "
    "','.join(sorted(os.listdir('/'))), open('/proc/cpuinfo').readline().split()[0])"
)
# Run by the bundle's own Python: the agent's runner code on one input (ARGS model,
# input .npy, output .npy).
INFER = (
    "import platform, sys, numpy as np; from studio.runtimes import open_runner; "
    "r = open_runner(sys.argv[1]); np.save(sys.argv[3], r.infer([np.load(sys.argv[2])])[0]); "
    "print(type(r).__name__, r.version(), platform.machine())"
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The default bundle of this checkout (the builder's downloads are cached)."""
    from studio.agent.bundle.build import build

    return build(out=tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def phone(adb_server, adb, bundle, tmp_path_factory):
    from studio.devices.virtual import VirtualDevice

    device = VirtualDevice(
        sandbox=tmp_path_factory.mktemp("arm64-phone"), adb_server=adb_server, arch="arm64"
    )
    device.start()
    pushed = adb("-s", device.serial, "push", str(bundle.folder), f"{DIR}/agent", timeout=600)
    assert pushed.returncode == 0, pushed.stderr
    yield device
    device.stop()


def _shell(adb, phone, command: str, timeout: float = 300):
    return adb("-s", phone.serial, "shell", command, timeout=timeout)


def _bundle_python(adb, phone, code: str, *args: str) -> str:
    """Run ``code`` in the pushed bundle's Python, started from adb shell as the launcher
    starts it; its output."""
    from studio.devices.transfer import q

    bundle = f"{DIR}/agent"
    done = _shell(
        adb,
        phone,
        f"cd {DIR} && PYTHONHOME={bundle}/root/usr PYTHONPATH={bundle}/site:{bundle}/code "
        f"{bundle}/lib/ld-linux-aarch64.so.1 --library-path {bundle}/lib "
        f"{bundle}/root/usr/bin/python3.13 -P -c {q(code)} {' '.join(args)}",
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def agent(phone, adb):
    """The bundle's agent started as on a phone; (local port, token, root on this computer)."""
    from adb_fixtures import free_port

    port, token = free_port(), secrets.token_hex(16)
    script = f"{LAUNCHER} --port {port} --token {token} --root {DIR}; echo exited $?"
    started = time.monotonic()
    done = _shell(adb, phone, f"cd {DIR} && sh -c '{script}' > {DIR}/agent.log 2>&1 &")
    assert done.returncode == 0, done.stderr
    local = None
    while time.monotonic() - started < START_TIMEOUT:
        if local is None:
            forward = adb("-s", phone.serial, "forward", "tcp:0", f"tcp:{port}")
            local = int(forward.stdout) if forward.returncode == 0 else None
        if local is not None:
            try:
                AgentConnection("127.0.0.1", local, token).close()
                break
            except AgentError:
                pass
        time.sleep(0.5)
    else:
        log = phone.host_path(f"{DIR}/agent.log").read_text(errors="replace")
        pytest.fail(f"the agent did not answer within {START_TIMEOUT} s:\n{log[-3000:]}")
    print(f"\nagent start under qemu: {time.monotonic() - started:.1f} s")
    yield local, token, phone.host_path(DIR)  # the phone kills it when it stops


def test_the_agent_runs_as_aarch64_as_the_shell_user_in_an_android_root(agent, phone, adb):
    local, token, _root = agent
    with AgentConnection("127.0.0.1", local, token) as conn:
        caps = conn.capabilities
    assert caps["machine"] == "aarch64"
    assert caps["device"]["abis"][0] == "arm64-v8a"  # from the phone's own getprop
    runtimes = {r["name"]: r for r in caps["runtimes"]}
    assert runtimes["executorch"]["version"] == "1.3.1"  # the bundle's, not this computer's
    assert runtimes["onnxruntime"]["available"]
    machine, uid, top, cpuinfo = _bundle_python(adb, phone, WHERE).split()
    assert (machine, uid, cpuinfo) == ("aarch64", "2000", "processor")  # not qemu's x86 one
    assert top.split(",") == ["data", "dev", "proc", "storage", "sys", "system"]


def test_conformance_suite_passes_against_the_agent_under_qemu(agent, bundle):
    local, token, root = agent
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "tests/agent/conformance",
    ]
    # the agent describes ONNX Runtime from the profiles the bundle ships (no onnx there)
    assert (bundle.folder / "code" / "agent-profiles" / "onnxruntime.json").is_file()
    env = dict(os.environ)
    env.update(
        MODEL_STUDIO_AGENT=f"127.0.0.1:{local}",
        MODEL_STUDIO_AGENT_TOKEN=token,
        MODEL_STUDIO_AGENT_ROOT=str(root),
    )
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=CHECKOUT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    print(f"\nconformance under qemu: {summary} ({time.monotonic() - started:.0f} s)")
    assert done.returncode == 0, done.stdout[-5000:]


def _push(phone, local_path: Path) -> str:
    from studio.devices.transfer import push

    return push(local_path, phone.serial, f"{DIR}/").remote_path


@pytest.mark.parametrize("target", ["pte", "onnx"])
def test_a_model_loads_and_is_measured_on_the_emulated_phone(
    agent, phone, digits_artifacts, target
):
    local, token, _root = agent
    remote = _push(phone, digits_artifacts[target])
    rows = []
    with AgentConnection("127.0.0.1", local, token) as conn:
        loaded = conn.load(remote.removeprefix(DIR + "/"))
        summary = conn.run(rows.append, warmup=1, iterations=5)
    assert loaded["runtime"] == {"pte": "executorch", "onnx": "onnxruntime"}[target]
    assert sum(len(r) for r in rows) == 5 and summary["type"] == "summary"


@pytest.mark.parametrize("target", ["pte", "onnx"])
def test_outputs_on_the_emulated_phone_match_the_desktop_runtime(
    phone, adb, digits_artifacts, target, tmp_path
):
    from studio.convert.compare import DEFAULT_TOLERANCES, compare_outputs
    from studio.devices.transfer import pull
    from studio.runtimes import open_runner

    model = digits_artifacts[target]
    shape = open_runner(model).inputs[0].shape
    example = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    np.save(tmp_path / f"example-{target}.npy", example)
    remote_model = _push(phone, model)
    remote_input = _push(phone, tmp_path / f"example-{target}.npy")
    remote_output = f"{DIR}/output-{target}.npy"
    out = _bundle_python(adb, phone, INFER, remote_model, remote_input, remote_output)
    runner, _version, machine = out.split()[-3:]
    assert machine == "aarch64"
    assert runner == {"pte": "ExecuTorchNumpyRunner", "onnx": "OnnxRuntimeRunner"}[target]
    pull(remote_output, tmp_path / "actual.npy", phone.serial)
    reference = open_runner(model).infer([example])
    comparison = compare_outputs([reference], [[np.load(tmp_path / "actual.npy")]])
    tolerances = DEFAULT_TOLERANCES["none"]
    allowed = tolerances.atol + tolerances.rtol * comparison.max_reference
    print(f"\n{target}: max abs error {comparison.max_abs_error:.3g} (allowed {allowed:.3g})")
    assert comparison.max_abs_error <= allowed, comparison


def test_bench_deploys_the_bundle_once_and_measures_on_the_emulated_phone(
    adb_server, bundle, digits_artifacts, capsys, tmp_path, monkeypatch
):
    """The user's path: `model-studio bench` on a phone that has nothing of the studio yet."""
    import json

    from studio.agent.bundle import import_bundle
    from studio.cli import main
    from studio.devices.virtual import VirtualDevice

    monkeypatch.setenv("MODEL_STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    assert import_bundle(bundle.archive).id == bundle.id  # this computer's current bundle
    phone = VirtualDevice(sandbox=tmp_path / "phone", adb_server=adb_server, arch="arm64")
    phone.start()
    try:
        runs = []
        for target in ("pte", "onnx"):
            args = ["bench", str(digits_artifacts[target]), "--device", phone.serial]
            code = main([*args, "--iterations", "20", "--warmup", "2", "--json"])
            run = json.loads(capsys.readouterr().out)["runs"][0]
            assert code == 0, run.get("error")
            runs.append(run)
    finally:
        phone.stop()
    first, second = runs
    assert first["samples"] == second["samples"] == 20
    assert first["agent"]["machine"] == second["agent"]["machine"] == "aarch64"
    assert first["agent"]["runtime_version"] == "1.3.1"  # the bundle's ExecuTorch
    assert first["agent"]["bundle"] == second["agent"]["bundle"] == bundle.id
    assert first["agent"]["bundle_pushed_bytes"] == bundle.archive.stat().st_size
    assert second["agent"]["bundle_pushed_bytes"] == 0  # already on the phone
