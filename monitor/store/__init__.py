"""Persistence: tables, database setup and the queries the engine and CLI need."""

from monitor.store import redacted  # noqa: F401 - masks secrets in rows as they are written
from monitor.store.db import open_database
from monitor.store.types import utcnow

__all__ = ["open_database", "utcnow"]
