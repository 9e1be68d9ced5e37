"""Opening any model file a user has: detect the format, load safely, find the architecture."""

from __future__ import annotations

import logging
import pickle
import re
import warnings
import zipfile
from pathlib import Path

from studio.errors import Action, ArchitectureError, ModelFileError, StudioError, TrustRequired
from studio.model import architectures, formats, sample
from studio.model import loaded as fmt
from studio.model.inputs import InputSpec, Preprocess, TensorSpec, default_preprocess_for
from studio.model.loaded import LoadedModel
from studio.watchdog import deadline

log = logging.getLogger(__name__)

# Where training code nests the weights in a checkpoint, most common first.
NESTED_KEYS = (
    "state_dict",
    "model_state_dict",
    "model",
    "net",
    "network",
    "module",
    "model_ema",
    "ema",
)
# Prefixes that wrappers add to every key: DataParallel, Lightning, torch.compile.
WRAPPER_PREFIXES = ("module.", "model.", "_orig_mod.", "net.")
# Metadata keys of safetensors files the studio writes (the sample model has them).
META_ARCH, META_INPUT, META_LABELS = "studio.architecture", "studio.input_spec", "studio.labels"


def load_model(
    path: str | Path,
    arch: str | None = None,
    arch_args: list | None = None,
    arch_kwargs: dict | None = None,
    trust: bool = False,
    input_shape: tuple[int, ...] | None = None,
) -> LoadedModel:
    """Open ``path``; for weights-only files, build the architecture and load the weights.

    Runnable results have ``module`` in eval mode and an ``input_spec``. A
    weights-only file whose architecture cannot be found exactly comes back with
    ``module=None`` and the ranked ``candidates``.
    """
    path = Path(path)
    detected = formats.detect_format(path)
    log.info("%s: detected %s %s", path, detected.format, detected.detail)
    if detected.format == formats.TORCH_PICKLE:
        result = _load_torch_pickle(path, detected, trust)
    elif detected.format == fmt.SAFETENSORS:
        result = _load_safetensors(path)
    elif detected.format == fmt.TORCHSCRIPT:
        result = _load_torchscript(path)
    elif detected.format == fmt.EXPORTED_PROGRAM:
        result = _load_exported_program(path, trust)
    else:  # ONNX, ONNX Runtime, ExecuTorch, PyTorch Lite: described, not run, on the host
        result = LoadedModel(path=path, format=detected.format)

    state = result.metadata.pop("_state_dict", None)
    if state is not None:
        _attach_architecture(result, state, arch, arch_args, arch_kwargs, trust)
    elif arch:
        result.notes.append(
            f"the architecture given is ignored: a {result.format.replace('_', ' ')} file "
            "carries its own"
        )

    if result.module is not None:
        if result.format != fmt.EXPORTED_PROGRAM:  # an exported graph is already in eval form
            result.module.eval()
        if input_shape:
            result.input_spec = InputSpec.single(
                input_shape, preprocess=default_preprocess_for(input_shape)
            )
        elif result.input_spec is None:
            result.input_spec = InputSpec.single(
                (1, 3, 224, 224), preprocess=default_preprocess_for((1, 3, 224, 224))
            )
            result.metadata["input_assumed"] = True
    elif input_shape:
        result.input_spec = InputSpec.single(
            input_shape, preprocess=default_preprocess_for(input_shape)
        )
    return result


# --- torch.save files -------------------------------------------------------------------


# What torch.load raises for a damaged file: besides I/O and format errors, a damaged
# pickle's stack or memo (LookupError) and torch's own asserts on storage keys.
_DAMAGED_PICKLE = (
    RuntimeError,
    EOFError,
    zipfile.BadZipFile,
    OSError,
    ValueError,
    LookupError,
    AssertionError,
)


def _load_torch_pickle(path: Path, detected, trust: bool) -> LoadedModel:
    import torch

    formats.check_pickle_size(path)
    try:
        with path.open("rb") as f:  # a file object: torch.load would pick a reader by name
            obj = torch.load(f, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "weights only" not in str(exc).lower() and "weights_only" not in str(exc).lower():
            raise formats.damaged(path, exc) from None
        return _load_untrusted_pickle(path, detected, trust)
    except _DAMAGED_PICKLE as exc:
        raise formats.damaged(path, exc) from None
    return _from_object(path, obj)


def _load_untrusted_pickle(path: Path, detected, trust: bool) -> LoadedModel:
    """A pickle that names classes beyond tensors: only the user can decide to run it."""
    try:
        names = formats.pickle_globals(formats.torch_pickle_bytes(path))
    except (*_DAMAGED_PICKLE, NotImplementedError) as exc:  # a damaged archive member
        raise formats.damaged(path, exc) from None
    named = ", ".join(
        n
        for n in names
        if not (n.startswith(("torch._utils", "collections.")) or n.endswith("Storage"))
    )[:200]
    if not trust:
        raise TrustRequired(
            f"{path.name} is a pickled Python object"
            + (f" (it names {named})" if named else "")
            + "; opening it runs code stored in the file, which could do anything to this computer",
            hint="open it only if it comes from someone you trust, with --trust; "
            "or ask for a state_dict or safetensors file instead",
        )
    import torch

    log.warning("loading %s with trust: running its pickled code", path)
    try:
        if detected.detail == "plain Python pickle":
            with path.open("rb") as f:
                obj = pickle.load(f)
        else:
            obj = torch.load(path, map_location="cpu", weights_only=False)
    except (ModuleNotFoundError, AttributeError) as exc:
        raise ArchitectureError(
            f"{path.name} needs Python code that is not installed here ({exc})",
            hint="install the package that defines the model, or save a state_dict instead",
        ) from None
    except Exception as exc:
        raise formats.damaged(path, exc) from None
    return _from_object(path, obj)


def _from_object(path: Path, obj) -> LoadedModel:
    import torch

    if isinstance(obj, torch.nn.Module):
        return LoadedModel(
            path=path, format=fmt.PICKLED_MODULE, module=obj, architecture=type(obj).__name__
        )
    if isinstance(obj, dict):
        state, fmt_name, notes = unwrap_checkpoint(obj, path.name)
        result = LoadedModel(path=path, format=fmt_name, notes=notes)
        result.metadata["_state_dict"] = state
        return result
    raise ModelFileError(
        f"{path.name} holds a {type(obj).__name__}, not a model or its weights",
    )


def unwrap_checkpoint(obj: dict, name: str) -> tuple[dict, str, list[str]]:
    """The state_dict inside a training checkpoint, with wrapper prefixes stripped."""
    import torch

    notes: list[str] = []
    fmt_name = fmt.STATE_DICT
    state = obj
    for _ in range(3):
        if state and all(isinstance(v, torch.Tensor) for v in state.values()):
            break
        nested = next((k for k in NESTED_KEYS if isinstance(state.get(k), dict) and state[k]), None)
        if nested is None:
            nested_module = next(
                (k for k in NESTED_KEYS if isinstance(state.get(k), torch.nn.Module)), None
            )
            if nested_module:
                raise ModelFileError(f"{name} nests a whole pickled module under {nested_module!r}")
            break
        notes.append(f"weights found under the checkpoint key {nested!r}")
        fmt_name = fmt.CHECKPOINT
        state = state[nested]
    tensors = {k: v for k, v in state.items() if isinstance(v, torch.Tensor)}
    if not tensors:
        keys = ", ".join(list(map(str, obj))[:6])
        raise ModelFileError(
            f"{name} holds a dictionary without weights (keys: {keys})",
            hint="choose the file your training saved the model's state_dict in",
        )
    if len(tensors) < len(state):
        notes.append(f"ignored {len(state) - len(tensors)} entries that are not tensors")
    return strip_prefixes(tensors, notes), fmt_name, notes


def strip_prefixes(state: dict, notes: list[str]) -> dict:
    changed = True
    while changed:
        changed = False
        for prefix in WRAPPER_PREFIXES:
            if state and all(k.startswith(prefix) for k in state):
                state = {k[len(prefix) :]: v for k, v in state.items()}
                notes.append(
                    f"stripped the {prefix!r} prefix from every key (added by a training wrapper)"
                )
                changed = True
    return state


# --- other formats ----------------------------------------------------------------------


def _load_safetensors(path: Path) -> LoadedModel:
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load_file

    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise formats.damaged(path, exc) from None
    result = LoadedModel(path=path, format=fmt.SAFETENSORS)
    notes: list[str] = []
    result.metadata["_state_dict"] = strip_prefixes(state, notes)
    result.notes.extend(notes)
    if META_INPUT in metadata:
        import json

        try:
            result.input_spec = InputSpec.from_dict(json.loads(metadata[META_INPUT]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring unreadable input spec in %s", path)
    if META_LABELS in metadata:
        result.labels = metadata[META_LABELS].split("\n")
    if META_ARCH in metadata:
        result.metadata["architecture_hint"] = metadata[META_ARCH]
    result.metadata["file_metadata"] = {
        k: v for k, v in metadata.items() if not k.startswith("studio.")
    }
    return result


def _load_torchscript(path: Path) -> LoadedModel:
    import torch

    try:
        with warnings.catch_warnings(), deadline(f"opening {path.name}"):
            warnings.simplefilter("ignore")  # TorchScript's deprecation warning
            module = torch.jit.load(str(path), map_location="cpu")  # runs its __setstate__
    except Exception as exc:
        raise formats.damaged(path, exc) from None
    name = getattr(module, "original_name", type(module).__name__)
    result = LoadedModel(path=path, format=fmt.TORCHSCRIPT, module=module, architecture=name)
    # A TorchScript file the studio wrote records its input spec; others leave it unknown.
    from studio.runtimes.base import read_archive_metadata

    stored = read_archive_metadata(path).get("input_spec")
    if stored:
        try:
            result.input_spec = InputSpec.from_dict(stored)
        except (KeyError, TypeError, ValueError):
            log.warning("ignoring an unreadable input spec stored in %s", path)
    return result


def _load_exported_program(path: Path, trust: bool) -> LoadedModel:
    from studio.model.exported import load_exported_program, runnable_module

    program = load_exported_program(path, trust)
    specs = []
    for i, node in enumerate(n for n in program.graph.nodes if n.op == "placeholder"):
        if node.name not in program.graph_signature.user_inputs:
            continue
        val = node.meta.get("val")
        if val is not None and hasattr(val, "shape"):
            shape = tuple(int(d) if str(d).isdigit() else 1 for d in val.shape)
            specs.append(
                TensorSpec(node.name or f"input{i}", shape, str(val.dtype).replace("torch.", ""))
            )
    spec = (
        InputSpec(tuple(specs), default_preprocess_for(specs[0].shape) if len(specs) == 1 else None)
        if specs
        else None
    )
    return LoadedModel(
        path=path,
        format=fmt.EXPORTED_PROGRAM,
        module=runnable_module(program),
        architecture="ExportedProgram",
        input_spec=spec,
        exported_program=program,
    )


# --- architecture for weights-only files ------------------------------------------------


def _attach_architecture(
    result: LoadedModel, state: dict, arch, arch_args, arch_kwargs, trust
) -> None:
    shapes = {k: tuple(v.shape) for k, v in state.items()}
    result.weights = state
    arch = arch or _architecture_from_file(result, trust)
    if arch and architectures.is_factory_spec(arch):
        module = architectures.build_from_spec(arch, arch_args, arch_kwargs, trust)
        result.notes.extend(_load_weights(module, state, arch, result.path.name))
        result.module, result.architecture = module, arch
        return
    if arch:
        kwargs = {**architectures.fit_kwargs(arch, shapes), **(arch_kwargs or {})}
        if arch_args:
            raise ArchitectureError(
                f"{arch} takes keyword arguments only; arguments by position apply to "
                "factory specs (package.module:factory)",
                hint='give them with --arch-kwargs, like {"num_classes": 10}',
                action=Action.ARCHITECTURE_ARGUMENTS,
            )
        module = architectures.build(arch, **kwargs)
        result.notes.extend(_load_weights(module, state, arch, result.path.name))
        result.module, result.architecture = module, arch
        result.candidates = architectures.rank(shapes, top=5)
        _set_catalogue_inputs(result, arch, kwargs)
        return
    result.candidates = architectures.rank(shapes, top=5)
    best = result.candidates[0] if result.candidates else None
    if best is None or best.score < 1.0:
        closest = (
            f"; the closest is {best.name} ({best.score:.0%} of parameters match)" if best else ""
        )
        result.notes.append(
            "no architecture in the catalogue matches these weights exactly"
            + closest
            + ". Name its architecture: the .py file that defines it and its class "
            "(my_net.py:MyNet) or a factory spec like mypackage.nets:MyNet"
        )
        return
    module = architectures.build(best.name, **best.kwargs)
    result.notes.extend(_load_weights(module, state, best.name, result.path.name))
    result.module, result.architecture = module, best.name
    if best.kwargs:
        shown = ", ".join(f"{k}={v}" for k, v in best.kwargs.items())
        result.notes.append(f"detected {best.name} with {shown}")
    twins = [c.name for c in result.candidates[1:] if c.score == 1.0]
    if twins:
        result.notes.append(
            f"the weights fit {', '.join(twins)} equally well (same parameters, other settings); "
            f"using {best.name}; name another architecture to use it instead"
        )
    _set_catalogue_inputs(result, best.name, best.kwargs)


def _architecture_from_file(result: LoadedModel, trust: bool) -> str | None:
    """The architecture a file's metadata names: a catalogue name, or code only with trust.

    A name in a file is data. A catalogue name is used as it is; a factory spec would
    import and call whatever it names, so it needs the same trust as one typed by hand.
    """
    named = result.metadata.get("architecture_hint")
    if not isinstance(named, str) or not named:
        return None
    if architectures.is_factory_spec(named):
        if not trust:
            raise TrustRequired(
                f"{result.path.name} names its architecture as Python code ({named[:80]!r}): "
                "building it runs that code on this computer",
                hint="open it only if it comes from someone you trust (with --trust on the "
                "command line), or choose an architecture yourself",
            )
        return named
    if named in architectures.catalogue():
        return named
    result.notes.append(
        f"the file names the architecture {named[:80]!r}, which is not in the catalogue; "
        "detecting it from the weights instead"
    )
    return None


def _set_catalogue_inputs(result: LoadedModel, name: str, kwargs: dict) -> None:
    arch = architectures.catalogue()[name]
    if result.input_spec is None:
        shape = arch.input_shape
        if name == sample.ARCHITECTURE:
            pre = Preprocess(resize=32, crop=32, grayscale=True, mean=sample.MEAN, std=sample.STD)
        elif arch.image_list_input:
            # a detector normalizes and resizes inside: it takes plain images, 0 to 1
            side = _detector_side(name)
            shape = (1, 3, side, side)
            pre = Preprocess(resize=side, crop=side, mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0))
        else:
            pre = default_preprocess_for(arch.input_shape)
        result.input_spec = InputSpec.single(shape, preprocess=pre)
    result.metadata["task"] = arch.task
    classes = kwargs.get("num_classes", arch.num_classes)
    if result.labels is None and arch.task == "classification":
        if name == sample.ARCHITECTURE and classes == 10:
            result.labels = list(sample.LABELS)
        elif classes == 1000:
            from torchvision.models._meta import _IMAGENET_CATEGORIES

            result.labels = list(_IMAGENET_CATEGORIES)


def _detector_side(name: str) -> int:
    """The image side a detector is built for: the number in its name (ssdlite320, ssd300)
    or 320, small enough to convert and verify quickly (the model resizes it)."""
    match = re.match(r"ssd(?:lite)?(\d+)_", name)
    return int(match.group(1)) if match else 320


def _load_weights(module, state: dict, arch: str, file_name: str) -> list[str]:
    """Load ``state`` into ``module``, strictly but for buffers (see :func:`buffer_mismatches`).

    Returns notes naming the buffer keys that were ignored.
    """
    ignored, kept_default = buffer_mismatches(module, state)
    state = {k: v for k, v in state.items() if k not in ignored}
    model_shapes = {
        k: tuple(v.shape) for k, v in module.state_dict().items() if k not in kept_default
    }
    mismatch = architectures.compare({k: tuple(v.shape) for k, v in state.items()}, model_shapes)
    if not mismatch.empty:
        raise ArchitectureError(
            f"the weights in {file_name} do not fit {arch}: {mismatch.summary()}",
            hint="run inspect without --arch to see which architectures match, or check --arch-kwargs",
            action=Action.ARCHITECTURE,
        )
    try:
        module.load_state_dict(state, strict=not kept_default)
    except RuntimeError as exc:  # dtype or other conflicts that shapes do not show
        raise ArchitectureError(
            f"the weights in {file_name} do not fit {arch}", details=str(exc)
        ) from None
    notes = []
    if ignored:
        notes.append(
            f"ignored {_keys(ignored)} in {file_name}: {arch} does not load "
            f"{_them(ignored)} (buffers it computes itself, not learned weights)"
        )
    if kept_default:
        notes.append(
            f"{file_name} lacks {_keys(kept_default)}: kept the values {arch} gives "
            f"{_them(kept_default)} (index buffers, not learned weights)"
        )
    return notes


def buffer_mismatches(module, state: dict) -> tuple[list[str], list[str]]:
    """The keys in which ``state`` and ``module`` differ only by buffers that hold no learned
    values: ``(ignored, kept_default)``.

    Ignored are checkpoint keys the module does not load: a buffer it registers without
    saving it (``persistent=False``), or an integer tensor it does not have (a parameter is
    never an integer tensor: ``embeddings.position_ids`` of older text checkpoints). Kept
    at the module's own values are integer buffers the checkpoint lacks. Missing or extra
    parameters, and missing floating-point buffers (running statistics), are not here.
    """
    saved = module.state_dict()
    buffers = dict(module.named_buffers())
    ignored = sorted(
        k
        for k, v in state.items()
        if k not in saved and (k in buffers or not v.is_floating_point())
    )
    kept_default = sorted(
        k for k, v in saved.items() if k not in state and k in buffers and not v.is_floating_point()
    )
    return ignored, kept_default


def _keys(keys: list[str], shown: int = 4) -> str:
    listed = ", ".join(keys[:shown]) + (
        f" and {len(keys) - shown} more" if len(keys) > shown else ""
    )
    return ("the key " if len(keys) == 1 else "the keys ") + listed


def _them(keys: list[str]) -> str:
    return "it" if len(keys) == 1 else "them"


def require_module(model: LoadedModel):
    """The runnable module, or an error that says what is missing."""
    if model.module is not None:
        return model.module
    if model.format in fmt.INSPECT_ONLY_FORMATS:
        raise StudioError(
            f"{model.path.name} is an {model.format.replace('_', ' ')} file: the studio can describe "
            "and check it, but needs the PyTorch model to convert it",
        )
    raise ArchitectureError(
        f"the architecture of {model.path.name} is unknown"
        + (
            f" (closest: {model.candidates[0].name}, {model.candidates[0].score:.0%})"
            if model.candidates
            else ""
        ),
        hint="give --arch NAME (a torchvision name) or a factory spec like mypackage.nets:MyNet",
        action=Action.ARCHITECTURE,
    )
