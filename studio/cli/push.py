"""``model-studio push`` and ``pull``: verified file transfer to and from a phone."""

from __future__ import annotations

from studio.cli.devices import add_server_argument
from studio.cli.output import emit_json
from studio.errors import EXIT_OK, DeviceError


def register(sub) -> None:
    parser = sub.add_parser(
        "push",
        help="copy an artifact to a phone, verified by SHA-256",
        description="Copy a file to a phone. It is written under a temporary name and "
        "renamed only after its SHA-256 on the phone matches. Default destination: "
        "/data/local/tmp/model-studio/.",
    )
    parser.add_argument("artifact", help="the file to push")
    parser.add_argument(
        "--device",
        metavar="SERIAL",
        help="the phone (see `model-studio devices`); optional with one phone",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--dest", metavar="PATH", help="path on the phone (a folder when it ends with /)"
    )
    where.add_argument(
        "--package",
        metavar="PKG",
        help="into this app's files: private files/ for a debuggable app "
        "(run-as), else its external files folder",
    )
    add_server_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run_push)

    pull = sub.add_parser(
        "pull",
        help="copy a file from a phone",
        description="Copy a file from a phone; the local file appears only when complete.",
    )
    pull.add_argument("remote", help="path on the phone")
    pull.add_argument("local", nargs="?", default=".", help="local file or folder (default: .)")
    pull.add_argument("--device", metavar="SERIAL", help="the phone; optional with one phone")
    add_server_argument(pull)
    pull.add_argument("--json", action="store_true", help="print one JSON document")
    pull.set_defaults(run=run_pull)


def pick_serial(serial: str | None, server) -> str:
    """The serial given, or the only ready phone."""
    if serial:
        return serial
    from studio.devices.discovery import list_server

    ready = [d.serial for d in list_server(server, with_facts=False) if d.ready]
    if len(ready) == 1:
        return ready[0]
    if not ready:
        raise DeviceError("No phone is ready", hint="connect one, then see `model-studio devices`")
    raise DeviceError(
        f"{len(ready)} phones are attached: {', '.join(ready)}",
        hint="choose one with --device SERIAL",
    )


def run_push(args) -> int:
    from studio.devices.adb import resolve_server
    from studio.devices.transfer import push
    from studio.progress import TerminalProgress, no_progress

    server = resolve_server(args.adb_server)
    serial = pick_serial(args.device, server)
    result = push(
        args.artifact,
        serial,
        dest=args.dest,
        package=args.package,
        server=server,
        progress=no_progress if args.json else TerminalProgress(),
    )
    if args.json:
        emit_json(result.to_dict())
    else:
        print(
            f"pushed {result.local_path} to {serial}:{result.remote_path} "
            f"({result.bytes} bytes, {result.seconds:.1f} s, {result.mb_per_s:.1f} MB/s, "
            f"sha256 {result.sha256})"
        )
    return EXIT_OK


def run_pull(args) -> int:
    from studio.devices.adb import resolve_server
    from studio.devices.transfer import pull
    from studio.progress import TerminalProgress, no_progress

    server = resolve_server(args.adb_server)
    serial = pick_serial(args.device, server)
    result = pull(
        args.remote,
        args.local,
        serial,
        server=server,
        progress=no_progress if args.json else TerminalProgress(),
    )
    if args.json:
        emit_json(result.to_dict())
    else:
        print(
            f"pulled {serial}:{result.remote_path} to {result.local_path} "
            f"({result.bytes} bytes, sha256 {result.sha256})"
        )
    return EXIT_OK
