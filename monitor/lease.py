"""Source leases: several daemons on one database never run the same source at once."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from monitor.config import SourceConfig
from monitor.store.tables import SourceState

# How long a daemon may hold a source before others assume it died (a daemon on this host that
# died is noticed at once, see lease_holder_alive).
LEASE = timedelta(minutes=20)


def claim(db: Engine, sc: SourceConfig, owner: str, now: datetime) -> SourceState | None:
    """Take the source's lease, so two daemons on one database never run it at once."""
    with Session(db) as session:
        state = session.get(SourceState, sc.id, with_for_update=True)
        if state is None:
            state = SourceState(source_id=sc.id, plugin=sc.plugin_id)
        elif (
            state.lease_until
            and state.lease_until > now
            and state.lease_owner != owner
            and lease_holder_alive(state.lease_owner)
        ):
            return None
        state.lease_owner, state.lease_until = owner, now + LEASE
        state.last_run_at = now
        session.add(state)
        try:
            session.commit()
        except IntegrityError:  # another daemon created the row first: it has the source
            return None
        session.refresh(state)
        return state


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
