"""Helpers shared by the subcommands: JSON output and common argument parsing."""

from __future__ import annotations

import json
import sys
from typing import Any

from studio.errors import InputError


def emit_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    json.dump(document, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()


def parse_json_arg(text: str | None, option: str, expect: type) -> Any:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{option} is not valid JSON ({exc.msg} at character {exc.pos})",
            hint=f"""for example {option} '["a", 1]'"""
            if expect is list
            else f"""for example {option} '{{"num_classes": 10}}'""",
        ) from None
    if not isinstance(value, expect):
        raise InputError(f"{option} must be a JSON {'list' if expect is list else 'object'}")
    return value
