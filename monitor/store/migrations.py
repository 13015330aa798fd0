"""Bring an older database forward, one numbered step at a time, without losing a row.

The steps run with alembic's `Operations` (so the DDL is right for SQLite and PostgreSQL) in the
caller's transaction, which holds the schema lock (store/db.py) and records the new version with
them: a failed step leaves the database as it was, and two instances never run a step twice.
A new table needs no step unless it must be filled from old rows: create_all adds it. A
database made by a newer release is refused, never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection, text

if TYPE_CHECKING:  # alembic is imported only when a migration runs (start-up stays quick)
    from alembic.operations import Operations


def _reading_confidence(op: Operations) -> None:
    """Schema 2: every reading keeps how sure it was and its second reading."""
    with op.batch_alter_table("stage_update") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch.add_column(sa.Column("runner_up", sa.String(64), nullable=True))
        batch.add_column(sa.Column("uncertain", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def _case_model(op: Operations) -> None:
    """Schema 3: cases remember why each announcement joined them, and what identifies them.

    A case keyed by a printed reference keeps that reference as its first clue, so the next
    announcement printing it still joins the same case.
    """
    with op.batch_alter_table("case_record") as batch:
        batch.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))
    with op.batch_alter_table("case_document") as batch:
        batch.add_column(sa.Column("joined_by", sa.Text(), nullable=True))
    op.create_table(
        "case_clue",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_record.id"), primary_key=True),
        sa.Column("key", sa.String(300), primary_key=True, index=True),
    )
    op.execute(
        "INSERT INTO case_clue (case_id, key) SELECT id, key FROM case_record "
        "WHERE key LIKE 'ref:%'"
    )


def _corrections_and_search(op: Operations) -> None:
    """Schema 4: maintainers' corrections, "check now", and the full-text index.

    The `correction` table itself is new, so `create_all` adds it; the index is filled from the
    announcements already stored (monitor/store/fulltext.py).
    """
    from monitor.store import fulltext

    # Plain ADD COLUMN: a batch (copy and drop) of case_record would break the foreign keys
    # that point at it.
    op.add_column("case_record", sa.Column("not_a_case", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    op.add_column("source_state", sa.Column("check_requested_at", sa.DateTime(timezone=True),
                                            nullable=True))
    fulltext.install(op.get_bind())


def _fleet_leases(op: Operations) -> None:
    """Schema 5: a source's lease names its hosts, a delivery's claim names its sender."""
    op.add_column("source_state", sa.Column("hosts", sa.Text(), nullable=True))
    op.add_column("delivery", sa.Column("claimed_by", sa.String(64), nullable=True))


# STEPS[n] takes a database from schema n + 1 to n + 2.
STEPS: tuple[Callable[[Operations], None], ...] = (
    _reading_confidence, _case_model, _corrections_and_search, _fleet_leases,
)
LATEST = len(STEPS) + 1


def migrate(connection: Connection, found: int) -> None:
    """Run every step after schema `found` on `connection`, then record the latest version."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    operations = Operations(MigrationContext.configure(connection))
    for version in range(found, LATEST):
        STEPS[version - 1](operations)
    connection.execute(
        text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(LATEST)}
    )
