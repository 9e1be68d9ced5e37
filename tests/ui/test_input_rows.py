"""The inputs table's rows as plain Python: checked like --input, and which of them a
conversion must be given."""

from __future__ import annotations

from studio.jobs.results import OpenedModel
from studio.model.describe import Description
from studio.model.input_choice import CATALOGUE, FORWARD
from studio.model.inputs import InputSpec, TensorSpec
from studio.ui.input_rows import NAME, SHAPE, InputRow, check_rows, inputs_to_use, rows_of


def test_rows_make_the_inputs_the_command_line_would():
    check = check_rows([InputRow("ids", "1,128", "int64"), InputRow("", "1x128", "int64")])
    assert check.problems == {}
    assert check.spec.tensors == (
        TensorSpec("ids", (1, 128), "int64"),
        TensorSpec("input1", (1, 128), "int64"),
    )
    assert rows_of(check.spec)[0] == InputRow("ids", "1,128", "int64")


def test_each_refused_cell_has_its_reason():
    check = check_rows(
        [
            InputRow("ids", "1,three", "int64"),
            InputRow("ids", "1,16", "int64"),
            InputRow("mask", "", "int64"),
            InputRow("big", "1,100000,100000", "float32"),
        ]
    )
    assert check.spec is None
    assert "not a list of whole numbers" in check.problems[(0, SHAPE)]
    assert "already the name of input 1" in check.problems[(1, NAME)]
    assert "no shape" in check.problems[(2, SHAPE)]
    assert "would need" in check.problems[(3, SHAPE)]
    assert check.first_problem[:2] == (0, SHAPE)


def _opened(spec: InputSpec, source: str) -> OpenedModel:
    description = Description.from_dict({"path": "m.safetensors", "format": "safetensors"})
    return OpenedModel(description, True, spec, 0.0, source)


def test_a_conversion_is_given_inputs_the_model_does_not_say_by_itself():
    image = InputSpec.single((1, 3, 224, 224))
    assert inputs_to_use(image, _opened(image, CATALOGUE)) is None  # its own, preprocessed
    other = InputSpec.single((1, 3, 96, 96))
    assert inputs_to_use(other, _opened(image, CATALOGUE)) is other  # changed in the table
    text = InputSpec((TensorSpec("ids", (1, 16), "int64"), TensorSpec("mask", (1, 16), "int64")))
    assert inputs_to_use(text, _opened(text, FORWARD)) is text  # guessed: convert needs them
