"""``model-studio devices``, ``connect`` and ``disconnect``: the phones adb can see."""

from __future__ import annotations

import sys

from studio.cli.output import emit_json
from studio.errors import EXIT_OK, EXIT_UNREACHABLE


def add_server_argument(parser, many: bool = False) -> None:
    if many:
        parser.add_argument(
            "--adb-server",
            metavar="HOST:PORT",
            action="append",
            default=[],
            help="also list the devices of this adb server (a device lab); repeatable",
        )
    else:
        parser.add_argument(
            "--adb-server",
            metavar="HOST:PORT",
            help="the adb server that has the device (default: this computer's, "
            "port $ANDROID_ADB_SERVER_PORT or 5037)",
        )


def register(sub) -> None:
    parser = sub.add_parser(
        "devices",
        help="list attached phones and what they are",
        description="List the phones of this computer's adb server (started when none runs) "
        "and of any remote adb server, with their facts: model, Android version, ABIs, "
        "SoC, CPU, memory, free storage, battery.",
    )
    add_server_argument(parser, many=True)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--no-facts", action="store_true", help="list only, do not query phones")
    parser.add_argument(
        "--watch",
        action="store_true",
        help="after listing, report phones as they come and go (Ctrl-C stops)",
    )
    parser.set_defaults(run=run_devices)

    connect = sub.add_parser(
        "connect",
        help="connect a phone over Wi-Fi (HOST:PORT)",
        description="Connect a phone with wireless debugging on, like `adb connect`.",
    )
    connect.add_argument("address", metavar="HOST:PORT")
    add_server_argument(connect)
    connect.add_argument("--json", action="store_true", help="print one JSON document")
    connect.set_defaults(run=run_connect)

    disconnect = sub.add_parser(
        "disconnect",
        help="disconnect a Wi-Fi phone (HOST:PORT)",
        description="Disconnect a phone connected over the network, like `adb disconnect`.",
    )
    disconnect.add_argument("address", metavar="HOST:PORT")
    add_server_argument(disconnect)
    disconnect.add_argument("--json", action="store_true", help="print one JSON document")
    disconnect.set_defaults(run=run_disconnect)


def _print_entry(entry) -> None:
    if entry.ready:
        summary = entry.facts.summary() if entry.facts else entry.name
        print(f"{entry.serial}\t{entry.state}\t{summary}")
        if entry.facts and entry.facts.abis:
            print(f"\tABIs {', '.join(entry.facts.abis)}")
        if entry.facts_error:
            print(f"\tfacts unavailable: {entry.facts_error}")
    else:
        print(f"{entry.serial}\t{entry.state}\t{entry.guidance}")


def run_devices(args) -> int:
    from studio.devices.discovery import DeviceWatcher, scan

    result = scan(args.adb_server, with_facts=not args.no_facts)
    failed = [s for s in result.servers if not s.ok]
    if args.json:
        emit_json(result.to_dict())
    else:
        several = len(result.servers) > 1
        for entry in result.devices:
            _print_entry(entry)
            if several:
                print(f"\ton adb server {entry.server}")
        for status in failed:
            print(f"error: adb server {status.address}: {status.error}", file=sys.stderr)
        if not result.devices and not failed:
            print(
                "No phones found. Connect one by USB with USB debugging on, connect one over "
                "Wi-Fi with `model-studio connect HOST:PORT`, or start a simulated one with "
                "`model-studio virtual-device`."
            )
    if args.watch:
        watchers = []
        for status in result.servers:
            if status.ok:
                watchers.append(DeviceWatcher(_print_change, status.address).start())
        try:
            import threading

            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            for watcher in watchers:
                watcher.stop()
    return EXIT_UNREACHABLE if failed else EXIT_OK


def _print_change(change) -> None:
    text = change.guidance or ("gone" if change.state == "absent" else "ready")
    print(f"{change.serial}\t{change.state}\t{text}", flush=True)


def run_connect(args) -> int:
    from studio.devices.adb import connect_device, resolve_server

    serial = connect_device(args.address, resolve_server(args.adb_server), wait=True)
    if args.json:
        emit_json({"serial": serial, "state": "device"})
    else:
        print(f"connected to {serial}")
    return EXIT_OK


def run_disconnect(args) -> int:
    from studio.devices.adb import disconnect_device, resolve_server

    reply = disconnect_device(args.address, resolve_server(args.adb_server))
    if args.json:
        emit_json({"address": args.address, "message": reply})
    else:
        print(reply or f"disconnected {args.address}")
    return EXIT_OK
