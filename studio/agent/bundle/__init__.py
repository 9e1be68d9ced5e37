"""The phone agent bundle: a relocatable aarch64 folder that runs the studio's agent.

No APK and no SDK: the bundle is pushed to a phone (``/data/local/tmp/model-studio/
agent/``) and started from ``adb shell``. It is built from the package registries only
(Debian trixie arm64 packages, manylinux aarch64 wheels), see :mod:`.components`.

Layout (a contract: the push, the virtual phone's arm64 mode and the installers rely
on it; the names are in :mod:`.launcher`)::

    agent/
      model-studio-agent   #!/system/bin/sh launcher; its arguments are those of
                           `model-studio agent` (--port N --token T --root DIR ...)
      manifest.json        format, id, layers, layer_bytes, components (name,
                           version, sha256, kind, layer), files (path -> sha256,
                           size, component)
      lib/                 ld-linux-aarch64.so.1 and every shared library of the
                           Debian packages (glibc, libstdc++, zlib, libffi, ...)
      root/usr/            CPython 3.13: bin/python3.13, lib/python3.13 (pruned)
      site/                the unpacked wheels (numpy, onnxruntime, the torch-free
                           ExecuTorch runtime, platformdirs; torch with layer ptl)
      code/studio/         the studio's agent-side code (no studio/ui) and, in
                           code/studio/resources/, the resources it reads (runtime
                           profiles)

Only the launcher, ``lib/ld-linux-aarch64.so.1`` and ``root/usr/bin/python3.13`` are
executable; the bundle holds no symbolic links. The launcher runs
``lib/ld-linux-aarch64.so.1 --library-path lib --argv0 agent/python
root/usr/bin/python3.13 -P -m studio.agent.main ARGS`` with PYTHONHOME, PYTHONPATH
(site, code), PYTHONNOUSERSITE, PYTHONDONTWRITEBYTECODE, PYTHONUTF8, LC_ALL=C.UTF-8,
TMPDIR (default /data/local/tmp) and HOME (TMPDIR when unset or not writable).

The bundle id (in the manifest and the file name ``model-studio-agent-ID.tar.gz``)
is a hash over the sorted components and the launcher: the same inputs give the same
id, so a phone holding a bundle with that id needs no new push.

This computer's current bundle (built, or imported from a file) is found with
:func:`find_bundle`; :func:`bundle_status_message` says how to get one when there is
none. Building and importing live in :mod:`.build` and :mod:`.store`.
"""

from __future__ import annotations

from studio.agent.bundle.manifest import BundleError
from studio.agent.bundle.store import (
    Bundle,
    bundle_status_message,
    find_bundle,
    import_bundle,
    require_bundle,
)

__all__ = [
    "Bundle",
    "BundleError",
    "bundle_status_message",
    "find_bundle",
    "import_bundle",
    "require_bundle",
]
