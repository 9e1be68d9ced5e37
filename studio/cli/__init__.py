"""The ``model-studio`` command line.

Each subcommand lives in its own module of this package with a ``register(subparsers)``
function that adds its parser and sets ``run`` (``args -> exit code``). Modules import
heavy libraries (torch, adbutils) inside ``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from studio import __version__
from studio.errors import EXIT_INTERNAL, StudioError
from studio.logs import log_file, setup_logging

# Subcommand modules, in the order of the work.
COMMAND_MODULES = [
    "inspect",
    "convert",
    "check",
    "devices",
    "push",
    "virtual_device",
    "bench",
    "agent",
    "agent_bundle",
    "demo",
    "worker",
    "gui",
]

log = logging.getLogger("studio.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="model-studio",
        description="Take a trained PyTorch model from a checkpoint to an Android phone.",
    )
    parser.add_argument("--version", action="version", version=f"model-studio {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to the terminal")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation headless (sample model, virtual phone); print JSON",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"studio.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; ``argv`` None means this process is the command (the console script).

    As the command, those that open files a user was given run under a supervisor that
    ends them when a file's own code never returns (see :mod:`studio.watchdog`).
    """
    if argv is None:
        from studio import watchdog

        argv = sys.argv[1:]
        if watchdog.wanted(argv):
            return watchdog.supervise(lambda: run_command(argv))
    return run_command(argv)


def run_command(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(verbose=args.verbose)
    if args.self_test:
        from studio.selftest import main as self_test

        return self_test()
    if args.command is None:
        if "gui" in COMMAND_MODULES:
            args = parser.parse_args(["gui", *argv])
        else:
            parser.print_help()
            return 0
    log.info("model-studio %s: %s", __version__, " ".join(argv))
    try:
        return int(args.run(args) or 0)
    except StudioError as exc:
        log.info("user error: %s", exc.one_line(), exc_info=True)
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so briefly, keep the traceback in the log
        log.exception("internal error")
        print(
            f"error: internal error ({type(exc).__name__}: {exc}). "
            f"Details are in the log: {log_file()}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def entry() -> None:
    sys.exit(main())
