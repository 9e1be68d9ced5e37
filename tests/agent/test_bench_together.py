"""Several models at once on one virtual device: alone, together, slowdown, overlap, refusals."""

from __future__ import annotations

import csv
import json
import warnings

import pytest

from studio.cli import main

SHAPE = (1, 3, 16, 16)


@pytest.fixture(scope="module")
def two_models(tmp_path_factory) -> dict:
    """Two different small models: a conv net as .pte and an MLP as .onnx, same input shape."""
    import torch
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    folder = tmp_path_factory.mktemp("together")
    torch.manual_seed(0)
    conv = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(8, 5),
    ).eval()
    mlp = torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(3 * 16 * 16, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 5),
    ).eval()
    x = torch.randn(SHAPE)
    paths = {"pte": folder / "conv.pte", "onnx": folder / "mlp.onnx"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = to_edge_transform_and_lower(
            torch.export.export(conv, (x,)), partitioner=[XnnpackPartitioner()]
        ).to_executorch()
        paths["pte"].write_bytes(program.buffer)
        torch.onnx.export(
            mlp,
            (x,),
            str(paths["onnx"]),
            dynamo=False,
            opset_version=17,
            input_names=["image"],
            output_names=["logits"],
        )
    return paths


@pytest.fixture(scope="module")
def phone(adb_server, tmp_path_factory):
    from studio.devices.virtual import VirtualDevice

    device = VirtualDevice(adb_server=adb_server, sandbox=tmp_path_factory.mktemp("phone"))
    device.start()
    yield device
    device.stop()


def bench_json(capsys, *args) -> tuple[int, dict]:
    code = main(["bench", *map(str, args), "--json"])
    return code, json.loads(capsys.readouterr().out)


def overlapping(a: dict, b: dict) -> bool:
    return a["start_us"] < b["end_us"] and b["start_us"] < a["end_us"]


def check_together_runs(runs: list[dict], paths: list) -> None:
    assert [r["artifact"] for r in runs] == [str(p) for p in paths]
    assert [r["runtime"] for r in runs] == ["executorch", "onnxruntime"]
    for run, other in ((runs[0], runs[1]), (runs[1], runs[0])):
        together = run["together"]
        assert run["error"] is None
        assert together["with"] == [other["artifact"]]
        assert together["alone"]["p50_ms"] > 0 and run["stats"]["p50_ms"] > 0
        assert together["slowdown_p50"] == pytest.approx(
            run["stats"]["p50_ms"] / together["alone"]["p50_ms"], rel=0.01
        )
        assert together["slowdown_mean"] == pytest.approx(
            run["stats"]["mean_ms"] / together["alone"]["mean_ms"], rel=0.01
        )
        assert overlapping(together["window"], other["together"]["window"])
        assert together["overlap_s"] > 0
        assert together["overlap_s"] <= together["window"]["duration_s"]
    assert runs[0]["together"]["overlap_s"] == runs[1]["together"]["overlap_s"]


@pytest.mark.slow
def test_together_by_duration_and_exports(capsys, phone, two_models, tmp_path):
    paths = [two_models["pte"], two_models["onnx"]]
    csv_path, json_path = tmp_path / "t.csv", tmp_path / "t.json"
    code, doc = bench_json(
        capsys,
        *paths,
        "--device",
        phone.serial,
        "--together",
        "--duration",
        0.5,
        "--warmup",
        2,
        "--export",
        csv_path,
        "--export",
        json_path,
    )
    assert code == 0, doc
    runs = doc["runs"]
    check_together_runs(runs, paths)
    for run in runs:
        # each alone and together for the same duration: both phases measured
        assert run["together"]["alone_samples"] > 0 and run["samples"] > 0
        # the sensors during the together phase; no energy is one model's
        assert run["telemetry"]["samples"]
        assert "together" in run["energy"]["reason"]
    exported = json.loads(json_path.read_text())["runs"]
    for run, saved in zip(runs, exported, strict=True):
        assert saved["together"] == run["together"]
        assert len(saved["latencies_us"]) == run["samples"]
        assert len(saved["alone_latencies_us"]) == run["together"]["alone_samples"]
    with csv_path.open() as handle:
        rows = list(csv.DictReader(handle))
    for number, run in enumerate(runs, 1):
        mine = [r for r in rows if r["run"] == str(number)]
        phases = [r["phase"] for r in mine]
        assert phases.count("alone") == run["together"]["alone_samples"]
        assert phases.count("together") == run["samples"]


@pytest.mark.slow
def test_together_by_iterations_keeps_the_faster_going(capsys, phone, two_models):
    paths = [two_models["pte"], two_models["onnx"]]
    code, doc = bench_json(
        capsys, *paths, "--device", phone.serial, "--together", "--iterations", 60
    )
    assert code == 0, doc
    runs = doc["runs"]
    check_together_runs(runs, paths)
    for run in runs:
        assert run["together"]["alone_samples"] == 60
        assert run["samples"] >= 60  # every model measured its count while the other ran
        assert run["stopped"] is False  # ended by the studio at the count, not by a user
    # text output: the table of alone, together and slowdown
    code = main(["bench", *map(str, paths), "--device", phone.serial, "--together"])
    out = capsys.readouterr().out
    assert code == 0
    assert "together p50" in out and "slowdown" in out
    assert "conv.pte" in out and "mlp.onnx" in out


@pytest.mark.slow
def test_several_artifacts_without_together_run_one_after_another(capsys, phone, two_models):
    paths = [two_models["onnx"], two_models["pte"]]
    code, doc = bench_json(capsys, *paths, "--device", phone.serial, "--iterations", 20)
    assert code == 0
    assert [r["artifact"] for r in doc["runs"]] == [str(p) for p in paths]
    assert all(r["samples"] == 20 and "together" not in r for r in doc["runs"])
    first, second = (r for r in doc["runs"])
    assert first["runtime"] == "onnxruntime" and second["runtime"] == "executorch"


def test_bad_combinations_exit_2(capsys, tmp_path):
    a, b = tmp_path / "a.onnx", tmp_path / "b.onnx"
    other = tmp_path / "other"
    other.mkdir()
    same_name = other / "a.onnx"
    for path in (a, b, same_name):
        path.write_bytes(b"not checked before the combination")
    inputs = tmp_path / "x.npy"
    inputs.write_bytes(b"")
    cases = {
        "at least two artifacts": [a, "--device", "s1", "--together"],
        "one --device": [a, b, "--device", "s1", "--device", "s2", "--together"],
        "--inputs": [a, b, "--device", "s1", "--together", "--inputs", inputs],
        "are named a.onnx": [a, same_name, "--device", "s1", "--together"],
        "There is no file": [a, tmp_path / "missing.pte", "--device", "s1", "--together"],
    }
    for message, args in cases.items():
        code = main(["bench", *map(str, args)])
        err = capsys.readouterr().err
        assert code == 2, message
        assert message in err, err
        assert "Traceback" not in err
