"""``model-studio check``: will this artifact run on that runtime, and what can be done if not."""

from __future__ import annotations

import argparse
import sys

from studio.cli.output import emit_json
from studio.errors import EXIT_OK, EXIT_VERDICT, InputError


def register(sub) -> None:
    parser = sub.add_parser(
        "check",
        help="check an artifact's operators against phone runtimes",
        description="Read the operators and format versions of a converted model (.ptl, .pt, "
        ".pte, .onnx, .ort) and say, per runtime, whether it will run: ready, fallback "
        "(partly on the CPU instead of the accelerator) or fail (and why). Exit code 1 when "
        "any chosen runtime fails.",
    )
    parser.add_argument("artifact", nargs="?", help="the converted model file")
    parser.add_argument(
        "--runtime",
        action="append",
        default=[],
        metavar="NAME",
        help="a runtime to check against (repeatable; see --list-runtimes); "
        "default: every runtime that reads this kind of file",
    )
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="FILE",
        help="also check against a runtime profile JSON file (repeatable)",
    )
    parser.add_argument(
        "--device",
        action="append",
        default=[],
        metavar="SERIAL",
        help="check against the runtimes the Model Studio agent on this phone reports (repeatable)",
    )
    parser.add_argument("--adb-server", metavar="HOST:PORT", help="the adb server of --device")
    parser.add_argument("--list-runtimes", action="store_true", help="list the known runtimes")
    parser.add_argument(
        "--fix",
        action="append",
        default=[],
        metavar="ACTION=N",
        help="fix the artifact first, then check the result: backport=N writes a .ptl at "
        "bytecode version N; opset=N converts an .onnx to opset N",
    )
    parser.add_argument(
        "--fix-output",
        metavar="FILE",
        help="where to write the fixed artifact (default: beside it)",
    )
    parser.add_argument(
        "--input-shape",
        action="append",
        default=[],
        metavar="SHAPE",
        help="input shape used to verify a fix, e.g. 1,3,224,224 (repeat for several inputs; "
        "needed for .ptl files, which do not record it)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--html", metavar="FILE", help="also write the report as an HTML page")
    parser.add_argument("--csv", metavar="FILE", help="also write the operator table as CSV")
    parser.set_defaults(run=run)


def chosen_profiles(args: argparse.Namespace, kind: str) -> list:
    """The profiles to check against: named runtimes, profile files, phones' agents
    (:func:`studio.compat.runtimes_to_check` decides)."""
    from studio.compat import load_profile, load_profile_file, runtimes_to_check

    named = [load_profile(name) for name in dict.fromkeys(args.runtime)]
    named += [load_profile_file(path) for path in args.profile]
    phones = []
    if args.device:
        from studio.agent.device_profiles import device_runtime_profiles
        from studio.progress import TerminalProgress, no_progress

        progress = no_progress if args.json else TerminalProgress()
        for serial in args.device:
            phones += device_runtime_profiles(serial, args.adb_server, progress)
    return runtimes_to_check(kind, named, phones, phones_only=True)


def list_runtimes(args: argparse.Namespace) -> int:
    from studio.compat import load_profiles

    profiles = load_profiles()
    if args.json:
        emit_json(
            {
                "runtimes": [
                    {
                        "name": p.name,
                        "title": p.title,
                        "family": p.family,
                        "formats": p.formats,
                        "runtime_version": p.runtime_version,
                        "accelerator": p.accelerator,
                        "max_bytecode_version": p.max_bytecode_version,
                        "opsets": p.opsets,
                    }
                    for p in profiles
                ]
            }
        )
        return EXIT_OK
    width = max(len(p.name) for p in profiles)
    for p in profiles:
        print(f"{p.name:<{width}}  {p.title}")
    return EXIT_OK


def _print_report(report, fixes) -> None:
    out = sys.stdout
    for fix in fixes:
        print(
            f"fixed: {fix.action}={fix.value} -> {fix.output} "
            f"(verified on {fix.samples} random inputs, max difference {fix.max_abs_error:.3g})",
            file=out,
        )
    facts = report.to_dict()
    extra = []
    if facts["bytecode_version"] is not None:
        extra.append(f"bytecode version {facts['bytecode_version']}")
    if facts["opsets"]:
        extra.append("opset " + ", ".join(f"{d} {v}" for d, v in facts["opsets"].items() if v))
    if facts["delegates"]:
        extra.append("delegates " + ", ".join(facts["delegates"]))
    print(
        f"{report.artifact}: {facts['format']}" + (f", {'; '.join(extra)}" if extra else ""),
        file=out,
    )
    print("", file=out)
    width = max(len(r.name) for r in report.runtimes)
    for r in report.runtimes:
        print(f"  {r.name:<{width}}  {r.summary()}", file=out)
        for problem in r.problems:
            print(f"  {'':<{width}}    - {problem}", file=out)
        for advice in r.advice:
            print(f"  {'':<{width}}    > {advice}", file=out)
        for fix in r.fixes:
            print(f"  {'':<{width}}    > {fix.description}: {fix.option}", file=out)
    print("", file=out)
    names = [r.name for r in report.runtimes]
    op_width = max([len(o.name) for o in report.operators] + [8])
    print(f"  {'operator':<{op_width}}  count  " + "  ".join(names), file=out)
    for row in report.operators:
        cells = "  ".join(f"{row.status[n]:<{len(n)}}" for n in names)
        print(f"  {row.name:<{op_width}}  {row.count:>5}  {cells}", file=out)


def run(args: argparse.Namespace) -> int:
    if args.list_runtimes:
        return list_runtimes(args)
    if not args.artifact:
        raise InputError("name the artifact to check", hint="model-studio check MODEL.ptl")
    from pathlib import Path

    from studio.compat import check, detect_kind
    from studio.compat.export import write_report
    from studio.compat.fixes import apply_fix, parse_fix
    from studio.model.inputs import parse_shape
    from studio.progress import TerminalProgress, no_progress

    artifact = Path(args.artifact)
    kind = detect_kind(artifact)  # a missing or unreadable file is reported before anything else
    fixes_wanted = [parse_fix(text) for text in args.fix]
    if args.fix_output and len(fixes_wanted) != 1:
        raise InputError("--fix-output goes with exactly one --fix")
    shapes = [list(parse_shape(s)) for s in args.input_shape] or None
    profiles = chosen_profiles(args, kind)
    progress = no_progress if args.json else TerminalProgress()
    fixes = []
    for action, value in fixes_wanted:
        result = apply_fix(artifact, action, value, args.fix_output, shapes, progress)
        fixes.append(result)
        artifact = result.output
    if fixes:
        kind = detect_kind(artifact)
    report = check(artifact, profiles)
    if args.html:
        write_report(report, args.html, "html")
    if args.csv:
        write_report(report, args.csv, "csv")
    if args.json:
        document = report.to_dict()
        if fixes:
            document["fixed_from"] = str(args.artifact)
            document["fixes"] = [f.to_dict() for f in fixes]
        emit_json(document)
    else:
        _print_report(report, fixes)
    return EXIT_VERDICT if report.failed else EXIT_OK
