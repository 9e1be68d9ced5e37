"""A failed job or task reaches the window as the StudioError it was raised as."""

from __future__ import annotations

from ui_helpers import click, close_errors, wait_done

from studio.errors import (
    ArchitectureError,
    DeviceError,
    InputError,
    InternalError,
    ModelFileError,
    StudioError,
)
from studio.paths import resource


def open_with(qtbot, window, path, arch: str = "") -> StudioError:
    tab = window.model_tab
    tab.path_edit.setText(str(path))
    tab.arch_edit.setText(arch)
    click(qtbot, tab.open_button)
    job = wait_done(qtbot, tab.inspect_job)
    assert isinstance(job.error, StudioError), job.error
    assert window.last_error is not None and window.last_error.error is job.error
    return job.error


def test_a_failed_job_reaches_show_error_as_its_subclass(qtbot, window, tmp_path):
    bad = tmp_path / "damaged.pt"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    error = open_with(qtbot, window, bad)
    assert type(error) is ModelFileError
    assert "damaged.pt" in window.last_error.message_label.text()
    close_errors()

    sample = resource("samples", "digits_cnn.safetensors")
    error = open_with(qtbot, window, sample, arch="no_such_net")
    assert type(error) is ArchitectureError
    assert "no_such_net" in error.message
    assert not window.last_error.details_button.isEnabled()  # not internal: no log to show
    close_errors()


def test_a_form_error_is_shown_as_an_input_error(qtbot, window):
    window.model_tab.path_edit.clear()
    click(qtbot, window.model_tab.open_button)
    assert type(window.last_error.error) is InputError
    close_errors()


def _unreachable(address):
    raise DeviceError(f"no phone answers at {address}", hint="check the address")


def _broken():
    return {}["missing"]


def test_a_task_fails_with_the_error_it_raised(qtbot):
    from studio.ui.threads import run_task

    task = run_task("connect", _unreachable, "10.0.0.9:5555")
    with qtbot.waitSignal(task.failed, timeout=10_000) as signal:
        pass
    assert type(signal.args[0]) is DeviceError and signal.args[0] is task.error
    assert task.error.hint == "check the address"

    task = run_task("broken", _broken)
    with qtbot.waitSignal(task.failed, timeout=10_000) as signal:
        pass
    error = signal.args[0]
    assert type(error) is InternalError and "KeyError" in error.message
    assert "Traceback" in error.details and "_broken" in error.details


def test_an_error_with_command_line_advice_shows_what_to_do_on_screen(qtbot, window, tmp_path):
    import torch

    sample = resource("samples", "digits_cnn.safetensors")
    checkpoint = tmp_path / "weights.pt"
    torch.save({"w": torch.zeros(2)}, checkpoint)
    for job, params, words in (
        ("inspect", {"path": str(sample), "arch": "no_such_net"}, "Architecture field"),
        ("check", {"artifacts": [str(checkpoint)]}, "Convert tab"),
    ):
        handle = wait_done(qtbot, window.worker.submit(job, params))
        assert "--arch" in handle.error.hint or "model-studio" in handle.error.hint
        dialog = window.show_error(handle.error)
        shown = dialog.hint_label.text()
        assert words in shown, shown
        assert "--" not in shown and "model-studio" not in shown
        close_errors()


def test_every_action_has_words_on_screen(qapp):
    from studio.errors import Action
    from studio.ui.widgets.errors import on_screen_hint

    actions = [v for k, v in vars(Action).items() if not k.startswith("_")]
    assert len(actions) >= 10
    for action in actions:
        error = InputError("something", hint="pass --flag", action=action)
        text = on_screen_hint(error)
        assert text and "--" not in text and "= true" not in text, action
    assert on_screen_hint(InputError("something", hint="plain advice")) == "plain advice"
