"""The bulk baseline path records exactly what record() does one document at a time."""

from __future__ import annotations

import os
import tomllib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from monitor.bulk_recorder import record_baseline
from monitor.cases.clues import find_clues
from monitor.cases.tracked import CaseLink
from monitor.models import Document, DocumentRef, Page
from monitor.recorder import Observed, record
from monitor.stages.reader import Classification
from monitor.store import open_database

LINKING_SET = Path(__file__).resolve().parent.parent / "benchmarks" / "linking" / "set.toml"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
POSTGRES = os.environ.get("OM_TEST_POSTGRES_URL")


def observed(n: int, d: dict, *, links: list[CaseLink] | None = None) -> Observed:
    published = datetime.fromisoformat(d["published"]).replace(tzinfo=ZoneInfo("Europe/London"))
    url = d.get("url") or f"https://{d['source']}.example/news/{n}"
    fields = {"Status": d["status"]} if "status" in d else {}
    document = Document(
        title=d["title"],
        text=d["text"],
        published_at=published,
        force=d["force"] or None,
        case_key=d.get("reference"),
        fields=fields,
    )
    return Observed(
        source_id="set",  # one source, as a baseline is
        source_name="set",
        ref=DocumentRef(url=url, external_id=str(n)),
        page=Page(url=url, status=200, content_type="text/html", text="",
                  etag=f'"e{n}"' if n % 4 else None),
        document=document,
        classification=Classification(
            stage=d["stage"], label=d["stage"], evidence=None, force=d["force"] or None
        ),
        content_hash=f"{n:064d}",
        links=links or [],
        clues=find_clues(
            title=d["title"], text=d["text"], fields=fields, force=d["force"] or None,
            case_key=d.get("reference"), url=url, published_at=published,
        ),
    )  # fmt: skip


def baseline() -> list[Observed]:
    """The linking set (joins, merges, look-alikes, news) in listing order, plus a tracked
    case, a hearing notice, a case page with its status and pages sharing one URL."""
    docs = tomllib.loads(LINKING_SET.read_text(encoding="utf-8"))["doc"]
    docs.sort(key=lambda d: d["published"], reverse=True)
    extra = [
        {"source": "iopc", "published": "2024-05-01", "force": "Kent Police",
         "title": "Misconduct hearing for PC Sam Blake",
         "text": "A gross misconduct hearing will be held on 12 March 2025 at 10am at Maidstone "
                 "Police Headquarters for PC Sam Blake, charged over the arrest of Lee Grant.",
         "stage": "hearing_scheduled"},
        {"source": "kent", "published": "2024-05-02", "force": "Kent Police",
         "title": "Case page", "text": "Updates on the case.", "stage": "not_a_case_update",
         "status": "Investigation ongoing", "url": "https://kent.example/case/1"},
        {"source": "kent", "published": "2024-05-02", "force": "Kent Police",
         "title": "Case page again", "text": "More.", "stage": "not_a_case_update",
         "status": "Closed", "url": "https://kent.example/case/1"},
    ]  # fmt: skip
    found = [observed(n, d) for n, d in enumerate(docs + extra)]
    tracked = CaseLink("tracked:lee-grant", "Lee Grant", True)
    found.insert(5, observed(len(found), extra[0] | {"title": "Lee Grant"}, links=[tracked]))
    return found


def every_row(db) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """Every table's rows, without their own ids (references to other rows are kept)."""
    rows = {}
    with db.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name != "id"]
            found = conn.execute(select(*columns)).all()
            rows[table.name] = sorted(tuple(map(repr, r)) for r in found)
    return rows


def one_by_one(session: Session, batch: list[Observed]) -> None:
    for obs in batch:
        record(session, obs, now=NOW, event_status=None, enqueue=lambda *a: None)


def in_batches(size: int, one_by_one: list[Observed] | None = None):  # type: ignore[no-untyped-def]
    """record_baseline() `size` at a time; what it hands to record() is added to `one_by_one`."""

    def record_one(session: Session, obs: Observed) -> None:
        if one_by_one is not None:
            one_by_one.append(obs)
        record(session, obs, now=NOW, event_status=None, enqueue=lambda *a: None)

    def write(session: Session, batch: list[Observed]) -> None:
        for start in range(0, len(batch), size):
            record_baseline(
                session, batch[start : start + size], now=NOW,
                record_one=lambda obs: record_one(session, obs),
            )  # fmt: skip

    return write


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):  # type: ignore[no-untyped-def]
    """A function making fresh empty databases of the parametrised kind."""
    if request.param == "sqlite":
        yield lambda: f"sqlite:///{tmp_path / uuid.uuid4().hex}.db"
        return
    if not POSTGRES:
        pytest.skip("OM_TEST_POSTGRES_URL is not set (see .ci/run for a throwaway server)")
    psycopg = pytest.importorskip("psycopg")
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    names: list[str] = []

    def new() -> str:
        names.append(f"om_bulk_{uuid.uuid4().hex[:12]}")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{names[-1]}"')
        return admin.set(database=names[-1]).render_as_string(hide_password=False)

    yield new
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recorded_with(write, url: str) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    db = open_database(url)
    batch = baseline()
    with Session(db) as session:  # an interrupted baseline recorded the first three
        one_by_one(session, batch[:3])
        session.commit()
    with Session(db) as session:
        write(session, batch)
        session.commit()
    rows = every_row(db)
    db.dispose()
    return rows


@pytest.mark.parametrize("size", [1, 7, 100])
def test_a_baseline_recorded_in_bulk_is_the_baseline_recorded_one_by_one(database_url, size):
    expected = recorded_with(one_by_one, database_url())
    handed_on: list[Observed] = []

    got = recorded_with(in_batches(size, handed_on), database_url())

    assert got == expected
    # The bulk path founds and joins cases itself; record() gets the stored, the tracked, the
    # merging and whatever meets a case already written (in this dense set: most of them).
    assert 4 <= len(handed_on) < len(baseline())
    assert len(expected["document"]) == len(baseline())
    assert len(expected["case_record"]) > 10 and expected["hearing"] and expected["case_clue"]
    merged = [r for r in expected["case_record"] if r[-2] != "None"]  # merged_into
    assert merged, "the set should make record() merge cases"


def test_the_bulk_path_writes_a_founding_document_in_a_handful_of_statements(tmp_path):
    from sqlalchemy import event

    db = open_database(f"sqlite:///{tmp_path / 'bulk.db'}")
    news = [observed(1000 + n, {
        "source": "x", "published": "2024-01-02", "force": "Kent Police",
        "title": f"Investigation {n}", "text": f"We are investigating matter {n}.",
        "stage": "investigation_opened", "reference": f"2024/{n:05d}",
    }) for n in range(200)]  # fmt: skip
    statements: list[str] = []
    event.listen(db, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with Session(db) as session:
        in_batches(100)(session, news)
        session.commit()
    assert len(statements) < 40  # per batch: a few SELECTs, one INSERT or UPDATE per table
    assert len(every_row(db)["document"]) == 200
    db.dispose()
