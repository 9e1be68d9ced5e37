"""``model-studio inspect`` as users run it: JSON output, exit codes, plain errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from studio.cli import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_inspect_json_document(capsys, mbv3_state):
    code, out, err = run_cli(capsys, "inspect", str(mbv3_state), "--json")
    assert code == 0
    doc = json.loads(out)
    for key in (
        "format",
        "architecture",
        "parameters",
        "size_bytes",
        "flops",
        "inputs",
        "outputs",
        "candidates",
    ):
        assert key in doc
    assert doc["architecture"] == "mobilenet_v3_small"
    assert doc["size_bytes"] == mbv3_state.stat().st_size
    assert doc["candidates"][0] == {"name": "mobilenet_v3_small", "score": 1.0, "kwargs": {}}


def test_inspect_human_text(capsys, resnet18_state):
    code, out, _ = run_cli(capsys, "inspect", str(resnet18_state))
    assert code == 0
    assert "resnet18" in out and "11.69M" in out and "1000 ImageNet classes" in out


def test_inspect_sample(capsys):
    code, out, _ = run_cli(capsys, "inspect", "--sample", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["architecture"] == "digits_cnn"
    assert doc["outputs"][0]["shape"] == [1, 10]


def test_factory_spec_on_the_command_line(capsys, tmp_path, thirdparty_package, monkeypatch):
    monkeypatch.syspath_prepend(str(thirdparty_package))
    import acme_nets.nets as nets

    weights = tmp_path / "tiny.pt"
    torch.save(nets.TinyNet.from_name("lite0").state_dict(), weights)
    code, out, err = run_cli(
        capsys,
        "inspect",
        str(weights),
        "--arch",
        "acme_nets.nets:TinyNet.from_name",
        "--arch-args",
        '["lite0"]',
        "--input-shape",
        "1,3,32,32",
        "--trust",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["outputs"][0]["shape"] == [1, 5]


def _bad_files(tmp_path, resnet18_state):
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(resnet18_state.read_bytes()[:3_000_000])
    noise = tmp_path / "noise.bin"
    noise.write_bytes(os.urandom(4096))
    text = tmp_path / "notes.pt"
    text.write_text("these are my training notes\nlr=0.1\n")
    return {"empty": empty, "truncated": truncated, "random bytes": noise, "text": text}


@pytest.mark.parametrize("kind", ["empty", "truncated", "random bytes", "text"])
def test_bad_files_exit_2_with_one_plain_line(capsys, tmp_path, resnet18_state, kind):
    path = _bad_files(tmp_path, resnet18_state)[kind]
    code, out, err = run_cli(capsys, "inspect", str(path))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and path.name in lines[0]
    assert "Traceback" not in err


def test_wrong_architecture_exit_2(capsys, resnet18_state):
    code, _, err = run_cli(capsys, "inspect", str(resnet18_state), "--arch", "mobilenet_v2")
    assert code == 2
    assert "do not fit mobilenet_v2" in err and len(err.strip().splitlines()) == 1


def test_bad_arguments_exit_2(capsys, resnet18_state):
    assert run_cli(capsys, "inspect", str(resnet18_state), "--input-shape", "1,three")[0] == 2
    assert run_cli(capsys, "inspect", str(resnet18_state), "--arch-kwargs", "{oops")[0] == 2
    assert run_cli(capsys, "inspect", str(resnet18_state), "--arch", "nosuchnet")[0] == 2
    assert run_cli(capsys, "inspect", "/no/such/file.pt")[0] == 2


def test_malicious_pickle_through_the_installed_command(tmp_path):
    """The real console script, in a fresh process: exit 2, one line, no side effect."""
    marker = tmp_path / "marker"
    path = tmp_path / "evil.pt"
    payload = f"open({str(marker)!r}, 'w')"
    script = (
        "import torch\n"
        "class P:\n"
        f"    def __reduce__(self): return (exec, ({payload!r},))\n"
        f"torch.save({{'model': P()}}, {str(path)!r})\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    exe = os.path.join(os.path.dirname(sys.executable), "model-studio")
    proc = subprocess.run([exe, "inspect", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert (
        proc.stderr.count("\n") == 1 and "--trust" in proc.stderr and "Traceback" not in proc.stderr
    )
    assert not marker.exists()
