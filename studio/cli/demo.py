"""``model-studio demo``: convert, check, push and benchmark the sample model on a virtual phone."""

from __future__ import annotations

from studio.cli.output import emit_json
from studio.errors import EXIT_OK, EXIT_VERDICT


def register(sub) -> None:
    parser = sub.add_parser(
        "demo",
        help="the whole flow on the bundled sample model and a virtual phone",
        description="Convert the bundled digits model to .pte and .ptl (int8), check both "
        "against the phone runtimes, start a virtual phone, push and benchmark them there, "
        "and say where the results are. Cleans up the virtual phone (and the adb server, "
        "when it started one) afterwards.",
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        help="where the artifacts and results go (default: a new folder "
        "in the studio's data folder)",
    )
    parser.add_argument(
        "--iterations", type=int, default=200, help="measured runs per artifact (default 200)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def run(args) -> int:
    from studio.demo import run_demo
    from studio.errors import InputError
    from studio.progress import TerminalProgress, no_progress

    if args.iterations < 1:
        raise InputError("--iterations must be at least 1")
    doc = run_demo(
        args.output,
        iterations=args.iterations,
        progress=no_progress if args.json else TerminalProgress(),
    )
    if args.json:
        emit_json(doc)
    else:
        conversion = doc["conversion"]
        print(f"Converted the digits sample (verification: {conversion['verdict']}):")
        for artifact in conversion["artifacts"]:
            print(f"  {artifact['path']}  ({artifact['size_bytes'] / 1024:.0f} KB)")
        print("Compatibility:")
        for entry in doc["compat"]:
            verdicts = ", ".join(f"{n}: {v}" for n, v in entry["runtimes"].items())
            print(f"  {entry['artifact'].rsplit('/', 1)[-1]}  {verdicts}")
        device = doc["device"]
        print(f"Benchmarked on a virtual phone ({device['profile']}, {device['serial']}):")
        print_runs(doc["bench"]["runs"])
        print(f"Results: {doc['results']['json']} and {doc['results']['csv']}")
        print(f"Conversion report: {conversion['report']}")
    return EXIT_OK if doc["passed"] else EXIT_VERDICT


def print_runs(runs: list[dict]) -> None:
    for run in runs:
        s = run["stats"]
        print(
            f"  {run['artifact'].rsplit('/', 1)[-1]} on {run['runtime']}: "
            f"p50 {s['p50_ms']:.3f} ms, p90 {s['p90_ms']:.3f} ms, p99 {s['p99_ms']:.3f} ms, "
            f"{s['throughput']:.0f} runs/s ({run['samples']} samples)"
        )
