"""Normalise extracted text and hash it, so only a real change of wording counts as a change."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator

# Things that change on every request without the announcement changing. Each pattern is
# only run where, or when, a cheap test says it could match: these run over every fetched page.
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[aApP][mM]|GMT|BST|UTC))?")
_GENERATED = re.compile(r"(?:[Pp]age )?[Gg]enerated (?:in|at) [^.]*")
_TOKEN = re.compile(r"(?i:csrf|token|nonce|session)[=:]\s*\S+")
_TOKEN_WORDS = ("csrf", "token", "nonce", "session")
_PRINTABLE = bytes(range(32, 127))
_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'))


def squash(text: str) -> str:
    """`" ".join(text.split())`: one space between words, none at the ends.

    Most text is that already, or is once its newlines are spaces; checking so is much cheaper
    than splitting it into words. Every space but " " is unprintable (tests/test_same_output.py).
    """
    flat = text.replace("\n", " ")
    printable = (
        not flat.encode().translate(None, _PRINTABLE) if flat.isascii() else flat.isprintable()
    )
    if printable and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
        return flat
    return " ".join(text.split())


def normalise(text: str) -> str:
    """NFKC, one space between words, curly quotes straightened."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        for curly, straight in _QUOTES:
            text = text.replace(curly, straight)
    return squash(text)


def _where(text: str, char: str) -> Iterator[int]:
    at = text.find(char)
    while at != -1:
        yield at
        at = text.find(char, at + 1)


def _without_clocks(text: str) -> str:
    """`_CLOCK.sub("", text)`, the pattern tried only where a match can start: one or two
    characters before a colon. A page has few colons; running the regex over it costs more."""
    kept, last = [], 0
    for at in _where(text, ":"):
        for start in (at - 2, at - 1):
            if start >= last and (match := _CLOCK.match(text, start)):
                kept.append(text[last:start])
                last = match.end()
                break
    return "".join((*kept, text[last:])) if kept else text


def _could_hold_token(text: str) -> bool:
    """True if _TOKEN matches somewhere: its word ends just before an "=" or a ":"."""
    return any(
        _TOKEN.match(text, at - size)
        for char in "=:"
        for at in _where(text, char)
        for size in (4, 5, 7)  # csrf; token, nonce; session
        if at >= size
    )


def _without_volatile(text: str) -> str:
    text = _without_clocks(text)
    if "enerated " in text:
        text = _GENERATED.sub("", text)
    # Where _TOKEN cannot match, the substitution changes nothing; where it can, the rule is
    # the old one: only if the lower-cased text holds one of the words.
    if _could_hold_token(text):
        lower = text.lower()
        if any(word in lower for word in _TOKEN_WORDS):
            text = _TOKEN.sub("", text)
    return text


def content_hash(title: str, text: str, fields: dict[str, str]) -> str:
    """A hash of what a reader sees: title, body and labelled fields, minus volatile bits."""
    material = [normalise(title), _without_volatile(normalise(text)), sorted(fields.items())]
    # All ASCII (the usual case): the same JSON either way, and ensure_ascii's encoder is faster.
    ascii = material[0].isascii() and material[1].isascii()
    ascii = ascii and all(k.isascii() and v.isascii() for k, v in material[2])
    return hashlib.sha256(json.dumps(material, ensure_ascii=ascii).encode()).hexdigest()


def fold(text: str) -> str:
    """Lower case without accents: 'Kovári' and 'kovari' match."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80] or "case"
