"""Runtime profiles: bundled, generated from the installed runtimes, and strict about bad files."""

from __future__ import annotations

import json

import pytest

from studio.compat import (
    ProfileError,
    RuntimeProfile,
    available_runtimes,
    load_profile,
    load_profile_file,
    load_profiles,
    profile_of_installed,
)
from studio.compat.installed import ep_table


def test_bundled_profiles_cover_the_required_runtimes(required_runtimes):
    names = available_runtimes()
    assert set(names) >= set(required_runtimes)
    for profile in load_profiles():
        assert profile.name in names
        assert profile.formats and profile.title


def test_lite_profiles_state_their_bytecode_range():
    assert load_profile("pytorch-lite-v7").max_bytecode_version == 7
    assert load_profile("pytorch-lite-v8").max_bytecode_version == 8
    for name in ("pytorch-lite-v7", "pytorch-lite-v8"):
        profile = load_profile(name)
        assert profile.min_bytecode_version <= profile.max_bytecode_version
        assert "aten" in profile.operator_namespaces


def test_accelerator_tables_come_from_onnxruntime():
    nnapi = load_profile("ort-nnapi")
    assert nnapi.accelerator == "NNAPI"
    assert nnapi.accelerated_operators == ep_table("nnapi_supported_ops.md")
    assert "ai.onnx:Conv" in nnapi.accelerated_operators
    assert "ai.onnx:Cos" not in nnapi.accelerated_operators
    coreml = load_profile("ort-coreml")
    assert coreml.accelerated_operators == ep_table("coreml_supported_mlprogram_ops.md")


def test_installed_profiles_describe_the_installed_runtimes():
    import onnxruntime
    from executorch.runtime import Runtime

    ort = profile_of_installed("onnxruntime")
    assert ort.runtime_version == onnxruntime.__version__
    low, high = ort.operators["ai.onnx:Conv"]
    assert low <= 11 <= high
    assert ort.opsets["ai.onnx"][1] >= 17
    executorch = profile_of_installed("executorch")
    assert set(executorch.operators) == set(Runtime.get().operator_registry.operator_names)
    assert "aten::convolution.out" in executorch.operators
    assert "XnnpackBackend" in executorch.backends
    lite = profile_of_installed("pytorch-lite")
    assert lite.max_bytecode_version >= 8
    assert "aten::conv2d" in lite.operators


def test_unknown_installed_runtime():
    with pytest.raises(ProfileError, match="unknown installed runtime"):
        profile_of_installed("tflite")


def _generation_script():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "generate_runtime_profiles.py"
    spec = importlib.util.spec_from_file_location("generate_runtime_profiles", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# What a profile says that does not change with the installed packages' versions.
STABLE_FIELDS = (
    "name",
    "family",
    "formats",
    "accelerator",
    "fixed_shapes_required",
    "min_bytecode_version",
    "max_bytecode_version",
    "operator_namespaces",
    "backends",
)


def test_generation_script_writes_the_bundled_profiles(tmp_path):
    script = _generation_script()
    assert script.main(["--out", str(tmp_path)]) == 0
    written = {p.name: p for p in load_profiles(tmp_path)}
    assert set(written) == set(available_runtimes())
    for name, profile in written.items():
        bundled = load_profile(name)
        assert [getattr(profile, f) for f in STABLE_FIELDS] == [
            getattr(bundled, f) for f in STABLE_FIELDS
        ]
    # operator sets come from the installed runtimes
    executorch = profile_of_installed("executorch").operators
    assert written["executorch-portable"].operators == executorch
    assert written["ort-nnapi"].operators == profile_of_installed("onnxruntime").operators
    # --check compares the bundled files with what the installed packages give
    assert script.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "ort-cpu.json").write_text(load_profile("ort-nnapi").to_json())
    assert script.main(["--out", str(tmp_path), "--check"]) == 1


def test_round_trip_through_json(tmp_path):
    profile = load_profile("ort-nnapi")
    again = RuntimeProfile.from_dict(json.loads(profile.to_json()))
    assert again == profile
    path = tmp_path / "nnapi.json"
    path.write_text(profile.to_json())
    assert load_profile_file(path) == profile


def test_unknown_runtime_name_lists_the_known_ones():
    with pytest.raises(ProfileError, match="unknown runtime 'tflite-gpu'") as caught:
        load_profile("tflite-gpu")
    assert "ort-nnapi" in caught.value.hint


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"name": "x", "title": "X"}', "lacks family, formats"),
        (
            '{"name": "x", "title": "X", "family": "tflite", "formats": ["tflite"]}',
            "unknown family",
        ),
        (
            '{"name": "x", "title": "X", "family": "onnxruntime", "formats": ["onnx"], '
            '"opsets": {"ai.onnx": 13}}',
            "'opsets' must map",
        ),
        (
            '{"name": "x", "title": "X", "family": "pytorch-lite", "formats": ["ptl"], '
            '"max_bytecode_version": "seven"}',
            "'max_bytecode_version' must be an integer",
        ),
        (
            '{"name": "x", "title": "X", "family": "pytorch-lite", "formats": ["ptl"], '
            '"schema_version": 99}',
            "schema version 99",
        ),
    ],
)
def test_malformed_profile_files(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ProfileError, match=message):
        load_profile_file(path)


def test_missing_profile_file_and_folder(tmp_path):
    with pytest.raises(ProfileError, match="does not exist"):
        load_profile_file(tmp_path / "none.json")
    with pytest.raises(ProfileError, match="no runtime profiles"):
        available_runtimes(tmp_path / "empty")


def test_profile_named_differently_from_its_file(tmp_path):
    (tmp_path / "ort-cpu.json").write_text(load_profile("ort-nnapi").to_json())
    with pytest.raises(ProfileError, match="describes 'ort-nnapi'"):
        load_profile("ort-cpu", tmp_path)
