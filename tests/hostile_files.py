"""Model files built the way an attacker would, for the tests of every entry point.

Every payload writes a marker file when it runs, so "no side effect" is checked by the
marker's absence. Run as a script (``python tests/hostile_files.py KIND OUT MARKER``)
it writes one such file, so the window's tests can make them without importing torch.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import torch


class Payload:
    """Unpickling this writes ``marker``: the side effect an attacker would want."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 2)
        self.register_buffer("offset", torch.ones(2))

    def forward(self, x):
        return self.fc(x) + self.offset + torch.tensor([1.0, 2.0])


def _pickled(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def rewrite(source, target, change):
    """Copy the archive ``source`` to ``target``, letting ``change(tail, data)`` edit members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            root, _, tail = info.filename.partition("/")
            data = change(tail, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)
    return target


def _use_pickle(config_bytes: bytes, path_name: str) -> bytes:
    config = json.loads(config_bytes)
    for entry in config["config"].values():
        if entry["path_name"] == path_name:
            entry["use_pickle"] = True
    return json.dumps(config).encode()


def hostile_pt2(clean, folder, where, marker):
    payload = _pickled({"x": Payload(marker)})

    def change(tail, data):
        if where == "weight" and tail == "data/weights/model_weights_config.json":
            return _use_pickle(data, "weight_0")
        if where == "weight" and tail == "data/weights/weight_0":
            return payload
        if where == "constant" and tail == "data/constants/model_constants_config.json":
            return _use_pickle(data, "tensor_0")
        if where == "constant" and tail == "data/constants/tensor_0":
            return payload
        if where == "sample inputs" and tail == "data/sample_inputs/model.pt":
            return payload
        return data

    return rewrite(clean, Path(folder) / f"hostile-{where.replace(' ', '-')}.pt2", change)


def clean_pt2(folder) -> Path:
    path = Path(folder) / "tiny.pt2"
    torch.manual_seed(0)
    torch.export.save(torch.export.export(Tiny().eval(), (torch.randn(1, 4),)), path)
    return path


if __name__ == "__main__":
    kind, out, marker = sys.argv[1:4]
    print(hostile_pt2(clean_pt2(out), out, kind, marker))
