"""Recipes and runs that try to escape: trust, names, folders, killed runs, full disks."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import hostile_files
import pytest
import torch

from studio.cli import main
from studio.convert.pipeline import STAGING_PREFIX, sweep_stale_staging
from studio.convert.recipe import Recipe, check_file_name, plain_file_name
from studio.errors import RecipeError
from studio.launcher import studio_command
from studio.model import sample
from studio.model.sample import DigitsNet

WEIGHTS = str(sample.weights_path())
SAMPLES = str(sample.images_dir())


def test_a_recipe_cannot_switch_trust_on(tmp_path, capsys):
    marker = tmp_path / "marker.txt"
    model = tmp_path / "checkpoint.pth"
    torch.save(
        {"state_dict": DigitsNet().state_dict(), "extra": hostile_files.Payload(marker)}, model
    )
    recipe = tmp_path / "shared.toml"
    recipe.write_text(
        '[model]\npath = "checkpoint.pth"\ntrust = true\n'
        '[convert]\ntargets = ["onnx"]\n[verify]\nenabled = false\n[output]\nfolder = "out"\n'
    )
    assert main(["convert", str(recipe)]) == 2
    err = capsys.readouterr().err
    assert "runs code" in err and "trust is given each time" in err
    assert not marker.exists() and not (tmp_path / "out").exists()
    # the person's own --trust, at the moment of running, is what counts
    assert main(["convert", str(recipe), "--trust", "--json"]) == 0
    assert marker.exists() and (tmp_path / "out" / "checkpoint.onnx").is_file()


def test_a_name_that_is_a_path_writes_nothing_anywhere(tmp_path, capsys):
    victim = tmp_path / "victim"
    victim.mkdir()
    precious = victim / "precious.onnx"
    precious.write_bytes(b"my thesis")
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    recipe = work / "r.toml"
    recipe.write_text(
        f'[model]\npath = "{WEIGHTS}"\n[convert]\ntargets = ["onnx"]\n'
        '[output]\nname = "../../../victim/precious"\n'
    )
    out = work / "out"
    assert main(["convert", str(recipe), "--out", str(out)]) == 2
    assert "one file name, not a path" in capsys.readouterr().err
    assert precious.read_bytes() == b"my thesis"
    assert sorted(p.name for p in victim.iterdir()) == ["precious.onnx"]
    assert not out.exists()
    assert main(["convert", WEIGHTS, "--out", str(out), "--name", "..", "--target", "onnx"]) == 2


@pytest.mark.parametrize(
    "name",
    ["a/b", "..", ".hidden", "x\\y", "C:evil", "NUL", "com1.tar", "x" * 300, "bad\x00", " pad"],
)
def test_output_names_are_one_plain_file_name(name):
    with pytest.raises(RecipeError):
        check_file_name(name, "the output name")


def test_names_from_model_files_are_made_safe_not_refused():
    assert plain_file_name("epoch=3-step=400") == "epoch=3-step=400"
    assert plain_file_name("model:v2") == "model_v2"
    assert plain_file_name("CON") == "model-CON"
    assert plain_file_name("...") == "model"
    assert len(plain_file_name("y" * 500)) <= 120


def test_a_shared_recipe_writes_only_inside_its_folder(tmp_path, capsys):
    recipe = tmp_path / "shared" / "r.toml"
    recipe.parent.mkdir()
    recipe.write_text(
        f'[model]\npath = "{WEIGHTS}"\n[convert]\ntargets = ["onnx"]\n'
        '[verify]\nenabled = false\n[output]\nfolder = "../elsewhere"\n'
    )
    assert main(["convert", str(recipe)]) == 2
    assert "outside the recipe's own folder" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere").exists()
    # the person running it may choose any folder
    assert main(["convert", str(recipe), "--out", str(tmp_path / "mine"), "--json"]) == 0
    assert (tmp_path / "mine" / "digits_cnn.onnx").is_file()
    loaded = Recipe.load(recipe)
    loaded.output.folder = "inside/deeper"
    loaded.check_output_inside()  # a folder inside is fine


# --- debris of killed runs ------------------------------------------------------------------


def test_only_stale_staged_files_of_the_studio_are_swept(tmp_path):
    dead = tmp_path / f"{STAGING_PREFIX}99999999-0123abcd-digits.onnx"
    running = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-0123abcd-digits.pte"
    mine = tmp_path / f"{STAGING_PREFIX}notes.txt"  # a similar name the studio never gives
    for path in (dead, running, mine):
        path.write_bytes(b"x")
    assert sweep_stale_staging(tmp_path) == [dead]
    assert running.exists() and mine.exists()
    day_old = time.time() - 2 * 24 * 3600
    os.utime(running, (day_old, day_old))
    assert sweep_stale_staging(tmp_path) == [running]


@pytest.mark.slow
def test_a_killed_conversion_leaves_debris_that_the_next_run_sweeps(tmp_path):
    out = tmp_path / "out"
    command = studio_command(
        "convert", WEIGHTS, "--target", "pt,ptl,onnx,pte", "--out", str(out), "--no-verify"
    )
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(out.glob(STAGING_PREFIX + "*")):
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(30)
    leftovers = list(out.glob(STAGING_PREFIX + "*"))
    assert leftovers, "the conversion was killed before it staged anything"
    # the supervisor was killed; the child doing the work dies with it, a moment later
    worker = int(leftovers[0].name[len(STAGING_PREFIX) :].split("-")[0])
    gone_by = time.monotonic() + 30
    while _running(worker) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not _running(worker), "the conversion's worker outlived its killed supervisor"
    assert main(["convert", WEIGHTS, "--target", "onnx", "--out", str(out), "--no-verify"]) == 0
    assert not list(out.glob(STAGING_PREFIX + "*"))
    assert (out / "digits_cnn.onnx").is_file()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- a full disk ----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A real 192 KiB file system (tmpfs), so writes fail with ENOSPC as on a full disk."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("targets", ["onnx", "pt,ptl,onnx"])
def test_a_full_disk_is_reported_as_such_and_publishes_nothing(small_disk, capsys, targets):
    (small_disk / "filler").write_bytes(b"\0" * 60_000)
    out = small_disk / "out"
    code = main(
        ["convert", WEIGHTS, "--target", targets, "--out", str(out), "--verify-data", SAMPLES]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "is full" in err and "operator" not in err
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert left == []
