"""Operator profiles of the runtimes a phone's agent bundle carries, computed on this computer.

The bundle carries aarch64 builds of onnxruntime and executorch-numpy-runtime but not
``onnx``, without which ONNX Runtime cannot be described on the phone. So the bundle's
builder calls :func:`write_bundle_profiles`: it installs the same versions of those
packages for this computer in a cached virtual environment (Python 3.12 or newer, which
executorch-numpy-runtime needs), asks them with :mod:`studio.compat.installed` there, and
writes one ``<runtime>.json`` per runtime. The agent reads them from its bundle
(:func:`studio.agent.capabilities.shipped_profiles_dir`).

``python -m studio.compat.bundled`` is the part that runs inside that environment.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from studio.compat.profiles import ProfileError, RuntimeProfile
from studio.errors import InputError
from studio.fileio import atomic_path

# runtime -> the package of the bundle that runs it
BUNDLE_RUNTIMES: dict[str, str] = {
    "onnxruntime": "onnxruntime",
    "executorch": "executorch-numpy-runtime",
}
MIN_PYTHON = (3, 12)  # executorch-numpy-runtime's wheels are cp312-abi3
PYTHON_NAMES = ("python3.13", "python3.12", "python3.14", "python3")
INSTALL_TIMEOUT_S = 1800
COMPUTE_TIMEOUT_S = 300
ENVIRONMENTS = "runtime-envs"  # under the user cache folder
READY = "model-studio-ready"


def default_versions(layers: tuple[str, ...] | None = None) -> dict[str, str]:
    """The runtime packages a bundle of ``layers`` (default: the default bundle) carries,
    at the versions pinned for it (:mod:`studio.agent.bundle.components`)."""
    from studio.agent.bundle.components import DEFAULT_LAYERS, WHEELS

    layers = DEFAULT_LAYERS if layers is None else layers
    wanted = set(BUNDLE_RUNTIMES.values())
    return {w.name: w.version for w in WHEELS if w.name in wanted and w.layer in layers}


def _python_version(executable: str) -> tuple[tuple[int, int], str] | None:
    try:
        done = subprocess.run(
            [executable, "-c", "import sys; print(*sys.version_info[:2], sys.executable)"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = done.stdout.split(maxsplit=2) if done.returncode == 0 else []
    if len(parts) != 3 or not all(p.isdigit() for p in parts[:2]):
        return None
    return (int(parts[0]), int(parts[1])), parts[2].strip()


def find_python(minimum: tuple[int, int] = MIN_PYTHON) -> str:
    """A Python of at least ``minimum`` on this computer: this one, on PATH, or pyenv's."""
    if sys.version_info[:2] >= minimum:
        return sys.executable
    candidates = [shutil.which(name) for name in PYTHON_NAMES]
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates += sorted(glob.glob(os.path.join(root, "versions", "3.*", "bin", "python3")))
    for candidate in filter(None, candidates):
        found = _python_version(candidate)
        if found and found[0] >= minimum:
            return found[1]
    raise ProfileError(
        f"no Python {'.'.join(map(str, minimum))} or newer found on this computer",
        hint="the operator profiles of the phone's ExecuTorch runtime are read from "
        "executorch-numpy-runtime, which needs it: install one (python3.13) and try again",
    )


def _pins(versions: Mapping[str, str]) -> list[str]:
    known = set(BUNDLE_RUNTIMES.values())
    unknown = sorted(set(versions) - known)
    if unknown:
        raise InputError(
            f"no operator profile can be computed for {', '.join(unknown)}",
            hint=f"the bundle's runtimes are {', '.join(sorted(known))}",
        )
    pins = [f"{name}=={version}" for name, version in sorted(versions.items())]
    if "onnxruntime" in versions:  # ONNX Runtime's function-bodied operators come from onnx
        pins.append(f"onnx=={metadata.version('onnx')}")
    return [*pins, "numpy", "platformdirs"]


def runtime_environment(versions: Mapping[str, str], cache: Path | None = None) -> Path:
    """The Python of a cached virtual environment holding exactly ``versions`` of the bundle's
    packages (``{"onnxruntime": "1.32.0", "executorch-numpy-runtime": "1.4.0"}``), plus onnx,
    numpy and platformdirs, and no torch. Made once (from the package index), then reused."""
    from studio.paths import cache_dir

    pins = _pins(versions)
    base = find_python()
    key = hashlib.sha256("\n".join([base, *pins]).encode()).hexdigest()[:16]
    folder = (cache or cache_dir() / ENVIRONMENTS) / key
    python = folder / "bin" / "python"
    if (folder / READY).is_file():
        return python
    partial = folder.with_name(f"{key}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        _run([base, "-m", "venv", str(partial)], "create a Python environment", 300)
        _run(
            [str(partial / "bin" / "python"), "-m", "pip", "install", "-q"]
            + ["--disable-pip-version-check", "--only-binary=:all:", *pins],
            f"install {', '.join(pins)}",
            INSTALL_TIMEOUT_S,
        )
        (partial / READY).write_text("\n".join(pins) + "\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(partial, folder)
        except OSError:
            if not (folder / READY).is_file():  # not made meanwhile by another build
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return python


def _run(command: list[str], what: str, timeout: float, env: dict | None = None) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ProfileError(f"could not {what} ({exc})") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ProfileError(
            f"could not {what}: {' / '.join(tail) or f'exit {done.returncode}'}",
            hint="the package index must be reachable the first time",
        )
    return done.stdout


def studio_env(python_path: Path | None = None) -> dict[str, str]:
    """An environment in which another Python imports this studio's code (and nothing of
    this Python's own packages)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(python_path or Path(__file__).resolve().parents[2])
    env["PYTHONNOUSERSITE"] = "1"
    return env


def bundle_profiles(versions: Mapping[str, str] | None = None) -> dict[str, RuntimeProfile]:
    """The profiles of the bundle's runtimes at ``versions`` (default :func:`default_versions`),
    as runtime name -> profile."""
    versions = dict(default_versions() if versions is None else versions)
    python = runtime_environment(versions)
    output = _run(
        [str(python), "-m", "studio.compat.bundled"],
        "describe the bundle's runtimes",
        COMPUTE_TIMEOUT_S,
        studio_env(),
    )
    report = json.loads(output)
    profiles = {}
    for runtime, package in BUNDLE_RUNTIMES.items():
        if package not in versions:
            continue
        if report["packages"].get(package) != versions[package]:
            raise ProfileError(
                f"the environment has {package} {report['packages'].get(package)}, "
                f"not {versions[package]}"
            )
        profile = RuntimeProfile.from_dict(report["profiles"][runtime], origin=runtime)
        profile.name = f"{runtime}-bundle"
        profile.title = profile.title.replace("(this computer)", "(Model Studio agent bundle)")
        profile.notes.append(
            f"Computed on the computer that built the bundle, from the {report['machine']} "
            f"build of {package} {versions[package]}; the bundle carries the aarch64 build of "
            "the same version. What is registered in only one of the two builds may differ."
        )
        profiles[runtime] = profile
    return profiles


def write_bundle_profiles(
    folder: str | Path, versions: Mapping[str, str] | None = None
) -> dict[str, Path]:
    """Write the operator profiles of a phone bundle's runtimes into ``folder``.

    ``versions`` maps the bundle's packages to the versions it carries:
    ``{"onnxruntime": "1.32.0", "executorch-numpy-runtime": "1.4.0"}`` (the default,
    :func:`default_versions`); leave a package out for a bundle without it. Each runtime
    gets ``folder/<runtime>.json`` (``onnxruntime.json``, ``executorch.json``): a
    :class:`RuntimeProfile` whose ``runtime_version`` is the version the agent will report
    (ONNX Runtime's; for executorch-numpy-runtime, the ExecuTorch version it runs, 1.3.1),
    with ``source`` and ``notes`` saying how it was derived. Ship the folder as
    ``agent-profiles/`` beside the bundle's ``studio`` package, or point
    ``MODEL_STUDIO_PROFILES_DIR`` at it; the agent uses a file only when its
    ``runtime_version`` is the one it runs.

    The first call for a set of versions installs them for this computer into a virtual
    environment under the user cache folder (needs the package index and a Python 3.12+);
    later calls reuse it offline. Same versions give byte-identical files. Returns runtime
    -> path written. Raises :class:`ProfileError` when no profile can be computed.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for runtime, profile in bundle_profiles(versions).items():
        path = folder / f"{runtime}.json"
        with atomic_path(path) as partial:
            Path(partial).write_text(profile.to_json(), encoding="utf-8")
        written[runtime] = path
    return written


def main() -> None:
    """Inside the runtime environment: print the machine, packages and profiles as JSON."""
    from studio.compat.installed import profile_of_installed

    packages = {}
    for package in BUNDLE_RUNTIMES.values():
        try:
            packages[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    profiles = {
        runtime: profile_of_installed(runtime).to_dict()
        for runtime, package in BUNDLE_RUNTIMES.items()
        if package in packages
    }
    report = {"machine": platform.machine(), "packages": packages, "profiles": profiles}
    json.dump(report, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
