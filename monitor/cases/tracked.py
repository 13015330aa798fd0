"""Tracked cases: the ones named in the config, found in an announcement by their aliases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine as DbEngine
from sqlmodel import Session

from monitor.config import TrackedCase
from monitor.text import fold, slug


@dataclass(frozen=True, slots=True)
class CaseLink:
    key: str
    name: str
    tracked: bool


class CaseMatcher:
    """Finds tracked cases by alias (whole words, any case, accents folded)."""

    def __init__(self, cases: Sequence[TrackedCase]) -> None:
        self._cases = [
            (case, re.compile(r"\b(?:" + "|".join(_alias_patterns(case)) + r")\b"))
            for case in cases
        ]

    def tracked(self, title: str, text: str, force: str | None) -> list[CaseLink]:
        if not self._cases:
            return []
        haystack = fold(f"{title}\n{text}")
        found = []
        for case, pattern in self._cases:
            if not pattern.search(haystack):
                continue
            if case.forces and force and fold(force) not in {fold(f) for f in case.forces}:
                continue
            found.append(CaseLink(tracked_key(case.name), case.name, True))
        return found


def ensure_tracked(db: DbEngine, cases: Sequence[TrackedCase], now: datetime) -> None:
    """Every tracked case has its row from the moment it is configured ("no announcement yet")."""
    if not cases:
        return  # nothing to write; nor to import (linking loads the recorder's helpers)
    from monitor.cases.linking import tracked_case

    with Session(db) as session:
        for case in cases:
            tracked_case(session, tracked_key(case.name), case.name, now)
        session.commit()


def tracked_key(name: str) -> str:
    return f"tracked:{slug(name)}"


def _alias_patterns(case: TrackedCase) -> list[str]:
    # Any run of spaces/hyphens in an alias matches any other, so "Barking deaths" finds
    # "Barking  deaths" and "Barking-deaths".
    return [r"[\s-]+".join(map(re.escape, fold(a).split())) for a in case.all_names if a.strip()]
