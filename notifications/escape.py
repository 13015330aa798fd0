"""Make text taken from a page inert in each target format.

Page text is hostile until proven otherwise: a title may carry `<script>`, a Slack broadcast
(`<!channel>`), or Markdown that turns a quote into a link. Each function here is applied by
the template engine to every value it prints (Jinja `finalize`), so a template cannot forget.
"""

from __future__ import annotations

import re

# Inserted between "@" or "<!" and the rest so Slack, Teams and Matrix see no mention; it is
# invisible when displayed.
WORD_JOINER = "\u2060"

_BROADCAST = re.compile(r"@(channel|here|everyone|room|all)\b", re.IGNORECASE)
_ANGLE_MENTION = re.compile(r"<([!@#])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can start
# formatting, links, headings, HTML or entities inside a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~&])")

# Slack's mrkdwn has no escape character, so the characters that would become bold, code or
# strike-through are swapped for look-alikes; apprise entity-escapes &, < and > and drops the
# backslash in front of []()#! when it converts our Markdown to mrkdwn.
_SLACK_LOOKALIKE = str.maketrans({"*": "\u2217", "`": "\u02cb", "~": "\u223c", "\\": "\u29f5"})
_SLACK_SPECIAL = re.compile(r"([\[\]()#!<>])")


class Raw(str):
    """Text already formatted for its target (a link we built); escaping leaves it alone."""


def neutral(text: str) -> str:
    """No mentions, no control characters: the base for every format."""
    text = _CONTROL.sub("", text)
    text = _ANGLE_MENTION.sub(lambda m: "<" + WORD_JOINER + m.group(1), text)
    return _BROADCAST.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)


def plain(text: str) -> str:
    return neutral(text)


def markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", neutral(text))


def slack(text: str) -> str:
    return _SLACK_SPECIAL.sub(r"\\\1", neutral(text).translate(_SLACK_LOOKALIKE))


def finalizer(escape):  # noqa: ANN001, ANN201 - a Jinja hook; its types add nothing here
    """A Jinja `finalize` that escapes every printed value except Raw ones and prints None as ''."""

    def finalize(value: object) -> object:
        if value is None:
            return ""
        if isinstance(value, Raw):
            return value
        return escape(str(value))

    return finalize


def safe_url(url: object) -> str | None:
    """Only http(s) links, with the characters that could end a Markdown or Slack link encoded."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not re.match(r"https?://[^\s/]+", url, re.IGNORECASE):
        return None
    return (
        url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    )
