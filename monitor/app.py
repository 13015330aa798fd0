"""Wire a config into running parts: the database, the fetcher and the source instances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pydantic import ValidationError
from sqlalchemy import Engine as DbEngine

from monitor.config import Config, SourceConfig
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
                f"{'unknown option' if e['type'] == 'extra_forbidden' else e['msg']}"
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


def database(config: Config, *, create_empty: bool = False) -> DbEngine:
    return open_database(config.database_url, create_empty=create_empty)
