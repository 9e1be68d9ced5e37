"""``model-studio virtual-device``: a simulated phone for when there is no phone."""

from __future__ import annotations

import json
import re
import signal
import sys

from studio.errors import EXIT_OK, InputError


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", text.lower())
    if not match:
        raise InputError(f"Not a size: {text!r}", hint="for example 500M or 2G")
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[match.group(2)]
    return int(float(match.group(1)) * scale)


def register(sub) -> None:
    parser = sub.add_parser(
        "virtual-device",
        help="run a simulated Android phone and attach it to adb",
        description="Start a simulated Android phone that speaks the ADB protocol, and "
        "register it with the adb server (`adb connect`). Push, shell, pull, forward and "
        "benchmarks work on it as on a phone. Runs until Ctrl-C.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="TCP port to listen on (default: any free one; not 5555-5585)",
    )
    parser.add_argument(
        "--profile",
        default=None,
        help="device profile: a name (see --list-profiles) or a .json file (default: pixel-7)",
    )
    parser.add_argument(
        "--adb-server",
        metavar="HOST:PORT",
        help="the adb server to attach to (default: this computer's)",
    )
    parser.add_argument(
        "--sandbox",
        metavar="DIR",
        help="folder for the phone's files, kept after exit "
        "(default: a temporary folder, removed on exit)",
    )
    parser.add_argument(
        "--free-space",
        metavar="SIZE",
        help="free storage the phone reports, e.g. 500M (default: the profile's)",
    )
    parser.add_argument(
        "--no-register",
        action="store_true",
        help="only listen; attach it yourself with `adb connect 127.0.0.1:PORT`",
    )
    parser.add_argument(
        "--arch",
        choices=("host", "arm64"),
        default="host",
        help="host (default): the agent runs as a process of this computer. arm64: the "
        "phone runs what a phone runs: the pushed agent bundle, as aarch64 code under "
        "qemu-user in an Android-like root (needs root and qemu-user-static)",
    )
    parser.add_argument("--list-profiles", action="store_true", help="list profiles and exit")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON line (serial, port, sandbox) once ready"
    )
    parser.set_defaults(run=run)


def run(args) -> int:
    from studio.devices.adb import resolve_server
    from studio.devices.virtual import VirtualDevice, load_profile, profile_names

    if args.list_profiles:
        for name in profile_names():
            print(f"{name}\t{load_profile(name).description}")
        return EXIT_OK
    free = parse_size(args.free_space) if args.free_space else None
    device = VirtualDevice(
        profile=args.profile or "pixel-7",
        sandbox=args.sandbox,
        port=args.port,
        data_free_bytes=free,
        adb_server=resolve_server(args.adb_server),
        register=not args.no_register,
        arch=args.arch,
    )

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        serial = device.start()
        info = {
            "serial": serial,
            "port": device.port,
            "profile": device.profile.name,
            "arch": device.arch,
            "sandbox": str(device.sandbox),
            "registered": not args.no_register,
        }
        if args.json:
            print(json.dumps(info), flush=True)
        else:
            model = device.profile.prop("ro.product.model", device.profile.name)
            how = "attached to adb" if not args.no_register else "listening"
            print(
                f"Virtual {model} {how} as {serial}; its files are in {device.sandbox}. "
                "Press Ctrl-C to stop.",
                flush=True,
            )
        device.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        device.stop()
        sys.stdout.flush()
    return EXIT_OK
