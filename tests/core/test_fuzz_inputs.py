"""Hostile files of every format the studio reads, through its real entry points.

Valid files are made from the bundled sample model, then damaged: random bytes, truncation,
flipped bits, overwritten spans, archive members damaged behind a valid checksum, recipe
values of the wrong type or range. Each damaged file goes, without trust, through what the
studio does with that format: open the model (``load_model``), read its operators and check
them (``model-studio check``), parse and validate a recipe, read a folder of images. Every
outcome must be a success or a StudioError meaning bad input (exit code 2): never another
exception, a crash or a hang. The cases are seeded, so a failure repeats.
"""

from __future__ import annotations

import io
import math
import pickle
import random
import time
import traceback
import warnings
import zipfile
from pathlib import Path

import pytest
import tomllib

from studio.errors import EXIT_BAD_INPUT, StudioError

SEED = 20261201
CASES_PER_FORMAT = 24  # 13 formats: a little over 300 cases in all
CASE_SECONDS = 30.0  # a generous bound on one case, checked after it returns


# --- valid seed files ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, Path]:
    """One valid file per format, made from the sample model."""
    import torch

    from studio.convert.recipe import (
        ModelSource,
        OutputSettings,
        QuantizeSettings,
        Recipe,
        VerifySettings,
    )
    from studio.model import sample
    from studio.model.loader import load_model

    folder = tmp_path_factory.mktemp("fuzz-seeds")
    loaded = load_model(sample.weights_path())
    module, spec = loaded.module, loaded.input_spec
    example = (torch.randn(sample.INPUT_SHAPE),)
    state = module.state_dict()
    files = {"safetensors": sample.weights_path()}

    files["state_dict"] = folder / "state.pt"
    torch.save(state, files["state_dict"])
    files["legacy"] = folder / "legacy.pt"
    torch.save(state, files["legacy"], _use_new_zipfile_serialization=False)
    files["pickle"] = folder / "plain.pkl"
    files["pickle"].write_bytes(pickle.dumps({k: v.numpy() for k, v in state.items()}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scripted = torch.jit.trace(module, example)
        files["torchscript"] = folder / "model.pt"
        scripted.save(str(files["torchscript"]))
        files["lite"] = folder / "model.ptl"
        scripted._save_for_lite_interpreter(str(files["lite"]))
        files["onnx"] = folder / "model.onnx"
        torch.onnx.export(module, example, str(files["onnx"]), dynamo=False)
    files["exported"] = folder / "model.pt2"
    torch.export.save(torch.export.export(module, example), str(files["exported"]))
    files["ort"] = _ort_from_onnx(files["onnx"], folder / "model.ort")
    files["pte"] = _pte(module, example, folder / "model.pte")
    files["png"] = sorted((sample.images_dir() / "3").glob("*.png"))[0]
    recipe = Recipe(
        model=ModelSource(path="model.safetensors", arch="digits_cnn"),
        input=spec,
        targets=["pte", "onnx"],
        quantize=QuantizeSettings(mode="static", calibration="calib", samples=16),
        verify=VerifySettings(data="images", samples=4, latency_runs=2, min_cosine=0.9),
        output=OutputSettings(folder="out", name="digits"),
    )
    files["recipe"] = folder / "recipe.toml"
    files["recipe"].write_text(recipe.dumps())
    return files


def _ort_from_onnx(onnx_path: Path, ort_path: Path) -> Path:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.optimized_model_filepath = str(ort_path)
    options.add_session_config_entry("session.save_model_format", "ORT")
    options.log_severity_level = 3
    onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    return ort_path


def _pte(module, example, path: Path) -> Path:
    import torch
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    program = to_edge_transform_and_lower(
        torch.export.export(module, example), partitioner=[XnnpackPartitioner()]
    )
    path.write_bytes(program.to_executorch().buffer)
    return path


# --- what the studio does with each format ------------------------------------------------


def open_model(path: Path) -> None:
    from studio.model.loader import load_model

    load_model(path)


def check_artifact(path: Path) -> None:
    from studio.compat import check, detect_kind, runtimes_to_check

    check(path, runtimes_to_check(detect_kind(path)))


def read_recipe(path: Path) -> None:
    from studio.convert.recipe import Recipe

    Recipe.load(path).validate(check_files=False)


def read_images(path: Path) -> None:
    from studio.model import sample
    from studio.model.inputs import InputSpec, Preprocess, load_sample_folder

    pre = Preprocess(resize=32, crop=32, grayscale=True, mean=sample.MEAN, std=sample.STD)
    load_sample_folder(path.parent, InputSpec.single(sample.INPUT_SHAPE, preprocess=pre))


READERS = {
    "state_dict": [open_model],
    "legacy": [open_model],
    "pickle": [open_model],
    "safetensors": [open_model],
    "torchscript": [open_model, check_artifact],
    "lite": [open_model, check_artifact],
    "exported": [open_model],
    "onnx": [open_model, check_artifact],
    "ort": [check_artifact],
    "pte": [open_model, check_artifact],
    "png": [read_images],
    "recipe": [read_recipe],
}


# --- damage ------------------------------------------------------------------------------


def random_bytes(rng: random.Random, data: bytes) -> bytes:
    return rng.randbytes(rng.randrange(1, 2 * len(data)))


def random_after_magic(rng: random.Random, data: bytes) -> bytes:
    return data[:8] + rng.randbytes(rng.randrange(1, len(data) + 1))


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def flip_bits(rng: random.Random, data: bytes, span: int | None = None) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(min(span or len(out), len(out)))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def flip_header_bits(rng: random.Random, data: bytes) -> bytes:
    return flip_bits(rng, data, span=256)


def overwrite_span(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    size = rng.randint(1, 64)
    return data[:start] + rng.randbytes(size) + data[start + size :]


def damage_member(rng: random.Random, data: bytes) -> bytes:
    """Rewrite the archive with one member damaged: its checksum is valid, its content not."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            content = source.read(name)
            if name == victim and len(content) > 1:
                content = rng.choice([truncate, flip_bits, overwrite_span])(rng, content)
            target.writestr(name, content)
    return out.getvalue()


HOSTILE_VALUES = [
    5,
    -5,
    0,
    2**63 - 1,
    -(2**63),
    1.5,
    math.nan,
    math.inf,
    "",
    "x" * 300,
    "a\x00b",
    "../../escape",
    True,
    [],
    [1, 3, -5, 224],
    [1, 3, 100000, 100000],
    [1, 3, 0, 224],
    [[1]],
    ["pte", 5],
    {},
    {"a": 1},
    {"name": "input", "shape": [1, 3, 224, 224], "dtype": "complex"},
]


def _paths(value, prefix=()):
    """Every key path in a nested table (lists of tables included)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield (*prefix, i)
                yield from _paths(item, (*prefix, i))


def hostile_value(rng: random.Random, data: bytes) -> bytes:
    """A recipe with one value replaced by one of the wrong type or range, or removed."""
    import tomli_w

    doc = tomllib.loads(data.decode())
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(list(_paths(doc)))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if rng.random() < 0.1 and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = rng.choice(HOSTILE_VALUES)
    return tomli_w.dumps(doc).encode()


BYTE_DAMAGE = [random_bytes, random_after_magic, truncate, flip_bits, flip_header_bits]
DAMAGE = {
    **{name: [*BYTE_DAMAGE, overwrite_span] for name in READERS},
    **{
        name: [*BYTE_DAMAGE, damage_member, damage_member]
        for name in ("state_dict", "torchscript", "lite", "exported")
    },
    "recipe": [*BYTE_DAMAGE, hostile_value, hostile_value, hostile_value],
}


def cases(fmt: str, seed_file: Path):
    rng = random.Random(f"{SEED}-{fmt}")
    data = seed_file.read_bytes()
    yield "valid", data
    for i in range(CASES_PER_FORMAT - 1):
        damage = rng.choice(DAMAGE[fmt])
        yield f"{i}-{damage.__name__}", damage(rng, data)


# --- the test ----------------------------------------------------------------------------


def _outcome(reader, path: Path) -> str | None:
    """None when the reader succeeded or refused the file as bad input; else what went wrong."""
    start = time.monotonic()
    try:
        reader(path)
    except StudioError as exc:
        if exc.exit_code != EXIT_BAD_INPUT:
            return f"{type(exc).__name__} (exit code {exc.exit_code}): {exc.message}"
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = [f for f in frames[:-1] if "/studio/" in f.filename] + frames[-1:]
        lines = "".join(f"    {f.filename}:{f.lineno} {f.name}\n" for f in where)
        return f"{type(exc).__name__}: {str(exc)[:300]}\n{lines}"
    elapsed = time.monotonic() - start
    if elapsed > CASE_SECONDS:
        return f"took {elapsed:.0f} s"
    return None


@pytest.mark.timeout(300)
@pytest.mark.parametrize("fmt", list(READERS))
def test_damaged_files_are_refused_as_bad_input(fmt, seeds, tmp_path):
    suffix = seeds[fmt].suffix
    failures = []
    for case, data in cases(fmt, seeds[fmt]):
        folder = tmp_path / case  # a folder per case: the image reader reads a whole folder
        folder.mkdir()
        path = folder / f"case{suffix}"
        path.write_bytes(data)
        for reader in READERS[fmt]:
            problem = _outcome(reader, path)
            if problem:
                failures.append(f"{reader.__name__}({path}): {problem}")
    assert not failures, f"{len(failures)} of the {fmt} cases:\n" + "\n".join(failures)


def test_a_checkpoint_named_like_safetensors_is_read_by_its_content(seeds, tmp_path):
    """torch.load picks its reader by the file name; the studio reads what the bytes are."""
    from studio.model.loader import load_model

    path = tmp_path / "weights.safetensors"
    path.write_bytes(seeds["state_dict"].read_bytes())
    assert load_model(path).module is not None


def test_archive_member_names_that_are_not_text_are_bad_input(seeds, tmp_path):
    """A damage the cases above found: zip member names flagged UTF-8 that are not."""
    from studio.model.loader import load_model

    path = tmp_path / "names.pt"
    source = zipfile.ZipFile(seeds["state_dict"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name.replace("/", "é/", 1), source.read(name))
    path.write_bytes(out.getvalue().replace("é".encode(), b"\xff\xa9"))
    with pytest.raises(StudioError, match="damaged archive") as info:
        load_model(path)
    assert info.value.exit_code == EXIT_BAD_INPUT
