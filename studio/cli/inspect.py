"""``model-studio inspect``: what is inside a model file."""

from __future__ import annotations

import argparse
import sys
import time

from studio.cli.output import emit_json, parse_json_arg
from studio.units import human_bytes, human_count


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say how to open a model; shared by inspect and convert."""
    parser.add_argument(
        "--arch",
        metavar="NAME|SPEC",
        help="architecture for a weights-only file: a torchvision name (resnet18), "
        "a factory spec (package.module:callable) or path/file.py:Class; detected when omitted",
    )
    parser.add_argument(
        "--arch-args", metavar="JSON", help="positional arguments for a factory spec, a JSON list"
    )
    parser.add_argument(
        "--arch-kwargs",
        metavar="JSON",
        help="keyword arguments for the architecture, a JSON object",
    )
    parser.add_argument(
        "--input-shape", metavar="SHAPE", type=str, help="input shape, e.g. 1,3,224,224"
    )
    parser.add_argument(
        "--input",
        action="append",
        metavar="NAME:SHAPE:DTYPE",
        help="one input of the model, like ids:1,128:int64; repeat it for each input, in "
        "the order of the model's forward (names left out are taken from it; the dtype "
        "is float32 when left out)",
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="allow files that run code when opened (pickled modules, .py architectures): only for files you trust",
    )


def given_inputs(args: argparse.Namespace):
    """The inputs ``--input`` (each ``NAME:SHAPE:DTYPE``) or ``--input-shape`` give, as an
    InputSpec; None when neither is given."""
    from studio.model.inputs import InputSpec, parse_input, parse_shape

    if args.input and args.input_shape:
        from studio.errors import InputError

        raise InputError(
            "--input and --input-shape both describe the inputs: give one of them",
            hint="--input-shape 1,3,224,224 is the same as --input input:1,3,224,224:float32",
        )
    if args.input:
        return InputSpec(tuple(parse_input(t, i) for i, t in enumerate(args.input)))
    if args.input_shape:
        return InputSpec.single(parse_shape(args.input_shape))
    return None


def open_model(args: argparse.Namespace, path):
    """The model ``path`` opened as the options say, described with the inputs given."""
    from studio.model import load_model
    from studio.model.input_choice import use_inputs

    given = given_inputs(args)
    model = load_model(
        path,
        arch=args.arch,
        arch_args=parse_json_arg(args.arch_args, "--arch-args", list),
        arch_kwargs=parse_json_arg(args.arch_kwargs, "--arch-kwargs", dict),
        trust=args.trust,
        input_shape=given.shape if given is not None and len(given.tensors) == 1 else None,
    )
    use_inputs(model, given)
    return model


def register(sub) -> None:
    parser = sub.add_parser(
        "inspect",
        help="describe a model file",
        description="Open a model file (checkpoint, state_dict, safetensors, TorchScript, "
        "torch.export, ONNX, ExecuTorch, PyTorch Lite) and describe what is inside.",
    )
    parser.add_argument("model", nargs="?", help="the model file")
    parser.add_argument("--sample", action="store_true", help="inspect the bundled sample model")
    add_model_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.errors import InputError
    from studio.model import sample
    from studio.model.describe import describe

    if args.sample:
        path = sample.weights_path()
    elif args.model:
        path = args.model
    else:
        raise InputError(
            "no model file given", hint="name a file, or use --sample for the bundled sample model"
        )
    started = time.perf_counter()
    model = open_model(args, path)
    desc = describe(model)
    seconds = time.perf_counter() - started
    if args.json:
        doc = desc.to_dict()
        doc["seconds"] = round(seconds, 3)
        emit_json(doc)
    else:
        print_description(desc, sys.stdout)
    return 0


def print_description(desc, out) -> None:
    from studio.model.describe import tensor_text

    rows = [
        ("File", desc.path),
        ("Format", desc.format.replace("_", " ")),
        ("Architecture", desc.architecture or "unknown"),
        (
            "Parameters",
            human_count(desc.parameters) + (f" ({desc.parameters:,})" if desc.parameters else ""),
        ),
        ("Size on disk", human_bytes(desc.size_bytes)),
        ("Size in memory", human_bytes(desc.memory_bytes)),
        (
            "Weight types",
            ", ".join(f"{k} ({human_count(v)})" for k, v in desc.dtypes.items()) or "unknown",
        ),
        ("FLOPs", human_count(desc.flops) if desc.flops else "unknown"),
    ]
    for t in desc.inputs:
        rows.append(("Input", tensor_text(t)))
    for t in desc.outputs:
        rows.append(("Output", tensor_text(t)))
    if desc.imagenet_classifier:
        rows.append(
            ("Classes", "1000 ImageNet classes" + (" (labels available)" if desc.labels else ""))
        )
    elif desc.labels:
        rows.append(("Classes", f"{len(desc.labels)}: {', '.join(desc.labels[:10])}"))
    for key, value in desc.details.items():
        if key == "operators":
            rows.append(("Operators", f"{len(value)} distinct"))
        else:
            rows.append((key.replace("_", " ").capitalize(), str(value)))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        out.write(f"{key:<{width}}  {value}\n")
    if desc.candidates:
        out.write("\nArchitecture candidates:\n")
        for c in desc.candidates:
            extra = f"  {c.kwargs}" if c.kwargs else ""
            out.write(f"  {c.score:6.1%}  {c.name}{extra}\n")
    if desc.layers:
        out.write("\nLayers:\n")
        for layer in desc.layers[:30]:
            out.write(f"  {layer.name:<24} {layer.type:<28} {human_count(layer.parameters):>8}\n")
        if len(desc.layers) > 30:
            out.write(f"  ... and {len(desc.layers) - 30} more\n")
    elif desc.layer_types:
        out.write("\nOperators:\n")
        for name, count in list(desc.layer_types.items())[:20]:
            out.write(f"  {name:<28} {count}\n")
    for note in desc.notes:
        out.write(f"\nNote: {note}\n")
