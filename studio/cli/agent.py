"""``model-studio agent``: the on-device agent that loads models and streams their latency."""

from __future__ import annotations

import argparse

from studio.errors import EXIT_OK, InputError

STATE_FILE = "agent.json"
LOAD_TIMEOUT_ENV = "MODEL_STUDIO_AGENT_LOAD_TIMEOUT"


def register(sub) -> None:
    parser = sub.add_parser(
        "agent",
        help="serve the on-device agent (runs models and streams their latency)",
        description="Serve the agent protocol on 127.0.0.1:PORT for clients that present "
        "TOKEN; models are loaded from files under DIR only. The studio starts this on a "
        "phone (or a virtual device) and reaches it through `adb forward`.",
    )
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (0: any)")
    parser.add_argument("--token", required=True, help="the secret clients must present")
    parser.add_argument(
        "--root",
        required=True,
        metavar="DIR",
        help="the folder the agent may load models and inputs from",
    )
    parser.add_argument(
        "--load-timeout",
        type=float,
        metavar="S",
        help="seconds a model may take to load; a load that overruns is refused and the "
        "agent exits, to be started afresh (default 120, or $MODEL_STUDIO_AGENT_LOAD_TIMEOUT)",
    )
    parser.add_argument(
        "--hello-timeout",
        type=float,
        metavar="S",
        help="seconds a new connection has to authenticate (default 5)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        help="connections served at once; more are refused (default 64)",
    )
    # Exit when that process ends (the virtual device that started this agent).
    parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def _limits(args) -> dict:
    """The limits given on the command line (or the environment), checked."""
    import os

    if args.load_timeout is None and os.environ.get(LOAD_TIMEOUT_ENV):
        try:
            args.load_timeout = float(os.environ[LOAD_TIMEOUT_ENV])
        except ValueError:
            raise InputError(f"${LOAD_TIMEOUT_ENV} must be a number of seconds") from None
    limits = {
        "load_timeout": args.load_timeout,
        "hello_timeout": args.hello_timeout,
        "max_connections": args.max_connections,
    }
    for name, value in limits.items():
        if value is not None and not 0 < value < 1e6:
            raise InputError(f"--{name.replace('_', '-')} must be above 0 and below 1000000")
    return {name: value for name, value in limits.items() if value is not None}


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run(args) -> int:
    import json
    import os
    import signal
    from pathlib import Path

    from studio import __version__
    from studio.agent.server import AgentServer
    from studio.fileio import write_text_atomic

    if not 0 <= args.port < 65536:
        raise InputError(f"--port {args.port} is not a port number")
    if not args.token:
        raise InputError("--token must not be empty")
    root = Path(args.root)
    server = AgentServer(root, args.token, args.port, **_limits(args))
    try:
        port = server.start()
    except OSError as exc:
        raise InputError(
            f"the agent cannot listen on 127.0.0.1:{args.port} ({exc.strerror})",
            hint="choose another --port",
        ) from None
    state = {"port": port, "pid": os.getpid(), "version": __version__, "token": args.token}
    state_path = server.root / STATE_FILE
    write_text_atomic(state_path, json.dumps(state))
    os.chmod(state_path, 0o600)
    print(f"agent listening on 127.0.0.1:{port}", flush=True)

    # SIGTERM keeps its default action, which needs no Python code to run: a Python
    # handler waits for the GIL, which a load stuck in native code may never give back.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = args.parent_pid
    try:
        server.serve_forever(keep_running=(lambda: _alive(parent)) if parent else None)
    except KeyboardInterrupt:
        server.close()
    finally:
        try:
            if json.loads(state_path.read_text()).get("pid") == os.getpid():
                state_path.unlink()
        except (OSError, ValueError):
            pass
    return EXIT_OK
