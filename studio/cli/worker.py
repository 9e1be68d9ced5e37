"""``model-studio worker``: the process that runs model work for the desktop application."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    parser = sub.add_parser(
        "worker",
        help="run model jobs for the desktop application (JSON lines on stdin/stdout)",
        description="Read one JSON request per line on stdin (id, job, params) and answer "
        "with progress events and one result or error per request on stdout. The desktop "
        "application starts it; it is not meant to be run by hand.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.jobs.worker import main

    return main()
