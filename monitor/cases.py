"""Which cases a document belongs to: a printed reference, tracked-case aliases, or itself."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
            found.append(CaseLink(f"tracked:{slug(case.name)}", case.name, True))
        return found

    def links(
        self,
        *,
        source_id: str,
        external_id: str,
        title: str,
        text: str,
        force: str | None,
        case_key: str | None,
    ) -> list[CaseLink]:
        """Every case this document belongs to; never empty: a document is at least its own."""
        links = self.tracked(title, text, force)
        if case_key:
            links.append(CaseLink(f"ref:{fold(case_key).strip()}", title, False))
        if not links:
            links.append(CaseLink(f"doc:{source_id}:{external_id}"[:300], title, False))
        return links


def _alias_patterns(case: TrackedCase) -> list[str]:
    # Any run of spaces/hyphens in an alias matches any other, so "Barking deaths" finds
    # "Barking  deaths" and "Barking-deaths".
    return [r"[\s-]+".join(map(re.escape, fold(a).split())) for a in case.all_names if a.strip()]
