"""The agent's own entry point: ``python -m studio.agent.main --port N --token T --root DIR``.

The phone bundle's launcher runs this. It takes exactly the arguments of
``model-studio agent`` but imports nothing of the command line beyond that command,
so it starts without the desktop's libraries.
"""

from __future__ import annotations

import argparse
import sys

from studio.cli import agent as agent_command
from studio.errors import EXIT_INTERNAL, StudioError
from studio.logs import setup_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model-studio-agent")
    agent_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["agent", *(sys.argv[1:] if argv is None else argv)])
    setup_logging()
    try:
        return int(args.run(args) or 0)
    except StudioError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so on one line; the log has the traceback
        import logging

        logging.getLogger("studio.agent").exception("internal error")
        print(f"error: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
