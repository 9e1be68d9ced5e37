"""The window's conversion refuses a labelled folder the model cannot judge before it
builds any target (the conversion job runs in the real worker process)."""

from __future__ import annotations

from small_models import save_four_classes
from ui_helpers import wait_done

from studio.convert.recipe import OutputSettings, Recipe, VerifySettings
from studio.errors import InputError
from studio.model import sample
from studio.model.inputs import InputSpec


def test_the_conversion_job_refuses_before_building(qtbot, worker, tmp_path):
    model = tmp_path / "four.pt"
    save_four_classes(model)
    out = tmp_path / "out"
    recipe = Recipe(
        targets=["pt", "onnx"],
        input=InputSpec.single((1, 3, 32, 32)),
        output=OutputSettings(folder=str(out), name="four"),
        verify=VerifySettings(samples=2, latency_runs=0, labelled=str(sample.images_dir())),
    ).to_dict()
    recipe["model"] = {"path": str(model)}
    job = worker.submit("convert", {"recipe": recipe})
    stages = []
    job.progress.connect(lambda event: stages.append(event["stage"]))
    wait_done(qtbot, job)
    assert isinstance(job.error, InputError), job.error
    assert "4 outputs" in job.error.message
    assert "verification data" in stages
    assert not [s for s in stages if s.startswith(("build", "verify"))], stages
    assert not out.exists()
