"""Configuration: one TOML file, validated with pydantic, secrets from ${ENV_VARS}.

Errors name the file, the key and what was expected, so an operator can fix them without
reading code.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.errors import ConfigError
from monitor.http.settings import HttpSettings

EVENT_KINDS = (
    "stage_changed",
    "new_case",
    "case_update",
    "document_changed",
    "document_removed",
    "hearing_reminder",
    "announcement",
)
# Followers of a tracked case hear of every announcement naming it by default (issue 16).
DEFAULT_EVENTS = ["stage_changed", "new_case", "announcement"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {value!r}; use an IANA name like 'Europe/London'"
        ) from None
    return value


class MonitorSettings(Strict):
    database: str = "oversight-monitor.db"  # a path (relative to the config file) or a URL
    timezone: str = "Europe/London"
    send_on_first_run: bool = False  # the first cycle of a source is a silent baseline
    # Mass-change guard: hold a cycle's events when more than this share of known documents
    # change at once (a redesign or a broken parser), and tell the maintainers once.
    mass_change_share: float = Field(0.5, gt=0, le=1)
    mass_change_min: int = Field(5, ge=1)
    max_documents_per_cycle: int = Field(200, ge=1)
    # Who runs this monitor and how to reach them, printed in every recipient's footer.
    operator_contact: str | None = None

    _tz = field_validator("timezone")(_check_timezone)


class RefetchSettings(Strict):
    """How often known articles are fetched again, by age (listing/feed sources)."""

    recent_days: int = 7  # younger than this: every cycle
    older_days: int = 60  # younger than this: every `older_every_hours`
    older_every_hours: float = 24
    old_every_hours: float = 168  # the rest: weekly


class SourceConfig(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str | None = Field(None, min_length=1)  # shown to people; else the site's own title
    plugin: str | None = None  # defaults to id
    enabled: bool = True
    interval_minutes: float | None = Field(None, gt=0)
    base_url: str | None = None  # point a plugin at a mirror or a local test server
    options: dict[str, Any] = {}

    @property
    def plugin_id(self) -> str:
        return self.plugin or self.id


class TrackedCase(Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    forces: list[str] = []

    @property
    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


class Subscriber(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")
    urls: list[str] = Field(min_length=1)
    cases: list[str] = []  # tracked case names
    forces: list[str] = []
    stages: list[str] = []
    sources: list[str] = []
    keywords: list[str] = []
    events: list[Literal[EVENT_KINDS]] = DEFAULT_EVENTS  # type: ignore[valid-type]
    mode: Literal["immediate", "daily", "weekly"] = "immediate"
    # Stage moves read with low confidence: as `mode` says (None), at once, or in the digest
    # (a daily one for an immediate subscriber).
    uncertain: Literal["immediate", "digest"] | None = None
    digest_time: time = time(8, 0)
    digest_day: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "monday"
    timezone: str = "Europe/London"

    _tz = field_validator("timezone")(_check_timezone)


class HealthSettings(Strict):
    urls: list[str] = []  # maintainers' apprise URLs
    after_failures: int = Field(3, ge=1)  # alert once a source has failed this many cycles running
    dead_letter_time: time = time(9, 0)  # daily note of dead letters, local time


class OutboxSettings(Strict):
    interval_seconds: float = Field(30, gt=0)
    max_attempts: int = Field(12, ge=1)
    first_retry_seconds: float = Field(60, gt=0)
    max_retry_seconds: float = Field(86_400, gt=0)


class WebSettings(Strict):
    listen: str = "127.0.0.1:8080"
    token: str | None = None  # required to bind anywhere but loopback
    # The address recipients can open, e.g. "https://monitor.example.org": alerts link to the
    # case page there. Unset: the web interface is not public and alerts carry no link to it.
    public_url: str | None = Field(None, pattern=r"^https?://")


class Config(Strict):
    monitor: MonitorSettings = MonitorSettings()
    http: HttpSettings = HttpSettings()
    refetch: RefetchSettings = RefetchSettings()
    outbox: OutboxSettings = OutboxSettings()
    health: HealthSettings = HealthSettings()
    web: WebSettings = WebSettings()
    sources: list[SourceConfig] = []
    cases: list[TrackedCase] = []
    subscribers: list[Subscriber] = []

    # Where the file was read from; relative paths in it are relative to its folder.
    path: Path | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for what, names in (
            ("sources", [s.id for s in self.sources]),
            ("cases", [c.name for c in self.cases]),
            ("subscribers", [s.name for s in self.subscribers]),
        ):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{what}: names must be unique, repeated: {', '.join(dupes)}")
        if any(s.name == "maintainers" for s in self.subscribers):
            raise ValueError("subscribers: 'maintainers' is reserved for the [health] channel")
        known = {c.name for c in self.cases}
        for sub in self.subscribers:
            missing = [c for c in sub.cases if c not in known]
            if missing:
                raise ValueError(
                    f"subscriber {sub.name!r} follows {missing} but no [[cases]] has that name"
                )
        return self

    @property
    def database_url(self) -> str:
        db = self.monitor.database
        if "://" in db:
            return db
        base = self.path.parent if self.path else Path.cwd()
        return f"sqlite:///{(base / db).resolve()}"

    def case(self, name: str) -> TrackedCase | None:
        return next((c for c in self.cases if c.name.casefold() == name.casefold()), None)


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand(value: Any, where: str, missing: list[str]) -> Any:
    """Replace ${NAME} with the environment variable NAME, recursively."""
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in os.environ:
                missing.append(f"{where}: ${{{m.group(1)}}}")
                return ""
            return os.environ[m.group(1)]

        return _ENV.sub(sub, value)
    if isinstance(value, list):
        return [_expand(v, f"{where}[{i}]", missing) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}" if where else k, missing) for k, v in value.items()}
    return value


def _location(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """'sources[1].interval_minutes', naming list items by their id/name when they have one."""
    parts: list[str] = []
    node: Any = raw
    for item in loc:
        if isinstance(item, int) and isinstance(node, list) and item < len(node):
            node = node[item]
            label = node.get("id") or node.get("name") if isinstance(node, dict) else None
            parts[-1] += f"[{item}]" + (f" ({label})" if label else "")
        else:
            node = node.get(item) if isinstance(node, dict) else None
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def parse_config(text: str, path: Path | None = None) -> Config:
    """Parse and validate TOML text; raises ConfigError naming file, key and expectation."""
    name = str(path) if path else "<config>"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML: {exc}") from None
    missing: list[str] = []
    expanded = _expand(raw, "", missing)
    if missing:
        raise ConfigError(
            f"{name}: environment variable(s) not set: {'; '.join(missing)}. "
            "Set them before starting, or write the value in the file."
        )
    try:
        config = Config.model_validate(expanded)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = _location(err["loc"], raw)
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling; see config.example.toml)"
            lines.append(f"  {key}: {msg}")
        raise ConfigError(f"{name}: invalid configuration:\n" + "\n".join(lines)) from None
    config.path = path.resolve() if path else None
    return config


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a config file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file; create one with `oversight-monitor init {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    return parse_config(text, path)
