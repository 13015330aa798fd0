"""Configuration: one TOML file, validated with pydantic, secrets from ${ENV_VARS}.

Errors name the file, the line, the key and what was expected, so an operator can fix them
without reading code. Types are strict (`interval_minutes = "15"` is refused, not converted);
what the names in the file refer to is checked in monitor/config_checks.py.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor import config_checks, redact
from monitor.errors import ConfigError
from monitor.http.settings import HttpSettings

EVENT_KINDS = (
    "stage_changed",
    "new_case",
    "case_update",
    "document_changed",
    "document_removed",
    "document_restored",
    "hearing_reminder",
    "announcement",
)
# Followers of a tracked case hear of every announcement naming it by default (issue 16).
DEFAULT_EVENTS = ["stage_changed", "new_case", "announcement"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _clock_time(value: Any) -> Any:
    """'08:00' (or a TOML time, 08:00:00) → time; anything else gets a message saying HH:MM."""
    if isinstance(value, time):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hours, minutes = map(int, value.strip().split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ValueError(f"write a time of day as \"HH:MM\", e.g. \"08:00\" (got {value!r})")


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
    _time = field_validator("digest_time", mode="before")(_clock_time)


class HealthSettings(Strict):
    urls: list[str] = []  # maintainers' apprise URLs
    after_failures: int = Field(3, ge=1)  # alert once a source has failed this many cycles running
    dead_letter_time: time = time(9, 0)  # daily note of dead letters, local time

    _time = field_validator("dead_letter_time", mode="before")(_clock_time)


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

    @property
    def database_url(self) -> str:
        db = self.monitor.database
        if "://" in db:
            # The common postgres:// form (Heroku, many docs) means the psycopg driver here.
            return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", db)
        base = self.path.parent if self.path else Path.cwd()
        return f"sqlite:///{(base / db).resolve()}"

    def case(self, name: str) -> TrackedCase | None:
        return next((c for c in self.cases if c.name.casefold() == name.casefold()), None)


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand(value: Any, where: str, missing: list[str], used: list[str]) -> Any:
    """Replace ${NAME} with the environment variable NAME, recursively; `used` gets the values."""
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in os.environ:
                missing.append(f"{where}: ${{{m.group(1)}}}")
                return ""
            used.append(os.environ[m.group(1)])
            return os.environ[m.group(1)]

        return _ENV.sub(sub, value)
    if isinstance(value, list):
        return [_expand(v, f"{where}[{i}]", missing, used) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {
            k: _expand(v, f"{where}.{k}" if where else k, missing, used) for k, v in value.items()
        }
    return value


_TYPE_NAMES = {
    "int_type": "a whole number", "float_type": "a number", "bool_type": "true or false",
    "string_type": "text in quotes", "list_type": "a list [...]", "dict_type": "a table {...}",
}


def _fix_for(kind: str, given: Any) -> str:
    """What to write instead, when text in quotes was given for another type."""
    if not isinstance(given, str) or kind == "string_type":
        return ""
    if kind == "list_type":  # 'Kent' for ['Kent']: the quotes are right, the brackets missing
        return f' (write it as a list: ["{given}"])'
    return " (remove the quotes)"


def describe_error(err: Any) -> str:
    """pydantic's error as an operator reads it: no 'Value error,' internals."""
    kind, given = err["type"], err.get("input")
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see config.example.toml)"
    if kind in _TYPE_NAMES:
        return f"must be {_TYPE_NAMES[kind]}, not {given!r}{_fix_for(kind, given)}"
    if kind == "value_error":
        return str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    if kind == "literal_error":
        return f"{err['msg'].replace('Input should be', 'must be')}, not {given!r}"
    return err["msg"].replace("Input should be", "must be").replace("String should", "must")


def parse_config(text: str, path: Path | None = None) -> Config:
    """Parse and validate TOML text; raises ConfigError naming file, line, key and expectation."""
    name = str(path) if path else "<config>"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML: {exc}") from None
    missing: list[str] = []
    used: list[str] = []
    expanded = _expand(raw, "", missing, used)
    if missing:
        raise ConfigError(
            f"{name}: environment variable(s) not set: {'; '.join(missing)}. "
            "Set them before starting, or write the value in the file."
        )
    redact.register(used)  # before anything can log or print them
    lines = config_checks.TomlLines(text)
    try:
        config = Config.model_validate(expanded)
    except ValidationError as exc:
        problems = [
            config_checks.Problem(
                config_checks.location(err["loc"], raw), describe_error(err), lines.find(err["loc"])
            )
            for err in exc.errors()
        ]
        raise ConfigError(_listing(name, problems)) from None
    _register_url_secrets(config)
    found = config_checks.problems(config, raw, lines)
    if found:
        raise ConfigError(_listing(name, found))
    config.path = path.resolve() if path else None
    return config


def _listing(name: str, problems: list[config_checks.Problem]) -> str:
    return f"{name}: invalid configuration:\n" + "\n".join(f"  {p}" for p in problems)


def _register_url_secrets(config: Config) -> None:
    channels = config_checks.channel_urls(config)
    secrets: set[str] = set()
    if channels:
        from notifications.channels import hidden_parts  # apprise knows its plugins' secrets

        for url in channels:
            secrets |= redact.url_secrets(url, channel=True) | hidden_parts(url)
    for url in [config.monitor.database, *config_checks.source_urls(config)]:
        secrets |= redact.url_secrets(url, channel=False)
    if config.web.token:
        secrets.add(config.web.token)
    redact.register(secrets)


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
