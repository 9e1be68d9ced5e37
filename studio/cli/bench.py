"""``model-studio bench``: the model's latency on the phone, live, with statistics and a gate."""

from __future__ import annotations

import sys
import threading

from studio import artifacts
from studio.agent.run_telemetry import conditions_line
from studio.cli.bench_together import run_name
from studio.cli.output import emit_json
from studio.errors import EXIT_OK, EXIT_VERDICT, InputError
from studio.progress import TerminalProgress

COLUMNS = ("mean_ms", "p50_ms", "p90_ms", "p99_ms", "min_ms", "max_ms")


def register(sub) -> None:
    parser = sub.add_parser(
        "bench",
        help="measure a converted model's latency on phones (live)",
        description="Push the artifact, start the Model Studio agent on each phone, run the "
        "model and show its latency live, then a summary. Exit code 1 when a --budget "
        "fails or --verify finds the device's outputs wrong, 3 when a phone or its agent "
        "cannot be reached.",
    )
    parser.add_argument(
        "artifact",
        nargs="+",
        help="the converted model (.pte, .ptl, .pt, .onnx, .ort); several run one after "
        "another, or at once with --together",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="run the artifacts at the same time on one device, each alone first, and "
        "report each one's slowdown",
    )
    parser.add_argument(
        "--device",
        action="append",
        required=True,
        metavar="SERIAL",
        help="a phone's serial (repeat to measure several at once)",
    )
    parser.add_argument(
        "--runtime",
        default="auto",
        help=f"auto (by the file's kind), {', '.join(artifacts.RUNTIMES[:-1])} or {artifacts.RUNTIMES[-1]}",
    )
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for the runtime")
    parser.add_argument(
        "--cores",
        metavar="big|little|all|LIST",
        help="pin the inference to the phone's big or little cluster (from its cores' "
        "frequencies), all cores, or cores such as 0,4-7; every run records the cores it "
        "was allowed (default: where the system puts it)",
    )
    parser.add_argument(
        "--warmup", type=int, default=10, help="inferences before measuring (default 10)"
    )
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument(
        "--iterations", type=int, default=None, help="measured inferences (default 100)"
    )
    amount.add_argument(
        "--duration",
        type=float,
        default=None,
        metavar="S",
        help="measure for S seconds instead of a count",
    )
    parser.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="METRIC=LIMIT",
        help="a latency gate such as p90=30ms, mean=10ms, max=0.2s or throughput=100 (repeatable)",
    )
    parser.add_argument(
        "--inputs",
        metavar="FILE",
        help="a .npy (one input) or .npz (several) tensor file to run on; "
        "default: random inputs of the model's shape",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="also run the conversion's verification inputs on the device and judge its "
        "outputs against the computer's (exit code 1 when they fail)",
    )
    parser.add_argument(
        "--reference",
        metavar="REPORT",
        help="the report.json of the conversion to verify against (default: the one beside "
        "the artifact)",
    )
    parser.add_argument(
        "--export",
        action="append",
        default=[],
        metavar="FILE",
        help="also write every sample to FILE.csv or FILE.json (repeatable)",
    )
    parser.add_argument(
        "--adb-server",
        metavar="HOST:PORT",
        help="the adb server the phones are on (default: this computer's)",
    )
    parser.add_argument(
        "--baseline",
        type=float,
        default=None,
        metavar="SECONDS",
        help="idle seconds sampled before the run, the baseline of energy per inference "
        "(default 3 on a phone, 0.5 on a virtual device)",
    )
    parser.add_argument(
        "--telemetry-interval",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="how often the agent samples CPU frequencies, temperatures and the battery",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


class LiveLine:
    """The one-line live display on stderr (a line per status change when not a terminal)."""

    def __init__(self, devices: list[str], enabled: bool):
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.state = {d: "waiting" for d in devices}
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.width = 0
        self.plain_progress = TerminalProgress()  # lines at each stage's start and end

    def __call__(self, event) -> None:
        if not self.enabled:
            return
        with self.lock:
            if event.kind == "status":
                self.state[event.device] = event.message
                if not self.tty:
                    print(f"{event.device}: {event.message}", file=sys.stderr, flush=True)
            elif event.kind == "progress":  # the agent's first push: a bar on a terminal
                self.state[event.device] = event.message
                if not self.tty:
                    self.plain_progress(event.progress)
            elif event.kind == "stats" and event.stats is not None and event.stats.count:
                s = event.stats
                self.state[event.device] = (
                    f"n={s.count} p50 {s.p50_ms:.3f} p90 {s.p90_ms:.3f} "
                    f"p99 {s.p99_ms:.3f} ms, {s.throughput:.0f}/s"
                )
            elif event.kind == "done":
                self.state[event.device] = "failed" if event.message else "done"

    def refresh(self) -> None:
        while not self.done.wait(0.2):
            self.draw()

    def draw(self) -> None:
        if not (self.enabled and self.tty):
            return
        with self.lock:
            line = " | ".join(f"{d}: {text}" for d, text in self.state.items())
        columns = 200
        try:
            import shutil

            columns = shutil.get_terminal_size().columns
        except (OSError, ValueError):
            pass
        line = line[: max(20, columns - 1)]
        pad = max(0, self.width - len(line))
        self.width = len(line)
        sys.stderr.write("\r" + line + " " * pad)
        sys.stderr.flush()

    def finish(self) -> None:
        self.done.set()
        if self.enabled and self.tty:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def print_table(results) -> None:
    headers = [
        "device",
        "runtime",
        "samples",
        "load ms",
        "mean",
        "p50",
        "p90",
        "p99",
        "min",
        "max",
        "per s",
        "budget",
    ]
    rows = []
    for r in results:
        s = r.stats
        budget = "-" if not r.budget.checks else ("pass" if r.budget.passed else "FAIL")
        rows.append(
            [
                run_name(r, results),
                r.runtime or "-",
                str(r.samples),
                f"{r.load_ms:.1f}" if r.load_ms is not None else "-",
                *(f"{getattr(s, c):.3f}" if s.count else "-" for c in COLUMNS),
                f"{s.throughput:.1f}" if s.count else "-",
                budget,
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    print(
        "  ".join(
            h.ljust(w) if i < 2 else h.rjust(w)
            for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    )
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print("(times in milliseconds)")
    for r in results:
        conditions = conditions_line(r.conditions, r.energy)
        if conditions:
            print(f"{run_name(r, results)}: {conditions}")
        for check in r.budget.checks:
            if not check.passed:
                print(f"{r.device}: budget {check.budget.text} failed (measured {check.value})")
        if r.verification:
            from studio.agent.device_verify import verification_line

            print(f"{run_name(r, results)}: {verification_line(r.verification)}")
        if r.error is not None:
            kept = f" ({r.samples} samples kept)" if r.samples else ""
            print(f"{r.device}: {r.error.one_line()}{kept}", file=sys.stderr)
        elif r.stopped:
            print(f"{r.device}: stopped early after {r.samples} samples", file=sys.stderr)


def exit_code(results) -> int:
    codes = [r.error.exit_code for r in results if r.error is not None]
    if codes:
        return max(codes)
    if any(not r.budget.passed or not r.verified for r in results):
        return EXIT_VERDICT
    return EXIT_OK


def run(args) -> int:
    from studio.agent.bench import BenchGroup
    from studio.agent.budget import parse_budget
    from studio.agent.export import write_results
    from studio.agent.results import BenchConfig, results_document
    from studio.agent.together import check_together
    from studio.cli.bench_together import (
        ArtifactQueue,
        check_artifacts,
        print_together,
        together_bench,
        together_labels,
    )

    check_artifacts(args.artifact)
    budgets = [parse_budget(text) for text in args.budget]
    for target in args.export:
        if not target.lower().endswith((".csv", ".json")):
            raise InputError(f"--export {target}: the file must end in .csv or .json")
    config = BenchConfig(
        runtime=args.runtime,
        threads=args.threads,
        warmup=args.warmup,
        iterations=args.iterations,
        duration_s=args.duration,
        budgets=budgets,
        inputs=args.inputs,
        verify=args.verify,
        reference=args.reference,
        cores=args.cores,
        baseline_s=args.baseline,
        telemetry_interval_s=args.telemetry_interval,
    ).validate()
    if args.verify and args.together:
        raise InputError(
            "--verify checks one artifact at a time, not artifacts run --together",
            hint="verify each artifact in its own bench run, then run them together",
        )
    if args.verify:  # no reference: refused before any device is touched
        from studio.agent.device_verify import find_reference

        for artifact in args.artifact:
            find_reference(artifact, args.reference)
    if args.together:
        check_together(args.artifact, len(args.device), args.inputs)
        [serial] = args.device
        live = LiveLine(together_labels(serial, args.artifact), enabled=not args.json)
        group = together_bench(serial, args.artifact, config, live, args.adb_server)
    elif len(args.artifact) > 1:
        live = LiveLine(args.device, enabled=not args.json)
        group = ArtifactQueue(args.device, args.artifact, config, live, args.adb_server)
    else:
        live = LiveLine(args.device, enabled=not args.json)
        group = BenchGroup(
            args.device, args.artifact[0], config, callback=live, server=args.adb_server
        )
    results: list = []
    worker = threading.Thread(target=lambda: results.extend(group.run()), daemon=True)
    drawer = threading.Thread(target=live.refresh, daemon=True)
    worker.start()
    drawer.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        group.stop()
        while worker.is_alive():
            worker.join(0.1)
    finally:
        live.finish()
    for target in args.export:
        write_results(results, target)
    if args.json:
        emit_json(results_document(results))
    else:
        print_table(results)
        if args.together:
            print_together(results)
        for target in args.export:
            print(f"samples written to {target}")
    return exit_code(results)
