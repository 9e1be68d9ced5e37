"""What a conversion that did not finish leaves: no empty folders it created, no staged files
of a conversion that was killed; and the stages a conversion announces are the ones it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from convert_helpers import tiny_recipe

from studio.convert import convert
from studio.convert.pipeline import STAGING_PREFIX, clean_up_output, first_missing, planned_stages
from studio.convert.recipe import QuantizeSettings
from studio.errors import Cancelled
from studio.progress import CancelToken


def test_a_cancel_removes_the_folders_the_conversion_created(tmp_path, tiny_model):
    out = tmp_path / "new" / "deeper" / "artifacts"
    cancel = CancelToken()

    def progress(event):
        if event.stage == "build onnx":
            cancel.cancel()

    with pytest.raises(Cancelled):
        convert(tiny_recipe(out, ["pt", "onnx"]), progress, cancel, model=tiny_model)
    assert list(tmp_path.iterdir()) == []  # not even the parents it made


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_killed_conversion_is_cleaned_up_after(tmp_path):
    """A killed worker runs no clean-up: the window cleans up after it."""
    out = tmp_path / "made" / "artifacts"
    created = first_missing(out)
    assert created == tmp_path / "made"
    out.mkdir(parents=True)
    (out / f"{STAGING_PREFIX}{dead_pid()}-0123abcd-model.pte").write_bytes(b"half")
    assert clean_up_output(out, created) == []
    assert list(tmp_path.iterdir()) == []


def test_clean_up_keeps_what_was_there(tmp_path):
    out = tmp_path / "artifacts"
    out.mkdir()
    (out / "model.pte").write_bytes(b"an earlier result")
    (out / f"{STAGING_PREFIX}{dead_pid()}-0123abcd-model.pte").write_bytes(b"half")
    assert clean_up_output(out, first_missing(out)) == []
    assert [p.name for p in out.iterdir()] == ["model.pte"]
    empty = tmp_path / "empty-before"
    empty.mkdir()
    assert clean_up_output(empty, first_missing(empty)) == [] and empty.is_dir()


def test_planned_stages_are_the_stages_a_conversion_reports(tmp_path, tiny_model):
    recipe = tiny_recipe(
        tmp_path, ["onnx", "pt"], quantize=QuantizeSettings(mode="static", calibration="random")
    )
    seen: list[str] = []
    convert(
        recipe, lambda e: seen.append(e.stage) if e.stage not in seen else None, model=tiny_model
    )
    planned = planned_stages(recipe)
    assert [s for s in seen if s in planned] == planned
