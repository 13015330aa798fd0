"""No configured secret is written to the database: error texts and event payloads are masked
as rows are flushed (monitor/redact.py knows the secrets). Imported by monitor.store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from monitor.redact import redact
from monitor.store.tables import Event, SourceState


def _mask(columns: tuple[str, ...]) -> Any:
    def listener(mapper: Any, connection: Any, row: Any) -> None:
        for column in columns:
            value = getattr(row, column)
            if isinstance(value, str):
                setattr(row, column, redact(value))

    return listener


for table, columns in ((Event, ("payload_json",)), (SourceState, ("last_error_message",))):
    for when in ("before_insert", "before_update"):
        event.listen(table, when, _mask(columns))
