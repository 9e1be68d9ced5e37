"""Operator profiles of a phone bundle's runtimes, computed here and read by the agent.

The profiles are computed in a real environment holding the bundle's package versions
(made from the package index on first use, then cached).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.agent import capabilities
from studio.compat.bundled import default_versions, write_bundle_profiles
from studio.compat.profiles import load_profile_file
from studio.errors import InputError


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("agent-profiles")
    return folder, write_bundle_profiles(folder, default_versions())


@pytest.mark.slow
def test_bundle_profiles_describe_the_bundles_runtime_versions(written):
    folder, paths = written
    assert paths == {
        "onnxruntime": folder / "onnxruntime.json",
        "executorch": folder / "executorch.json",
    }
    ort = load_profile_file(paths["onnxruntime"])
    assert ort.runtime_version == default_versions()["onnxruntime"]
    assert ort.opsets["ai.onnx"][1] >= 17 and "ai.onnx:Conv" in ort.operators
    pte = load_profile_file(paths["executorch"])
    assert pte.runtime_version == "1.3.1"  # the ExecuTorch that executorch-numpy-runtime runs
    assert pte.backends == ["XnnpackBackend"] and pte.accelerator == "XNNPACK"
    assert "aten::convolution.out" in pte.operators
    assert "executorch-numpy-runtime 1.4.0" in pte.source
    for profile in (ort, pte):
        assert any("aarch64 build of the same version" in note for note in profile.notes)


@pytest.mark.slow
def test_bundle_profiles_are_the_same_bytes_when_computed_again(written, tmp_path):
    folder, paths = written
    again = write_bundle_profiles(tmp_path, default_versions())
    for runtime, path in paths.items():
        assert again[runtime].read_bytes() == path.read_bytes()


def test_a_package_the_bundle_does_not_carry_is_refused(tmp_path):
    with pytest.raises(InputError, match="torch"):
        write_bundle_profiles(tmp_path, {"torch": "2.10.0"})
    assert list(tmp_path.iterdir()) == []


def _ship(folder, runtime: str, version: str) -> None:
    from studio.compat.profiles import ONNXRUNTIME, RuntimeProfile

    profile = RuntimeProfile(
        name="onnxruntime-bundle",
        title="shipped",
        family=ONNXRUNTIME,
        formats=["onnx", "ort"],
        runtime_version=version,
        operators={"ai.onnx:Relu": [1, 14]},
    )
    (folder / f"{runtime}.json").write_text(profile.to_json(), encoding="utf-8")


def test_agent_uses_a_shipped_profile_only_for_the_version_it_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(capabilities.PROFILES_ENV, str(tmp_path))
    running = capabilities.runtime_version("onnxruntime")
    _ship(tmp_path, "onnxruntime", running)
    assert capabilities.shipped_profile("onnxruntime").operators == {"ai.onnx:Relu": [1, 14]}
    _ship(tmp_path, "onnxruntime", "1.0.0")  # a bundle whose onnxruntime was replaced
    assert capabilities.shipped_profile("onnxruntime") is None
    (tmp_path / "onnxruntime.json").write_text(json.dumps({"name": 3}), encoding="utf-8")
    assert capabilities.shipped_profile("onnxruntime") is None  # malformed: computed instead
    assert capabilities.shipped_profile("executorch") is None  # none shipped


def test_shipped_profiles_lie_beside_the_studio_package_by_default(monkeypatch):
    import studio

    monkeypatch.delenv(capabilities.PROFILES_ENV, raising=False)
    expected = Path(studio.__file__).resolve().parents[1] / "agent-profiles"
    assert capabilities.shipped_profiles_dir() == expected
