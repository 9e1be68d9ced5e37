"""The window never imports the model stack, even after it was built and used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget
from studio.ui.app import create_app
app = create_app("")
from studio.ui.main_window import MainWindow
from studio.ui.settings import Settings
from studio.convert.report import ConversionReport
window = MainWindow(settings=Settings(sys.argv[1]))
window.show()
window.worker.start()
window.model_tab.open_sample()
steps = []

def tick():
    tab = window.model_tab
    if not steps and window.state.model_ready:
        steps.append("opened")
        tab.classify()
    elif steps == ["opened"] and tab.classify_job is not None and tab.classify_job.done:
        steps.append("classified")
        with open(sys.argv[2]) as report:  # converted artifacts: the later tabs have work
            window.state.set_conversion(ConversionReport.from_dict(json.load(report)))
        for key in ("convert", "compat", "devices", "latency"):
            window.tab(key)  # built, even while disabled (Latency: no phone here)
        for key in ("convert", "compat", "devices", "latency", "model"):
            window.go_to(key)
        window.convert_tab.recipe_changed()
        window.show_about()
    elif (steps == ["opened", "classified"] and "torch:" in window.about_box.informativeText()
          and window.compat_tab.job is not None and window.compat_tab.job.done):
        tabs = sorted({type(w).__name__ for w in window.findChildren(QWidget)
                       if type(w).__name__.endswith("Tab")})  # those built
        heavy = sorted(m for m in ("torch", "executorch", "onnxruntime", "onnx")
                       if m in sys.modules)
        print(json.dumps({"heavy": heavy, "top": tab.top_table.rowCount(),
                          "pyside": "PySide6" in sys.modules, "tabs": tabs,
                          "checked": window.compat_tab.grid.rowCount(),
                          "to_measure": window.latency_tab.artifact_list.count(),
                          "to_push": len(window.devices_tab.checked_artifacts())}))
        window.shutdown()
        app.quit()

timer = QTimer()
timer.timeout.connect(tick)
timer.start(50)
QTimer.singleShot(150_000, app.quit)
app.exec()
"""


@pytest.mark.slow
def test_the_window_never_imports_the_model_stack(tmp_path, adb_server, sample_artifacts):
    report = tmp_path / "conversion.json"
    report.write_text(json.dumps(sample_artifacts.to_dict(), default=str))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "settings.ini"), str(report)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    assert lines, out.stderr[-3000:]
    doc = json.loads(lines[-1])
    assert doc["pyside"] and doc["top"] == 5  # the window was used, through the worker
    # Every tab was built and has the artifacts: Compatibility checked them all.
    assert doc["tabs"] == ["CompatTab", "ConvertTab", "DevicesTab", "LatencyTab", "ModelTab"]
    artifacts = len(sample_artifacts.artifacts)
    assert doc["checked"] == doc["to_measure"] == doc["to_push"] == artifacts
    assert doc["heavy"] == []


def test_the_library_outside_the_ui_has_no_qt():
    code = (
        "import sys, studio.jobs.worker, studio.jobs.handlers, studio.cli.worker, "
        "studio.devices.discovery, studio.devices.transfer, studio.agent.bench\n"
        "print([m for m in ('PySide6', 'pyqtgraph', 'torch') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
