"""Bring an older database forward, one numbered step at a time, without losing a row.

The steps run with alembic's `Operations` (so the DDL is right for SQLite and PostgreSQL) in the
caller's transaction, which holds the schema lock (store/db.py) and records the new version with
them: a failed step leaves the database as it was, and two instances never run a step twice.
A new table needs no step unless it must be filled from old rows: create_all adds it. A
database made by a newer release is refused, never touched.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection, text


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


def _fleet_leases(op: Operations) -> None:
    """Schema 4: a source's lease names its hosts, a delivery's claim names its sender."""
    with op.batch_alter_table("source_state") as batch:
        batch.add_column(sa.Column("hosts", sa.Text(), nullable=True))
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))


# STEPS[n] takes a database from schema n + 1 to n + 2.
STEPS: tuple[Callable[[Operations], None], ...] = (
    _reading_confidence, _case_model, _fleet_leases,
)
LATEST = len(STEPS) + 1


def migrate(connection: Connection, found: int) -> None:
    """Run every step after schema `found` on `connection`, then record the latest version."""
    operations = Operations(MigrationContext.configure(connection))
    for version in range(found, LATEST):
        STEPS[version - 1](operations)
    connection.execute(
        text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(LATEST)}
    )
