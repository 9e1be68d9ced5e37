"""One recipe in, verified artifacts out: load → capture/quantize/export → verify → publish.

Artifacts are built under hidden temporary names inside the output folder and renamed to
their final names only when every target has been built and verified. A failure or a
cancel removes what was built, so nothing half-written is ever left under a name a user
would take for a result.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from studio.convert.recipe import KEEP_FLOAT_AUTO, RANDOM_CALIBRATION, TARGET_TITLES, Recipe
from studio.convert.report import REPORT_NAME, ArtifactReport, ConversionReport, library_versions
from studio.errors import (
    Action,
    Cancelled,
    ConversionError,
    DiskFullError,
    InputError,
    RecipeError,
    TrustRequired,
)
from studio.fileio import out_of_space
from studio.model.inputs import InputSpec, SampleSet, default_preprocess_for, load_samples
from studio.progress import CancelToken, Progress, ProgressEvent, no_progress

log = logging.getLogger(__name__)

# Build order: ort reuses the onnx file, so onnx comes first.
BUILD_ORDER = ("pt", "ptl", "onnx", "ort", "pte")


class _Stages:
    """Times each stage and reports its start and end through the progress callback."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.records: list[dict] = []

    @contextmanager
    def stage(self, name: str, message: str = "") -> Iterator[None]:
        started = self.begin(name, message)
        yield
        self.end(name, started)

    def begin(self, name: str, message: str = "") -> float:
        self.progress(ProgressEvent(stage=name, fraction=0.0, message=message))
        return time.perf_counter()

    def end(self, name: str, started: float) -> None:
        seconds = time.perf_counter() - started
        self.records.append({"name": name, "seconds": round(seconds, 3)})
        self.progress(ProgressEvent(stage=name, fraction=1.0, message=f"{seconds:.1f} s"))


def convert(
    recipe: Recipe,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    model: Any = None,
    trust: bool = False,
) -> ConversionReport:
    """Run ``recipe``. ``model`` may be a LoadedModel or an nn.Module already in memory.

    ``trust`` is the caller's decision to run code the model file or its architecture
    needs (a pickled module, a factory spec). A recipe's own ``[model] trust`` only
    records an earlier decision and grants nothing; the report records this one.

    Returns the report (also written as ``report.json`` beside the artifacts). Raises a
    StudioError for bad input and unconvertible models, Cancelled when cancelled.
    """
    cancel = cancel or CancelToken()
    recipe.validate(model_in_memory=model is not None)
    recorded_trust = recipe.model.trust
    recipe = replace(recipe, model=replace(recipe.model, trust=trust))
    stages = _Stages(progress)

    with stages.stage("load", recipe.model.path or recipe.model.arch or ""):
        try:
            module, input_spec, labels, model_info = _load(recipe, model)
        except TrustRequired as exc:
            if recorded_trust:
                exc.hint = (
                    "the recipe records that it was trusted before, but trust is given each "
                    "time a conversion runs: " + (exc.hint or "add --trust")
                )
            raise
    cancel.check()

    with _explain_input_errors(module, input_spec):
        calibration = held_out = None
        if recipe.quantize.mode == "static":
            with stages.stage("calibration data"):
                calibration, held_out = _calibration(recipe, input_spec)
        verify_samples = labelled = None
        if recipe.verify.enabled:
            with stages.stage("verification data"):
                verify_samples, labelled = _verification_data(recipe, input_spec, held_out)
                if labelled is not None:
                    _check_labelled(module, input_spec, labelled, labels)
        cancel.check()

        out = recipe.output_folder
        created = first_missing(out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"the output folder {out} cannot be created ({exc.strerror})"
            ) from None
        sweep_stale_staging(out)
        # hidden names beside the finals keep each artifact's suffix (runners go by it)
        token = f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-"
        staged_paths: list[Path] = []
        try:
            from studio.convert.targets import get_target
            from studio.convert.targets.base import BuildContext

            context = BuildContext(
                recipe=recipe,
                module=module,
                input_spec=input_spec,
                calibration=calibration,
                progress=progress,
                cancel=cancel,
                labels=labels,
            )
            layer_plan = _layer_plan(recipe, context, verify_samples, labelled, labels, stages)
            if layer_plan is not None:
                context.keep_float = layer_plan.kept_float
            artifacts: list[ArtifactReport] = []
            for target in [t for t in BUILD_ORDER if t in recipe.targets]:
                cancel.check()
                staged = _inside(out, token + recipe.artifact_name(target))
                staged_paths.append(staged)
                started = time.perf_counter()
                with stages.stage(f"build {target}", TARGET_TITLES[target]):
                    try:
                        result = get_target(target).build(context, staged)
                    except ConversionError as exc:
                        raise ConversionError(
                            f"{TARGET_TITLES[target]} ({target}): {exc.message}",
                            hint=exc.hint,
                            details=exc.details,
                        ) from None
                from studio.runtimes import runtime_for

                artifacts.append(
                    ArtifactReport(
                        target=target,
                        path=staged,
                        size_bytes=staged.stat().st_size,
                        capture=result.capture,
                        quantize=recipe.quantize.mode,
                        runtime=runtime_for(staged),
                        build_seconds=time.perf_counter() - started,
                        options=result.options,
                        notes=result.notes,
                        quantized_layers=result.quantized_layers,
                    )
                )
            cancel.check()

            reference = None
            if recipe.verify.enabled:
                reference = _verify(
                    recipe,
                    module,
                    input_spec,
                    labels,
                    verify_samples,
                    labelled,
                    artifacts,
                    stages,
                    cancel,
                )
            cancel.check()

            publishing = stages.begin("publish")
            finals = {a.path: _inside(out, a.path.name.removeprefix(token)) for a in artifacts}
            for artifact in artifacts:
                artifact.path = finals[artifact.path]
            report = _report(
                recipe, model_info, input_spec, stages, artifacts, calibration, verify_samples
            )
            report.layers = layer_plan
            staged_reference = _stage_reference(out, token, reference, staged_paths, report)
            stages.end("publish", publishing)  # recorded first: the report names every stage
            # the report is written before anything is published: a disk that fills up
            # fails the run while no artifact stands under its final name
            staged_report = _inside(out, token + REPORT_NAME)
            staged_paths.append(staged_report)
            report.write(staged_report)
            for staged, final in finals.items():
                os.replace(staged, final)
            if staged_reference is not None:
                os.replace(staged_reference, out / report.reference_outputs)
            os.replace(staged_report, out / REPORT_NAME)
            report.report_path = out / REPORT_NAME
        except Exception as exc:
            if out_of_space(exc):
                raise DiskFullError(out) from None
            raise
        finally:
            for staged in staged_paths:  # after a failure or cancel: what was built so far
                staged.unlink(missing_ok=True)
            remove_empty_output(out, created)  # a failed first conversion leaves no folder
    return report


def planned_stages(recipe: Recipe) -> list[str]:
    """The stages :func:`convert` reports for ``recipe``, in order."""
    targets = [t for t in BUILD_ORDER if t in recipe.targets]
    stages = ["load"]
    if recipe.quantize.mode == "static":
        stages.append("calibration data")
    if recipe.verify.enabled:
        stages.append("verification data")
    if recipe.layer_plan_wanted:
        from studio.convert.sensitivity import FALLBACK_STAGE, SENSITIVITY_STAGE

        stages.append(SENSITIVITY_STAGE)
        if recipe.quantize.keep_float == KEEP_FLOAT_AUTO:
            stages.append(FALLBACK_STAGE)
    stages += [f"build {t}" for t in targets]
    if recipe.verify.enabled:
        stages += ["verify: eager reference"] + [f"verify {t}" for t in targets]
    return stages + ["publish"]


def _report(recipe, model_info, input_spec, stages, artifacts, calibration, verify_samples):
    notes = model_info.pop("notes", [])  # what loading the model found and inferred
    if calibration is not None and calibration.low_fidelity:
        notes.append("calibrated on random inputs: int8 accuracy on real data may be lower")
    if verify_samples is not None and verify_samples.low_fidelity:
        notes.append(
            "verified on random inputs: no calibration or verification images were given, "
            "so real data may behave differently"
        )
    return ConversionReport(
        recipe=recipe.to_dict(),
        model=model_info,
        input_spec=input_spec.to_dict(),
        versions=library_versions(),
        stages=stages.records,
        artifacts=artifacts,
        notes=notes,
        calibration=(
            {
                "source": calibration.source,
                "samples": len(calibration),
                "low_fidelity": calibration.low_fidelity,
                "verification_held_out": (
                    verify_samples is not None and not verify_samples.seen_in_calibration
                ),
            }
            if calibration is not None
            else None
        ),
        output_folder=recipe.output_folder,
    )


def _inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused unless it is a file directly inside ``folder``."""
    path = folder / name
    if Path(name).name != name or path.resolve().parent != folder.resolve():
        raise RecipeError(f"{name!r} would be written outside the output folder {folder}")
    return path


# --- leftovers of conversions that were killed ---------------------------------------------

STAGING_PREFIX = ".staging-"
# A staged file this old is stale even when its process id is in use again.
STALE_AFTER_SECONDS = 24 * 3600
_STAGED_NAME = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-[0-9a-f]{8}-.")


def first_missing(folder: Path) -> Path | None:
    """The outermost of ``folder`` and its parents that does not exist yet, or None."""
    missing = None
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing = path
    return missing


def remove_empty_output(folder: Path, created: Path | None) -> None:
    """Remove ``folder`` and its parents up to ``created`` (what a conversion created, see
    :func:`first_missing`) while they are empty."""
    if created is None:
        return
    for path in (folder, *folder.parents):
        try:
            if any(path.iterdir()):
                return
            path.rmdir()
        except OSError:
            return
        if path == created:
            return


def clean_up_output(folder: Path, created: Path | None) -> list[Path]:
    """After a conversion that did not finish, killed included (it could not clean up
    itself): remove the staged files of conversions that are gone and the folders it
    created if they are empty. Returns the staged files still there (of running ones)."""
    if folder.is_dir():
        sweep_stale_staging(folder)
        remove_empty_output(folder, created)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(STAGING_PREFIX + "*"))


def sweep_stale_staging(folder: Path) -> list[Path]:
    """Remove staged files that conversions killed before they could clean up left here.

    Only names of the studio's own staging pattern are touched, and only those whose
    conversion is no longer running (its process is gone) or that are a day old.
    """
    removed = []
    for path in folder.glob(STAGING_PREFIX + "*"):
        match = _STAGED_NAME.match(path.name)
        if match is None:
            continue  # not a name the studio gives
        try:
            age = time.time() - path.stat().st_mtime
        except OSError:
            continue
        if _process_alive(int(match.group(1))) and age < STALE_AFTER_SECONDS:
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            log.warning("cannot remove the stale staged file %s", path)
    if removed:
        log.info("removed %d stale staged files in %s", len(removed), folder)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no cheap, safe check: rely on the age alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    try:  # a killed process nobody has reaped yet is gone all the same
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


# --- stages --------------------------------------------------------------------------------


def _load(recipe: Recipe, model: Any):
    """The eager module, its input spec, labels and a description, from the recipe or ``model``."""
    import torch

    from studio.model.loaded import LoadedModel

    labels, notes, assumed = None, [], False
    if isinstance(model, torch.nn.Module):
        module, spec = model.eval(), None
        info = {"name": recipe.name, "architecture": type(model).__name__, "path": None}
    else:
        if model is None:
            from studio.model import load_model

            if recipe.model_path is None:
                raise RecipeError(
                    "the recipe names no model file",
                    hint="set [model] path",
                    action=Action.RECIPE_MODEL,
                )
            model = load_model(
                recipe.model_path,
                arch=recipe.model.arch,
                arch_args=recipe.model.arch_args,
                arch_kwargs=recipe.model.arch_kwargs,
                trust=recipe.model.trust,  # the caller's decision (see convert)
                input_shape=recipe.input.shape if recipe.input else None,
            )
        if not isinstance(model, LoadedModel):
            raise TypeError(
                f"model must be a LoadedModel or an nn.Module, not {type(model).__name__}"
            )
        from studio.model import require_module

        module, spec, labels = require_module(model), model.input_spec, model.labels
        notes = list(model.notes)
        assumed = recipe.input is None and bool(model.metadata.get("input_assumed"))
        info = {
            "name": recipe.name,
            "architecture": model.architecture,
            "path": str(model.path),
            "format": model.format,
        }
    input_spec = _input_spec(recipe.input, spec)
    if input_spec is None:
        raise InputError(
            "the model's input shape is unknown",
            hint="give --input-shape, e.g. --input-shape 1,3,224,224",
            action=Action.INPUT_SHAPE,
        )
    from studio.model.detection import detection_outputs, takes_image_list, wrap_detector
    from studio.model.signature import fit_to_module

    if takes_image_list(module):  # no phone runtime passes a list of images
        module, said = wrap_detector(module, input_spec.shape[0])
        notes += said
        info["detection"] = detection_outputs(module, input_spec.shape[0]).to_dict()
    input_spec, inferred = fit_to_module(input_spec, module, assumed)
    info["notes"] = notes + inferred
    if hasattr(module, "eval"):
        module.eval()
    return module, input_spec, labels, info


@contextmanager
def _explain_input_errors(module, spec: InputSpec) -> Iterator[None]:
    """When a stage fails, check whether the model runs on the spec's inputs at all.

    A wrong input shape is the most common mistake and every toolchain reports it
    differently; running the model once only on failure keeps it off the normal path.
    """
    try:
        yield
    except (Cancelled, KeyboardInterrupt):
        raise
    except Exception:
        _check_runs(module, spec)  # raises a plain InputError when the shape is the cause
        raise


def _check_runs(module, spec: InputSpec) -> None:
    """Run the model once on inputs of the spec's shapes and dtypes; an InputError if it
    cannot, naming the input whose dtype is wrong when another dtype would run."""
    failure = _run_error(module, spec)
    if failure is None:
        return
    from studio.runtimes.base import first_line

    for index, tensor in enumerate(spec.tensors):
        other = "float32" if tensor.dtype in ("int64", "int32") else "int64"
        if tensor.dtype not in ("float32", "int64", "int32"):
            continue
        switched = list(spec.tensors)
        switched[index] = replace(tensor, dtype=other)
        if _run_error(module, replace(spec, tensors=tuple(switched))) is None:
            shape = ",".join(str(d) for d in tensor.shape)
            raise InputError(
                f"the input {tensor.name!r} is {tensor.dtype}, but the model takes {other} "
                f"there: {first_line(failure)}",
                hint=f"give the input's dtype as {other}, like {tensor.name}:{shape}:{other}",
                action=Action.INPUT_SHAPE,
                details=str(failure),
            )
    shapes = ", ".join(f"{t.shape} {t.dtype}" for t in spec.tensors)
    raise InputError(
        f"the model does not run on inputs of shape {shapes}: {first_line(failure)}",
        hint="give the model's input shape with --input-shape (e.g. 1,3,224,224)",
        action=Action.INPUT_SHAPE,
        details=str(failure),
    )


def _run_error(module, spec: InputSpec) -> Exception | None:
    """What running the model once on random inputs of ``spec`` raises, or None."""
    import torch

    from studio.model.inputs import random_inputs

    sample = random_inputs(spec, 1).inputs[0]
    try:
        with torch.no_grad():
            module(*[torch.from_numpy(a) for a in sample])
    except Exception as exc:
        return exc
    return None


def _input_spec(requested: InputSpec | None, found: InputSpec | None) -> InputSpec | None:
    if requested is None:
        return found
    if requested.preprocess is not None:
        return requested
    if (
        found is not None
        and found.preprocess is not None
        and found.shape[:2] == requested.shape[:2]
    ):
        return replace(requested, preprocess=found.preprocess)
    return replace(requested, preprocess=default_preprocess_for(requested.shape))


def _calibration(recipe: Recipe, spec: InputSpec) -> tuple[SampleSet, SampleSet | None]:
    """The calibration samples, and verification samples held out from the same data when
    verification has no data of its own: the quantizer must not have seen what it is
    judged on."""
    source = recipe.calibration_source()
    count = recipe.quantize.samples
    shared = (
        recipe.verify.enabled
        and isinstance(source, Path)
        and recipe.verification_source() == source
    )
    wanted = count + (recipe.verify.samples if shared else 0)
    samples = load_samples(None if source == RANDOM_CALIBRATION else source, spec, wanted)
    if not len(samples):
        raise RecipeError(f"the calibration data {source} holds no usable inputs")
    if not shared:
        return samples, None
    return samples.hold_out(count, recipe.verify.samples)


def _verification_data(
    recipe: Recipe, spec: InputSpec, held_out: SampleSet | None
) -> tuple[SampleSet, SampleSet | None]:
    count = recipe.verify.samples
    source = recipe.verification_source()
    if held_out is not None:
        samples = held_out
    elif source is not None:
        samples = load_samples(source, spec, count)
    else:  # fresh random inputs, never the calibration ones
        samples = load_samples(None, spec, count, seed=1)
    if not len(samples):
        raise RecipeError(f"the verification data {source} holds no usable inputs")
    labelled = None
    if recipe.verify.labelled:
        from studio.model.inputs import load_sample_folder

        labelled = load_sample_folder(recipe.resolve(recipe.verify.labelled), spec)
        if not labelled.labels:
            raise RecipeError(
                f"the labelled folder {recipe.verify.labelled} has no class sub-folders",
                hint="put each class's images in a sub-folder named after the class",
            )
    return samples, labelled


def _check_labelled(module, input_spec: InputSpec, labelled: SampleSet, labels) -> None:
    from studio.convert.verify import check_labelled
    from studio.runtimes.eager_runner import EagerRunner

    check_labelled(EagerRunner.from_module(module, input_spec), labelled, labels)


def _layer_plan(recipe: Recipe, context, samples, labelled, labels, stages: _Stages):
    """Which layers stay float32: the recipe's list, or found by measuring sensitivity
    (and, for "auto", falling back until the verification bars hold)."""
    from studio.convert.sensitivity import (
        FALLBACK_STAGE,
        SENSITIVITY_STAGE,
        LayerPlan,
        Trials,
        fall_back,
        measure_sensitivity,
    )

    keep = recipe.quantize.keep_float
    named = list(keep) if isinstance(keep, list) else []
    _check_layer_names(context.module, named)
    if not recipe.layer_plan_wanted:
        return LayerPlan(named) if named else None
    import torch

    if isinstance(context.module, torch.jit.ScriptModule):
        raise RecipeError(
            "measuring layer sensitivity needs the PyTorch model itself, not TorchScript",
            hint="open the checkpoint the TorchScript file was made from",
        )
    trials = Trials(context, _tolerances(recipe), samples, labelled, labels)
    if not trials.groups:
        raise RecipeError(
            "the model has no convolution or linear layers as modules to measure or keep in float",
            hint="quantize every layer: leave out the sensitivity and float fallback",
        )

    def reporter(stage: str):
        return lambda fraction, message: context.report(stage, fraction, message)

    with stages.stage(SENSITIVITY_STAGE, f"{len(trials.groups)} layer groups"):
        sensitivity = measure_sensitivity(trials, reporter(SENSITIVITY_STAGE))
    plan = LayerPlan(named, sensitivity)
    if keep == KEEP_FLOAT_AUTO:
        with stages.stage(FALLBACK_STAGE, "keeping the most sensitive layers in float"):
            plan.fallback = fall_back(trials, sensitivity, reporter(FALLBACK_STAGE))
        plan.kept_float = plan.fallback.kept_float
    return plan


def _check_layer_names(module, names: list[str]) -> None:
    known = {name for name, _ in module.named_modules() if name}
    for name in names:
        if name not in known:
            from studio.convert.sensitivity import layer_groups

            raise RecipeError(
                f"the model has no layer named {name!r} to keep in float",
                hint="layer names are module paths such as " + ", ".join(layer_groups(module)[:4]),
            )


def _tolerances(recipe: Recipe):
    from studio.convert.compare import tolerances_for

    settings = recipe.verify
    return tolerances_for(
        recipe.quantize.mode,
        atol=settings.atol,
        rtol=settings.rtol,
        min_cosine=settings.min_cosine,
        min_top1=settings.min_top1,
        min_sqnr=settings.min_sqnr,
        max_accuracy_drop=(
            None if settings.max_accuracy_drop is None else settings.max_accuracy_drop / 100
        ),
    )


def _verify(recipe, module, input_spec, labels, samples, labelled, artifacts, stages, cancel):
    from studio.convert.verify import Reference, verify_artifact
    from studio.runtimes.eager_runner import EagerRunner

    settings = recipe.verify
    tolerances = _tolerances(recipe)
    with stages.stage("verify: eager reference", f"{len(samples)} samples"):
        reference = Reference.compute(
            EagerRunner.from_module(module, input_spec), samples, labelled, labels, cancel
        )
    from studio.model.detection import ImageListDetector, detection_outputs

    if isinstance(module, ImageListDetector):  # compared as detections, not element-wise
        reference.detections = detection_outputs(module, input_spec.shape[0])
    for artifact in artifacts:
        with stages.stage(f"verify {artifact.target}", artifact.runtime):
            verification, latency = verify_artifact(
                artifact.path, reference, tolerances, cancel, settings.latency_runs
            )
        artifact.verification = verification
        artifact.host_latency_ms = latency
        artifact.judge_quantization()
    return reference


def _stage_reference(out: Path, token: str, reference, staged_paths: list, report):
    """Stage the verification inputs and eager outputs beside the report, named in it."""
    from studio.convert.reference_store import REFERENCE_NAME, stack_reference, write_reference

    if reference is None or reference.detections is not None:  # detections vary in shape
        return None
    arrays = stack_reference(reference.samples.inputs, reference.outputs)
    if arrays is None:
        return None
    staged = _inside(out, token + REFERENCE_NAME)
    staged_paths.append(staged)
    write_reference(staged, arrays)
    report.reference_outputs = REFERENCE_NAME
    return staged
