"""What a module's own code says about its inputs: the names of its forward's parameters and
the vocabulary sizes of its embeddings, fitted onto an :class:`InputSpec`."""

from __future__ import annotations

import inspect
import re
from dataclasses import replace

from studio.errors import Action, InputError
from studio.model.inputs import InputSpec

_UNNAMED = re.compile(r"input\d*")
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def forward_parameters(module) -> tuple[list[str], int] | None:
    """The positional parameters of ``module.forward`` and how many of them are required;
    None when its signature says nothing (``*args``, compiled code)."""
    try:
        parameters = list(inspect.signature(module.forward).parameters.values())
    except (AttributeError, TypeError, ValueError):
        return None
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return None
    positional = [p for p in parameters if p.kind in _POSITIONAL]
    if not positional:
        return None
    required = sum(1 for p in positional if p.default is inspect.Parameter.empty)
    return [p.name for p in positional], required


def fit_to_module(spec: InputSpec, module, assumed: bool = False) -> tuple[InputSpec, list[str]]:
    """``spec`` named and checked after the module's forward, with value ranges for its
    integer inputs (:func:`with_value_ranges`); notes say what was inferred.

    ``assumed`` says that no one gave the spec (the loader's default image input).
    Raises :class:`InputError` when the spec has too few or too many inputs for forward.
    """
    notes: list[str] = []
    found = forward_parameters(module)
    if found is not None:
        names, required = found
        spec = _named(spec, names, required, assumed, notes)
    return with_value_ranges(spec, module, notes), notes


def _named(spec, names: list[str], required: int, assumed: bool, notes: list[str]) -> InputSpec:
    count = len(spec.tensors)
    wanted = ", ".join(names[:required])
    example = "ids:1,128:int64" if required > 1 else "1,3,224,224"
    if count < required:
        what = "are unknown" if assumed else f"were given for {count}"
        raise InputError(
            f"the model takes {required} inputs ({wanted}), and their shapes {what}",
            hint=f"give each input's name, shape and dtype, like {example}",
            action=Action.INPUT_SHAPE,
        )
    if count > len(names):
        raise InputError(
            f"{count} inputs were given, but the model takes at most {len(names)} "
            f"({', '.join(names)})",
            hint="give one input for each parameter of the model's forward",
            action=Action.INPUT_SHAPE,
        )
    if count == 1:  # one input keeps its name (artifacts of image models call it "input")
        return spec
    given = [names[i] if _UNNAMED.fullmatch(t.name) else t.name for i, t in enumerate(spec.tensors)]
    renamed = [n for n, t in zip(given, spec.tensors, strict=True) if n != t.name]
    if renamed:
        notes.append("named the inputs after the model's forward: " + ", ".join(renamed))
        spec = replace(
            spec,
            tensors=tuple(replace(t, name=n) for t, n in zip(spec.tensors, given, strict=True)),
        )
    if set(given) <= set(names):
        order = sorted(spec.tensors, key=lambda t: names.index(t.name))
        if [t.name for t in order] != names[:count]:
            skipped = next(n for n in names if n not in given)
            raise InputError(
                f"the model's forward takes {', '.join(names[:count])} in this order; "
                f"without {skipped!r} the inputs would reach the wrong parameters",
                hint=f"give {skipped!r} as well",
                action=Action.INPUT_SHAPE,
            )
        if order != list(spec.tensors):
            notes.append(
                "put the inputs in the order of the model's forward: "
                + ", ".join(t.name for t in order)
            )
        return replace(spec, tensors=tuple(order))
    notes.append(
        f"the model's forward names its inputs {', '.join(names[:count])}; the inputs "
        f"{', '.join(given)} reach them in the order given"
    )
    return spec


def embedding_sizes(module) -> list[tuple[str, int]]:
    """``(module path, num_embeddings)`` of each embedding table, in module order."""
    sizes = []
    for name, sub in module.named_modules():
        size = getattr(sub, "num_embeddings", None)
        if isinstance(size, int) and not isinstance(size, bool) and size > 0:
            sizes.append((name, size))
    return sizes


def with_value_ranges(spec: InputSpec, module, notes: list[str] | None = None) -> InputSpec:
    """Integer inputs that are not masks get ``high``: the vocabulary size of the embedding
    named like them (``token_type_ids`` and ``token_type_embeddings``), else of the first."""
    tables = embedding_sizes(module)
    if not tables:
        return spec
    tensors = []
    for t in spec.tensors:
        integer = not t.dtype.startswith("float") and t.dtype != "bool"
        if t.high is None and integer and not t.is_mask:
            table, size = _table_for(t.name, tables)
            t = replace(t, high=size)
            if notes is not None:
                notes.append(
                    f"random values of the input {t.name!r} are token ids below {size}, "
                    f"the vocabulary of {table}"
                )
        tensors.append(t)
    return replace(spec, tensors=tuple(tensors))


def _table_for(name: str, tables: list[tuple[str, int]]) -> tuple[str, int]:
    stem = re.sub(r"_?ids?$", "", name.lower())
    for table, size in tables:
        leaf = re.sub(r"_?embeddings?$", "", table.rsplit(".", 1)[-1].lower())
        if stem and leaf == stem:
            return table, size
    return tables[0]
