"""Opening real model files of every supported format."""

from __future__ import annotations

import pytest
import torch

from studio.errors import ArchitectureError, TrustRequired
from studio.model import load_model, require_module
from studio.model import loaded as fmt
from studio.model.describe import describe
from studio.model.formats import detect_format


def test_resnet18_state_dict_is_detected_exactly(resnet18_state):
    model = load_model(resnet18_state)
    assert model.format == fmt.STATE_DICT
    assert model.architecture == "resnet18"
    assert model.candidates[0].name == "resnet18" and model.candidates[0].score == 1.0
    assert model.candidates[1].score < 1.0
    desc = describe(model)
    assert desc.parameters == 11_689_512
    assert desc.outputs[0]["shape"] == [1, 1000]
    assert desc.imagenet_classifier and len(model.labels) == 1000
    assert desc.flops and 3.5e9 < desc.flops < 3.8e9  # 1.8 GMACs at 224x224


def test_weights_really_loaded(resnet18_state):
    model = load_model(resnet18_state)
    saved = torch.load(resnet18_state, weights_only=True)
    assert torch.equal(model.module.conv1.weight, saved["conv1.weight"])
    assert not model.module.training


def test_mobilenet_v3_small_state_dict(mbv3_state):
    model = load_model(mbv3_state)
    assert model.architecture == "mobilenet_v3_small"
    assert describe(model, dry_run=False).parameters == 2_542_856


def test_lightning_checkpoint_prefixes_are_stripped(lightning_ckpt):
    model = load_model(lightning_ckpt)
    assert model.format == fmt.CHECKPOINT
    assert model.architecture == "mobilenet_v3_small"
    assert any("state_dict" in note for note in model.notes)
    assert any("'model.'" in note for note in model.notes)


def test_safetensors_with_inferred_num_classes(safetensors_file):
    model = load_model(safetensors_file)
    assert model.format == fmt.SAFETENSORS
    assert model.architecture == "resnet18"
    assert model.candidates[0].kwargs == {"num_classes": 10}
    assert describe(model).outputs[0]["shape"] == [1, 10]


def test_torchscript(torchscript_file):
    model = load_model(torchscript_file, input_shape=(1, 3, 96, 96))
    assert model.format == fmt.TORCHSCRIPT
    assert isinstance(model.module, torch.jit.ScriptModule)
    assert describe(model).outputs[0]["shape"] == [1, 1000]


def test_exported_program_knows_its_input(exported_program_file):
    model = load_model(exported_program_file)
    assert model.format == fmt.EXPORTED_PROGRAM
    assert model.input_spec.shape == (1, 3, 96, 96)
    assert describe(model).outputs[0]["shape"] == [1, 1000]


def test_onnx_is_described(onnx_file):
    model = load_model(onnx_file)
    desc = describe(model)
    assert model.format == fmt.ONNX and model.module is None
    assert desc.inputs[0]["name"] == "image" and desc.inputs[0]["shape"] == [1, 3, 96, 96]
    assert desc.outputs[0]["shape"] == [1, 1000]
    assert desc.parameters > 2_000_000
    assert "Conv" in desc.layer_types
    assert desc.details["opsets"]["ai.onnx"] >= 13


def test_pte_is_described(pte_file):
    model = load_model(pte_file)
    desc = describe(model)
    assert model.format == fmt.EXECUTORCH
    assert desc.details["methods"] == ["forward"]
    assert desc.inputs[0]["shape"] == [1, 3, 8, 8]
    assert desc.outputs[0]["shape"] == [1, 5]


def test_ptl_is_described(ptl_file):
    model = load_model(ptl_file)
    desc = describe(model)
    assert model.format == fmt.PYTORCH_LITE
    assert desc.details["bytecode_version"] >= 6
    assert "aten::conv2d" in desc.details["operators"]


def test_inspect_only_formats_cannot_be_converted(onnx_file):
    with pytest.raises(Exception, match="needs the PyTorch model"):
        require_module(load_model(onnx_file))


def test_format_comes_from_content_not_name(tmp_path, onnx_file, resnet18_state):
    disguised = tmp_path / "model.safetensors"
    disguised.write_bytes(onnx_file.read_bytes())
    assert detect_format(disguised).format == fmt.ONNX
    disguised2 = tmp_path / "weights.onnx"
    disguised2.write_bytes(resnet18_state.read_bytes())
    assert load_model(disguised2).architecture == "resnet18"


def test_factory_spec_third_party(tmp_path, thirdparty_package, monkeypatch):
    monkeypatch.syspath_prepend(str(thirdparty_package))
    import acme_nets.nets as nets

    weights = tmp_path / "tiny.pt"
    torch.save(nets.TinyNet.from_name("lite1", num_classes=3).state_dict(), weights)
    with pytest.raises(TrustRequired):  # importing and calling it runs the package's code
        load_model(weights, arch="acme_nets.nets:TinyNet.from_name", arch_args=["lite1"])
    model = load_model(
        weights,
        arch="acme_nets.nets:TinyNet.from_name",
        arch_args=["lite1"],
        arch_kwargs={"num_classes": 3},
        trust=True,
    )
    assert model.architecture == "acme_nets.nets:TinyNet.from_name"
    assert describe(model).outputs[0]["shape"] == [1, 3]
    # auto-detection does not pretend to know it
    unknown = load_model(weights)
    assert unknown.module is None and all(c.score < 1 for c in unknown.candidates)
    with pytest.raises(ArchitectureError, match="unknown"):
        require_module(unknown)


def test_factory_spec_from_a_py_file_needs_trust(tmp_path, thirdparty_package):
    source = thirdparty_package / "acme_nets" / "nets.py"
    weights = tmp_path / "tiny.pt"
    import importlib.util

    spec = importlib.util.spec_from_file_location("scratch_nets", source)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    torch.save(mod.TinyNet(8).state_dict(), weights)
    with pytest.raises(TrustRequired) as err:
        load_model(weights, arch=f"{source}:TinyNet", arch_args=[8])
    assert "--trust" in err.value.hint
    model = load_model(weights, arch=f"{source}:TinyNet", arch_args=[8], trust=True)
    assert model.module is not None


def test_wrong_architecture_reports_keys_and_shapes(resnet18_state):
    with pytest.raises(ArchitectureError) as err:
        load_model(resnet18_state, arch="resnet34")
    assert "missing" in err.value.message and "layer1.2" in err.value.message
    with pytest.raises(ArchitectureError) as err:
        load_model(resnet18_state, arch="mobilenet_v3_small")
    assert "unexpected" in err.value.message


def test_num_classes_conflict_is_explained(safetensors_file):
    with pytest.raises(ArchitectureError) as err:
        load_model(safetensors_file, arch="resnet18", arch_kwargs={"num_classes": 1000})
    assert "fc.weight: file [10, 512] vs model [1000, 512]" in err.value.message


def test_pickled_module_needs_trust(tmp_path):
    path = tmp_path / "whole.pt"
    torch.save(torch.nn.Sequential(torch.nn.Linear(4, 2)), path)
    with pytest.raises(TrustRequired) as err:
        load_model(path)
    assert "torch.nn.modules.container.Sequential" in err.value.message
    model = load_model(path, trust=True, input_shape=(1, 4))
    assert model.format == fmt.PICKLED_MODULE
    assert describe(model).outputs[0]["shape"] == [1, 2]


def test_detection_and_segmentation_catalogue(tmp_path):
    from torchvision import models

    det = tmp_path / "det.pt"
    torch.save(
        models.detection.fasterrcnn_mobilenet_v3_large_320_fpn(
            weights=None, weights_backbone=None, num_classes=3
        ).state_dict(),
        det,
    )
    model = load_model(det)
    assert model.architecture.startswith("fasterrcnn_mobilenet_v3_large")
    assert model.candidates[0].kwargs == {"num_classes": 3}
    assert any("equally well" in note for note in model.notes)  # the 320 and full-size twins
    assert describe(model).outputs[0]["name"] == "output[0].boxes"

    seg = tmp_path / "seg.pt"
    torch.save(
        models.segmentation.lraspp_mobilenet_v3_large(
            weights=None, weights_backbone=None, num_classes=5
        ).state_dict(),
        seg,
    )
    model = load_model(seg)
    assert model.architecture == "lraspp_mobilenet_v3_large"
    assert describe(model).outputs[0]["shape"] == [1, 5, 224, 224]


def test_auxiliary_heads_follow_the_checkpoint(tmp_path):
    from torchvision import models

    path = tmp_path / "inception.pt"
    torch.save(
        models.inception_v3(weights=None, aux_logits=False, init_weights=False).state_dict(), path
    )
    model = load_model(path)
    assert model.architecture == "inception_v3"
    assert model.candidates[0].kwargs == {"aux_logits": False}
    assert model.input_spec.shape == (1, 3, 299, 299)


def test_torchscript_written_by_the_studio_knows_its_input(tmp_path):
    import json

    from studio.model.inputs import InputSpec
    from studio.runtimes.base import METADATA_NAME

    spec = InputSpec.single((1, 3, 40, 40))
    path = tmp_path / "net.pt"
    scripted = torch.jit.script(torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3)).eval())
    torch.jit.save(
        scripted,
        str(path),
        _extra_files={METADATA_NAME: json.dumps({"input_spec": spec.to_dict()})},
    )
    model = load_model(path)
    assert model.input_spec.shape == (1, 3, 40, 40)
    assert "input_assumed" not in model.metadata
    assert describe(model).outputs[0]["shape"] == [1, 2, 38, 38]
