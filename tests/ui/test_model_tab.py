"""The Model tab with models a user brings: outside the catalogue, near a catalogue one, code
that needs trust, converted files; and what is left of a model once another is opened."""

from __future__ import annotations

import textwrap

import pytest
import torch
from torch import nn
from ui_helpers import click, close_errors, last_error, open_sample, wait_done

from studio.model.sample import DigitsNet
from studio.ui.widgets.errors import open_error_dialogs

# A small custom CNN for 4-class RGB images: no catalogue architecture matches it.
NET_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    class ColourNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
            self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
            self.head = nn.Linear(16, 4)

        def forward(self, x):
            x = torch.relu(self.conv1(x))
            x = torch.relu(self.conv2(x))
            return self.head(x.mean((2, 3)))
    """
)


@pytest.fixture
def custom_cnn(tmp_path):
    """A state_dict of the custom CNN, and the .py file that defines it."""
    net_py = tmp_path / "colour_net.py"
    net_py.write_text(NET_PY)
    namespace: dict = {}
    exec(compile(NET_PY, str(net_py), "exec"), namespace)
    torch.manual_seed(0)
    weights = tmp_path / "colour_net.pth"
    torch.save(namespace["ColourNet"]().state_dict(), weights)
    return weights, net_py


def open_params(qtbot, window, params: dict):
    job = window.open_model(params)
    wait_done(qtbot, job)
    return job


def shown_texts(tab) -> list[str]:
    texts = [tab.guide.text(), tab.try_hint.text(), tab.notes_label.text()]
    return texts + [tab.candidates_label.text()]


def test_another_model_does_not_show_the_previous_answer(qtbot, window, custom_cnn):
    tab = window.model_tab
    open_sample(qtbot, window)
    click(qtbot, tab.classify_button)
    wait_done(qtbot, tab.classify_job)
    assert tab.top_table.rowCount() == 5 and window.state.try_result is not None

    open_params(qtbot, window, {"path": str(custom_cnn[0])})

    assert tab.top_table.rowCount() == 0
    assert window.state.try_result is None
    assert tab.image_view.pixmap().isNull()
    assert not tab.classify_button.isEnabled()


def test_an_answer_that_arrives_after_another_model_opened_is_dropped(qtbot, window, tmp_path):
    tab = window.model_tab
    open_sample(qtbot, window)
    other = tmp_path / "digits_copy.pth"
    torch.save(DigitsNet().state_dict(), other)
    click(qtbot, tab.classify_button)
    classify = tab.classify_job
    opening = window.open_model({"path": str(other)})  # while Try it is still running
    wait_done(qtbot, classify)
    wait_done(qtbot, opening)
    assert window.state.model_params["path"] == str(other)
    assert window.state.try_result is None
    assert tab.top_table.rowCount() == 0


def test_a_model_outside_the_catalogue_says_what_to_do_on_screen(qtbot, window, custom_cnn):
    tab = window.model_tab
    open_params(qtbot, window, {"path": str(custom_cnn[0])})

    assert window.state.model_kind == "unknown_architecture"
    texts = shown_texts(tab)
    assert not any("already converted" in t for t in texts), texts
    assert not any("--" in t for t in texts), texts
    assert "Architecture field" in tab.guide.text()
    assert "Architecture field" in tab.try_hint.text()
    assert ".py" in tab.try_hint.text()
    assert not tab.classify_button.isEnabled() and not tab.next_button.isEnabled()
    assert window.state.artifacts == []  # it is not a converted file


def test_its_py_file_opens_it_after_a_trust_dialog_that_names_the_py(qtbot, window, custom_cnn):
    weights, net_py = custom_cnn
    tab = window.model_tab
    job = window.open_model({"path": str(weights), "arch": f"{net_py}:ColourNet"})
    wait_done(qtbot, job)
    qtbot.waitUntil(lambda: tab.trust_box is not None, timeout=5000)
    text = tab.trust_box.text()
    assert "colour_net.py" in text
    assert "runs Python code stored in it" not in text  # the .pth holds numbers only
    assert "--" not in tab.trust_box.detailedText()
    click(qtbot, tab.trust_button)
    qtbot.waitUntil(lambda: tab.inspect_job is not job, timeout=5000)
    wait_done(qtbot, tab.inspect_job)
    assert window.state.model_ready, window.last_error and window.last_error.error
    assert tab.arch_edit.text() == f"{net_py}:ColourNet"  # the form shows how it is open
    assert window.state.model_params["trust"] is True


def test_a_pickled_model_is_the_file_that_runs_code(qtbot, window, tmp_path):
    pickled = tmp_path / "whole_model.pt"
    torch.save(nn.Sequential(nn.Conv2d(3, 4, 3)), pickled)
    tab = window.model_tab
    open_params(qtbot, window, {"path": str(pickled)})
    qtbot.waitUntil(lambda: tab.trust_box is not None, timeout=5000)
    assert "Opening whole_model.pt runs Python code stored in it" in tab.trust_box.text()
    assert "--" not in tab.trust_box.detailedText()
    tab.trust_box.reject()


def test_near_matches_are_offered_as_candidates(qtbot, window, tmp_path):
    state = DigitsNet().state_dict()
    state["extra.weight"] = torch.zeros(4, 4)  # a digits_cnn with one more layer
    near = tmp_path / "digits_plus.pth"
    torch.save(state, near)
    tab = window.model_tab
    open_params(qtbot, window, {"path": str(near)})

    assert window.state.model_kind == "choose_architecture"
    assert tab.candidates_box.isVisible() and tab.candidates_table.isVisible()
    assert tab.candidates_table.item(0, 0).text() == "digits_cnn"
    assert "choose its architecture" in tab.guide.text()
    assert not any("--" in t for t in shown_texts(tab))

    click(qtbot, tab.use_button)  # it does not fit exactly: the error speaks of the fields
    wait_done(qtbot, tab.inspect_job)
    error = last_error(window)
    shown = open_error_dialogs()[-1].hint_label.text()
    close_errors()
    assert "--" not in error.message and "--" not in shown, (error, shown)
    assert "Architecture field" in shown


def test_a_pte_input_dtype_is_a_name(qtbot, window, sample_artifacts):
    pte = next(a.path for a in sample_artifacts.artifacts if str(a.path).endswith(".pte"))
    open_params(qtbot, window, {"path": str(pte)})
    assert window.state.model_kind == "converted"
    inputs = window.model_tab.summary_labels["inputs"].text()
    assert "float32" in inputs and not inputs.rstrip().endswith(" 6"), inputs
    assert "already converted" in window.model_tab.guide.text()


def test_recent_files_are_absolute(tmp_path, monkeypatch):
    from studio.ui.settings import Settings

    settings = Settings(tmp_path / "settings.ini")
    monkeypatch.chdir(tmp_path)
    settings.add_recent("model.pth")
    settings.add_recent(str(tmp_path / "model.pth"))  # the same file: once
    assert settings.recent_files() == [str(tmp_path / "model.pth")]
