"""Checks a valid-looking config must also pass: names that refer to something real.

pydantic checks shapes and types; these check meaning. A subscriber with `stages =
["dismissed"]` or a mistyped Slack URL would otherwise load, run, and never hear a thing. Each
problem names the key, the line of the file it is on, and the nearest correct spelling.
docs/configuration.md lists every check made here.
"""

from __future__ import annotations

import difflib
import ipaddress
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from monitor.config import Config


@dataclass(frozen=True)
class Problem:
    key: str  # 'subscribers[0] (advocate).stages[1]'
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.key}: {self.message}"


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the nearest choice, or "" when nothing is near."""
    options = list(choices)
    folded = {c.casefold(): c for c in options}
    near = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    if not near:
        # 'dismissed' → 'outcome_dismissal': a shared word stem is near enough.
        stems = {w[:6] for w in re.split(r"[\W_]+", value.casefold()) if len(w) >= 5}
        near = [c for c in folded if any(w[:6] in stems for w in re.split(r"[\W_]+", c))][:1]
    return f"; did you mean {folded[near[0]]!r}?" if near else ""


def problems(config: Config, raw: dict[str, Any], lines: TomlLines) -> list[Problem]:
    """Everything wrong in a config that pydantic accepted, in file order."""
    found: list[Problem] = []

    def add(loc: Sequence[str | int], message: str) -> None:
        # The line is found by the value as written in the file (before ${ENV} expansion).
        written = _raw_at(raw, loc)
        line = lines.find(loc, written if isinstance(written, str) else None)
        found.append(Problem(location(loc, raw), message, line))

    _unique_names(config, add)
    _subscriber_names(config, add)
    _channel_urls(config, add)
    _fetched_urls(config, add)
    return sorted(found, key=lambda p: (p.line or 0, p.key))


def _raw_at(raw: Any, loc: Sequence[Any]) -> Any:
    for item in loc:
        if isinstance(item, int) and isinstance(raw, list) and item < len(raw):
            raw = raw[item]
        elif isinstance(raw, dict):
            raw = raw.get(item)
        else:
            return None
    return raw


def _unique_names(config: Config, add: Any) -> None:
    for table, names in (
        ("sources", [s.id for s in config.sources]),
        ("cases", [c.name for c in config.cases]),
        ("subscribers", [s.name for s in config.subscribers]),
    ):
        key = "id" if table == "sources" else "name"
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                add((table, i, key), f"{name!r} is used twice; names must be unique")
            seen.add(name)
    for i, sub in enumerate(config.subscribers):
        if sub.name == "maintainers":
            add(("subscribers", i, "name"), "'maintainers' is reserved for [health] urls")


def _subscriber_names(config: Config, add: Any) -> None:
    if not (config.subscribers or config.cases):
        return  # nothing to check, and no force list to import
    # Imported here: the stage vocabulary and force list are plain data, but config.py must
    # not import the subscriptions module (it imports config.py).
    from monitor.stages.forces import FORCE_NAMES
    from monitor.stages.vocabulary import STAGES
    from notifications.subscriptions import force_key

    official = {force_key(f) for f in FORCE_NAMES}
    official_folded = {f.casefold() for f in FORCE_NAMES}
    source_ids = [s.id for s in config.sources]
    case_names = [c.name for c in config.cases]
    for i, sub in enumerate(config.subscribers):
        for j, stage in enumerate(sub.stages):
            if stage not in STAGES:
                add(("subscribers", i, "stages", j),
                    f"{stage!r} is not a stage id{did_you_mean(stage, STAGES)} "
                    "(the ids are listed in docs/stages.md)")
        for j, source in enumerate(sub.sources):
            if source not in source_ids:
                known = ", ".join(source_ids) or "none"
                add(("subscribers", i, "sources", j),
                    f"no [[sources]] has id {source!r}{did_you_mean(source, source_ids)} "
                    f"(configured: {known})")
        for j, force in enumerate(sub.forces):
            if force_key(force) not in official:
                add(("subscribers", i, "forces", j),
                    f"{force!r} is not a police force{did_you_mean(force, FORCE_NAMES)}")
        for j, case in enumerate(sub.cases):
            if case not in case_names:
                add(("subscribers", i, "cases", j),
                    f"no [[cases]] has the name {case!r}{did_you_mean(case, case_names)}")
    for i, case in enumerate(config.cases):
        for j, force in enumerate(case.forces):
            # Tracked cases compare the official name (any case), so 'Met' would never match.
            if force.casefold() not in official_folded:
                add(("cases", i, "forces", j),
                    f"{force!r} is not the official name of a police force"
                    f"{_official_for(force, FORCE_NAMES, force_key)}")


def _official_for(force: str, names: Sequence[str], key: Any) -> str:
    same = [n for n in names if key(n) == key(force)]
    return f"; did you mean {same[0]!r}?" if same else did_you_mean(force, names)


def channel_urls(config: Config) -> list[str]:
    """Every apprise URL: the [health] ones, then each subscriber's."""
    return [url for _, url in _channel_url_places(config)]


def _channel_url_places(config: Config) -> list[tuple[tuple[Any, ...], str]]:
    places: list[tuple[tuple[Any, ...], str]] = [
        (("health", "urls", j), url) for j, url in enumerate(config.health.urls)
    ]
    for i, sub in enumerate(config.subscribers):
        places += [(("subscribers", i, "urls", j), url) for j, url in enumerate(sub.urls)]
    return places


def _channel_urls(config: Config, add: Any) -> None:
    places = _channel_url_places(config)
    if not places:
        return  # apprise is only loaded when there is a URL to check
    for loc, url in places:
        problem = channel_problem(url)
        if problem:
            add(loc, problem)


def source_urls(config: Config) -> list[str]:
    """Every URL a source is told to fetch: base_url and URL-like strings in its options."""
    return [url for _, url in _source_url_places(config)]


def _source_url_places(config: Config) -> list[tuple[tuple[Any, ...], str]]:
    places: list[tuple[tuple[Any, ...], str]] = []

    def walk(loc: tuple[Any, ...], value: Any) -> None:
        if isinstance(value, str) and re.match(r"^https?://", value, re.I):
            places.append((loc, value))
        elif isinstance(value, list):
            for j, item in enumerate(value):
                walk((*loc, j), item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk((*loc, key), item)

    for i, source in enumerate(config.sources):
        if source.base_url:
            walk(("sources", i, "base_url"), source.base_url)
        walk(("sources", i, "options"), source.options)
    return places


# Cloud metadata services answer on these without any credentials: a config (or a page's
# redirect) pointing there could read them, so they are refused unless explicitly allowed.
_METADATA_HOSTS = {"metadata", "metadata.google.internal", "metadata.azure.com"}


def is_link_local(host: str) -> bool:
    """169.254.0.0/16, fe80::/10 or a cloud metadata host name."""
    host = host.strip("[]").lower().rstrip(".")
    if host in _METADATA_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_link_local
    except ValueError:
        return False


def _fetched_urls(config: Config, add: Any) -> None:
    """Source URLs, and channel URLs (a webhook is a request too), on no link-local address."""
    if config.http.allow_link_local:
        return
    for loc, url in _source_url_places(config) + _channel_url_places(config):
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            if loc[0] == "sources":  # a channel URL's shape is apprise's to judge
                add(loc, "is not a valid URL")
            continue
        if is_link_local(host):
            add(loc, f"{host} is a link-local or cloud metadata address; such URLs are refused "
                "unless [http] allow_link_local = true")


def channel_problem(url: str) -> str | None:
    """Why apprise cannot use this URL, without repeating the URL (it may hold a secret)."""
    import apprise
    from apprise.manager_plugins import NotificationManager

    from monitor.redact import redact

    schemes = NotificationManager().schemas()
    scheme, sep, _ = url.partition("://")
    if not sep:
        bare = url.split(":", 1)[0] if ":" in url else ""
        if bare.lower() in schemes:
            return f"write {bare}:// at the start (two slashes)"
        return "has no scheme: an apprise URL starts with one, e.g. mailto://, slack://, json://"
    if scheme.lower() not in schemes:
        near = did_you_mean(scheme, schemes).replace("'?", "://'?")
        return (f"{scheme}:// is not a service apprise knows{near} "
                "(see https://github.com/caronc/apprise/wiki)")
    reasons = _quietly(lambda: apprise.Apprise.instantiate(url))
    if reasons is None:
        return None
    because = f": {redact(reasons)}" if reasons else ""
    return f"apprise cannot use this {scheme}:// URL{because}"


def _quietly(make: Any) -> str | None:
    """Run `make` with apprise's own log lines captured, not printed; None if it worked."""
    log = logging.getLogger("apprise")
    captured: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                captured.append(record.getMessage())

    keep, propagate, level = Keep(), log.propagate, log.level
    log.addHandler(keep)
    log.propagate = False
    log.setLevel(logging.WARNING)
    try:
        made = make()
    finally:
        log.removeHandler(keep)
        log.propagate = propagate
        log.setLevel(level)
    if made is not None:
        return None
    # apprise's 'Unsupported URL: <the url>' lines repeat the URL; keep only the reasons.
    return "; ".join(dict.fromkeys(m for m in captured if "URL" not in m))


# ---- where in the file ----------------------------------------------------------------------


def location(loc: Sequence[Any], raw: dict[str, Any]) -> str:
    """'sources[1] (iopc).interval_minutes', list items named by their id or name."""
    parts: list[str] = []
    node: Any = raw
    for item in loc:
        if isinstance(item, int) and isinstance(node, list) and item < len(node) and parts:
            node = node[item]
            label = (node.get("id") or node.get("name")) if isinstance(node, dict) else None
            parts[-1] += f"[{item}]" + (f" ({label})" if label else "")
        else:
            node = node.get(item) if isinstance(node, dict) else None
            parts.append(str(item))
    return ".".join(parts) or "(the file)"


class TomlLines:
    """Finds the line of a key in TOML text, well enough to point an operator at it."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"-]+)\s*\]\]?")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def find(self, loc: Sequence[Any], value: str | None = None) -> int | None:
        """1-based line of `loc` ('subscribers', 0, 'stages', 1), at `value` if given."""
        if not loc:
            return None
        table, index, rest = self._split(loc)
        start, end = self._table(table, index)
        if start is None:
            return None
        key = next((k for k in rest if isinstance(k, str)), None)
        at = start
        if key is not None:
            pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
            hit = next((n for n in range(start, end) if pattern.match(self.lines[n])), None)
            if hit is None:
                return start + 1 if table else None
            at = hit
        if value is not None:
            quoted = (f'"{value}"', f"'{value}'")
            for n in range(at, end):
                if any(q in self.lines[n] for q in quoted):
                    return n + 1
        return at + 1

    @staticmethod
    def _split(loc: Sequence[Any]) -> tuple[str | None, int, list[Any]]:
        first = loc[0]
        if len(loc) > 1 and isinstance(loc[1], int):
            return str(first), loc[1], list(loc[2:])
        if len(loc) > 1:
            return str(first), 0, list(loc[1:])
        return None, 0, list(loc)

    def _table(self, table: str | None, index: int) -> tuple[int | None, int]:
        """Lines [start, end) of the index-th [table] / [[table]]; the top of the file if None."""
        headers = [(n, m.group(1)) for n, line in enumerate(self.lines)
                   if (m := self._HEADER.match(line))]
        if table is None:
            return 0, headers[0][0] if headers else len(self.lines)
        mine = [n for n, name in headers if name == table]
        if index >= len(mine):
            return None, 0
        start = mine[index]
        later = [n for n, name in headers if n > start and not name.startswith(table + ".")]
        return start, later[0] if later else len(self.lines)
