"""The mass-change guard: hold a cycle's alerts when the source, not the news, has changed.

A redesign or a broken parser makes many known documents read differently at once, or makes
the listing come back empty. New documents are never counted: after downtime a source may
really have many new announcements, and those are news.
"""

from __future__ import annotations

from monitor.config import MonitorSettings

CHANGED, EMPTIED = "changed", "emptied"


def trips(
    *,
    known: int,
    changed: int,
    removed: int,
    discovered: int,
    lists: bool,
    settings: MonitorSettings,
) -> str | None:
    """Why this cycle's alerts are held ('changed' or 'emptied'), or None.

    `known`: documents recorded before this cycle; `changed`/`removed`: how many of them now
    read differently or are gone; `lists`: a listing or feed was read afresh this cycle (not
    answered 304 Not Modified, which lists nothing because nothing changed).
    """
    if known == 0:
        return None
    if lists and discovered == 0:
        return EMPTIED
    moved = changed + removed
    if moved >= settings.mass_change_min and moved > settings.mass_change_share * known:
        return CHANGED
    return None
