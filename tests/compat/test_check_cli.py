"""``model-studio check``: the JSON contract, exit codes, exports and fixes from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from studio.cli import main

# These tests share real converted models built once per session (tens of seconds).
pytestmark = pytest.mark.slow


def run_json(capsys, *argv):
    code = main(["check", *argv, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_json_document_and_fail_exit_code(resnet18, capsys):
    code, doc, _ = run_json(
        capsys, str(resnet18.ptl), "--runtime", "pytorch-lite-v7", "--runtime", "pytorch-lite-v8"
    )
    assert code == 1  # v7 fails
    assert doc["artifact"] == str(resnet18.ptl)
    assert doc["bytecode_version"] == 8
    runtimes = {r["name"]: r for r in doc["runtimes"]}
    assert runtimes["pytorch-lite-v7"]["verdict"] == "fail"
    assert runtimes["pytorch-lite-v7"]["unsupported"] == ["bytecode version 8 (reads up to 7)"]
    assert runtimes["pytorch-lite-v8"]["verdict"] == "ready"
    conv = next(op for op in doc["operators"] if op["name"] == "aten::conv2d")
    assert conv["count"] == 20
    assert conv["status"] == {"pytorch-lite-v7": "supported", "pytorch-lite-v8": "supported"}


def test_every_runtime_on_an_onnx_model(mobilenet, capsys, required_runtimes):
    argv = [str(mobilenet.onnx)]
    for name in required_runtimes:
        argv += ["--runtime", name]
    code, doc, _ = run_json(capsys, *argv)
    assert code == 1  # the Lite and ExecuTorch runtimes do not read ONNX
    verdicts = {r["name"]: r["verdict"] for r in doc["runtimes"]}
    assert list(verdicts) == required_runtimes
    assert verdicts["ort-cpu"] == "ready"
    assert verdicts["ort-nnapi"] == "fallback"


def test_default_runtimes_follow_the_file_kind(resnet18, capsys):
    code, doc, _ = run_json(capsys, str(resnet18.onnx))
    assert code == 0
    assert [r["name"] for r in doc["runtimes"]] == ["ort-coreml", "ort-cpu", "ort-nnapi"]


def test_fix_backport_from_the_command_line(resnet18, tmp_path, capsys):
    fixed = tmp_path / "fixed.ptl"
    code, doc, _ = run_json(
        capsys,
        str(resnet18.ptl),
        "--runtime",
        "pytorch-lite-v7",
        "--fix",
        "backport=7",
        "--fix-output",
        str(fixed),
        "--input-shape",
        "1,3,64,64",
    )
    assert code == 0
    assert doc["artifact"] == str(fixed) and doc["fixed_from"] == str(resnet18.ptl)
    assert doc["bytecode_version"] == 7
    assert doc["runtimes"][0]["verdict"] == "ready"
    assert doc["fixes"][0]["verification"] == "pass"
    assert fixed.is_file()


def test_exports_and_human_output(cos_onnx, tmp_path, capsys):
    html, table = tmp_path / "r.html", tmp_path / "r.csv"
    code = main(
        ["check", str(cos_onnx), "--runtime", "ort-nnapi", "--html", str(html), "--csv", str(table)]
    )
    out = capsys.readouterr().out
    assert code == 0  # fallback is not a failure
    assert "fallback: 1 operator runs on the CPU instead of NNAPI" in out
    assert "Cos is not supported by NNAPI" in out
    assert "<td>Cos</td>" in html.read_text()
    assert "Cos,1,kernel,ai.onnx,fallback" in table.read_text()


def test_list_runtimes(capsys, required_runtimes):
    assert main(["check", "--list-runtimes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert set(required_runtimes) <= {line.split()[0] for line in lines}
    assert main(["check", "--list-runtimes", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(required_runtimes) <= {r["name"] for r in doc["runtimes"]}


def test_profile_file_from_elsewhere(cos_onnx, tmp_path, capsys):
    from studio.compat import load_profile

    profile = load_profile("ort-nnapi").to_dict()
    profile["name"] = "pixel-nnapi"
    path = tmp_path / "pixel.json"
    path.write_text(json.dumps(profile))
    code, doc, _ = run_json(capsys, str(cos_onnx), "--profile", str(path))
    assert code == 0
    assert [r["name"] for r in doc["runtimes"]] == ["pixel-nnapi"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--runtime", "tflite"], "unknown runtime 'tflite'"),
        (["--fix", "shrink=2"], "unknown fix"),
        (["--fix", "backport=7", "--runtime", "ort-cpu"], "works on a PyTorch Lite model"),
    ],
)
def test_bad_arguments_exit_2(resnet18, capsys, argv, message):
    code = main(["check", str(resnet18.onnx), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


def test_bad_files_exit_2(tmp_path, capsys):
    empty = tmp_path / "empty.pte"
    empty.write_bytes(b"")
    cases = [
        (["check", str(tmp_path / "missing.ptl")], "does not exist"),
        (["check", str(empty)], "is empty"),
        (["check", str(empty).replace(".pte", ".none"), "--json"], "does not exist"),
        (["check"], "name the artifact"),
    ]
    for argv, message in cases:
        assert main(argv) == 2
        assert message in capsys.readouterr().err
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x08\x07not really a model at all")
    assert main(["check", str(garbage)]) == 2
    assert "not a readable ONNX model" in capsys.readouterr().err


def test_malformed_profile_file_exit_2(cos_onnx, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x"')
    assert main(["check", str(cos_onnx), "--profile", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_real_command_line(tmp_path):
    """The installed entry point: one plain error line, exit code 2, no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "studio", "check", str(tmp_path / "nothing.pte")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error:") and "Traceback" not in result.stderr


def test_missing_or_damaged_bundled_profiles_exit_2(cos_onnx, tmp_path, monkeypatch, capsys):
    from studio.paths import resource

    good = resource("runtimes", "ort-cpu.json").read_text()
    resources = tmp_path / "resources"
    monkeypatch.setenv("MODEL_STUDIO_RESOURCES", str(resources))
    assert main(["check", str(cos_onnx)]) == 2
    assert "no runtime profiles found" in capsys.readouterr().err

    (resources / "runtimes").mkdir(parents=True)
    (resources / "runtimes" / "ort-cpu.json").write_text(good)
    (resources / "runtimes" / "ort-nnapi.json").write_text(good[: len(good) // 2])
    assert main(["check", str(cos_onnx), "--runtime", "ort-cpu", "--json"]) == 0
    capsys.readouterr()
    assert main(["check", str(cos_onnx), "--runtime", "ort-nnapi"]) == 2
    err = capsys.readouterr().err
    assert "ort-nnapi.json is not valid JSON" in err and "generate_runtime_profiles" in err
    assert main(["check", "--list-runtimes"]) == 2
