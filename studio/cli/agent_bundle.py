"""``model-studio agent-bundle``: build or import the agent bundle that runs on phones."""

from __future__ import annotations

from studio.cli.output import emit_json
from studio.errors import EXIT_BAD_INPUT, EXIT_OK


def register(sub) -> None:
    parser = sub.add_parser(
        "agent-bundle",
        help="build or import the agent bundle that runs on arm64 phones",
        description="The phone agent bundle is a folder with its own Linux libraries, "
        "Python and runtimes that the studio pushes to an arm64 phone to measure models "
        "there. Build it on Debian or Ubuntu, or import a bundle file built elsewhere.",
    )
    parser.set_defaults(run=lambda args: _usage(parser))
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    build = actions.add_parser(
        "build",
        help="build the bundle from Debian and PyPI packages (cached after the first time)",
        description="Download Debian trixie arm64 packages (with a private apt "
        "configuration: this computer's apt state is not changed) and aarch64 wheels, "
        "and assemble the bundle. Downloads are cached, so building again needs no network. "
        "Without --out the bundle becomes this computer's current one.",
    )
    build.add_argument(
        "--with",
        dest="extra",
        action="append",
        choices=["ptl"],
        default=[],
        help="add a layer: ptl = PyTorch 2.10's lite interpreter for .ptl (about 450 MB more)",
    )
    build.add_argument(
        "--out", metavar="DIR", help="write DIR/agent and DIR/model-studio-agent-ID.tar.gz"
    )
    build.add_argument(
        "--debian-mirror",
        metavar="URL",
        help="the Debian archive to use (default: the one this computer's apt sources name)",
    )
    build.add_argument(
        "--refresh",
        action="store_true",
        help="read the Debian package index again (for new security fixes)",
    )
    build.add_argument("--json", action="store_true", help="print one JSON document")
    build.set_defaults(run=run_build)

    imp = actions.add_parser(
        "import",
        help="check a bundle file against its manifest and make it the current bundle",
    )
    imp.add_argument("file", metavar="FILE", help="a model-studio-agent-ID.tar.gz")
    imp.add_argument("--json", action="store_true", help="print one JSON document")
    imp.set_defaults(run=run_import)

    status = actions.add_parser("status", help="say which bundle is current, or how to get one")
    status.add_argument("--json", action="store_true", help="print one JSON document")
    status.set_defaults(run=run_status)

    from studio.cli import agent_bundle_remove

    agent_bundle_remove.register(actions)


def _usage(parser) -> int:
    parser.print_help()
    return EXIT_BAD_INPUT


def describe(bundle) -> dict:
    return {
        "id": bundle.id,
        "folder": str(bundle.folder),
        "archive": str(bundle.archive) if bundle.archive else None,
        "layers": bundle.layers,
        "layer_bytes": bundle.manifest["layer_bytes"],
        "components": [
            {key: c[key] for key in ("name", "version", "layer")}
            for c in bundle.manifest["components"]
        ],
    }


def _report(bundle, seconds: float | None, as_json: bool) -> None:
    from studio.units import human_bytes

    if as_json:
        emit_json({**describe(bundle), "seconds": seconds})
        return
    sizes = ", ".join(f"{k} {human_bytes(v)}" for k, v in bundle.manifest["layer_bytes"].items())
    took = f" in {seconds:.0f} s" if seconds is not None else ""
    print(f"Phone agent bundle {bundle.id}{took}: {sizes} unpacked.")
    print(f"Folder: {bundle.folder}")
    if bundle.archive:
        print(f"File:   {bundle.archive} ({human_bytes(bundle.archive.stat().st_size)})")


def run_build(args) -> int:
    import time
    from pathlib import Path

    from studio.agent.bundle.build import build
    from studio.agent.bundle.components import DEFAULT_LAYERS
    from studio.progress import TerminalProgress

    start = time.monotonic()
    bundle = build(
        layers=(*DEFAULT_LAYERS, *args.extra),
        out=Path(args.out) if args.out else None,
        mirror=args.debian_mirror,
        refresh=args.refresh,
        progress=TerminalProgress(),
    )
    _report(bundle, time.monotonic() - start, args.json)
    return EXIT_OK


def run_import(args) -> int:
    from pathlib import Path

    from studio.agent.bundle import import_bundle

    _report(import_bundle(Path(args.file)), None, args.json)
    return EXIT_OK


def run_status(args) -> int:
    from studio.agent.bundle import bundle_status_message, find_bundle

    bundle = find_bundle()
    if args.json:
        emit_json(
            {"bundle": describe(bundle) if bundle else None, "message": bundle_status_message()}
        )
    else:
        print(bundle_status_message())
    return EXIT_OK
