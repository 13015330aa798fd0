"""Who faced what within a case: "PC A: gross misconduct notice → case to answer → dismissed".

Officers are found where an announcement names them with a rank, by cipher ("PC A", "Officer
B") or by name ("PC Martyn Blake", later "PC Blake": one officer, by surname). Each one's trail is
the stage of every announcement that names them, oldest first, repeats dropped. An
announcement that names two officers with different outcomes gives both its one reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_RANKS = (
    "police constable",
    "pc",
    "detective constable",
    "dc",
    "special constable",
    "police sergeant",
    "sergeant",
    "sgt",
    "ps",
    "acting sergeant",
    "detective sergeant",
    "ds",
    "inspector",
    "detective inspector",
    "di",
    "officer",
)
_RANK = "|".join(sorted((re.escape(r) for r in _RANKS), key=len, reverse=True))
_WORD = r"(?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_OFFICER = re.compile(
    rf"(?<!Chief )(?<!Superintendent )\b((?i:{_RANK}))\.? "
    rf"([A-Z](?![\w'])|{_WORD}(?: {_WORD})?)(?![\w'])"
)
_NOT_NAMES = {"The", "And", "Of", "In", "At", "On", "For", "From", "Was", "Has", "Is"}


def officers_named(text: str) -> dict[str, str]:
    """{identity: shown} for every officer named: {'a': 'PC A', 'blake': 'PC Martyn Blake'}."""
    found: dict[str, str] = {}
    for match in _OFFICER.finditer(text):
        rank_words, name = match.group(1), match.group(2)
        if name.split()[0] in _NOT_NAMES or (rank_words.islower() and len(rank_words) <= 3):
            continue  # "ds" in running text, or "Officer The…"
        shown = f"{rank_words} {name}"  # as the announcement writes it
        identity = name.split()[-1].casefold()
        if len(shown) > len(found.get(identity, "")):
            found[identity] = shown
    return found


def trails(entries: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
    """From (text, short stage label) oldest first: each officer's names and stages."""
    order: list[str] = []
    shown: dict[str, str] = {}
    stages: dict[str, list[str]] = {}
    for text, stage in entries:
        for identity, name in officers_named(text).items():
            if identity not in shown:
                order.append(identity)
            if len(name) > len(shown.get(identity, "")):
                shown[identity] = name
            steps = stages.setdefault(identity, [])
            if stage and (not steps or steps[-1] != stage):
                steps.append(stage)
    return [
        {"officer": shown[i], "stages": stages[i], "line": f"{shown[i]}: {' → '.join(stages[i])}"}
        for i in order
        if stages[i]
    ]
