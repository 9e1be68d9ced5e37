"""An ONNX Runtime (.ort) file opened on the Model tab is a converted artifact like the
others: described, added to the artifacts, and pointed to the tabs that use it."""

from __future__ import annotations

from ui_helpers import wait_done

from studio.model import sample


def _ort(sample_artifacts):
    return next(a.path for a in sample_artifacts.artifacts if a.path.suffix == ".ort")


def test_an_ort_file_is_described_as_a_converted_model(sample_artifacts, tmp_path):
    from studio.model import load_model
    from studio.model.describe import describe

    anonymous = tmp_path / "model.bin"  # recognised from its bytes, not its name
    anonymous.write_bytes(_ort(sample_artifacts).read_bytes())
    desc = describe(load_model(anonymous))
    assert desc.format == "onnx_runtime"
    assert [t["shape"] for t in desc.inputs] == [list(sample.INPUT_SHAPE)]
    assert desc.inputs[0]["dtype"] == "float32"
    assert desc.outputs and desc.outputs[0]["shape"][-1] == 10


def test_the_model_tab_opens_an_ort_file_as_a_converted_artifact(qtbot, window, sample_artifacts):
    ort = _ort(sample_artifacts)
    job = wait_done(qtbot, window.open_model({"path": str(ort)}))
    assert job.error is None, job.error
    tab = window.model_tab
    assert window.state.model_kind == "converted"
    assert "already converted" in tab.guide.text()
    assert "Compatibility tab" in tab.guide.text() and "Latency tab" in tab.guide.text()
    assert "onnx runtime" in tab.summary_labels["format"].text().lower()
    assert "float32" in tab.summary_labels["inputs"].text()
    assert [(a.path, a.target) for a in window.state.artifacts] == [(ort, "ort")]
