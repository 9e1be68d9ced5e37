"""``model-studio gui`` (and ``model-studio`` alone): the desktop application."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    parser = sub.add_parser(
        "gui",
        help="open the desktop application (the default)",
        description="Open Model Studio's window: load a model, convert it, check it, push "
        "it to a phone and measure its latency, with clicks.",
    )
    parser.add_argument("model", nargs="?", help="a model file to open at start")
    parser.add_argument(
        "--language", metavar="CODE", help="user interface language, e.g. en or zh_CN"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.ui.app import run_gui

    return run_gui(model=args.model, language=args.language)
