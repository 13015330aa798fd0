"""Text for a person's terminal: no configured secret, no escape sequence from a page title.

A title can carry ESC ] (OSC) sequences that retitle the terminal or plant hyperlinks, or other
control characters; each becomes a space. JSON output needs only `redact`: json.dumps already
escapes control characters.
"""

from __future__ import annotations

import re

import click

from monitor.redact import redact

# An escape sequence is removed whole (ESC [ … final byte, ESC ] … BEL/ST), not just its ESC.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the one-byte CSI
)


def plain(text: str) -> str:
    """Without escape sequences and control characters (line breaks kept)."""
    text = _ESCAPES.sub("", text)
    return "".join(c if c.isprintable() or c in "\t\n" else " " for c in text)


def say(text: str = "", *, err: bool = False) -> None:
    """Print text for a person: secrets masked, control characters gone."""
    click.echo(plain(redact(text)), err=err)
