"""Normalise extracted text and hash it, so only a real change of wording counts as a change."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

# Things that change on every request without the announcement changing. Each pattern is
# only run when a cheap test says it could match: these run over every fetched page.
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[aApP][mM]|GMT|BST|UTC))?")
_GENERATED = re.compile(r"(?:[Pp]age )?[Gg]enerated (?:in|at) [^.]*")
_TOKEN = re.compile(r"(?i:csrf|token|nonce|session)[=:]\s*\S+")
_TOKEN_WORDS = ("csrf", "token", "nonce", "session")
_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'))


def normalise(text: str) -> str:
    """NFKC, one space between words, curly quotes straightened."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        for curly, straight in _QUOTES:
            text = text.replace(curly, straight)
    return " ".join(text.split())


def _has_clock(text: str) -> bool:
    """True if some colon has a digit before it and two after: only then can _CLOCK match.

    Scanning the few colons is much cheaper than running the regex over a long page.
    """
    at = text.find(":")
    while at != -1:
        if at and text[at - 1].isdigit() and text[at + 1 : at + 3].isdigit():
            return True
        at = text.find(":", at + 1)
    return False


def _without_volatile(text: str) -> str:
    if _has_clock(text):
        text = _CLOCK.sub("", text)
    if "enerated " in text:
        text = _GENERATED.sub("", text)
    lower = text.lower()
    if any(word in lower for word in _TOKEN_WORDS):
        text = _TOKEN.sub("", text)
    return text


def content_hash(title: str, text: str, fields: dict[str, str]) -> str:
    """A hash of what a reader sees: title, body and labelled fields, minus volatile bits."""
    material = json.dumps(
        [normalise(title), _without_volatile(normalise(text)), sorted(fields.items())],
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def fold(text: str) -> str:
    """Lower case without accents: 'Kovári' and 'kovari' match."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80] or "case"
