from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from studio.errors import InputError
from studio.model.inputs import (
    InputSpec,
    Preprocess,
    load_image,
    load_sample_folder,
    load_samples,
    parse_shape,
    random_inputs,
)


def test_parse_shape():
    assert parse_shape("1,3,224,224") == (1, 3, 224, 224)
    assert parse_shape("1x3x64x64") == (1, 3, 64, 64)
    for bad in ("", "1,0", "a,b", "-1,3"):
        with pytest.raises(InputError):
            parse_shape(bad)


def test_image_preprocessing_matches_torchvision_style():
    from sklearn.datasets import load_sample_images

    china = load_sample_images().images[0]  # 427x640 RGB
    path_like = Image.fromarray(china)
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        path_like.save(f.name)
        array = load_image(f.name, Preprocess(), (1, 3, 224, 224))
    assert array.shape == (1, 3, 224, 224) and array.dtype == np.float32
    # normalised with ImageNet statistics: roughly zero-centred, unit spread
    assert -1.5 < array.mean() < 1.5 and 0.3 < array.std() < 2.0


def test_folder_of_tensors_and_random(tmp_path):
    spec = InputSpec.single((1, 4))
    np.save(tmp_path / "a.npy", np.ones((3, 4), dtype=np.float32))
    torch.save(torch.zeros(1, 4), tmp_path / "b.pt")
    samples = load_sample_folder(tmp_path, spec)
    assert len(samples) == 4 and samples.source == "tensors" and not samples.low_fidelity
    rnd = random_inputs(spec, 5)
    assert len(rnd) == 5 and rnd.low_fidelity
    assert load_samples(None, spec, 2).source == "random"


def test_empty_and_mismatched_folders(tmp_path):
    spec = InputSpec.single((1, 3, 8, 8))
    with pytest.raises(InputError, match="no images"):
        load_sample_folder(tmp_path, spec)
    np.save(tmp_path / "wrong.npy", np.ones((2, 2), dtype=np.float32))
    with pytest.raises(InputError, match="does not fit"):
        load_sample_folder(tmp_path, spec)
    with pytest.raises(InputError, match="does not exist"):
        load_sample_folder(tmp_path / "missing", spec)
