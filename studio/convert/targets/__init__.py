"""One module per artifact format, all behind :class:`studio.convert.targets.base.Target`."""

from __future__ import annotations

import importlib

from studio.convert.recipe import TARGETS

_CLASSES = {
    "pt": "studio.convert.targets.pt:TorchScriptTarget",
    "ptl": "studio.convert.targets.ptl:LiteTarget",
    "pte": "studio.convert.targets.pte:ExecuTorchTarget",
    "onnx": "studio.convert.targets.onnx:OnnxTarget",
    "ort": "studio.convert.targets.ort:OrtTarget",
}
assert set(_CLASSES) == set(TARGETS)


def get_target(name: str):
    """An instance of the target named ``name`` (pt, ptl, pte, onnx, ort)."""
    module_name, class_name = _CLASSES[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)()
