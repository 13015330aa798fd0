"""Source leases: several daemons on one database behave, towards the sites, like one.

A lease says who is running a source and until when; the row also keeps when the source last
ran and which hosts it fetches from. So, for the whole fleet:
- a source is never run by two daemons at once;
- a daemon skips a source that any daemon ran less than its interval ago (less the
  scheduler's jitter), so N daemons poll a site no more often than one would;
- a daemon skips a source whose hosts another live daemon is fetching from, or finished with
  less than the host's min_delay_seconds ago, so each host sees one daemon's politeness
  (delay, concurrency), not N of them. A released lease keeps its owner, its hosts and, in
  `lease_until`, when it was released.
Claims are serialised (a PostgreSQL advisory lock, SQLite's writer lock) so two daemons never
both see a host as free.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from monitor.config import SourceConfig
from monitor.store.tables import SourceState

# How long a daemon may hold a source before others assume it died (a daemon on this host that
# died is noticed at once, see lease_holder_alive).
LEASE = timedelta(minutes=20)
CLAIM_LOCK_KEY = 0x6F6D5F636C61696D  # "om_claim": serialises claims across daemons


def jitter(interval: timedelta) -> timedelta:
    """How far the daemon's scheduler may move a run, each way it can (daemon.py)."""
    return min(timedelta(seconds=60), interval / 10)


def claim(
    db: Engine,
    sc: SourceConfig,
    owner: str,
    now: datetime,
    *,
    hosts: frozenset[str] = frozenset(),
    host_gap: timedelta = timedelta(0),
    interval: timedelta | None = None,
) -> SourceState | str:
    """Take the source's lease, or say why not. With `interval` (the daemon), also skip a
    source that ran less than that ago, by any daemon."""
    with Session(db) as session:
        _serialise_claims(session)
        state = session.get(SourceState, sc.id, with_for_update=True)
        if state is None:
            state = SourceState(source_id=sc.id, plugin=sc.plugin_id)
        elif _held_by_other(state, owner, now):
            return "another daemon is running this source"
        elif interval is not None and state.last_run_at is not None:
            since = now - state.last_run_at
            if timedelta(0) <= since < interval - jitter(interval):
                return f"it ran {_ago(since)} ago (by any daemon; its interval is {_ago(interval)})"
        if hosts and (busy := _hosts_busy(session, sc.id, hosts, owner, now - host_gap)):
            return f"another daemon is fetching from {busy} (one daemon per host at a time)"
        state.lease_owner, state.lease_until = owner, now + LEASE
        state.last_run_at = now
        state.hosts = " ".join(sorted(hosts))
        session.add(state)
        try:
            session.commit()
        except IntegrityError:  # another daemon created the row first: it has the source
            return "another daemon is running this source"
        session.refresh(state)
        return state


def _serialise_claims(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CLAIM_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # read and write the leases as one writer


def _held_by_other(state: SourceState, owner: str, now: datetime) -> bool:
    return bool(
        state.lease_until
        and state.lease_until > now
        and state.lease_owner != owner
        and lease_holder_alive(state.lease_owner)
    )


def release(state: SourceState, now: datetime) -> None:
    """End the lease, noting when: the source's hosts rest for their delay from then."""
    state.lease_until = now


def _hosts_busy(
    session: Session, source_id: str, hosts: frozenset[str], owner: str, since: datetime
) -> str | None:
    """A host of ours that another live daemon holds, or released after `since`."""
    leased = session.exec(
        select(SourceState).where(
            SourceState.source_id != source_id,
            col(SourceState.lease_until) > since,
            SourceState.lease_owner != owner,
        )
    )
    for other in leased:
        shared = hosts & set((other.hosts or "").split())
        if shared and lease_holder_alive(other.lease_owner):
            return sorted(shared)[0]
    return None


def _ago(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def lease_holder_alive(owner: str | None) -> bool:
    """False when the owner is a process on this host that no longer exists (kill -9)."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust the lease until it expires
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
