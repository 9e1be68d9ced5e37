"""``model-studio convert``: a model (or a recipe file) in, verified mobile artifacts out."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.cli.inspect import add_model_arguments, given_inputs
from studio.cli.output import emit_json, parse_json_arg


def register(sub) -> None:
    parser = sub.add_parser(
        "convert",
        help="convert a model to mobile formats and verify them",
        description="Convert a model to TorchScript (pt), PyTorch Lite (ptl), ExecuTorch (pte), "
        "ONNX (onnx) and ONNX Runtime format (ort), optionally quantized, and verify every "
        "artifact against eager PyTorch. Give a model file with options, or a recipe "
        "(.toml); options given with a recipe override it.",
    )
    parser.add_argument("model", nargs="?", help="a model file, or a recipe .toml")
    parser.add_argument(
        "--sample",
        action="store_true",
        help="convert the bundled sample model, verified on its sample images",
    )
    add_model_arguments(parser)
    parser.add_argument(
        "--target",
        metavar="LIST",
        help="comma-separated targets: pte,ptl,pt,onnx,ort (default pte)",
    )
    parser.add_argument("--quantize", choices=["none", "fp16", "dynamic", "static"])
    parser.add_argument(
        "--calibration",
        metavar="DIR|FILE|random",
        help="calibration data for --quantize static: a folder of images or tensor files, "
        "a tensor file, or 'random' (low fidelity)",
    )
    parser.add_argument("--calibration-samples", type=int, metavar="N", help="default 32")
    parser.add_argument("--quantize-backend", choices=["qnnpack", "x86"], help="for pt and ptl")
    parser.add_argument(
        "--keep-float",
        metavar="auto|LAYERS",
        help="static int8: keep these layers (comma-separated module names) in float32, or "
        "'auto': the most sensitive ones until verification passes",
    )
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        default=None,
        help="static int8: measure how much each layer group's int8 costs the output",
    )
    parser.add_argument("--capture", choices=["auto", "script", "trace", "export"])
    parser.add_argument("--opset", type=int, metavar="N", help="ONNX opset (default 18)")
    parser.add_argument(
        "--dynamic-batch", action="store_true", default=None, help="ONNX with a variable batch size"
    )
    parser.add_argument(
        "--bytecode-version", type=int, metavar="N", help="PyTorch Lite bytecode version"
    )
    parser.add_argument("--executorch-backend", choices=["xnnpack", "portable"])
    parser.add_argument(
        "--verify-data",
        metavar="DIR|FILE",
        help="inputs for verification (default: calibration data)",
    )
    parser.add_argument(
        "--labelled", metavar="DIR", help="a folder with one sub-folder of images per class"
    )
    parser.add_argument("--verify-samples", type=int, metavar="N", help="default 32")
    parser.add_argument(
        "--min-sqnr", type=float, metavar="DB", help="also require this output SQNR (decibels)"
    )
    parser.add_argument(
        "--max-accuracy-drop",
        type=float,
        metavar="POINTS",
        help="on the --labelled folder, in percentage points (default 2)",
    )
    parser.add_argument("--no-verify", action="store_true", default=None, help="skip verification")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: <name>-mobile)")
    parser.add_argument("--name", help="artifact base name (default: the model file's name)")
    parser.add_argument("--save-recipe", metavar="FILE", help="also write the recipe as TOML")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON document")
    parser.set_defaults(run=run)


def _absolute(value: str | None) -> str | None:
    if value is None or value == "random":
        return value
    return str(Path(value).expanduser().resolve())


def build_recipe(args: argparse.Namespace):
    """A recipe from the command line: the recipe file's, with the given options on top."""
    from studio.convert.recipe import Recipe

    if args.sample:
        from studio.model import sample

        args.model = str(sample.weights_path())
        if args.verify_data is None:
            args.verify_data = str(sample.images_dir())
    if not args.model:
        from studio.errors import InputError

        raise InputError(
            "no model file given",
            hint="name a model file or a recipe .toml, or use --sample for the bundled sample model",
        )
    model_arg = Path(args.model)
    if model_arg.suffix.lower() == ".toml":
        recipe = Recipe.load(model_arg)
        if not args.out:
            recipe.check_output_inside()
    else:
        recipe = Recipe(base_dir=Path.cwd())
        recipe.model.path = _absolute(args.model)
    m = recipe.model
    if args.arch is not None:
        m.arch = args.arch
    if args.arch_args is not None:
        m.arch_args = parse_json_arg(args.arch_args, "--arch-args", list)
    if args.arch_kwargs is not None:
        m.arch_kwargs = parse_json_arg(args.arch_kwargs, "--arch-kwargs", dict)
    given = given_inputs(args)
    if given is not None:
        recipe.input = given
    if args.target:
        recipe.targets = [t.strip() for t in args.target.split(",") if t.strip()]
    if args.capture:
        recipe.capture = args.capture
    q = recipe.quantize
    if args.quantize:
        q.mode = args.quantize
    if args.calibration:
        q.calibration = _absolute(args.calibration)
    if args.calibration_samples is not None:
        q.samples = args.calibration_samples
    if args.quantize_backend:
        q.backend = args.quantize_backend
    if args.keep_float:
        keep = args.keep_float.strip()
        q.keep_float = keep if keep == "auto" else [n.strip() for n in keep.split(",") if n.strip()]
    if args.sensitivity:
        q.sensitivity = True
    if args.opset is not None:
        recipe.onnx.opset = args.opset
    if args.dynamic_batch:
        recipe.onnx.dynamic_batch = True
    if args.bytecode_version is not None:
        recipe.lite.bytecode_version = args.bytecode_version
    if args.executorch_backend:
        recipe.executorch.backend = args.executorch_backend
    v = recipe.verify
    if args.verify_data:
        v.data = _absolute(args.verify_data)
    if args.labelled:
        v.labelled = _absolute(args.labelled)
    if args.verify_samples is not None:
        v.samples = args.verify_samples
    if args.min_sqnr is not None:
        v.min_sqnr = args.min_sqnr
    if args.max_accuracy_drop is not None:
        v.max_accuracy_drop = args.max_accuracy_drop
    if args.no_verify:
        v.enabled = False
    if args.out:
        recipe.output.folder = _absolute(args.out)
    if args.name:
        recipe.output.name = args.name
    return recipe


def run(args: argparse.Namespace) -> int:
    import sys

    from studio.convert import convert
    from studio.errors import RecipeError
    from studio.progress import CancelToken, TerminalProgress

    recipe = build_recipe(args)
    try:
        recipe.validate()
    except RecipeError as exc:
        if Path(args.model).suffix.lower() == ".toml":
            raise RecipeError(f"{Path(args.model).name}: {exc.message}", hint=exc.hint) from None
        raise
    if args.save_recipe:
        recipe.save(args.save_recipe)
    report = convert(
        recipe, progress=TerminalProgress(), cancel=CancelToken(), trust=bool(args.trust)
    )
    if args.json:
        emit_json(report.to_dict())
    else:
        print(report.summary(), file=sys.stdout)
    return report.exit_code
