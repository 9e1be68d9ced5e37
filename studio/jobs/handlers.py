"""The jobs a worker runs: thin adapters from JSON parameters to the studio's library.

Each handler takes ``(params, progress, cancel)`` and returns a JSON-ready dict, or
raises a StudioError. Heavy libraries are imported inside the handlers.
"""

from __future__ import annotations

import logging
import platform
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.errors import InputError
from studio.progress import CancelToken, Progress, ProgressEvent

log = logging.getLogger("studio.jobs")

Handler = Callable[[dict, Progress, CancelToken], dict]

# The last model opened, so that "Try it" and verification need not load it again.
_cache: dict[str, Any] = {"key": None, "model": None}


def _model_key(params: dict) -> str:
    import json

    keys = ("path", "arch", "arch_args", "arch_kwargs", "trust", "input_shape", "inputs")
    return json.dumps({k: params.get(k) for k in keys}, sort_keys=True, default=str)


def _open_model(params: dict):
    """The model of ``params`` (path, arch, arch_args, arch_kwargs, trust, input_shape, and
    ``inputs``: the inputs to describe it with, a list of ``{name, shape, dtype}``)."""
    key = _model_key(params)
    if _cache["key"] == key:
        return _cache["model"]
    from studio.model import load_model

    path = params.get("path")
    if not path:
        raise InputError("no model file given", hint="choose a model file first")
    shape = params.get("input_shape")
    model = load_model(
        path,
        arch=params.get("arch") or None,
        arch_args=params.get("arch_args"),
        arch_kwargs=params.get("arch_kwargs"),
        trust=bool(params.get("trust")),
        input_shape=tuple(shape) if shape else None,
    )
    from studio.model.input_choice import use_inputs
    from studio.model.inputs import InputSpec

    given = None
    if params.get("inputs"):
        given = InputSpec.from_dict({"tensors": params["inputs"]})
    elif shape:
        given = InputSpec.single(tuple(shape))
    model.metadata["input_source"] = use_inputs(model, given)
    _cache.update(key=key, model=model)
    return model


def inspect(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    from studio.jobs.results import OpenedModel
    from studio.model.describe import describe

    started = time.perf_counter()
    progress(ProgressEvent("load", None, Path(params.get("path") or "").name))
    _cache.update(key=None, model=None)
    model = _open_model(params)
    cancel.check()
    progress(ProgressEvent("describe", None, "counting parameters and FLOPs"))
    description = describe(model)
    seconds = round(time.perf_counter() - started, 3)
    source = model.metadata.get("input_source", "")
    return OpenedModel(description, model.runnable, model.input_spec, seconds, source).to_dict()


def classify(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    """Run the open model on one image: the top classes with their probabilities."""
    import numpy as np
    import torch

    from studio.jobs.results import Classification, ClassScore
    from studio.model import require_module
    from studio.model.inputs import default_preprocess_for, load_image

    model = _open_model(params.get("model") or {})
    module = require_module(model)
    spec = model.input_spec
    preprocess = spec.preprocess or default_preprocess_for(spec.shape)
    if preprocess is None:
        raise InputError(
            "this model does not take an image",
            hint=f"its input is {list(spec.shape)}; Try it works with image models",
        )
    image = params.get("image")
    if not image or not Path(image).is_file():
        raise InputError(f"there is no image file {image}", hint="choose an image file")
    array = load_image(image, preprocess, spec.shape)
    with torch.no_grad():
        output = module(torch.from_numpy(array))
    if isinstance(output, (list, tuple)):
        output = output[0]
    if isinstance(output, dict):
        output = next(iter(output.values()))
    logits = output.detach().float().reshape(output.shape[0], -1)[0].numpy()
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    top = np.argsort(-probs)[: int(params.get("top", 5))]
    labels = model.labels
    scores = [
        ClassScore(
            int(i), labels[i] if labels and i < len(labels) else f"class {i}", float(probs[i])
        )
        for i in top
    ]
    return Classification(str(image), scores).to_dict()


def convert(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    from studio.convert import Recipe
    from studio.convert import convert as run

    base = params.get("base_dir")
    recipe = Recipe.from_dict(params.get("recipe") or {}, Path(base) if base else None)
    # trust comes from the person's confirmation in the window, never from the recipe
    report = run(recipe, progress=progress, cancel=cancel, trust=bool(params.get("trust")))
    return report.to_dict()


def verify(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    """Verify one artifact against the open model on random inputs."""
    from studio.convert.compare import tolerances_for
    from studio.convert.verify import Reference, verify_artifact
    from studio.jobs.results import VerifyResult
    from studio.model import require_module
    from studio.model.inputs import load_samples
    from studio.runtimes.eager_runner import EagerRunner

    model = _open_model(params.get("model") or {})
    module = require_module(model)
    artifact = params.get("artifact")
    if not artifact or not Path(artifact).is_file():
        raise InputError(f"there is no artifact {artifact}", hint="convert the model first")
    samples = load_samples(params.get("data"), model.input_spec, int(params.get("samples", 8)))
    progress(ProgressEvent("verify", 0.0, Path(artifact).name))
    reference = Reference.compute(EagerRunner.from_module(module, model.input_spec), samples)
    tolerances = tolerances_for(params.get("quantize") or "none")
    verification, latency = verify_artifact(artifact, reference, tolerances, cancel, 5)
    progress(ProgressEvent("verify", 1.0, verification.verdict))
    return VerifyResult(verification, latency).to_dict()


def runtimes(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    from studio.compat import load_profiles
    from studio.jobs.results import RuntimeEntry, RuntimesResult

    entries = [RuntimeEntry(p.name, p.title, p.family, list(p.formats)) for p in load_profiles()]
    return RuntimesResult(entries).to_dict()


def check(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    """Check artifacts against runtimes (:func:`studio.compat.runtimes_to_check` decides which).

    params: artifacts (paths), runtimes (names; default: the runtimes of each kind),
    profiles (RuntimeProfile dicts that devices reported).
    """
    from studio.compat import RuntimeProfile, detect_kind, load_profile, runtimes_to_check
    from studio.compat import check as run_check
    from studio.jobs.results import CheckResult

    artifacts = [Path(a) for a in params.get("artifacts") or []]
    if not artifacts:
        raise InputError("no artifact to check", hint="convert the model first")
    phones = [RuntimeProfile.from_dict(p, "a device's runtime") for p in params.get("profiles", [])]
    named = [load_profile(n) for n in params.get("runtimes") or []]
    reports = []
    for index, artifact in enumerate(artifacts):
        cancel.check()
        progress(ProgressEvent("check", index / len(artifacts), artifact.name))
        kind = detect_kind(artifact)
        reports.append(run_check(artifact, runtimes_to_check(kind, named, phones)))
    progress(ProgressEvent("check", 1.0, f"{len(artifacts)} artifacts"))
    return CheckResult(reports).to_dict()


def fix(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    """Backport a .ptl or lower an .onnx opset, verified; see :mod:`studio.compat.fixes`."""
    from studio.compat.fixes import apply_fix

    shapes = params.get("input_shapes")
    result = apply_fix(
        params["artifact"],
        params["action"],
        int(params["value"]),
        params.get("output"),
        shapes,
        progress,
        cancel,
    )
    return result.to_dict()


def versions(params: dict, progress: Progress, cancel: CancelToken) -> dict:
    """The versions of the toolchains and of adb, for the About box."""
    from studio.convert.report import library_versions
    from studio.jobs.results import Versions

    try:
        from studio.devices.adb import adb_binary

        out = subprocess.run(
            [adb_binary(), "version"], capture_output=True, text=True, timeout=10
        ).stdout
        adb = out.splitlines()[0].strip() if out else None
    except Exception as exc:  # no adb is a fact worth showing, not an error
        adb = f"not available ({exc})"
    return Versions(library_versions(), platform.platform(), adb).to_dict()


HANDLERS: dict[str, Handler] = {
    "inspect": inspect,
    "classify": classify,
    "convert": convert,
    "verify": verify,
    "runtimes": runtimes,
    "check": check,
    "fix": fix,
    "versions": versions,
}
