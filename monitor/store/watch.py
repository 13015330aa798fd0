"""Storage fault episodes: one maintainers' note when the database starts failing, one when it
works again, never one per cycle.

The note cannot go through the outbox (the outbox is in the failing database), so it is sent
directly; the episode lives in this process. The database counts as working again only when
every source has finished a cycle since the last failure, so a partly damaged file that fails
one source and not the others stays one episode instead of a note every cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from sqlalchemy import Engine

from monitor.errors import StoreError
from monitor.store import faults

log = logging.getLogger("monitor.storage")

Notify = Callable[[str, str], None]  # (subject, body) to the maintainers


class StorageWatch:
    def __init__(self, db: Engine, source_ids: Iterable[str], notify: Notify) -> None:
        self.db, self.notify = db, notify
        self.source_ids = set(source_ids)
        self._worked: set[str] = set()

    def failed(self, fault: StoreError) -> None:
        """A job failed on the database: note it once per episode."""
        self._worked.clear()
        if not faults.mark(self.db, fault):
            return
        log.error(
            "storage fault (%s): %s; the maintainers are told once, and again when it works",
            fault.kind, fault,
        )
        self.notify(
            f"oversight-monitor: the database cannot be used ({fault.kind})",
            f"{fault}\n\nThe daemon keeps running and tries again every cycle; nothing is sent "
            "to subscribers meanwhile. You get one more note when the database works again.",
        )

    def source_worked(self, source_id: str) -> None:
        """A source cycle finished (it wrote its lease and health): end the episode once every
        source has."""
        if faults.current(self.db) is None:
            return
        self._worked.add(source_id)
        if self._worked >= self.source_ids:
            fault = faults.clear(self.db)
            self._worked.clear()
            log.info("the database works again (it was: %s)", fault)
            self.notify(
                "oversight-monitor: the database works again",
                f"Every source has completed a cycle since the fault ({fault}). Alerts held up "
                "meanwhile are sent now.",
            )
