"""The Linux installers, built for real: tarball, .deb, and the frozen app's self-test.

``packaging/build.py`` runs PyInstaller, packs the tarball and the .deb, unpacks the
tarball in an empty folder and runs the frozen ``--self-test`` there. This test runs it
once (in a temporary folder) and checks what it made. The build takes far longer than
the rest of the suite, so it runs only when MODEL_STUDIO_BUILD_INSTALLERS=1.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from studio import __version__

ROOT = Path(__file__).resolve().parents[2]
OPT_IN = "MODEL_STUDIO_BUILD_INSTALLERS"
BUILD_TIMEOUT = 3600

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(BUILD_TIMEOUT + 300),
    pytest.mark.skipif(
        os.environ.get(OPT_IN) != "1",
        reason=f"building the installers takes over 10 minutes: set {OPT_IN}=1 to run it",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed (it is in the dev extra: pip install -e .[dev])",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux installers"),
]


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Run packaging/build.py once; its JSON report and its dist folder."""
    dist = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("work")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(dist)]
        + ["--work", str(work)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        cwd=ROOT,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, f"{report.get('error')}\n{done.stderr[-4000:]}"
    yield report, dist
    # Gigabytes: not worth keeping among pytest's last three temporary folders.
    shutil.rmtree(dist, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)


def test_the_build_reports_its_files_bundle_and_times(build):
    report, dist = build
    assert report["version"] == __version__
    names = sorted(Path(f["path"]).name for f in report["files"])
    assert names == sorted(
        [f"model-studio-{__version__}-linux-x86_64.tar.gz", f"model-studio_{__version__}_amd64.deb"]
    )
    for entry in report["files"]:
        assert Path(entry["path"]).parent == dist
        assert entry["bytes"] == Path(entry["path"]).stat().st_size > 50_000_000
    assert report["bundle"]["bytes"] > report["files"][0]["bytes"]
    assert {"pyinstaller", "tar.gz", "deb", "self-test"} <= set(report["steps"])
    assert not list(dist.glob("*.partial"))


def test_the_frozen_self_test_passed_from_the_unpacked_tarball(build):
    report, _ = build
    verdict = report["self_test"]
    assert verdict["passed"] is True and verdict["exit_code"] == 0
    assert verdict["frozen"] is True
    assert "model-studio-unpacked-" in verdict["executable"]
    checks = {c["name"]: c for c in verdict["checks"]}
    assert set(checks) == {"resources", "adb", "torch", "worker", "window", "plots", "demo"}
    assert all(c["passed"] for c in checks.values())
    assert checks["torch"]["facts"]["cuda_available"] is False
    assert checks["window"]["facts"]["qt_platform"] == "offscreen"
    assert checks["plots"]["facts"]["renders"] >= 1000  # the frozen Qt paints and lives
    assert sorted(checks["demo"]["facts"]["artifacts"]) == [
        "digits_cnn-int8.pte",
        "digits_cnn-int8.ptl",
    ]


@pytest.fixture(scope="module")
def unpacked(build, tmp_path_factory):
    report, dist = build
    into = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(dist / f"model-studio-{__version__}-linux-x86_64.tar.gz") as tar:
        tops = {Path(name).parts[0] for name in tar.getnames()}
        tar.extractall(into, filter="tar")
    assert tops == {f"model-studio-{__version__}"}
    yield into / f"model-studio-{__version__}"
    shutil.rmtree(into, ignore_errors=True)


def test_the_tarball_unpacks_to_a_folder_whose_executable_is_model_studio(unpacked):
    executable = unpacked / "model-studio"
    assert executable.is_file() and os.access(executable, os.X_OK)
    assert (unpacked / "model-studio.png").is_file()
    entry = (unpacked / "model-studio.desktop").read_text()
    assert "Name=Model Studio" in entry and "Exec=model-studio gui %f" in entry
    internal = unpacked / "_internal"
    assert (internal / "resources" / "samples" / "digits_cnn.safetensors").is_file()
    assert os.access(internal / "adbutils" / "binaries" / "adb", os.X_OK)
    # CUDA stays out: no NVIDIA library larger than a stub.
    cuda = [p for p in internal.rglob("*") if "nvidia" in p.parts and p.is_file()]
    assert all(p.stat().st_size < 200_000 for p in cuda), [str(p) for p in cuda]
    assert not (internal / "triton").exists()


def test_the_installed_studio_carries_the_phone_agent_bundle(build, unpacked, tmp_path):
    report, _ = build
    shipped = report["agent_bundle"]
    assert shipped["id"], shipped.get("reason")
    home = unpacked / "_internal" / "resources" / "agent-bundle"
    manifest = json.loads((home / "agent" / "manifest.json").read_text())
    assert manifest["id"] == shipped["id"]
    assert (home / f"model-studio-agent-{shipped['id']}.tar.gz").is_file()
    # the installed command line finds it with an empty cache: nothing to download
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "MODEL_STUDIO_CACHE_DIR": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [str(unpacked / "model-studio"), "agent-bundle", "status"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0 and shipped["id"] in done.stdout, done.stderr


def test_the_frozen_command_line_answers_and_refuses_bad_input(unpacked, tmp_path):
    executable = unpacked / "model-studio"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0 and done.stdout.strip() == f"model-studio {__version__}"
    done = subprocess.run(
        [str(executable), "inspect", str(tmp_path / "missing.pth")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_the_deb_installs_the_bundle_a_command_and_a_menu_entry(build, tmp_path):
    _, dist = build
    deb = dist / f"model-studio_{__version__}_amd64.deb"
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "./opt/model-studio/model-studio\n" in listing
    assert "./usr/bin/model-studio -> /opt/model-studio/model-studio" in listing
    assert "./usr/share/applications/model-studio.desktop" in listing
    assert "./usr/share/icons/hicolor/512x512/apps/model-studio.png" in listing
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version", "Architecture"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Package: model-studio\nVersion: {__version__}\nArchitecture: amd64" in fields
    subprocess.run(["dpkg-deb", "--extract", str(deb), str(tmp_path)], check=True)
    entry = (tmp_path / "usr/share/applications/model-studio.desktop").read_text()
    assert "Exec=/opt/model-studio/model-studio gui %f" in entry and "Icon=model-studio" in entry
