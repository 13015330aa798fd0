"""Age tiers: how often a known article is fetched again (recent often, old rarely)."""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.config import RefetchSettings


def recheck_interval(tiers: RefetchSettings, age: timedelta) -> timedelta | None:
    """None means every cycle."""
    if age < timedelta(days=tiers.recent_days):
        return None
    if age < timedelta(days=tiers.older_days):
        return timedelta(hours=tiers.older_every_hours)
    return timedelta(hours=tiers.old_every_hours)


def is_due(tiers: RefetchSettings, born: datetime, last_fetched: datetime, now: datetime) -> bool:
    interval = recheck_interval(tiers, now - born)
    return interval is None or now - last_fetched >= interval
