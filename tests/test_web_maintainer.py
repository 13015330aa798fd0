"""Announcement pages, search, exports, upcoming; maintainers' sign-in, CSRF and corrections."""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select
from starlette.testclient import TestClient

from monitor.config import Config, SourceConfig, Subscriber, WebSettings
from monitor.search import Filters, search_documents
from monitor.store import fulltext, open_database
from monitor.store.tables import (
    Case,
    Delivery,
    DocumentRow,
    DocumentVersion,
    Event,
    Hearing,
    SourceState,
    StageUpdate,
)
from monitor.store.types import utcnow
from monitor.web.app import create_app

try:
    from tests.test_web import HOSTILE, PORT_UPDATES, at, seed_database
except ModuleNotFoundError:
    from test_web import HOSTILE, PORT_UPDATES, at, seed_database  # type: ignore[no-redef]

TOKEN = "s3cret-token"
INQUEST_TITLE = PORT_UPDATES[3][5]


def config(token: str | None = TOKEN) -> Config:
    return Config(
        sources=[SourceConfig(id="iopc"), SourceConfig(id="met")],
        web=WebSettings(token=token),
        subscribers=[Subscriber(name="advocate", urls=["json://127.0.0.1:9/hook"])],
    )


def seed(url: str) -> dict[str, int]:
    """The web test's Stephen Port case, its inquest page edited once, and a hearing."""
    ids = seed_database(url)
    db = open_database(url)
    with Session(db) as session:
        doc = session.exec(select(DocumentRow).where(DocumentRow.title == INQUEST_TITLE)).one()
        old = session.get(DocumentVersion, doc.current_version_id)
        edited = DocumentVersion(
            document_id=doc.id, seen_at=at("2021-12-11"), title=old.title,
            published_at=old.published_at, force=old.force, content_hash="edited",
            text="The jury found that failures by police probably contributed to three deaths.",
        )
        session.add(edited)
        session.flush()
        session.add(StageUpdate(
            document_id=doc.id, version_id=edited.id, stage="inquest",
            evidence="failures by police probably contributed", effective_at=at("2021-12-10"),
            created_at=at("2021-12-11"), confidence=0.62, runner_up="reinvestigation",
        ))
        doc.current_version_id = edited.id
        session.add(doc)
        session.add(Hearing(case_id=ids["port"], document_id=doc.id, kind="misconduct_hearing",
                            starts_at=utcnow() + timedelta(days=30), place="Empress State Building",
                            updated_at=utcnow()))
        session.commit()
        ids["inquest_doc"] = doc.id
        ids["last_doc"] = session.exec(
            select(DocumentRow.id).where(DocumentRow.title == PORT_UPDATES[-1][5])).one()
        ids["hostile_doc"] = session.exec(
            select(DocumentRow.id).where(DocumentRow.title == HOSTILE)).one()
        newest = session.exec(select(Event).where(
            Event.dedupe_key == f"stage_changed:tracked:stephen-port:{len(PORT_UPDATES) - 1}")
        ).one()
        newest.document_id = ids["last_doc"]  # the seed's events name no document
        session.add(newest)
        session.commit()
    db.dispose()
    return ids


@pytest.fixture
def site(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ids = seed(url)
    db = open_database(url)
    yield db, ids
    db.dispose()


def reader(db, token: str | None = TOKEN) -> TestClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(create_app(config(token), db), headers=headers)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signed_in(db, name: str = "Alice Advocate") -> tuple[TestClient, str]:
    client = reader(db)
    form = client.get("/signin").text
    response = client.post("/signin", data={"csrf": csrf_of(form), "name": name,
                                            "token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client, csrf_of(client.get("/").text)


# ---- the announcement page -------------------------------------------------------------------

def test_announcement_page_shows_text_reading_cases_and_each_edit(site):
    db, ids = site
    page = reader(db).get(f"/announcements/{ids['inquest_doc']}").text
    assert f"<h1>{INQUEST_TITLE.replace(chr(39), '&#39;')}</h1>" in page
    # The evidence sentence is highlighted in the stored text.
    assert ('<mark class="evidence">failures by police probably contributed</mark>'
            ' to three deaths.') in page
    assert "62%" in page and "Second reading</dt><dd>re-investigation" in page
    assert 'href="http://testserver/cases/' in page and "Stephen Port" in page
    assert "10 Dec 2021" in page  # dates in local time
    # Version 2 shows what changed from version 1, word by word.
    assert "Version 2 (current)" in page and "Version 1," in page
    assert "<del>The jury found that failures by police probably contributed to the deaths."
    assert "<ins>three</ins>" in page and "<del>the</del>" in page


def test_timeline_changes_and_feeds_link_to_the_announcement(site):
    db, ids = site
    client = reader(db)
    case = client.get(f"/cases/{ids['port']}").text
    assert f'href="http://testserver/announcements/{ids["last_doc"]}"' in case
    changes = client.get("/changes").text
    assert "/announcements/" in changes
    feed = client.get("/feeds/changes.atom").text
    assert 'rel="via"' in feed and "/announcements/" in feed


def test_unknown_announcement_is_404(site):
    assert reader(site[0]).get("/announcements/999").status_code == 404


def test_hostile_announcement_stays_text(site):
    db, ids = site
    page = reader(db).get(f"/announcements/{ids['hostile_doc']}").text
    assert "<script>" not in page and "<img" not in page and "javascript:" not in page
    found = reader(db).get("/search", params={"q": "alert onerror"}).text
    assert "<script>" not in found and "<img" not in found
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in found  # escaped, then marked


# ---- maintainers -----------------------------------------------------------------------------

MAINTAINER_POSTS = ("/announcements/{doc}/stage", "/announcements/{doc}/detach",
                    "/announcements/{doc}/attach", "/cases/{case}/not-a-case",
                    "/sources/iopc/check", "/signout")


def test_unsigned_maintainer_actions_are_refused(site):
    db, ids = site
    client = reader(db)
    for path in MAINTAINER_POSTS:
        url = path.format(doc=ids["inquest_doc"], case=ids["hostile"])
        response = client.post(url, data={"stage": "inquest", "why": "x", "case_id": "1"})
        assert response.status_code == 403, url
        assert "Only a signed-in maintainer can do this" in response.text
    assert "Correct the stage" not in client.get(f"/announcements/{ids['inquest_doc']}").text
    with Session(db) as session:
        assert session.exec(select(Event).where(Event.dedupe_key.startswith("corr"))).all() == []


def test_sign_in_needs_the_token_and_the_form_s_csrf(site):
    db, _ = site
    client = reader(db)
    form = client.get("/signin").text
    wrong = client.post("/signin", data={"csrf": csrf_of(form), "name": "A", "token": "nope"})
    assert wrong.status_code == 403 and "That is not the web token" in wrong.text
    forged = reader(db).post("/signin", data={"csrf": "forged", "name": "A", "token": TOKEN})
    assert forged.status_code == 403 and "did not come from this site" in forged.text
    client, _ = signed_in(db)
    assert "Signed in as <strong>Alice Advocate</strong>" in client.get("/").text
    for asked, lands in (("/sources", "/sources"), ("//evil.example/", "/"),
                         ("https://evil.example/", "/"), ("/\\evil.example", "/")):
        visitor = reader(db)
        csrf = csrf_of(visitor.get("/signin").text)
        response = visitor.post("/signin", data={"csrf": csrf, "name": "A", "token": TOKEN,
                                                 "next": asked}, follow_redirects=False)
        assert response.headers["location"] == lands, asked


def test_without_a_token_nobody_signs_in(site):
    client = reader(site[0], token=None)
    assert "Signing in needs an access token" in client.get("/signin").text
    assert client.post("/signin", data={"name": "A", "token": ""}).status_code == 403


def test_a_maintainer_corrects_a_stage_and_the_follow_up_is_queued(site):
    db, ids = site
    client, csrf = signed_in(db)
    doc = ids["last_doc"]  # the 2023 notices: say the reader got them wrong
    no_csrf = client.post(f"/announcements/{doc}/stage", data={"stage": "inquest", "why": "x"})
    assert no_csrf.status_code == 403
    other, other_csrf = signed_in(db, "Bo")  # another session's token is not this one's
    assert client.post(f"/announcements/{doc}/stage",
                       data={"stage": "inquest", "why": "x", "csrf": other_csrf}
                       ).status_code == 403
    response = client.post(f"/announcements/{doc}/stage",
                           data={"stage": "appeal_or_review", "why": "an appeal, not notices",
                                 "csrf": csrf})
    assert response.status_code == 200 and f"/announcements/{doc}?correction=" in str(
        response.url)
    assert ("Follow-up alert queued: <strong>correction: Stephen Port is at "
            "appeal or review, not gross misconduct notices served</strong>") in response.text
    assert "Corrected by Alice Advocate" in response.text
    with Session(db) as session:
        event = session.exec(select(Event).where(Event.dedupe_key.startswith("correction:"))).one()
        assert [d.subscriber for d in session.exec(
            select(Delivery).where(Delivery.event_id == event.id))] == ["advocate"]
        assert session.get(Case, ids["port"]).stage == "appeal_or_review"
    listed = reader(db).get("/corrections").text  # for everyone to see
    assert "Alice Advocate" in listed and "corrected to appeal or review" in listed
    assert "Why: an appeal, not notices" in listed
    bad = client.post(f"/announcements/{doc}/stage",
                      data={"stage": "nonsense", "why": "x", "csrf": csrf})
    assert bad.status_code == 400 and "&#39;nonsense&#39; is not a stage" in bad.text


def test_a_maintainer_detaches_attaches_and_marks_no_case(site):
    db, ids = site
    client, csrf = signed_in(db)
    doc = ids["hostile_doc"]
    detached = client.post(f"/announcements/{doc}/detach",
                           data={"case_id": str(ids["hostile"]), "why": "spam", "csrf": csrf})
    assert detached.status_code == 200 and "In no case" in detached.text
    attached = client.post(f"/announcements/{doc}/attach",
                           data={"case_id": "#" + str(ids["hostile"]), "why": "back",
                                 "csrf": csrf})
    assert attached.status_code == 200 and "attached by Alice Advocate: back" in attached.text
    marked = client.post(f"/cases/{ids['hostile']}/not-a-case", data={"why": "spam",
                                                                       "csrf": csrf})
    assert marked.status_code == 200 and "marked as no case" in marked.text
    assert "&lt;script&gt;" not in client.get("/").text.split("<h2")[1]  # off the list
    bad = client.post(f"/announcements/{doc}/attach", data={"case_id": "x", "why": "b",
                                                             "csrf": csrf})
    assert bad.status_code == 400 and "Give the case number" in bad.text


def test_check_now_is_a_request_the_page_shows(site):
    db, _ = site
    client, csrf = signed_in(db)
    page = client.get("/sources").text
    assert "Check now" in page
    response = client.post("/sources/iopc/check", data={"csrf": csrf})
    assert response.status_code == 200 and "Check requested" in response.text
    assert "as soon as possible (check requested)" in response.text
    with Session(db) as session:
        assert session.get(SourceState, "iopc").check_requested_at is not None
    assert client.post("/sources/nowhere/check", data={"csrf": csrf}).status_code == 404


# ---- search ---------------------------------------------------------------------------------

def test_search_page_ranks_highlights_and_filters(site):
    db, _ = site
    client = reader(db)
    page = client.get("/search", params={"q": "officers served"}).text
    results = page.split('<ol class="results">')[1]
    first_title = results.split("</h3>")[0]
    # Title words weigh most: an announcement with both words in its title comes first.
    assert first_title.count("<mark>") == 2, first_title
    assert "Stephen Port" in page.split('id="case-results"')[1].split("</ul>")[0]
    met_only = client.get("/search", params={"q": "inquests", "source": "met"}).text
    assert "<mark>Inquests</mark> into the deaths" in met_only
    assert "No announcement matches these words and filters" in client.get(
        "/search", params={"q": "jury", "source": "iopc"}).text  # the jury is the met's page
    dated = client.get("/search", params={"q": "officers", "from": "2023-01-01",
                                          "to": "2023-12-31"}).text
    assert "notices in Stephen Port reinvestigation" in dated  # 2023
    assert "misconduct notices on 17" not in dated  # 2016
    bad = client.get("/search", params={"q": "x", "from": "yesterday"})
    assert bad.status_code == 400 and "is not a date like 2024-01-31" in bad.text


def test_search_filters_by_force_and_stage_and_all_filters_must_hold(site):
    db, _ = site
    everything = search_documents(db, "officers", tz="Europe/London")
    first = everything[0]
    assert len({(f["force"], f["stage_id"]) for f in everything}) > 1  # the filters must bite
    for filters, keep in (
        (Filters(force=first["force"]), lambda f: f["force"] == first["force"]),
        (Filters(stage=first["stage_id"]), lambda f: f["stage_id"] == first["stage_id"]),
        (Filters(force=first["force"], stage=first["stage_id"]),
         lambda f: (f["force"], f["stage_id"]) == (first["force"], first["stage_id"])),
    ):  # fmt: skip
        found = search_documents(db, "officers", tz="Europe/London", filters=filters)
        assert [f["id"] for f in found] == [f["id"] for f in everything if keep(f)]


def test_search_treats_query_syntax_as_words(site):
    db, _ = site
    for words in ('"unbalanced', "NEAR(a b)", "officer*", "-", "AND OR NOT", "title:x"):
        search_documents(db, words, tz="Europe/London")  # no syntax error reaches anyone
    assert search_documents(db, "", tz="Europe/London") == []


@pytest.fixture
def pg_url():
    server = os.environ.get("OM_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("OM_TEST_POSTGRES_URL is not set (see .ci/run for a throwaway server)")
    psycopg = pytest.importorskip("psycopg")
    admin = make_url(server)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"om_web_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_search_on_postgresql_ranks_highlights_and_filters_the_same(pg_url, tmp_path):
    seed(pg_url)
    db = open_database(pg_url)
    try:
        found = search_documents(db, "officers served", tz="Europe/London")
        assert found and "<" not in found[0]["title_marked"]
        assert "\ue000Officers\ue001" in found[0]["title_marked"] or (
            "\ue000officers\ue001" in found[0]["title_marked"].casefold())
        assert {f["title"] for f in found} >= {PORT_UPDATES[1][5], PORT_UPDATES[5][5]}
        stemmed = search_documents(db, "investigating", tz="Europe/London")
        assert any("investigation" in f["snippet"].casefold() for f in stemmed)
        only = search_documents(db, "inquests", tz="Europe/London", filters=Filters(source="met"))
        assert [f["source_id"] for f in only] == ["met"]
        page = TestClient(create_app(config(None), db)).get("/search", params={"q": "served"})
        assert "<mark>served</mark>" in page.text
        # A correction on PostgreSQL: the case rows are locked FOR UPDATE, then re-derived.
        from monitor.corrections import correct_stage

        with Session(db) as session:
            last = session.exec(
                select(DocumentRow.id).where(DocumentRow.title == PORT_UPDATES[-1][5])).one()
        done = correct_stage(db, config(), document_id=last, stage="appeal_or_review",
                             who="pg", why="test")
        assert done.alerts == ["correction: Stephen Port is at appeal or review, "
                               "not gross misconduct notices served"]
        # An older database gets the index from the migration step, computed for its old rows.
        with db.begin() as connection:
            connection.execute(text("ALTER TABLE document_version DROP COLUMN search"))
            fulltext.install(connection)
        assert len(search_documents(db, "officers served", tz="Europe/London")) == len(found)
    finally:
        db.dispose()


# ---- exports and dates ----------------------------------------------------------------------

def test_case_timeline_as_csv_and_printable(site):
    db, ids = site
    client = reader(db)
    response = client.get(f"/cases/{ids['port']}.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:3] == ["date", "what", "stage"]
    titles = [r[9] for r in rows[1:] if r[1] == "announcement"]
    assert titles == [t for *_, t, _ in PORT_UPDATES]
    printable = client.get(f"/cases/{ids['port']}/print").text
    assert "Stephen Port: timeline" in printable and "Printed from oversight-monitor" in printable
    assert printable.count("<tr>") == len(rows)  # a header row and one per entry


def test_csv_never_carries_a_formula(site):
    db, ids = site
    with Session(db) as session:
        doc = session.get(DocumentRow, ids["hostile_doc"])
        version = session.get(DocumentVersion, doc.current_version_id)
        version.title = "=HYPERLINK(\"http://evil\")"
        session.add(version)
        session.commit()
    text = reader(db).get(f"/cases/{ids['hostile']}.csv").text
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_upcoming_page_lists_dates_with_calendar_links(site):
    db, ids = site
    client = reader(db)
    page = client.get("/upcoming").text
    assert "Stephen Port" in page and "misconduct hearing" in page
    assert "Empress State Building" in page
    link = re.search(r'href="(http://testserver/hearings/\d+\.ics)"', page).group(1)
    ics = client.get(link)
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "Empress State Building" in ics.text and ics.text.count("BEGIN:VEVENT") == 1
    assert client.get("/hearings/999.ics").status_code == 404


def test_csv_dates_are_in_the_monitor_timezone_so_a_date_only_announcement_keeps_its_day():
    from monitor.web.export import timeline_csv

    entry = {  # 5 July 2019, a date-only announcement: stored as 4 July 23:00 UTC
        "date": "2019-07-04T23:00:00+00:00", "kind": "announcement",
        "stage_label": "reflective practice", "case_stage": "reflective_practice",
        "backwards": False, "note": None, "officers": 9, "severity": "misconduct",
        "evidence": "Nine officers.", "title": "Outcome", "source_id": "iopc",
        "url": "https://iopc.example/1", "joined_by": None, "correction": None,
    }
    rows = list(csv.reader(io.StringIO(
        timeline_csv({"timeline": [entry]}, {"iopc": "IOPC"}, "Europe/London"))))
    assert rows[1][0] == "2019-07-05T00:00:00+01:00"
