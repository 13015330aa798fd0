"""Who gets an event: a subscriber's filters against the event's payload.

Filters are AND across axes (cases, forces, stages, sources, keywords) and OR within one. An
empty axis does not restrict, so a subscriber with no filters at all follows everything; the
`events` list (kinds) always applies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from monitor.config import Subscriber

# Words that vary between how people write a force and its official name.
_FORCE_NOISE = {"the", "of", "police", "service", "constabulary", "force", "and", "&"}
# Abbreviations people type in config; compared after the noise words are dropped.
_FORCE_ALIASES = {
    "met": "metropolitan",
    "mps": "metropolitan",
    "scotland yard": "metropolitan",
    "gmp": "greater manchester",
    "btp": "british transport",
    "psni": "northern ireland",
    "west mids": "west midlands",
}


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Pénélope' and 'penelope' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def force_key(name: str) -> str:
    """'Met', 'the Met' and 'Metropolitan Police Service' all give 'metropolitan'."""
    words = [w for w in re.split(r"[^\w&]+", fold(name)) if w and w not in _FORCE_NOISE]
    key = " ".join(words)
    return _FORCE_ALIASES.get(key, key)


# Health events go to the maintainers (`[health] urls`), never to case subscribers.
HEALTH_KINDS = ("source_failing", "source_recovered", "mass_change_held", "dead_letters")
MAINTAINERS = "maintainers"


def keyword_found(keyword: str, text: str) -> bool:
    """Whole-word match, so 'Port' finds 'Stephen Port' but not 'report'."""
    word = fold(keyword).strip()
    if not word:
        return False
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", fold(text)) is not None


def reasons(
    sub: Subscriber, kind: str, payload: Mapping[str, Any], text: str | None = None
) -> list[str] | None:
    """Why this subscriber gets the event ('the case Stephen Port', …), or None if it does not.

    `text` is the document's extracted text for keyword filters; without it (at send time, when
    only the payload is at hand) a keyword filter is described rather than re-checked.
    """
    if not wants_kind(sub, kind, payload):
        return None
    why: list[str] = []
    axes = (
        (sub.cases, _case_hit, "the case"),
        (sub.forces, _force_hit, "the force"),
        (sub.stages, _stage_hit, "the stage"),
        (sub.sources, _source_hit, "the source"),
    )
    for wanted, hit, noun in axes:
        if not wanted:
            continue
        found = [w for w in wanted if hit(w, payload)]
        if not found:
            return None
        why.append(f"{noun} {found[0]}")
    if sub.keywords:
        haystack = f"{payload.get('title') or ''}\n{text or ''}"
        found = [k for k in sub.keywords if keyword_found(k, haystack)]
        if text is not None and not found:
            return None
        words = found or sub.keywords
        why.append("the keyword" + ("s " if len(words) > 1 else " ") + ", ".join(words))
    return why or ["everything (no filters set)"]


# Other announcements about a tracked case: `announcement` in `events` covers them too, so a
# follower who did not ask for these kinds by name still hears of every announcement.
_ANNOUNCEMENT_LIKE = ("case_update", "document_changed", "document_removed", "document_restored")
STAGE_MOVES = ("stage_changed", "new_case")


def wants_kind(sub: Subscriber, kind: str, payload: Mapping[str, Any]) -> bool:
    if kind in sub.events:
        return True
    if kind == "document_restored" and "document_removed" in sub.events:
        return True  # who was told a page went is told it is back
    return (
        "announcement" in sub.events and kind in _ANNOUNCEMENT_LIKE and bool(payload.get("tracked"))
    )


def is_uncertain_move(kind: str, payload: Mapping[str, Any]) -> bool:
    return kind in STAGE_MOVES and bool(payload.get("uncertain"))


def sends_at_once(sub: Subscriber, kind: str, payload: Mapping[str, Any]) -> bool:
    """True: its own message now; False: in the subscriber's next digest."""
    if sub.uncertain is not None and is_uncertain_move(kind, payload):
        return sub.uncertain == "immediate"
    return sub.mode == "immediate"


def digest_period(sub: Subscriber) -> str | None:
    """'daily' or 'weekly' if the subscriber ever gets a digest, else None."""
    if sub.mode != "immediate":
        return sub.mode
    return "daily" if sub.uncertain == "digest" else None


def _case_hit(name: str, payload: Mapping[str, Any]) -> bool:
    return fold(str(payload.get("case_name") or "")) == fold(name)


def _force_hit(name: str, payload: Mapping[str, Any]) -> bool:
    force = payload.get("force")
    return bool(force) and force_key(str(force)) == force_key(name)


def _stage_hit(stage: str, payload: Mapping[str, Any]) -> bool:
    return payload.get("to_stage") == stage


def _source_hit(source_id: str, payload: Mapping[str, Any]) -> bool:
    return payload.get("source_id") == source_id
