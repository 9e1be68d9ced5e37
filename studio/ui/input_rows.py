"""The rows of the Model tab's inputs table as plain Python: one input per row (name, shape
as typed, dtype), checked by the same rules as ``--input`` on the command line, and the
:class:`InputSpec` they make.

No Qt here: :class:`~studio.ui.widgets.inputs_editor.InputsEditor` shows the rows and the
reason a cell is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.errors import InputError
from studio.model.input_choice import FORWARD, GIVEN
from studio.model.inputs import DTYPES, InputSpec, TensorSpec, parse_shape

# The dtypes a row can have, in the order the table offers them.
DTYPE_CHOICES = ("float32", "float16", "int64", "int32", "bool", "uint8")
assert set(DTYPE_CHOICES) == DTYPES

NAME, SHAPE, DTYPE = 0, 1, 2  # the table's columns


@dataclass(frozen=True)
class InputRow:
    name: str  # empty: named after the model's forward (input0, input1, ... until then)
    shape: str  # as typed, like 1,3,224,224
    dtype: str = "float32"


@dataclass
class InputsCheck:
    """The rows checked: the inputs they make, or why each refused cell is refused."""

    spec: InputSpec | None = None  # None: no rows, or a refused cell
    problems: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> why

    @property
    def first_problem(self) -> tuple[int, int, str] | None:
        if not self.problems:
            return None
        (row, column), reason = min(self.problems.items())
        return row, column, reason


def rows_of(spec: InputSpec | None) -> list[InputRow]:
    """The rows that show ``spec``."""
    if spec is None:
        return []
    return [InputRow(t.name, ",".join(str(d) for d in t.shape), t.dtype) for t in spec.tensors]


def check_rows(rows: list[InputRow]) -> InputsCheck:
    """Each row parsed as ``--input NAME:SHAPE:DTYPE`` would be (:func:`parse_shape`,
    :class:`TensorSpec`), and the names told apart."""
    check = InputsCheck()
    tensors = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        name = row.name.strip() or f"input{i}"
        if name in seen:
            check.problems[(i, NAME)] = (
                f"the name {name!r} is already the name of input {seen[name] + 1}"
            )
        seen.setdefault(name, i)
        if row.dtype not in DTYPES:
            check.problems[(i, DTYPE)] = f"unknown dtype {row.dtype!r}"
            continue
        if not row.shape.strip():
            check.problems[(i, SHAPE)] = "no shape: write it like 1,3,224,224"
            continue
        try:
            tensors.append(TensorSpec(name, parse_shape(row.shape), row.dtype))
        except InputError as exc:
            column = NAME if exc.message.startswith("an input name") else SHAPE
            check.problems[(i, column)] = exc.message
    if tensors and not check.problems:
        check.spec = InputSpec(tuple(tensors))
    return check


def same_inputs(a: InputSpec | None, b: InputSpec | None) -> bool:
    """Whether ``a`` and ``b`` have the same names, shapes and dtypes (what the table shows)."""
    if a is None or b is None:
        return a is b
    return [(t.name, t.shape, t.dtype) for t in a.tensors] == [
        (t.name, t.shape, t.dtype) for t in b.tensors
    ]


def inputs_to_use(shown: InputSpec | None, model) -> InputSpec | None:
    """The inputs a conversion must be given for the table showing ``shown`` while ``model``
    (an :class:`~studio.jobs.results.OpenedModel`, or None) is open: None when they are the
    model's own (its file or the catalogue says them, with their preprocessing), else ``shown``
    (given, guessed from the model's code, or changed in the table)."""
    if model is None or shown is None:
        return shown
    if model.input_source in (GIVEN, FORWARD) or not same_inputs(shown, model.input_spec):
        return shown
    return None
