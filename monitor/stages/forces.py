"""Recognise the police force an announcement is about and give its official name."""

from __future__ import annotations

import re

# The 43 territorial forces of England and Wales, then the UK-wide and devolved forces.
# Each entry: official name, then the place names that prefix "Police"/"Constabulary" in prose.
_FORCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Avon and Somerset Constabulary", ("Avon and Somerset", "Avon & Somerset")),
    ("Bedfordshire Police", ("Bedfordshire", "Beds")),
    ("Cambridgeshire Constabulary", ("Cambridgeshire", "Cambs")),
    ("Cheshire Constabulary", ("Cheshire",)),
    ("City of London Police", ("City of London",)),
    ("Cleveland Police", ("Cleveland",)),
    ("Cumbria Constabulary", ("Cumbria",)),
    ("Derbyshire Constabulary", ("Derbyshire",)),
    ("Devon and Cornwall Police", ("Devon and Cornwall", "Devon & Cornwall")),
    ("Dorset Police", ("Dorset",)),
    ("Durham Constabulary", ("Durham",)),
    ("Essex Police", ("Essex",)),
    ("Gloucestershire Constabulary", ("Gloucestershire",)),
    ("Greater Manchester Police", ("Greater Manchester",)),
    ("Hampshire and Isle of Wight Constabulary", ("Hampshire and Isle of Wight", "Hampshire")),
    ("Hertfordshire Constabulary", ("Hertfordshire", "Herts")),
    ("Humberside Police", ("Humberside",)),
    ("Kent Police", ("Kent",)),
    ("Lancashire Constabulary", ("Lancashire",)),
    ("Leicestershire Police", ("Leicestershire",)),
    ("Lincolnshire Police", ("Lincolnshire",)),
    ("Merseyside Police", ("Merseyside",)),
    ("Metropolitan Police Service", ("Metropolitan", "Met")),
    ("Norfolk Constabulary", ("Norfolk",)),
    ("Northamptonshire Police", ("Northamptonshire",)),
    ("Northumbria Police", ("Northumbria",)),
    ("North Yorkshire Police", ("North Yorkshire",)),
    ("Nottinghamshire Police", ("Nottinghamshire", "Notts")),
    ("South Yorkshire Police", ("South Yorkshire",)),
    ("Staffordshire Police", ("Staffordshire", "Staffs")),
    ("Suffolk Constabulary", ("Suffolk",)),
    ("Surrey Police", ("Surrey",)),
    ("Sussex Police", ("Sussex",)),
    ("Thames Valley Police", ("Thames Valley",)),
    ("Warwickshire Police", ("Warwickshire",)),
    ("West Mercia Police", ("West Mercia",)),
    ("West Midlands Police", ("West Midlands",)),
    ("West Yorkshire Police", ("West Yorkshire",)),
    ("Wiltshire Police", ("Wiltshire",)),
    ("Dyfed-Powys Police", ("Dyfed-Powys", "Dyfed Powys")),
    ("Gwent Police", ("Gwent",)),
    ("North Wales Police", ("North Wales",)),
    ("South Wales Police", ("South Wales",)),
    ("British Transport Police", ("British Transport",)),
    ("Police Scotland", ()),
    ("Police Service of Northern Ireland", ("Northern Ireland",)),
)

# Names that do not follow the "<place> Police" pattern. Matched case-sensitively: "the Met"
# is the force, "met" is a verb.
_ALIASES: dict[str, str] = {
    "the Met": "Metropolitan Police Service",
    "The Met": "Metropolitan Police Service",
    "Scotland Yard": "Metropolitan Police Service",
    "MPS": "Metropolitan Police Service",
    "GMP": "Greater Manchester Police",
    "BTP": "British Transport Police",
    "PSNI": "Police Service of Northern Ireland",
    "Police Service of Northern Ireland": "Police Service of Northern Ireland",
    "Police Scotland": "Police Scotland",
    "West Mids Police": "West Midlands Police",
}

_SUFFIX = r"(?:Police(?:\s+Service|\s+Force)?|[Pp]olice|Constabulary|[Cc]onstabulary)"


def _build() -> tuple[re.Pattern[str], dict[str, str]]:
    names: dict[str, str] = dict(_ALIASES)
    for official, places in _FORCES:
        names[official] = official
        for place in places:
            names[place] = official
    place_names = {place for _, places in _FORCES for place in places}
    # Longest first so "West Midlands Police" is not read as a shorter alias.
    plain = sorted((n for n in names if n not in place_names), key=len, reverse=True)
    places = sorted(place_names, key=len, reverse=True)
    pattern = (
        r"\b(?:(?P<plain>" + "|".join(map(re.escape, plain)) + r")"
        r"|(?P<place>" + "|".join(map(re.escape, places)) + r")(?:'s)?\s+" + _SUFFIX + r")\b"
    )
    return re.compile(pattern), names


_FORCE_RE, _NAMES = _build()
# "Met" alone ("a Met officer", "the Met's response") is common enough to accept, but only as
# a capitalised word not followed by a lower-case verb-like continuation ("Met with").
_MET_RE = re.compile(r"\bMet(?:'s)?\s+(?:officers?|[Pp]olice|[Cc]ommissioner|[Cc]ommander|PC)\b")

FORCE_NAMES: tuple[str, ...] = tuple(official for official, _ in _FORCES)


# Oversight bodies that cover a single force: their releases often never name it.
_SINGLE_FORCE_BODIES: tuple[tuple[str, str], ...] = (
    ("Police Ombudsman", "Police Service of Northern Ireland"),
    ("Police Investigations and Review Commissioner", "Police Scotland"),
    ("PIRC", "Police Scotland"),
)
# "the 43 forces, British Transport Police and other bodies": a list of forces, not the subject.
_FORCE_LIST = re.compile(r"\bforces\s*(?:,|and|&)\s*$")


def find_force(*texts: str) -> str | None:
    """The official name of the first force mentioned, searching each text in turn; failing
    that, the one force an oversight body named in the texts covers (PONI, PIRC)."""
    for text in texts:
        found = _first_force(text)
        if found:
            return found
    for text in texts:
        for body, force in _SINGLE_FORCE_BODIES:
            if body in text:
                return force
    return None


def _first_force(text: str) -> str | None:
    match = _search_force(text)
    while match is not None and _FORCE_LIST.search(text, max(0, match.start() - 12), match.start()):
        match = _search_force(text, match.end())
    met = _search_met(text)
    if met and (match is None or met.start() < match.start()):
        return "Metropolitan Police Service"
    if match is None:
        return None
    name = match.group("plain") or match.group("place")
    return _NAMES[name]


def _search_force(text: str, at: int = 0) -> re.Match[str] | None:
    """`_FORCE_RE.search(text)`, trying the regex only where a force name starts.

    The pattern opens with `\b` and a long alternation, so the regex engine would attempt a
    match at every character. Every match starts with one of the names, so trying, in order,
    the positions where one starts finds the same (leftmost) match.
    """
    while True:
        candidate = _NAME_START.search(text, at)
        if candidate is None:
            return None
        found = _FORCE_RE.match(text, candidate.start())
        if found:
            return found
        at = candidate.start() + 1


def _search_met(text: str) -> re.Match[str] | None:
    """`_MET_RE.search(text)`, tried only where "Met" starts."""
    at = text.find("Met")
    while at != -1:
        found = _MET_RE.match(text, at)
        if found:
            return found
        at = text.find("Met", at + 1)
    return None


def _prefixes(names: list[str]) -> tuple[str, ...]:
    """Strings such that every name starts with one of them: whole names, or the first word
    plus its space where several names share it ("West ", "North ")."""
    first_words: dict[str, int] = {}
    for name in names:
        head = name.split(" ", 1)[0] + " "
        first_words[head] = first_words.get(head, 0) + 1
    chosen: set[str] = set()
    for name in names:
        head = name.split(" ", 1)[0] + " "
        chosen.add(head if first_words[head] > 1 and name.startswith(head) else name)
    # Drop any string another chosen string is a prefix of: its occurrences are found anyway.
    return tuple(
        sorted(p for p in chosen if not any(q != p and p.startswith(q) for q in chosen))
    )


def _name_start(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """A regex for "one of the prefixes starts here", grouped by first character so that the
    regex engine skips every other character without trying a match."""
    groups: dict[str, list[str]] = {}
    for prefix in prefixes:
        groups.setdefault(prefix[0], []).append(re.escape(prefix[1:]))
    return re.compile(
        "|".join(
            re.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in groups.items()
        )
    )


_NAME_PREFIXES = _prefixes(list(_NAMES))
_NAME_START = _name_start(_NAME_PREFIXES)


def forces_in(text: str) -> set[str]:
    """Every force the text names."""
    found: set[str] = set()
    if _search_met(text):
        found.add("Metropolitan Police Service")
    at = 0
    while True:
        match = _search_force(text, at)
        if match is None:
            return found
        found.add(_NAMES[match.group("plain") or match.group("place")])
        at = match.end()


def distinct_forces(text: str, enough: int = 3) -> int:
    """How many different forces the text names, counting up to `enough`."""
    found: set[str] = set()
    if _search_met(text):
        found.add("Metropolitan Police Service")
    at = 0
    while len(found) < enough:
        match = _search_force(text, at)
        if match is None:
            break
        found.add(_NAMES[match.group("plain") or match.group("place")])
        at = match.end()
    return len(found)
