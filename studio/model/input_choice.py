"""Which inputs a model is described with, and where they came from: the inputs someone
gave, those its file or the architecture catalogue records, or, when nothing says them,
those its own code suggests (the parameters of its forward and its embedding tables)."""

from __future__ import annotations

from studio.model.inputs import InputSpec, TensorSpec
from studio.model.loaded import LoadedModel
from studio.model.signature import embedding_sizes, fit_to_module, forward_parameters

# Where a model's inputs came from (see use_inputs).
GIVEN = "given"  # someone gave them (--input, the Model tab's inputs table)
FILE = "file"  # the file records them (metadata, an exported program, ONNX, .pte, ...)
CATALOGUE = "catalogue"  # the architecture catalogue knows the architecture's input
FORWARD = "forward"  # guessed from the model's forward and its embedding tables
ASSUMED = "assumed"  # nothing says them: the usual image input, 1,3,224,224 float32
SOURCES = (GIVEN, FILE, CATALOGUE, FORWARD, ASSUMED)

# The sequence length guessed for a text model whose position table says nothing shorter.
GUESSED_LENGTH = 128


def guess_inputs(module) -> InputSpec | None:
    """The inputs a model with embedding tables most likely takes: one int64 ``(1, L)``
    per required parameter of its forward, ``L`` the size of its position table (at most
    :data:`GUESSED_LENGTH`); None for a model without embeddings (an image model)."""
    tables = embedding_sizes(module)
    found = forward_parameters(module)
    if not tables or found is None:
        return None
    names, required = found
    positions = [size for name, size in tables if "position" in name.lower()]
    length = min([GUESSED_LENGTH, *positions])
    return InputSpec(tuple(TensorSpec(n, (1, length), "int64") for n in names[: max(required, 1)]))


def use_inputs(model: LoadedModel, given: InputSpec | None = None) -> str:
    """Set ``model.input_spec`` to the inputs to describe it with: ``given`` when given,
    else what the model says, guessed from its code when nothing else does; notes say what
    was inferred. Returns where the inputs came from (one of :data:`SOURCES`).

    Raises :class:`~studio.errors.InputError` when ``given`` does not fit the model's forward.
    """
    from studio.convert.pipeline import _input_spec  # the convert's own rule for preprocessing

    module = model.module
    if given is not None:
        spec = _input_spec(given, model.input_spec)
        if module is not None:
            spec, notes = fit_to_module(spec, module)
            model.notes.extend(notes)
        model.input_spec = spec
        model.metadata.pop("input_assumed", None)
        return GIVEN
    if model.metadata.get("input_assumed"):
        guess = guess_inputs(module) if module is not None else None
        if guess is None:
            return ASSUMED
        spec, notes = fit_to_module(guess, module)
        model.input_spec = spec
        model.metadata.pop("input_assumed", None)
        shown = ", ".join(f"{t.name} {','.join(map(str, t.shape))} {t.dtype}" for t in spec.tensors)
        model.notes.append(
            f"the inputs ({shown}) are guessed from the model's forward and its embedding "
            "tables; give the model's inputs if it takes others"
        )
        model.notes.extend(notes)
        return FORWARD
    if model.metadata.get("task"):
        return CATALOGUE
    return FILE
