"""Architectures for weights-only checkpoints: the catalogue, factory specs, auto-detection.

A state_dict holds weights but not the code that uses them. The studio finds that
code in three ways:

* a name from the catalogue (every torchvision classification, detection and
  segmentation model, and the bundled sample), built with random weights;
* a factory spec ``package.module:callable`` (``Class.from_name`` works too), or
  ``path/to/file.py:Callable``; either imports and runs code, so it needs trust;
* auto-detection: every catalogue architecture is scored by how well its parameter
  names and shapes match the checkpoint's, with ``num_classes`` inferred from the
  classifier's shape.
"""

from __future__ import annotations

import gzip
import importlib
import importlib.util
import json
import logging
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import platformdirs

from studio.errors import Action, ArchitectureError, TrustRequired
from studio.model import sample
from studio.model.loaded import Candidate
from studio.paths import APP_NAME, resource

log = logging.getLogger(__name__)

Shapes = dict[str, tuple[int, ...]]

# Keys of optional auxiliary heads: scored apart, switched on when the checkpoint has them.
_AUX_PREFIXES = {
    "AuxLogits.": "aux_logits",
    "aux1.": "aux_logits",
    "aux2.": "aux_logits",
    "aux_classifier.": "aux_loss",
}


@dataclass(frozen=True)
class Architecture:
    name: str
    task: str  # "classification", "detection", "segmentation"
    num_classes: int  # the builder's default
    input_shape: tuple[int, ...] = (1, 3, 224, 224)

    @property
    def image_list_input(self) -> bool:
        """Detection models take a list of CHW images rather than a batch tensor."""
        return self.task == "detection"


@dataclass(frozen=True)
class Mismatch:
    """How a checkpoint differs from what an architecture expects."""

    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    shape_conflicts: list[tuple[str, tuple, tuple]] = field(
        default_factory=list
    )  # key, ckpt, model

    @property
    def empty(self) -> bool:
        return not (self.missing or self.unexpected or self.shape_conflicts)

    def summary(self, limit: int = 4) -> str:
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} missing ({_few(self.missing, limit)})")
        if self.unexpected:
            parts.append(f"{len(self.unexpected)} unexpected ({_few(self.unexpected, limit)})")
        if self.shape_conflicts:
            shown = ", ".join(
                f"{k}: file {list(a)} vs model {list(b)}"
                for k, a, b in self.shape_conflicts[:limit]
            )
            more = (
                f", and {len(self.shape_conflicts) - limit} more"
                if len(self.shape_conflicts) > limit
                else ""
            )
            parts.append(f"{len(self.shape_conflicts)} with another shape ({shown}{more})")
        return "; ".join(parts)


def _few(keys: list[str], limit: int) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f", and {len(keys) - limit} more" if len(keys) > limit else "")


# --- the catalogue ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Architecture]:
    """Every architecture the studio can build by name."""
    from torchvision import models

    entries = {
        sample.ARCHITECTURE: Architecture(
            sample.ARCHITECTURE, "classification", 10, sample.INPUT_SHAPE
        )
    }
    for module, task, classes in (
        (models, "classification", 1000),
        (models.detection, "detection", 91),
        (models.segmentation, "segmentation", 21),
    ):
        for name in models.list_models(module=module):
            shape = (1, 3, 299, 299) if name == "inception_v3" else (1, 3, 224, 224)
            if name == "keypointrcnn_resnet50_fpn":
                classes_here = 2
            else:
                classes_here = classes
            entries[name] = Architecture(name, task, classes_here, shape)
    return entries


def build(name: str, **kwargs):
    """Build catalogue architecture ``name`` with random weights (never downloads any)."""
    arch = catalogue().get(name)
    if arch is None:
        raise ArchitectureError(
            f"there is no architecture called {name!r} in the catalogue",
            hint="run `model-studio inspect FILE` without --arch to detect it, or give a factory "
            "spec like mypackage.nets:MyNet",
            action=Action.ARCHITECTURE,
        )
    if name == sample.ARCHITECTURE:
        return sample.DigitsNet(**kwargs)
    from torchvision import models

    extra = {"weights_backbone": None} if arch.task in ("detection", "segmentation") else {}
    if name in ("googlenet", "inception_v3"):
        extra["init_weights"] = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return models.get_model(name, weights=None, **extra, **kwargs)
        except (TypeError, ValueError) as exc:
            raise ArchitectureError(f"{name} cannot be built with {kwargs}: {exc}") from None


def _signature_of(name: str) -> Shapes:
    import torch

    try:
        with torch.device("meta"):
            model = build(name)
    except Exception:  # a few builders compute on tensors and refuse the meta device
        model = build(name)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def compute_signatures(progress: Callable[[str], None] | None = None) -> dict[str, Shapes]:
    """Parameter names and shapes of every torchvision architecture (about 20 s)."""
    result = {}
    for name in catalogue():
        if name == sample.ARCHITECTURE:
            continue
        if progress:
            progress(name)
        result[name] = _signature_of(name)
    return result


def signatures_file(torchvision_version: str) -> Path:
    return resource("architectures", f"torchvision-{torchvision_version}.json.gz")


def write_signatures(path: Path, signatures: Mapping[str, Shapes]) -> None:
    from studio.fileio import write_bytes_atomic

    data = {name: {k: list(v) for k, v in sig.items()} for name, sig in signatures.items()}
    write_bytes_atomic(
        path, gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0)
    )


@lru_cache(maxsize=1)
def signatures() -> dict[str, Shapes]:
    """Catalogue signatures: shipped for the torchvision the studio was built with,
    computed once and cached for any other version."""
    import torchvision

    version = torchvision.__version__.split("+")[0]
    shipped = signatures_file(version)
    cached = Path(platformdirs.user_cache_dir(APP_NAME)) / shipped.name
    for path in (shipped, cached):
        if path.exists():
            try:
                data = json.loads(gzip.decompress(path.read_bytes()))
                break
            except (OSError, ValueError):
                log.warning("ignoring unreadable architecture catalogue %s", path)
    else:
        log.info("computing architecture signatures for torchvision %s (once)", version)
        computed = compute_signatures()
        try:
            write_signatures(cached, computed)
        except OSError:
            log.warning("cannot cache architecture signatures in %s", cached)
        data = computed
    result = {name: {k: tuple(v) for k, v in sig.items()} for name, sig in data.items()}
    result[sample.ARCHITECTURE] = _signature_of(sample.ARCHITECTURE)
    return result


# --- auto-detection ---------------------------------------------------------------------


def _split_aux(shapes: Shapes) -> tuple[Shapes, set[str]]:
    main, aux = {}, set()
    for key, shape in shapes.items():
        prefix = next((p for p in _AUX_PREFIXES if key.startswith(p)), None)
        if prefix:
            aux.add(_AUX_PREFIXES[prefix])
        else:
            main[key] = shape
    return main, aux


def _infer_num_classes(ckpt: Shapes, model: Shapes, default: int) -> int | None:
    """The ``num_classes`` that explains every shape conflict, if one does.

    A classifier's output dimension is ``default`` (or a multiple, as for box
    regressors with 4 numbers per class); the checkpoint's is ``k`` times the same
    multiple.
    """
    found = None
    for key, model_shape in model.items():
        ckpt_shape = ckpt.get(key)
        if ckpt_shape is None or ckpt_shape == model_shape:
            continue
        if len(ckpt_shape) != len(model_shape) or ckpt_shape[1:] != model_shape[1:]:
            return None
        if model_shape[0] % default:
            return None
        per_class = model_shape[0] // default
        if ckpt_shape[0] % per_class:
            return None
        k = ckpt_shape[0] // per_class
        if found is not None and k != found:
            return None
        found = k
    return found


def score(ckpt: Shapes, model: Shapes) -> float:
    """The share of all parameter names that both have with the same shape, in [0, 1]."""
    if not ckpt and not model:
        return 0.0
    same = sum(1 for k, s in ckpt.items() if model.get(k) == s)
    return same / len(set(ckpt) | set(model))


def _fit(name: str, ckpt_main: Shapes, arch: Architecture, sig: Shapes) -> Candidate:
    model_main, _ = _split_aux(sig)
    kwargs: dict = {}
    best = score(ckpt_main, model_main)
    if best < 1.0 and set(ckpt_main) == set(model_main):
        k = _infer_num_classes(ckpt_main, model_main, arch.num_classes)
        if k is not None and k != arch.num_classes:
            kwargs["num_classes"] = k
            best = 1.0
    return Candidate(name, best, kwargs)


def rank(ckpt: Shapes, top: int = 5) -> list[Candidate]:
    """Catalogue architectures ordered by how well they match ``ckpt``."""
    ckpt_main, ckpt_aux = _split_aux(ckpt)
    arches = catalogue()
    found = []
    for name, sig in signatures().items():
        arch = arches.get(name)
        if arch is None:
            continue
        cand = _fit(name, ckpt_main, arch, sig)
        if cand.score > 0:
            _, model_aux = _split_aux(sig)
            kwargs = dict(cand.kwargs)
            for flag in model_aux | ckpt_aux:
                kwargs[flag] = flag in ckpt_aux
            found.append(Candidate(name, cand.score, kwargs))
    found.sort(key=lambda c: (-c.score, c.name))
    return found[:top]


def fit_kwargs(name: str, ckpt: Shapes) -> dict:
    """The keyword arguments (num_classes, aux heads) under which ``name`` fits ``ckpt`` best."""
    ckpt_main, ckpt_aux = _split_aux(ckpt)
    sig = signatures().get(name)
    if sig is None:
        return {}
    kwargs = dict(_fit(name, ckpt_main, catalogue()[name], sig).kwargs)
    _, model_aux = _split_aux(sig)
    for flag in model_aux | ckpt_aux:
        kwargs[flag] = flag in ckpt_aux
    return kwargs


def compare(ckpt: Shapes, model: Shapes) -> Mismatch:
    missing = sorted(k for k in model if k not in ckpt)
    unexpected = sorted(k for k in ckpt if k not in model)
    conflicts = [(k, ckpt[k], model[k]) for k in model if k in ckpt and ckpt[k] != model[k]]
    return Mismatch(missing, unexpected, conflicts)


# --- factory specs ----------------------------------------------------------------------


def is_factory_spec(spec: str) -> bool:
    return ":" in spec and not (len(spec) > 1 and spec[1] == ":" and spec.count(":") == 1)


def resolve_factory(spec: str, trust: bool) -> Callable:
    """The callable named by ``package.module:attr.attr`` or ``path/file.py:attr``."""
    target, _, attr_path = spec.rpartition(":")
    if not target or not attr_path:
        raise ArchitectureError(
            f"{spec!r} is not a factory spec",
            hint="write it as package.module:callable or path/to/file.py:ClassName",
        )
    if not trust:
        what = Path(target).name if target.endswith(".py") else spec
        raise TrustRequired(
            f"{what} is Python code: using it as the architecture runs that code on this computer",
            hint="if you trust it, add --trust",
        )
    if target.endswith(".py"):
        path = Path(target).expanduser()
        if not path.is_file():
            raise ArchitectureError(f"the architecture file {path} does not exist")
        module_name = f"_studio_user_arch_{abs(hash(str(path.resolve())))}"
        spec_obj = importlib.util.spec_from_file_location(module_name, path)
        if spec_obj is None or spec_obj.loader is None:
            raise ArchitectureError(f"{path} cannot be imported as Python code")
        module = importlib.util.module_from_spec(spec_obj)
        sys.modules[module_name] = module
        try:
            spec_obj.loader.exec_module(module)
        except (Exception, SystemExit) as exc:
            sys.modules.pop(module_name, None)
            raise ArchitectureError(
                f"{path.name} failed to run: {type(exc).__name__}: {exc}"
            ) from None
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise ArchitectureError(
                f"the module {target!r} cannot be imported ({exc})",
                hint="install the package that defines the architecture in the studio's environment",
            ) from None
        except (Exception, SystemExit) as exc:
            raise ArchitectureError(
                f"the module {target!r} failed to run: {type(exc).__name__}: {exc}"
            ) from None
    obj = module
    for part in attr_path.split("."):
        if not hasattr(obj, part):
            raise ArchitectureError(f"{target} has no attribute {attr_path!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ArchitectureError(f"{spec} is not callable")
    return obj


def build_from_spec(spec: str, args: list | None, kwargs: dict | None, trust: bool):
    factory = resolve_factory(spec, trust)
    try:
        model = factory(*(args or []), **(kwargs or {}))
    except (Exception, SystemExit) as exc:  # user code may end the program: it is its failure
        raise ArchitectureError(
            f"{spec} failed to build the model: {type(exc).__name__}: {exc}",
            hint="check --arch-args and --arch-kwargs",
            action=Action.ARCHITECTURE_ARGUMENTS,
        ) from None
    import torch

    if not isinstance(model, torch.nn.Module):
        raise ArchitectureError(f"{spec} returned a {type(model).__name__}, not a torch.nn.Module")
    return model
