"""The full-text index of announcements, in the database's own engine.

SQLite: an FTS5 table over `document_version` (external content, so the text is stored once),
kept in step by triggers. PostgreSQL: a generated `tsvector` column with a GIN index. Both stem
English words (Porter / the `english` configuration) and ignore accents, so "investigating"
finds "investigation". A new database gets the index when its tables are created (the DDL is
attached to the table); an older one gets it from migration step 4, which also fills it.
"""

from __future__ import annotations

from sqlalchemy import DDL, Connection, Table, event

SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS document_fts USING fts5(title, text, "
    "content='document_version', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS document_fts_insert AFTER INSERT ON document_version BEGIN "
    "INSERT INTO document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS document_fts_delete AFTER DELETE ON document_version BEGIN "
    "INSERT INTO document_fts(document_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS document_fts_update AFTER UPDATE ON document_version BEGIN "
    "INSERT INTO document_fts(document_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO document_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
)
SQLITE_FILL = "INSERT INTO document_fts(document_fts) VALUES ('rebuild')"

POSTGRESQL = (
    # Title words weigh more than body words in the ranking.
    "ALTER TABLE document_version ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(text, '')), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS document_version_search ON document_version USING gin (search)",
)


def attach(table: Table) -> None:
    """Create the index whenever `create_all` creates the table (a new database)."""
    for statement in SQLITE:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRESQL:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


def install(connection: Connection) -> None:
    """Add the index to an existing database and fill it from the rows already there."""
    from sqlalchemy import text

    dialect = connection.dialect.name
    if dialect == "sqlite":
        for statement in (*SQLITE, SQLITE_FILL):
            connection.execute(text(statement))
    elif dialect == "postgresql":
        for statement in POSTGRESQL:  # a generated column computes itself for every old row
            connection.execute(text(statement))
