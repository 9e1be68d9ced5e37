"""The bundle's fixed names and its ``#!/system/bin/sh`` launcher.

The launcher finds its own folder (the bundle is relocatable: no fixed install path,
no patchelf), sets the environment the bundled CPython needs, and starts it through
the bundled glibc loader, so nothing of the phone's own libraries is used. The
arguments after it are those of ``model-studio agent``.
"""

from __future__ import annotations

LAUNCHER = "model-studio-agent"
MANIFEST = "manifest.json"
LIB = "lib"  # the glibc loader and every shared library of the Debian packages
ROOT = "root"  # the rest of the Debian packages: CPython under root/usr
SITE = "site"  # the unpacked wheels
CODE = "code"  # the studio's agent-side code (code/studio) and its resources
LOADER = f"{LIB}/ld-linux-aarch64.so.1"
PYTHON = f"{ROOT}/usr/bin/python3.13"
ENTRY_MODULE = "studio.agent.main"
# The only files of the bundle with the executable bit; every other file is 0644.
EXECUTABLES = frozenset({LAUNCHER, LOADER, PYTHON})


def file_mode(path: str) -> int:
    return 0o755 if path in EXECUTABLES else 0o644


def launcher_text() -> str:
    return f"""#!/system/bin/sh
# Model Studio's phone agent: the bundled CPython, started through the bundled glibc
# loader. Arguments: those of `model-studio agent` (--port N --token T --root DIR).
case "$0" in
  */*) H=${{0%/*}} ;;
  *) H=. ;;
esac
H=$(cd "$H" && pwd) || exit 127
L=$H/{LIB}
R=$H/{ROOT}
unset LD_PRELOAD LD_LIBRARY_PATH PYTHONSTARTUP PYTHONINSPECT
export PYTHONHOME="$R/usr"
export PYTHONPATH="$H/{SITE}:$H/{CODE}"
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 PYTHONUTF8=1 LC_ALL=C.UTF-8
export TMPDIR="${{TMPDIR:-/data/local/tmp}}"
if [ -z "$HOME" ] || [ ! -w "$HOME" ]; then HOME=$TMPDIR; fi
export HOME
exec "$H/{LOADER}" --library-path "$L" --argv0 "$H/python" \\
    "$H/{PYTHON}" -P -m {ENTRY_MODULE} "$@"
"""
