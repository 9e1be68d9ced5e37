"""The application state without Qt: what opening a model resets, and in which order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from studio.convert.report import ArtifactReport, ConversionReport
from studio.jobs.results import CheckResult, Classification, ClassScore, OpenedModel
from studio.model.describe import Description
from studio.ui.state import AppState, Artifact

DIGITS = {"path": "/models/digits.safetensors"}
COLOURS = {"path": "/models/colours.pth", "arch": "net.py:Net", "trust": True}


def _description(params: dict, runnable: bool = True) -> OpenedModel:
    return _opened({"path": params["path"], "format": "state_dict", "runnable": runnable})


def _opened(doc: dict) -> OpenedModel:
    """A model as the inspect job returns it, from the few entries a test cares about."""
    return OpenedModel(Description.from_dict(doc), runnable=doc["runnable"])


def _state_after_a_whole_flow() -> AppState:
    state = AppState()
    state.open_model(_description(DIGITS), DIGITS)
    pte = ArtifactReport("pte", Path("/out/digits.pte"), 10, "export", "none", "executorch", 1.0)
    state.set_conversion(ConversionReport({}, {}, {}, {}, artifacts=[pte]))
    state.add_artifact(Artifact(Path("/out/digits.onnx"), "onnx", 20))
    state.set_compat(CheckResult())
    state.set_try_result(Classification("/data/3.png", [ClassScore(3, "3", 0.9)]), DIGITS)
    return state


def test_opening_another_model_drops_everything_derived_from_the_previous_one():
    state = _state_after_a_whole_flow()
    assert state.artifacts and state.conversion and state.compat and state.try_result

    state.open_model(_description(COLOURS), COLOURS)

    assert state.model.description.path == COLOURS["path"]
    assert state.model_params == COLOURS
    assert state.model_name == "colours.pth"
    assert state.artifacts == []
    assert state.conversion is None
    assert state.compat is None
    assert state.try_result is None


def test_model_opened_fires_first_with_the_new_model_and_nothing_of_the_old():
    state = _state_after_a_whole_flow()
    seen: list[tuple] = []
    state.model_opened.connect(
        lambda: seen.append(("opened", state.model_params["path"], len(state.artifacts)))
    )
    for name in ("artifacts_changed", "compat_changed", "try_result_changed", "model_changed"):
        getattr(state, name).connect(lambda n=name: seen.append((n,)))

    state.open_model(_description(COLOURS), COLOURS)

    assert seen[0] == ("opened", COLOURS["path"], 0)
    assert [s[0] for s in seen[1:]] == [
        "artifacts_changed",
        "compat_changed",
        "try_result_changed",
        "model_changed",
    ]


def test_reopening_the_same_file_is_a_new_model_too():
    # the same file under another architecture is another model: its artifacts are not these
    state = _state_after_a_whole_flow()
    opened = []
    state.model_opened.connect(lambda: opened.append(True))
    state.open_model(_description(DIGITS), {**DIGITS, "arch": "digits_cnn"})
    assert opened == [True]
    assert state.artifacts == []


def test_describing_the_same_model_again_keeps_what_came_of_it():
    state = _state_after_a_whole_flow()
    opened = []
    state.model_opened.connect(lambda: opened.append(True))
    state.set_model(_description(DIGITS), DIGITS)
    assert opened == []
    assert len(state.artifacts) == 2 and state.try_result is not None


def test_a_try_it_answer_for_the_previous_model_is_dropped():
    state = AppState()
    state.open_model(_description(DIGITS), DIGITS)
    state.open_model(_description(COLOURS), COLOURS)
    changed = []
    state.try_result_changed.connect(lambda: changed.append(True))

    late = Classification("/data/3.png", [ClassScore(3, "3", 0.9)])
    state.set_try_result(late, DIGITS)  # a late answer

    assert state.try_result is None
    assert changed == []
    state.set_try_result(Classification("/data/red.png", [ClassScore(0, "red", 0.8)]), COLOURS)
    assert state.try_result.top[0].label == "red"
    assert changed == [True]


def test_model_kinds_say_what_the_model_tab_can_offer():
    state = AppState()
    assert state.model_kind == "none"
    cases = [
        ({"format": "state_dict", "runnable": True, "candidates": []}, "runnable"),
        ({"format": "executorch", "runnable": False}, "converted"),
        ({"format": "onnx", "runnable": False}, "converted"),
        (
            {
                "format": "state_dict",
                "runnable": False,
                "candidates": [{"name": "resnet18", "score": 0.9}],
            },
            "choose_architecture",
        ),
        ({"format": "safetensors", "runnable": False, "candidates": []}, "unknown_architecture"),
    ]
    for description, kind in cases:
        state.open_model(_opened({"path": "/m/x", **description}), {"path": "/m/x"})
        assert state.model_kind == kind, description


def _imported_after(code: str) -> list[str]:
    check = (
        "import sys\n"
        + code
        + "\nprint(*[m for m in ('torch', 'PySide6', 'numpy') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", check], check=True, capture_output=True, text=True)
    return done.stdout.split()


def test_the_state_module_imports_neither_qt_nor_torch_nor_numpy():
    assert _imported_after("import studio.ui.state") == []


def test_the_sample_location_comes_without_torch():
    imported = _imported_after(
        "import studio.model.sample as s\n"
        "assert s.weights_path().is_file() and s.example_image().is_file()\n"
        "assert s.is_sample(s.weights_path()) and not s.is_sample('other.pth')"
    )
    assert "torch" not in imported and "PySide6" not in imported


def test_converted_formats_are_the_loaders_inspect_only_formats():
    from studio.model.loaded import INSPECT_ONLY_FORMATS
    from studio.ui.state import CONVERTED_FORMATS

    assert CONVERTED_FORMATS == INSPECT_ONLY_FORMATS


def test_tabs_do_not_call_each_other():
    # they talk through AppState and the main window's actions (e.g. window.open_model)
    import re

    import studio.ui.tabs as tabs

    for source in Path(tabs.__file__).parent.glob("*_tab.py"):
        calls = re.findall(r"self\.app\.(\w+_tab)\b", source.read_text())
        assert calls == [], f"{source.name} reaches into {calls}"
