"""The library's advice in the words of the window: fields and buttons, not command-line flags.

Messages from loading a model are written for the command line (``give --arch NAME``). The
window has fields for the same settings; :func:`on_screen` rewrites the advice to name them.
No Qt here.
"""

from __future__ import annotations

import re

ARCH_SPEC = "a .py file and its class (my_net.py:MyNet) or package.module:factory"

# Whole pieces of advice first (they read as sentences afterwards), then the bare flags.
PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"give --arch NAME \(a torchvision name\) or a factory spec like \S+?(?=[.;]?$|[.;] )",
        "type the architecture in the Architecture field: a catalogue name such as resnet18, "
        + ARCH_SPEC,
    ),
    (
        r"give --arch NAME or a factory spec like \S+?(?=[.;]?$|[.;] )",
        "type the architecture in the Architecture field: " + ARCH_SPEC,
    ),
    (
        r"run `model-studio inspect FILE` without --arch to detect it, or give a factory spec "
        r"like \S+?(?=[.;]?$|[.;] )",
        "clear the Architecture field and press Open to detect it, or type " + ARCH_SPEC,
    ),
    (
        r"run inspect without --arch to see which architectures match, or check --arch-kwargs",
        "clear the Architecture field and press Open to see which architectures match, or check "
        "the Arguments",
    ),
    (
        r"--arch-args applies to factory specs; catalogue architectures take --arch-kwargs",
        "a list of arguments applies to " + ARCH_SPEC + "; catalogue architectures take "
        'keyword arguments such as {"num_classes": 10}',
    ),
    (r"check --arch-args and --arch-kwargs", "check the Arguments"),
    (r"give --arch to choose", "show the candidates to choose another"),
    (r"--arch is ignored", "the Architecture field is ignored"),
    (
        r"give --input-shape, e\.g\. --input-shape (\S+)",
        r"type it in the Input shape field, e.g. \1",
    ),
    (r"write it like --input-shape ", "write it like "),
    (r"give --input-shape if the model takes another", "type it in the Input shape field if not"),
    (r"give the right --input-shape", "type the right shape in the Input shape field"),
    (r"give (?:it|the model's input shape) with --input-shape", "type it in the Input shape field"),
    (r" \(with --trust on the command line\)", ""),
    (r", with --trust;", ";"),
    (r"if you trust it, add --trust", "if you trust it, confirm when Model Studio asks"),
    (r"--input-shape(?: \S*\d)?", "the Input shape field"),
    (r"--arch-(?:kwargs|args)", "the Arguments field"),
    (r"--arch(?: NAME)?", "the Architecture field"),
    (r"--trust", "your confirmation that you trust the file"),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), new) for pattern, new in PHRASES)


def on_screen(text: str | None) -> str | None:
    """``text`` with command-line advice replaced by what to do in the window."""
    if not text:
        return text
    for pattern, new in _COMPILED:
        text = pattern.sub(lambda m, new=new: _same_case(m.group(0), m.expand(new)), text)
    return text


def _same_case(old: str, new: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() and new else new
