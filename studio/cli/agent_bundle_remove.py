"""``model-studio agent-bundle remove --device SERIAL``: take the agent off a phone."""

from __future__ import annotations

from studio.cli.output import emit_json
from studio.errors import EXIT_OK


def register(actions) -> None:
    remove = actions.add_parser(
        "remove",
        help="stop the agent on a phone and remove its bundle from the phone",
        description="Stop the Model Studio agent on the phone and delete the agent bundle "
        "and its files from /data/local/tmp/model-studio. Models pushed there stay.",
    )
    remove.add_argument("--device", required=True, metavar="SERIAL", help="the phone's serial")
    remove.add_argument("--adb-server", metavar="HOST:PORT", help="the adb server the phone is on")
    remove.add_argument("--json", action="store_true", help="print one JSON document")
    remove.set_defaults(run=run)


def run(args) -> int:
    from studio.agent.device_bundle import remove_bundle

    removed = remove_bundle(args.device, args.adb_server)
    if args.json:
        emit_json({"device": args.device, "removed": removed})
    elif removed:
        print(f"Removed the Model Studio agent from {args.device}: {', '.join(removed)}")
    else:
        print(f"{args.device} holds no Model Studio agent")
    return EXIT_OK
