"""The database tables: anything that must survive a restart is a row before it is acted on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.store import fulltext
from monitor.store.types import UTCDateTime

SCHEMA_VERSION = 5  # monitor/store/migrations.py brings older databases forward


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=64)
    value: str


class SourceState(SQLModel, table=True):
    """Per configured source: its saved cursor and its health."""

    __tablename__ = "source_state"
    source_id: str = Field(primary_key=True, max_length=64)
    plugin: str = Field(max_length=64)
    state_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    baseline_done: bool = False
    last_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error_kind: str | None = Field(default=None, max_length=32)
    last_error_message: str | None = Field(default=None, sa_column=Column(Text))
    consecutive_failures: int = 0
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failing_alerted: bool = False
    next_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A lease lets several daemons on one database share sources without running one twice.
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The hosts it fetches from, space-separated: one daemon per host at a time (lease.py).
    hosts: str | None = Field(default=None, sa_column=Column(Text))
    # A maintainer pressed "check now" (monitor/check_now.py); the daemon, in whatever process,
    # runs the source soon and clears it.
    check_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HttpValidator(SQLModel, table=True):
    """What the server told us last time, for conditional GETs."""

    __tablename__ = "http_validator"
    url: str = Field(primary_key=True, max_length=2048)
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DocumentRow(SQLModel, table=True):
    """One document on one source, identified by what the site keeps stable."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(index=True, max_length=64)
    external_id: str = Field(max_length=512)
    url: str = Field(max_length=2048)
    title: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    current_version_id: int | None = None
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_seen_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    last_fetched_at: datetime = Field(sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DocumentVersion(SQLModel, table=True):
    """Extracted text and fields of one version of a document (never the whole page)."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "content_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    seen_at: datetime = Field(sa_type=UTCDateTime)
    title: str = Field(sa_column=Column(Text, nullable=False))
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    date_note: str | None = Field(default=None, max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    fields_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    force: str | None = Field(default=None, max_length=128)
    case_key: str | None = Field(default=None, max_length=256)
    content_hash: str = Field(max_length=64)


fulltext.attach(DocumentVersion.__table__)  # type: ignore[attr-defined]


class Case(SQLModel, table=True):
    """One matter: a tracked case from config, or announcements joined by what they share."""

    __tablename__ = "case_record"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    name: str = Field(sa_column=Column(Text, nullable=False))
    tracked: bool = False
    force: str | None = Field(default=None, max_length=128)
    stage: str = Field(default="not_a_case_update", max_length=64)
    severity: str | None = Field(default=None, max_length=32)
    officers: int | None = None
    reported_status: str | None = Field(default=None, sa_column=Column(Text))
    stage_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Two cases found to be one matter: the younger points at the one it became part of.
    merged_into: int | None = None  # a case_record id
    # A maintainer said this is no case (monitor/corrections.py): not listed, never alerts.
    not_a_case: bool = False


class CaseDocument(SQLModel, table=True):
    __tablename__ = "case_document"
    case_id: int = Field(foreign_key="case_record.id", primary_key=True)
    document_id: int = Field(foreign_key="document.id", primary_key=True, index=True)
    # Why the announcement is in the case: "Chris Kaba named, same force" (None: before schema 3).
    joined_by: str | None = Field(default=None, sa_column=Column(Text))


class CaseClue(SQLModel, table=True):
    """What identifies a case's matter (monitor/cases/clues.py): later announcements join by it."""

    __tablename__ = "case_clue"
    case_id: int = Field(foreign_key="case_record.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=300, index=True)


class Hearing(SQLModel, table=True):
    """A date announced for a case: misconduct hearing, inquest, court appearance, sentencing."""

    __tablename__ = "hearing"
    __table_args__ = (UniqueConstraint("case_id", "document_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    document_id: int = Field(foreign_key="document.id")
    kind: str = Field(max_length=32)  # monitor/cases/hearings.py KINDS
    starts_at: datetime = Field(index=True, sa_type=UTCDateTime)
    all_day: bool = False  # the announcement gave a date but no time
    place: str | None = Field(default=None, sa_column=Column(Text))
    updated_at: datetime = Field(sa_type=UTCDateTime)


class StageUpdate(SQLModel, table=True):
    """The classification of one document version."""

    __tablename__ = "stage_update"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    version_id: int = Field(foreign_key="document_version.id", unique=True)
    stage: str = Field(max_length=64)
    evidence: str | None = Field(default=None, sa_column=Column(Text))
    officers: int | None = None
    severity: str | None = Field(default=None, max_length=32)
    route: str | None = Field(default=None, max_length=32)
    force: str | None = Field(default=None, max_length=128)
    flags_json: str = Field(default="[]", max_length=256)
    reported_status: str | None = Field(default=None, sa_column=Column(Text))
    confidence: float | None = None  # calibrated probability of the stage (None: before schema 2)
    runner_up: str | None = Field(default=None, max_length=64)  # the second reading
    uncertain: bool = False
    # The date the update counts from: published date, else when we first saw it.
    effective_at: datetime = Field(index=True, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Event(SQLModel, table=True):
    """Something worth telling people. The dedupe key makes re-runs and restarts harmless."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, max_length=128)
    kind: str = Field(max_length=32, index=True)
    source_id: str | None = Field(default=None, max_length=64)
    case_id: int | None = Field(default=None, foreign_key="case_record.id", index=True)
    document_id: int | None = Field(default=None, foreign_key="document.id")
    from_stage: str | None = Field(default=None, max_length=64)
    to_stage: str | None = Field(default=None, max_length=64)
    payload_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    # live: delivered; held: stopped by the mass-change guard; baseline: first run, not sent.
    status: str = Field(default="live", max_length=16)
    created_at: datetime = Field(index=True, sa_type=UTCDateTime)


class Delivery(SQLModel, table=True):
    """The outbox: one row per event × subscriber channel, written with the event."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("event_id", "subscriber", "channel_key"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    subscriber: str = Field(max_length=64)
    # A hash of the apprise URL: the URL itself may hold secrets and stays in config.
    channel_key: str = Field(max_length=32)
    # pending → sent | dead | withdrawn (a later correction made it moot, never sent);
    # digest: waiting for the subscriber's next digest.
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # host:pid of the sender holding the claim: a killed sender's rows are taken back at once.
    claimed_by: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class DigestState(SQLModel, table=True):
    __tablename__ = "digest_state"
    subscriber: str = Field(primary_key=True, max_length=64)
    last_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Correction(SQLModel, table=True):
    """What a maintainer set right (monitor/corrections.py): who, when, why, and what it was."""

    __tablename__ = "correction"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # stage | detach | attach | not_a_case
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    version_id: int | None = Field(default=None, foreign_key="document_version.id")
    case_id: int | None = Field(default=None, foreign_key="case_record.id", index=True)
    old_stage: str | None = Field(default=None, max_length=64)  # what the reader had read
    new_stage: str | None = Field(default=None, max_length=64)
    who: str = Field(max_length=128)
    why: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
