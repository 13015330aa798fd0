"""Wire a config into running parts: the database, the fetcher and the source instances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine as DbEngine
from sqlalchemy.exc import ArgumentError

from monitor.config import Config, SourceConfig, describe_error
from monitor.errors import ConfigError
from monitor.store import open_database
from sources.base import Source
from sources.registry import plugin


@dataclass(frozen=True)
class ConfiguredSource:
    config: SourceConfig
    source: Source

    @property
    def id(self) -> str:
        return self.config.id

    @property
    def interval(self) -> timedelta:
        minutes = self.config.interval_minutes
        return timedelta(minutes=minutes) if minutes else type(self.source).default_interval


def build_sources(config: Config, only: str | None = None) -> list[ConfiguredSource]:
    """Instantiate every enabled source, validating each plugin's own options."""
    built = []
    where = config.path or "<config>"
    for sc in config.sources:
        if not sc.enabled or (only and sc.id != only):
            continue
        try:
            cls = plugin(sc.plugin_id)
        except ConfigError as exc:
            raise ConfigError(f"{where}: sources '{sc.id}': {exc}") from None
        try:
            options = cls.Options.model_validate(sc.options)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or '(options)'}: "
                f"{'unknown option' if e['type'] == 'extra_forbidden' else describe_error(e)}"
                for e in exc.errors()
            )
            raise ConfigError(
                f"{where}: sources '{sc.id}' options ({cls.id}): {problems}"
            ) from None
        built.append(ConfiguredSource(sc, cls(sc.id, options, base_url=sc.base_url)))
    if only and not built:
        ids = ", ".join(s.id for s in config.sources) or "none"
        raise ConfigError(f"{where}: no enabled source with id {only!r} (configured: {ids})")
    return built


def database(config: Config, *, create: bool = True, create_empty: bool = False) -> DbEngine:
    """The config's database. `create=False` (read-only commands): a missing SQLite file is an
    error, never a new empty database, so a typo in the path does not look like lost data.
    `create_empty` allows making the database in an empty file (monitor/store/db.py)."""
    url = config.database_url
    where = config.path or "<config>"
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if not create and path is not None and not path.exists():
        raise ConfigError(
            f"{where}: [monitor] database: there is no database at {path}; check the path, or "
            "run `oversight-monitor check` once to create it"
        )
    try:
        return open_database(url, create=create, create_empty=create_empty)
    except ArgumentError as exc:  # NoSuchModuleError too: an unknown scheme or driver
        raise ConfigError(
            f"{where}: [monitor] database: cannot use this URL ({exc}); write a file path, "
            "or a URL like postgresql://user:${PGPASSWORD}@host/monitor"
        ) from None
