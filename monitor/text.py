"""Normalise extracted text and hash it, so only a real change of wording counts as a change."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Things that change on every request without the announcement changing.
_VOLATILE = re.compile(
    r"\b(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm|GMT|BST|UTC)?"  # clock times
    r"|(?:page )?generated (?:in|at) [^.]*"
    r"|(?:csrf|token|nonce|session)[=:]\s*\S+)",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """NFKC, one space between words, curly quotes straightened."""
    text = unicodedata.normalize("NFKC", text)
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    return _SPACE.sub(" ", text).strip()


def content_hash(title: str, text: str, fields: dict[str, str]) -> str:
    """A hash of what a reader sees: title, body and labelled fields, minus volatile bits."""
    material = json.dumps(
        [normalise(title), _VOLATILE.sub("", normalise(text)), sorted(fields.items())],
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def fold(text: str) -> str:
    """Lower case without accents: 'Kovári' and 'kovari' match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80] or "case"
