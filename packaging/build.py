"""Build Model Studio's installers for the OS this runs on, and smoke-test them.

    python packaging/build.py                 bundle, installers, self-test
    python packaging/build.py --no-self-test  skip the smoke test
    python packaging/build.py --reuse-bundle  package an existing dist/bundle again
    python packaging/build.py --dist DIR --work DIR   elsewhere than dist/ and build/

Steps:
  1. PyInstaller (packaging/model-studio.spec) makes the one-folder bundle in
     dist/bundle/model-studio/ (and dist/bundle/Model Studio.app on macOS).
  2. The installers for this OS, in dist/:
       Linux    model-studio-VERSION-linux-ARCH.tar.gz (unpacks to model-studio-VERSION/,
                whose executable is model-studio) and model-studio_VERSION_ARCH.deb
                (installs to /opt/model-studio, a model-studio command, a menu entry)
       Windows  model-studio-VERSION-windows-setup.exe (Inno Setup: Start-menu entry,
                uninstaller) and model-studio-VERSION-windows-ARCH.zip
       macOS    Model Studio.app in model-studio-VERSION-macos-ARCH.dmg (dmgbuild)
  3. The smoke test: `model-studio --self-test` from the installed form (the unpacked
     tar.gz, the unzipped folder, the .app) in a fresh empty folder.

Prints progress on stderr and, last on stdout, one JSON object: the files made, their
sizes, the bundle's size, the time each step took and the self-test's verdict. Exits
non-zero when a step or the self-test fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DIST = ROOT / "dist"
BUNDLE_DIST = DIST / "bundle"
WORK = ROOT / "build" / "pyinstaller"
SPEC = HERE / "model-studio.spec"
ICONS = ROOT / "studio" / "resources" / "icons"
NAME = "model-studio"
APP_NAME = "Model Studio"
SELF_TEST_TIMEOUT = 1800

sys.path.insert(0, str(ROOT))
from studio import __version__ as VERSION  # noqa: E402


def configure(dist: Path, work: Path) -> None:
    """Put the results in ``dist`` and PyInstaller's intermediate files in ``work``."""
    global DIST, BUNDLE_DIST, WORK
    DIST, BUNDLE_DIST, WORK = dist.resolve(), dist.resolve() / "bundle", work.resolve()


class BuildError(Exception):
    pass


def say(message: str) -> None:
    print(f"[build] {message}", file=sys.stderr, flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    say("$ " + " ".join(str(c) for c in command))
    done = subprocess.run([str(c) for c in command], **kwargs)
    if done.returncode != 0:
        raise BuildError(f"{Path(str(command[0])).name} exited {done.returncode}")
    return done


def machine() -> str:
    arch = platform.machine().lower()
    return {"x86_64": "x86_64", "amd64": "x64", "arm64": "arm64", "aarch64": "arm64"}.get(
        arch, arch
    )


def folder_size(path: Path) -> int:
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() or f.is_symlink())


def bundle_dir() -> Path:
    return BUNDLE_DIST / NAME


def build_bundle() -> None:
    """PyInstaller, at a low priority: the build takes minutes of both cores."""
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        SPEC,
        "--noconfirm",
        "--clean",
        "--distpath",
        BUNDLE_DIST,
        "--workpath",
        WORK,
        "--log-level",
        "WARN",
    ]
    if hasattr(os, "nice"):
        command = ["nice", "-n", "10", *command]
    run(command, cwd=ROOT, stdout=sys.stderr)  # stdout: the report alone
    if not (bundle_dir() / executable_name()).exists():
        raise BuildError(f"PyInstaller made no {bundle_dir() / executable_name()}")


def agent_bundle() -> dict | None:
    """The phone agent bundle the installers carry: this computer's, built if it has none.

    Named to the spec through MODEL_STUDIO_SHIP_AGENT_BUNDLE. Where no bundle can be had
    (a host that cannot build one and has none imported), the installers go without and
    the report says why; the installed studio then says how to get one.
    """
    from studio.agent.bundle import BundleError, require_bundle

    try:
        bundle = require_bundle(build_if_missing=True)
    except BundleError as exc:
        say(f"the installers carry no phone agent bundle: {exc.message}")
        return {"id": None, "reason": exc.message}
    os.environ["MODEL_STUDIO_SHIP_AGENT_BUNDLE"] = str(bundle.folder.parent)
    return {"id": bundle.id, "path": str(bundle.folder.parent)}


def executable_name() -> str:
    return NAME + (".exe" if sys.platform == "win32" else "")


# Linux ----------------------------------------------------------------------------


def desktop_entry(exec_path: str, icon: str) -> str:
    template = (HERE / "linux" / "model-studio.desktop").read_text()
    return template.replace("@EXEC@", exec_path).replace("@ICON@", icon)


def make_tarball() -> Path:
    top = f"{NAME}-{VERSION}"
    target = DIST / f"{NAME}-{VERSION}-linux-{machine()}.tar.gz"
    partial = target.with_name(target.name + ".partial")
    say(f"writing {target.name}")
    with tempfile.TemporaryDirectory() as extra:
        entry = Path(extra) / "model-studio.desktop"
        entry.write_text(desktop_entry(NAME, NAME))
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(bundle_dir(), arcname=top)
            tar.add(entry, arcname=f"{top}/model-studio.desktop")
            tar.add(ICONS / "model-studio.png", arcname=f"{top}/model-studio.png")
    partial.replace(target)
    return target


def make_deb() -> Path:
    """A .deb: /opt/model-studio, /usr/bin/model-studio, a menu entry and its icon."""
    if not shutil.which("dpkg-deb"):
        raise BuildError("dpkg-deb is missing: install dpkg-dev (or dpkg) to build the .deb")
    arch = {"x86_64": "amd64", "arm64": "arm64"}.get(machine(), machine())
    target = DIST / f"{NAME}_{VERSION}_{arch}.deb"
    with tempfile.TemporaryDirectory() as staging:
        root = Path(staging) / "root"
        # Hard links: the staging copy costs neither time nor disk.
        shutil.copytree(bundle_dir(), root / "opt" / NAME, symlinks=True, copy_function=os.link)
        (root / "usr" / "bin").mkdir(parents=True)
        os.symlink(f"/opt/{NAME}/{NAME}", root / "usr" / "bin" / NAME)
        apps = root / "usr" / "share" / "applications"
        apps.mkdir(parents=True)
        (apps / f"{NAME}.desktop").write_text(desktop_entry(f"/opt/{NAME}/{NAME}", NAME))
        icons = root / "usr" / "share" / "icons" / "hicolor" / "512x512" / "apps"
        icons.mkdir(parents=True)
        shutil.copy2(ICONS / "model-studio.png", icons / f"{NAME}.png")
        debian = root / "DEBIAN"
        debian.mkdir()
        control = (HERE / "linux" / "control").read_text()
        size_kib = folder_size(root) // 1024
        (debian / "control").write_text(
            control.replace("@VERSION@", VERSION)
            .replace("@ARCH@", arch)
            .replace("@SIZE@", str(size_kib))
            # The bundle needs a C library at least as new as the one it was built with.
            .replace("@LIBC@", platform.libc_ver()[1] or "2.28")
        )
        for script in ("postinst", "postrm"):
            path = debian / script
            shutil.copy2(HERE / "linux" / script, path)
            path.chmod(0o755)
        partial = target.with_name(target.name + ".partial")
        command = ["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root, partial]
        run(command, stdout=subprocess.DEVNULL)
        partial.replace(target)
    return target


def unpack_tarball(tarball: Path, into: Path) -> Path:
    # The "tar" filter keeps the bundle's symlinks and modes, and nothing outside ``into``.
    safe = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
    with tarfile.open(tarball) as tar:
        tar.extractall(into, **safe)
    return into / f"{NAME}-{VERSION}"


# Windows --------------------------------------------------------------------------


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").exists():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


def make_windows_setup() -> Path:
    iscc = find_iscc()
    if not iscc:
        raise BuildError("Inno Setup's ISCC.exe is missing: install Inno Setup 6")
    base = f"{NAME}-{VERSION}-windows-setup"
    run(
        [
            iscc,
            f"/DAppVersion={VERSION}",
            f"/DSourceDir={bundle_dir()}",
            f"/DOutputDir={DIST}",
            f"/DOutputBase={base}",
            f"/DIconFile={ICONS / 'model-studio.ico'}",
            HERE / "windows" / "model-studio.iss",
        ]
    )
    return DIST / f"{base}.exe"


def make_zip() -> Path:
    target = DIST / f"{NAME}-{VERSION}-windows-{machine()}.zip"
    partial = target.with_name(target.name + ".partial")
    say(f"writing {target.name}")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle_dir().rglob("*")):
            archive.write(path, Path(f"{NAME}-{VERSION}") / path.relative_to(bundle_dir()))
    partial.replace(target)
    return target


def unpack_zip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(into)
    return into / f"{NAME}-{VERSION}"


# macOS ----------------------------------------------------------------------------


def app_bundle() -> Path:
    return BUNDLE_DIST / f"{APP_NAME}.app"


def make_dmg() -> Path:
    target = DIST / f"{NAME}-{VERSION}-macos-{machine()}.dmg"
    if target.exists():
        target.unlink()
    run(
        [
            sys.executable,
            "-m",
            "dmgbuild",
            "-s",
            HERE / "macos" / "dmg_settings.py",
            "-D",
            f"app={app_bundle()}",
            "-D",
            f"icon={ICONS / 'model-studio.icns'}",
            APP_NAME,
            target,
        ]
    )
    return target


# Self-test ------------------------------------------------------------------------


def self_test(executable: Path) -> dict:
    """``--self-test`` of an installed executable, in an empty folder, a clean environment."""
    with tempfile.TemporaryDirectory(prefix="model-studio-smoke-") as folder:
        env = {
            key: value
            for key, value in os.environ.items()
            if key
            in (
                "PATH",
                "SYSTEMROOT",
                "SYSTEMDRIVE",
                "WINDIR",
                "TEMP",
                "TMP",
                "TMPDIR",
                "LANG",
                "LC_ALL",
                "USERPROFILE",
                "APPDATA",
                "LOCALAPPDATA",
            )
        }
        env.update(
            HOME=folder,
            QT_QPA_PLATFORM="offscreen",
            MODEL_STUDIO_DATA_DIR=str(Path(folder) / "data"),
            MODEL_STUDIO_LOG_DIR=str(Path(folder) / "logs"),
        )
        say(f"self-test: {executable} --self-test (in {folder})")
        started = time.monotonic()
        try:
            done = subprocess.run(
                [str(executable), "--self-test"],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=SELF_TEST_TIMEOUT,
            )
        except OSError as exc:
            raise BuildError(f"cannot run {executable}: {exc}") from None
        seconds = round(time.monotonic() - started, 1)
    try:
        verdict = json.loads(done.stdout[done.stdout.index("{") :])
    except ValueError:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise BuildError(f"the self-test printed no verdict (exit {done.returncode})") from None
    verdict["exit_code"] = done.returncode
    verdict["wall_seconds"] = seconds
    if done.returncode != 0 or not verdict.get("passed"):
        sys.stderr.write(done.stderr[-3000:])
        failed = [c for c in verdict.get("checks", []) if not c.get("passed")]
        raise BuildError(f"the self-test failed: {json.dumps(failed)[:3000]}")
    return verdict


# Main -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-self-test", action="store_true", help="skip the smoke test")
    parser.add_argument(
        "--reuse-bundle",
        action="store_true",
        help="package the existing dist/bundle instead of running PyInstaller",
    )
    parser.add_argument(
        "--no-installers", action="store_true", help="stop after the bundle (and its self-test)"
    )
    parser.add_argument("--dist", type=Path, default=DIST, help="where the results go (dist/)")
    parser.add_argument(
        "--work", type=Path, default=WORK, help="PyInstaller's work folder (build/pyinstaller/)"
    )
    args = parser.parse_args(argv)
    configure(args.dist, args.work)

    report: dict = {"version": VERSION, "os": sys.platform, "machine": machine(), "steps": {}}
    started = time.monotonic()

    def step(name: str, function, *a):
        t = time.monotonic()
        value = function(*a)
        report["steps"][name] = round(time.monotonic() - t, 1)
        return value

    DIST.mkdir(parents=True, exist_ok=True)
    try:
        if not args.reuse_bundle:
            report["agent_bundle"] = step("agent bundle", agent_bundle)
            step("pyinstaller", build_bundle)
        elif not bundle_dir().exists():
            raise BuildError(f"--reuse-bundle: there is no {bundle_dir()}")
        report["bundle"] = {"path": str(bundle_dir()), "bytes": folder_size(bundle_dir())}
        made: list[Path] = []
        installed: Path | None = None
        with tempfile.TemporaryDirectory(prefix="model-studio-unpacked-") as unpacked:
            if not args.no_installers:
                if sys.platform.startswith("linux"):
                    tarball = step("tar.gz", make_tarball)
                    made.append(tarball)
                    made.append(step("deb", make_deb))
                    installed = unpack_tarball(tarball, Path(unpacked))
                elif sys.platform == "win32":
                    archive = step("zip", make_zip)
                    made.append(archive)
                    made.append(step("setup", make_windows_setup))
                    installed = unpack_zip(archive, Path(unpacked))
                elif sys.platform == "darwin":
                    made.append(step("dmg", make_dmg))
                    installed = app_bundle() / "Contents" / "MacOS"
            report["files"] = [{"path": str(p), "bytes": p.stat().st_size} for p in made]
            if not args.no_self_test:
                target = (installed or bundle_dir()) / executable_name()
                report["self_test"] = step("self-test", self_test, target)
    except (BuildError, subprocess.TimeoutExpired) as exc:
        report["error"] = str(exc)
        say(f"failed: {exc}")
    report["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(report))
    return 1 if "error" in report else 0


if __name__ == "__main__":
    sys.exit(main())
