"""One definition of the artifact formats: every suffix, title, runtime and sniffed kind
comes from studio.registry."""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

import pytest

from studio import artifacts as registry
from studio.agent import capabilities
from studio.compat import operators
from studio.convert import recipe
from studio.convert.targets import get_target
from studio.model import loaded
from studio.model.formats import detect_format
from studio.runtimes import RUNTIMES, SUFFIX_RUNTIMES, runner_class, runtime_for

STUDIO = Path(__file__).resolve().parents[2] / "studio"


def test_every_target_takes_its_suffix_and_title_from_the_registry():
    assert tuple(registry.FORMATS) == recipe.TARGETS
    for name, form in registry.FORMATS.items():
        target = get_target(name)
        assert (target.name, target.suffix, target.title) == (name, form.suffix, form.title)
        assert recipe.TARGET_SUFFIXES[name] == form.suffix
        assert recipe.TARGET_TITLES[name] == form.title
        assert operators.KIND_TITLES[name] == form.description


def test_every_runner_runs_the_suffixes_the_registry_gives_its_runtime():
    assert {f.suffix: f.runtime for f in registry.FORMATS.values()} == SUFFIX_RUNTIMES
    for form in registry.FORMATS.values():
        assert runtime_for(f"model{form.suffix}") == form.runtime
        for implementation in RUNTIMES[form.runtime]:
            module_name, class_name = implementation.runner.split(":")
            module = __import__(module_name, fromlist=[class_name])
            assert form.suffix in getattr(module, class_name).suffixes
    assert runner_class("eager").suffixes == ()


def test_no_runner_or_target_spells_a_suffix_or_title_itself():
    """The registry is the only place a format's suffix and title are written down."""
    spelled = {f.suffix for f in registry.FORMATS.values()} | {
        f.title for f in registry.FORMATS.values()
    }
    for folder in ("runtimes", "convert/targets"):
        for path in sorted((STUDIO / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                    assert not (names & {"suffix", "suffixes", "title"}), path
                    assert node.value.value not in spelled, (path, node.value.value)
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
                    names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                    assert "suffixes" not in names, path


def test_the_agent_serves_the_registry_runtimes_with_their_suffixes():
    assert capabilities.AGENT_RUNTIMES == registry.RUNTIMES
    entries = {e["name"]: e for e in capabilities.runtimes(with_operators=False)}
    assert list(entries) == list(registry.RUNTIMES)
    for runtime, entry in entries.items():
        assert entry["suffixes"] == list(registry.suffixes_of(runtime))
    assert entries["onnxruntime"]["suffixes"] == [".onnx", ".ort"]


def test_the_loader_names_artifact_formats_as_the_registry_does():
    opened = {f.name: f.model_format for f in registry.FORMATS.values() if f.model_format}
    assert opened == {
        "pt": loaded.TORCHSCRIPT,
        "ptl": loaded.PYTORCH_LITE,
        "pte": loaded.EXECUTORCH,
        "onnx": loaded.ONNX,
        "ort": loaded.ORT,
    }
    inspect_only = {loaded.PYTORCH_LITE, loaded.EXECUTORCH, loaded.ONNX, loaded.ORT}
    assert inspect_only == loaded.INSPECT_ONLY_FORMATS
    for form in registry.FORMATS.values():
        if form.model_format:
            assert form.suffix in registry.MODEL_SUFFIXES


@pytest.mark.slow  # builds a real artifact of each format (ExecuTorch lowering)
def test_a_real_file_of_each_format_is_sniffed_as_the_registry_names_it(artifacts):
    """Both readers (the checker's and the loader's) go through the same sniffer; the file's
    name plays no part, so each file is copied under a name that says nothing."""
    assert set(artifacts) == set(registry.FORMATS)
    for name, path in artifacts.items():
        anonymous = path.with_name(f"anonymous-{name}.bin")
        anonymous.write_bytes(path.read_bytes())
        assert registry.sniff(anonymous) == name
        assert operators.detect_kind(anonymous) == name
        model_format = registry.FORMATS[name].model_format
        if model_format is not None:
            assert detect_format(anonymous).format == model_format


def test_non_artifacts_are_named_apart_from_the_formats(tmp_path):
    state = tmp_path / "weights"
    with zipfile.ZipFile(state, "w") as archive:
        archive.writestr("weights/data.pkl", b"\x80\x02}q\x00.")
        archive.writestr("weights/version", b"3\n")
    exported = tmp_path / "program"
    with zipfile.ZipFile(exported, "w") as archive:
        archive.writestr("program/archive_format", b"pt2")
    other = tmp_path / "photos"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("cat.jpg", b"\xff\xd8")
    flatbuffer = tmp_path / "lite"
    flatbuffer.write_bytes(b"\x18\x00\x00\x00PTMF" + bytes(8))
    damaged = tmp_path / "damaged"
    damaged.write_bytes(b"PK\x03\x04" + bytes(12))

    assert registry.sniff(state) == registry.TORCH_SAVE
    assert registry.sniff(exported) == registry.EXPORTED_PROGRAM
    assert registry.sniff(other) == registry.ZIP
    assert registry.sniff(flatbuffer) == registry.LITE_FLATBUFFER
    with pytest.raises(registry.DamagedArchive):
        registry.sniff(damaged)
    for path in (state, exported, other):
        with pytest.raises(Exception, match="PyTorch checkpoint, not a converted model"):
            operators.detect_kind(path)
    assert detect_format(state).format == "torch_pickle"
    assert detect_format(exported).format == loaded.EXPORTED_PROGRAM


def test_an_onnx_model_without_a_producer_is_still_onnx(tmp_path):
    """ONNX writers put ir_version first; what follows may be the model version or the doc
    string when there is no producer name (the checker once went by the file's name here)."""
    for second in (b"\x28\x01", b"\x32\x00", b"\x3a\x00", b"\x12\x00"):
        path = tmp_path / "model"
        path.write_bytes(b"\x08\x0a" + second + bytes(12))
        assert registry.sniff(path) == "onnx"
    text = tmp_path / "notes.onnx"
    text.write_bytes(b"these are notes, not a model")
    assert registry.sniff(text) is None


def test_the_window_offers_the_registry_runtimes_and_formats():
    from studio.ui import state
    from studio.ui.tabs import latency_tab, model_tab

    assert ("auto", *registry.RUNTIMES) == latency_tab.RUNTIMES
    assert state.CONVERTED_FORMATS == registry.INSPECT_ONLY_MODEL_FORMATS
    offered = model_tab.MODEL_FILTER.split(";;")[0]
    assert all(f"*{suffix}" in offered.split("(")[1] for suffix in registry.MODEL_SUFFIXES)
