"""Files built by an attacker: none of them runs anything without trust.

Every payload here writes a marker file when it runs, so "no side effect" is checked
by the marker's absence, not by the error alone.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import zipfile

import hostile_files
import pytest
import torch
from safetensors.torch import save_file

from studio.errors import TrustRequired
from studio.launcher import studio_command
from studio.model import load_model
from studio.model.sample import DigitsNet


@pytest.fixture(scope="module")
def clean_pt2(tmp_path_factory):
    return hostile_files.clean_pt2(tmp_path_factory.mktemp("pt2"))


def test_a_clean_exported_program_opens_without_trust(clean_pt2):
    model = load_model(clean_pt2)
    assert model.module is not None
    out = model.module(torch.ones(1, 4))
    assert out.shape == (1, 2)


@pytest.mark.parametrize("where", ["weight", "constant", "sample inputs"])
def test_pickles_in_an_exported_program_need_trust(clean_pt2, tmp_path, where):
    marker = tmp_path / "marker.txt"
    hostile = hostile_files.hostile_pt2(clean_pt2, tmp_path, where, marker)
    with pytest.raises(TrustRequired) as err:
        load_model(hostile)
    assert "pickled Python objects" in err.value.message
    assert not marker.exists()
    # With trust, torch.export.load runs the payload: the check above was the only guard.
    try:
        load_model(hostile, trust=True)
    except Exception:
        pass  # the payload replaced real data, so the model itself may not build
    assert marker.read_text() == "pwned"


def test_the_command_line_refuses_them_too(clean_pt2, tmp_path, capsys):
    from studio.cli import main

    marker = tmp_path / "marker.txt"
    hostile = hostile_files.hostile_pt2(clean_pt2, tmp_path, "sample inputs", marker)
    assert main(["inspect", str(hostile)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--trust" in err and "Traceback" not in err
    assert not marker.exists()


def test_opaque_objects_and_compiled_code_need_trust(clean_pt2, tmp_path):
    def opaque(tail, data):
        if tail == "data/constants/tensor_0":
            return None
        return data

    altered = hostile_files.rewrite(clean_pt2, tmp_path / "opaque.pt2", opaque)
    with zipfile.ZipFile(altered, "a") as archive:
        archive.writestr("tiny/data/constants/opaque_obj_0", pickle.dumps(None))
        archive.writestr("tiny/data/aotinductor/model/model.so", b"\x7fELF")
    with pytest.raises(TrustRequired) as err:
        load_model(altered)
    assert "native code" in err.value.message and "pickled object" in err.value.message


def test_a_member_stored_twice_is_refused(clean_pt2, tmp_path):
    twice = tmp_path / "twice.pt2"
    twice.write_bytes(clean_pt2.read_bytes())
    with (
        zipfile.ZipFile(twice, "a") as archive,
        pytest.warns(UserWarning, match="Duplicate name"),
    ):
        archive.writestr("tiny/data/weights/weight_0", b"\0" * 32)
    with pytest.raises(Exception, match="twice"):
        load_model(twice)


# --- architecture names in a file's metadata ------------------------------------------------


def _safetensors_naming(tmp_path, architecture: str):
    torch.manual_seed(0)
    path = tmp_path / "weights.safetensors"
    state = {k: v.contiguous() for k, v in DigitsNet().state_dict().items()}
    save_file(state, str(path), metadata={"studio.architecture": architecture})
    return path


@pytest.mark.parametrize(
    "named", ["os:abort", "sys:exit", "builtins:input", "venv.__main__:main", "fancy.py:Net"]
)
def test_code_named_in_metadata_needs_trust(tmp_path, named):
    path = _safetensors_naming(tmp_path, named)
    with pytest.raises(TrustRequired) as err:
        load_model(path)
    assert named in err.value.message


def test_a_catalogue_name_in_metadata_is_used_and_an_unknown_one_is_ignored(tmp_path):
    assert load_model(_safetensors_naming(tmp_path, "digits_cnn")).architecture == "digits_cnn"
    unknown = load_model(_safetensors_naming(tmp_path, "definitely_not_a_net"))
    assert unknown.architecture == "digits_cnn"  # detected from the weights instead
    assert any("not in the catalogue" in note for note in unknown.notes)


def test_a_trusted_factory_that_exits_is_an_error_not_an_exit(tmp_path):
    path = _safetensors_naming(tmp_path, "sys:exit")
    with pytest.raises(Exception, match="SystemExit") as err:
        load_model(path, trust=True)
    assert not isinstance(err.value, SystemExit)


def test_a_typed_factory_spec_needs_trust(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(DigitsNet().state_dict(), path)
    with pytest.raises(TrustRequired, match="collections:OrderedDict"):
        load_model(path, arch="collections:OrderedDict")


# --- the current folder is not importable by child processes --------------------------------


def test_child_processes_do_not_import_from_the_current_folder(tmp_path):
    marker = tmp_path / "marker.txt"
    (tmp_path / "fancy_net.py").write_text(
        f"open({str(marker)!r}, 'w').write('pwned')\n"
        "import torch\n"
        "def Net():\n    return torch.nn.Linear(1, 1)\n"
    )
    model = _safetensors_naming(tmp_path, "fancy_net:Net")
    # Even with trust, a module beside the model is not on the worker's or agent's path.
    done = subprocess.run(
        [*studio_command("inspect", str(model), "--trust")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "fancy_net" in done.stderr and "cannot be imported" in done.stderr
    assert not marker.exists()
    interpreter_flags = studio_command()[1:-2]  # what comes between python and -m studio
    probe = subprocess.run(
        [sys.executable, *interpreter_flags, "-c", "import sys; print(sys.path)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert str(tmp_path) not in probe.stdout and "''" not in probe.stdout


# --- files that would never finish loading --------------------------------------------------


class _Spins(torch.nn.Module):
    """Its TorchScript ``__setstate__`` never returns: opening the file hangs torch."""

    def __init__(self):
        super().__init__()
        self.w = torch.ones(1)

    @torch.jit.export
    def __getstate__(self) -> tuple[torch.Tensor, bool]:
        return (self.w, self.training)

    @torch.jit.export
    def __setstate__(self, state: tuple[torch.Tensor, bool]) -> None:
        self.w = state[0]
        self.training = state[1]
        i = 0
        while i >= 0:
            i = (i + 1) % 1000

    def forward(self, x):
        return x * self.w


@pytest.mark.slow
@pytest.mark.parametrize("command", ["inspect", "check"])
def test_a_file_whose_code_never_ends_is_stopped_with_a_plain_error(tmp_path, command):
    import os
    import warnings

    path = tmp_path / "spins.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.save(torch.jit.script(_Spins()), str(path))
    done = subprocess.run(
        studio_command(command, str(path)),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MODEL_STUDIO_LOAD_SECONDS": "3"},
    )
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: opening spins.pt did not finish within 3 s")


def test_a_pickle_bomb_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "bomb.pt"
    torch.save({"w": torch.zeros(1)}, path)
    with zipfile.ZipFile(path) as archive:
        root = archive.namelist()[0].split("/")[0]
    bomb = tmp_path / "bomb2.pt"
    # 80 MB of NONE/POP opcodes: minutes of work for any unpickler; a few KB compressed
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{root}/data.pkl", b"\x80\x02" + b"N0" * 40_000_000 + b"N.")
        archive.writestr(f"{root}/version", b"3\n")
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(Exception, match="MB pickle"):
        load_model(bomb)
