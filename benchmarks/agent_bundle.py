"""Phone agent bundle: build time with an empty cache and with a full one, and sizes.

Builds the bundle twice into temporary folders, the first time with an empty download
cache (so it downloads everything), the second from that cache (no network). Prints
each layer's size unpacked and as tar.gz, the whole file's size, the times and the
bundle id as a JSON object on the last line.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import tarfile
import tempfile
import time
from pathlib import Path


class Counter(io.RawIOBase):
    def __init__(self) -> None:
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.count += len(data)
        return len(data)


def layer_sizes(bundle) -> dict:
    """Bytes of each layer's files, unpacked and as a tar.gz of their own."""
    owners = {c["name"]: c["layer"] for c in bundle.manifest["components"]}
    layers: dict[str, list[str]] = {}
    for path, entry in sorted(bundle.manifest["files"].items()):
        layers.setdefault(owners.get(entry["component"], "base"), []).append(path)
    sizes = {}
    for layer, paths in layers.items():
        sink = Counter()
        with (
            gzip.GzipFile(fileobj=sink, mode="wb", mtime=0, compresslevel=6) as gz,
            tarfile.open(fileobj=gz, mode="w") as tar,
        ):
            for path in paths:
                tar.add(bundle.folder / path, arcname=path)
        unpacked = sum(bundle.manifest["files"][p]["size"] for p in paths)
        sizes[layer] = {
            "unpacked_mib": round(unpacked / 2**20, 1),
            "gz_mib": round(sink.count / 2**20, 1),
        }
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--with", dest="extra", action="append", default=[], choices=["ptl"])
    parser.add_argument("--cache", help="download cache to use (default: a new empty one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as tmp:
        os.environ["MODEL_STUDIO_CACHE_DIR"] = args.cache or str(Path(tmp) / "cache")
        from studio.agent.bundle.build import build
        from studio.agent.bundle.components import DEFAULT_LAYERS

        layers = (*DEFAULT_LAYERS, *args.extra)
        times = []
        for name in ("cold", "cached"):
            start = time.monotonic()
            bundle = build(layers=layers, out=Path(tmp) / name)
            times.append(round(time.monotonic() - start, 1))
        result = {
            "id": bundle.id,
            "layers": layer_sizes(bundle),
            "total_unpacked_mib": round(sum(bundle.manifest["layer_bytes"].values()) / 2**20, 1),
            "file_mib": round(bundle.archive.stat().st_size / 2**20, 1),
            "build_s": {"empty_cache": times[0], "cached": times[1]},
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
