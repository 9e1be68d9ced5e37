"""``model-studio --self-test`` from a Python environment: verdicts, failures, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from studio.launcher import studio_command
from studio.selftest import CHECKS, PLOT_RENDERS, self_test
from studio.ui.qt_health import PROBE_PAIRS


def test_the_quick_checks_pass_here():
    doc = self_test(["resources", "adb", "torch"])
    assert doc["passed"] is True
    assert doc["frozen"] is False
    assert [c["name"] for c in doc["checks"]] == ["resources", "adb", "torch"]
    torch_facts = doc["checks"][2]["facts"]
    assert torch_facts["torch"].startswith("2.")
    assert doc["checks"][1]["facts"]["version"].startswith("Android Debug Bridge")


def test_the_environment_is_left_as_it_was(monkeypatch):
    monkeypatch.delenv("ANDROID_ADB_SERVER_PORT", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "minimal")
    self_test(["resources"])
    assert "ANDROID_ADB_SERVER_PORT" not in os.environ
    assert os.environ["QT_QPA_PLATFORM"] == "minimal"


def test_missing_resources_fail_their_check_with_a_plain_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_STUDIO_RESOURCES", str(tmp_path))
    doc = self_test(["resources", "torch"])
    assert doc["passed"] is False
    resources, torch_check = doc["checks"]
    assert resources["passed"] is False
    assert str(tmp_path) in resources["error"] and "digits_cnn.safetensors" in resources["error"]
    assert "traceback" not in resources  # a known failure, said plainly
    assert torch_check["passed"] is True  # one failure does not stop the others


def test_a_broken_adb_is_reported_not_raised(tmp_path, monkeypatch):
    fake = tmp_path / "adb"
    fake.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MODEL_STUDIO_ADB", str(fake))
    (entry,) = self_test(["adb"])["checks"]
    assert entry["passed"] is False
    assert "exited 3" in entry["error"] and "broken" in entry["error"]


def test_every_check_has_a_name_and_the_demo_comes_last():
    assert list(CHECKS)[-1] == "demo"
    assert {"resources", "adb", "torch", "worker", "window", "plots", "demo"} == set(CHECKS)


@pytest.mark.slow
def test_the_plots_check_paints_a_latency_plot_thousands_of_times():
    (entry,) = self_test(["plots"])["checks"]
    assert entry["passed"] is True, entry.get("error")
    assert entry["facts"]["renders"] == PLOT_RENDERS >= 1000
    assert entry["facts"]["probe_none_references_lost"] < PROBE_PAIRS


@pytest.mark.slow
def test_cli_prints_one_json_verdict_and_exits_by_it(tmp_path):
    env = dict(os.environ, MODEL_STUDIO_SELF_TEST_ONLY="resources")
    done = subprocess.run(
        studio_command("--self-test"), capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["passed"] is True and [c["name"] for c in doc["checks"]] == ["resources"]

    env["MODEL_STUDIO_RESOURCES"] = str(tmp_path)
    done = subprocess.run(
        studio_command("--self-test"), capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["passed"] is False


def test_studio_command_runs_this_interpreter_unfrozen():
    command = studio_command("worker")
    # -P: the current folder (maybe a Downloads folder with a model) is not on sys.path
    assert command == [sys.executable, "-P", "-m", "studio", "worker"]
