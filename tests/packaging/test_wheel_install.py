"""The wheel, built and installed like any Python tool, run from a folder of its own.

``python -m build`` makes the sdist and the wheel; the wheel goes into a fresh virtual
environment and the studio runs there from an empty folder, where the source tree is
not importable, on the resources the wheel carries.

Installing torch, ExecuTorch, Qt and the rest from the package index would take
minutes, so the fresh environment borrows them: its ``dev-dependencies.pth`` names a
folder of links to every entry of this environment's site-packages except the studio
itself (its editable-install finder, its ``.pth`` and its metadata). Those ``.pth``
files are never run from there (Python runs only the ``.pth`` files of a site folder),
and the wheel is installed with ``pip --no-index``, so pip downloads nothing and must
find each of the wheel's requirements satisfied by what the environment has.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio import __version__

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "studio" / "resources"
STUDIO_ENTRIES = ("studio", "model_studio", "__editable__")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def run(command: list[str], cwd: Path, env: dict | None = None, timeout: int = 300):
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel that ``python -m build`` makes of this checkout (the wheel
    is built from the sdist, so both must carry the resources)."""
    out = tmp_path_factory.mktemp("dist")
    run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        cwd=out,
        timeout=600,
    )
    (wheel,) = out.glob("model_studio-*.whl")
    (sdist,) = out.glob("model_studio-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def borrowed_dependencies(folder: Path) -> Path:
    """A folder of links to this environment's installed packages, the studio left out."""
    folder.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        if entry.name.startswith(STUDIO_ENTRIES) or entry.suffix == ".pth":
            continue
        (folder / entry.name).symlink_to(entry)
    return folder


@dataclass
class Installed:
    env_dir: Path
    cwd: Path  # an empty folder: nothing of the source tree is importable from it
    env: dict

    def run(self, program: str, *args: str, timeout: int = 300):
        return run([str(self.env_dir / "bin" / program), *args], self.cwd, self.env, timeout)


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Installed:
    """A fresh virtual environment holding the wheel, run from an empty folder."""
    home = tmp_path_factory.mktemp("wheel-env")
    env_dir = home / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run([str(python), "-c", code], home).stdout.strip())
    deps = borrowed_dependencies(home / "dependencies")
    (site / "dev-dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index"]
        + ["--no-build-isolation", str(dist["wheel"])],
        home,
    )
    empty = home / "empty"
    empty.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MODEL_STUDIO_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        MODEL_STUDIO_DATA_DIR=str(home / "data"),
        MODEL_STUDIO_LOG_DIR=str(home / "logs"),
        MODEL_STUDIO_CACHE_DIR=str(home / "cache"),
        ANDROID_ADB_SERVER_PORT=str(free_port()),
    )
    return Installed(env_dir.resolve(), empty, env)


def test_sdist_and_wheel_pass_twine_check(dist):
    done = run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.values())], ROOT)
    assert done.stdout.count("PASSED") == 2


def test_the_wheel_carries_every_resource_file(dist):
    on_disk = {
        path.relative_to(ROOT).as_posix()
        for path in RESOURCES.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert len(on_disk) > 40  # the sample model and images, catalogue, profiles, ...
    names = set(zipfile.ZipFile(dist["wheel"]).namelist())
    assert sorted(on_disk - names) == []
    for needed in (
        "studio/resources/samples/digits_cnn.safetensors",
        "studio/resources/architectures/torchvision-0.29.1.json.gz",
        "studio/resources/runtimes/ort-cpu.json",
        "studio/resources/translations/model_studio_zh_CN.qm",
    ):
        assert needed in names


def test_installed_studio_comes_from_the_new_environment(installed):
    code = (
        "import json, studio; from studio.paths import resources_dir; "
        "print(json.dumps([studio.__file__, str(resources_dir())]))"
    )
    done = installed.run("python", "-c", code)
    module, resources = (Path(p).resolve() for p in json.loads(done.stdout))
    assert module.is_relative_to(installed.env_dir) and not module.is_relative_to(ROOT)
    assert resources.is_relative_to(installed.env_dir)
    assert (resources / "samples" / "digits_cnn.safetensors").is_file()
    assert installed.run("model-studio", "--version").stdout.split()[-1] == __version__


def test_installed_studio_inspects_and_converts_the_sample(installed):
    for command in (["model-studio"], ["python", "-m", "studio"]):
        doc = json.loads(installed.run(*command, "inspect", "--sample", "--json").stdout)
        assert doc["architecture"] == "digits_cnn" and doc["parameters"] > 0
        assert Path(doc["path"]).resolve().is_relative_to(installed.env_dir)
    out = installed.cwd / "converted"
    done = installed.run(
        "model-studio", "convert", "--sample", "--target", "onnx", "--out", str(out)
    )
    assert list(out.glob("*.onnx")), done.stdout
    assert (out / "report.json").is_file()


def test_installed_studio_runs_the_demo(installed):
    out = installed.cwd / "demo"
    done = installed.run(
        "model-studio", "demo", "--json", "--iterations", "10", "--output", str(out), timeout=600
    )
    doc = json.loads(done.stdout)
    assert doc["passed"] is True
    assert sorted(a["target"] for a in doc["conversion"]["artifacts"]) == ["pte", "ptl"]
    assert all(r["samples"] == 10 for r in doc["bench"]["runs"])
