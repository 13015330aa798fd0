"""Web pages and Atom feeds over a seeded database: routes, filters, timeline, escaping, auth."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from click.testing import CliRunner
from markupsafe import escape
from sqlmodel import Session
from starlette.testclient import TestClient

from monitor.cli import main
from monitor.config import Config, SourceConfig, WebSettings
from monitor.errors import ConfigError
from monitor.store import open_database
from monitor.store.tables import (
    Case,
    CaseDocument,
    DocumentRow,
    DocumentVersion,
    Event,
    SourceState,
    StageUpdate,
)
from monitor.web.app import create_app
from monitor.web.server import check_listen

HOSTILE = "<script>alert(1)</script>"
MET = "Metropolitan Police Service"

# Stephen Port: the real sequence of stages, including two moves back.
PORT_UPDATES = [
    ("2015-10-20", "referral", None, None, "iopc",
     "Met refers its handling of the Barking deaths to the IPCC",
     "The Metropolitan Police Service has referred itself to the IPCC."),
    ("2016-11-23", "misconduct_notices_served", 17, "misconduct", "iopc",
     "IPCC serves misconduct notices on 17 officers",
     "Seventeen officers have been served misconduct notices."),
    ("2019-07-06", "reflective_practice", 9, "misconduct", "iopc",
     "Investigation into Met handling of Stephen Port murders concludes",
     "Nine officers will undergo reflective practice."),
    ("2021-12-10", "inquest", None, None, "met",
     "Inquests into the deaths of Stephen Port's victims conclude",
     "The jury found that failures by police probably contributed to the deaths."),
    ("2022-06-23", "reinvestigation", None, None, "iopc",
     "IOPC to reinvestigate Met handling of Stephen Port murders",
     "The IOPC will reinvestigate the conduct of officers in light of the inquest findings."),
    ("2023-11-16", "misconduct_notices_served", 8, "gross_misconduct", "iopc",
     "Eight officers served gross misconduct notices in Stephen Port reinvestigation",
     "Eight officers have been served gross misconduct notices."),
]


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC)


def add_document(session: Session, case: Case, n: int, day: str, stage: str, officers: int | None,
                 severity: str | None, source: str, title: str, evidence: str,
                 *, url: str | None = None, removed: bool = False) -> StageUpdate:
    when = at(day)
    doc = DocumentRow(
        source_id=source, external_id=f"{case.key}-{n}", url=url or f"https://{source}.example/{n}",
        title=title, content_hash=f"h{case.id}-{n}", first_seen_at=when, last_seen_at=when,
        last_fetched_at=when, published_at=when, removed_at=when if removed else None,
    )
    session.add(doc)
    session.flush()
    version = DocumentVersion(
        document_id=doc.id, seen_at=when, title=title, published_at=when, text=evidence,
        force=case.force, content_hash=doc.content_hash,
    )
    session.add(version)
    session.flush()
    doc.current_version_id = version.id
    session.add(CaseDocument(case_id=case.id, document_id=doc.id))
    update = StageUpdate(
        document_id=doc.id, version_id=version.id, stage=stage, evidence=evidence,
        officers=officers, severity=severity, force=case.force, effective_at=when, created_at=when,
    )
    session.add(update)
    return update


def add_event(session: Session, case: Case, n: int, kind: str, from_stage: str | None,
              to_stage: str, day: str, *, evidence: str, title: str, source: str = "iopc",
              status: str = "live", officers: int | None = None,
              severity: str | None = None) -> None:
    payload = {
        "case_name": case.name, "title": title, "url": f"https://{source}.example/{n}",
        "source_id": source, "source_name": source.upper(), "published_at": at(day).isoformat(),
        "evidence": evidence, "officers": officers, "severity": severity, "force": case.force,
    }
    session.add(Event(
        dedupe_key=f"{kind}:{case.key}:{n}", kind=kind, source_id=source, case_id=case.id,
        from_stage=from_stage, to_stage=to_stage, payload_json=json.dumps(payload),
        status=status, created_at=at(day) + timedelta(hours=1),
    ))


def seed_database(url: str) -> dict[str, int]:
    """A tracked Stephen Port case with its six updates, and a case with a hostile title."""
    db = open_database(url)
    with Session(db) as session:
        port = Case(
            key="tracked:stephen-port", name="Stephen Port", tracked=True, force=MET,
            stage="misconduct_notices_served", severity="gross_misconduct", officers=8,
            stage_since=at("2023-11-16"), created_at=at("2015-10-20"), updated_at=at("2023-11-16"),
        )
        hostile = Case(
            key="kent:1", name=HOSTILE, force="Kent Police", stage="investigation_opened",
            stage_since=at("2024-01-05"), created_at=at("2024-01-05"), updated_at=at("2024-01-05"),
        )
        session.add_all([port, hostile])
        session.flush()
        previous = None
        for n, (day, stage, officers, severity, source, title, evidence) in enumerate(PORT_UPDATES):
            add_document(session, port, n, day, stage, officers, severity, source, title, evidence,
                         removed=n == 3)
            kind = "new_case" if previous is None else "stage_changed"
            add_event(session, port, n, kind, previous, stage, day, evidence=evidence,
                      title=title, source=source, officers=officers, severity=severity)
            previous = stage
        add_event(session, port, 99, "stage_changed", "reinvestigation", "outcome_dismissal",
                  "2024-02-01", evidence="held by the mass-change guard", title="held",
                  status="held")
        add_document(session, hostile, 0, "2024-01-05", "investigation_opened", None, None, "met",
                     HOSTILE, f"An investigation <img src=x onerror=alert(2)> into {HOSTILE}.",
                     url="javascript:alert(3)")
        add_event(session, hostile, 0, "new_case", None, "investigation_opened", "2024-01-05",
                  evidence=f"evidence {HOSTILE}", title=HOSTILE, source="met")
        now = datetime.now(UTC)
        session.add(SourceState(source_id="iopc", plugin="iopc", last_run_at=now,
                                last_success_at=now, next_run_at=now + timedelta(hours=1)))
        session.add(SourceState(source_id="met", plugin="met", last_run_at=now,
                                last_error_at=now, last_error_kind="blocked",
                                last_error_message="403 from www.met.police.uk",
                                consecutive_failures=4, next_run_at=now + timedelta(hours=1)))
        session.commit()
        ids = {"port": port.id, "hostile": hostile.id}
    db.dispose()
    return ids


def make_config(token: str | None = None) -> Config:
    return Config(sources=[SourceConfig(id="iopc"), SourceConfig(id="met")],
                  web=WebSettings(token=token))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One seeded database for the module: the web app never writes to it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    ids = seed_database(url)
    db = open_database(url)
    yield db, ids
    db.dispose()


@pytest.fixture
def client(seeded):
    db, _ = seeded
    return TestClient(create_app(make_config(), db))


# ---- pages -----------------------------------------------------------------------------------

def test_every_route_answers(client, seeded):
    port = seeded[1]["port"]
    for path in ("/", "/sources", "/changes", f"/cases/{port}", "/static/style.css",
                 "/feeds/changes.atom", "/feeds/tracked.atom", f"/feeds/cases/{port}.atom",
                 "/feeds/forces/metropolitan-police-service.atom"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_unknown_case_and_force_are_404(client):
    assert client.get("/cases/999").status_code == 404
    assert "There is no case number 999" in client.get("/cases/999").text
    assert client.get("/feeds/cases/999.atom").status_code == 404
    assert client.get("/feeds/forces/atlantis-police.atom").status_code == 404
    assert client.get("/nowhere").status_code == 404


def test_case_list_shows_stage_force_and_reporting_body(client):
    page = client.get("/").text
    assert "Stephen Port" in page
    assert "Officers told they are under investigation for gross misconduct" in page
    assert MET in page and "Kent Police" in page
    assert '<time datetime="2023-11-16T10:00:00+00:00">16 Nov 2023</time>' in page


def test_case_list_filters(client):
    assert "Stephen Port" not in client.get("/", params={"force": "Kent Police"}).text
    assert "Stephen Port" in client.get("/", params={"force": MET}).text
    by_stage = client.get("/", params={"stage": "investigation_opened"}).text
    assert "Stephen Port" not in by_stage and "&lt;script&gt;" in by_stage
    tracked = client.get("/", params={"show": "tracked"}).text
    assert "Stephen Port" in tracked and "&lt;script&gt;" not in tracked
    assert "Stephen Port" in client.get("/", params={"q": "port"}).text
    assert "Stephen Port" not in client.get("/", params={"q": "100%_"}).text
    assert "No case matches these filters" in client.get("/", params={"q": "nobody"}).text


def test_timeline_is_in_order_and_marks_moves_back(client, seeded):
    page = client.get(f"/cases/{seeded[1]['port']}").text
    titles = [str(escape(t)) for *_, t, _ in PORT_UPDATES]
    positions = [page.index(t) for t in titles]
    assert positions == sorted(positions)
    entries = page.split('<li class="entry')[1:]
    assert len(entries) == 6
    backwards = [i for i, e in enumerate(entries) if e.startswith(" backwards")]
    # Into the re-investigation is a move back; on to new notices is forward again.
    assert backwards == [4]
    assert "moved back (from inquest findings)" in entries[4]
    assert "8 officers, gross misconduct" in entries[5]
    assert "<blockquote><p>Eight officers have been served gross misconduct notices.</p>" in page
    assert 'rel="noopener noreferrer"' in entries[5]
    assert "page since taken down" in entries[3]
    assert "page since taken down" not in entries[2]
    # The removal is an entry of its own, on the day it happened, with the page's title.
    removal = page.split('<li class="change removal')[1].split("</li>")[0]
    assert f"removed 10 Dec 2021: “{titles[3]}” taken down" in removal


def test_sources_page_shows_health(client):
    page = client.get("/sources").text
    met = page.split('<tr class="status-failing">')[1].split("</tr>")[0]
    assert '<span class="status">blocked</span>' in met and "4 failures in a row" in met
    assert "the site refused us (robots.txt, 403/429" in met  # the error in words
    assert "403 from www.met.police.uk" in met
    iopc = page.split('<tr class="status-ok">')[1].split("</tr>")[0]
    assert '<span class="status">ok</span>' in iopc
    assert "Independent Office for Police Conduct" in iopc and "plugin" in iopc
    assert "every " in iopc and "https://" in iopc  # interval and base URL
    assert "Last changed" in page and "Next run" in page
    assert "Check now" not in page  # only for signed-in maintainers


def test_recent_changes_lists_newest_first_without_held_events(client):
    page = client.get("/changes").text
    newest = page.index("&lt;script&gt;alert(1)&lt;/script&gt;: new case")
    assert newest < page.index("Stephen Port: re-investigation → gross misconduct")
    assert "moved back" in page
    assert "held by the mass-change guard" not in page


def test_hostile_text_is_shown_as_text(client, seeded):
    for path in ("/", "/changes", f"/cases/{seeded[1]['hostile']}"):
        page = client.get(path).text
        assert "<script>" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    page = client.get(f"/cases/{seeded[1]['hostile']}").text
    assert "<img" not in page
    assert "javascript:" not in page  # a non-web link is shown as plain text


def test_pages_link_their_feeds_and_forbid_scripts(client, seeded):
    response = client.get(f"/cases/{seeded[1]['port']}")
    assert f'type="application/atom+xml" title="Stephen Port: changes" ' \
           f'href="http://testserver/feeds/cases/{seeded[1]["port"]}.atom"' in response.text
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    home = client.get("/").text
    assert 'href="http://testserver/feeds/changes.atom"' in home
    assert '<html lang="en-GB">' in home and 'href="#main"' in home


# ---- feeds -----------------------------------------------------------------------------------

def parse(response):
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_changes_feed_has_every_stage_change(client):
    feed = parse(client.get("/feeds/changes.atom"))
    titles = [e.title for e in feed.entries]
    assert len(titles) == 7  # six Port stages + the hostile new case; held event left out
    assert titles[0] == f"{HOSTILE}: new case, investigation opened"
    assert "Stephen Port: moved back: inquest findings → re-investigation" in titles
    assert feed.feed.title == "Police oversight: stage changes"
    assert any(link.rel == "self" for link in feed.feed.links)
    entry = feed.entries[1]
    assert entry.id.startswith("urn:uuid:") and entry.updated
    assert entry.link.startswith("http://testserver/cases/")
    assert "Eight officers have been served" in entry.summary


def test_case_force_and_tracked_feeds_pick_the_right_entries(client, seeded):
    port = parse(client.get(f"/feeds/cases/{seeded[1]['port']}.atom"))
    assert len(port.entries) == 6 and all("Stephen Port" in e.title for e in port.entries)
    kent = parse(client.get("/feeds/forces/kent-police.atom"))
    assert [e.title for e in kent.entries] == [f"{HOSTILE}: new case, investigation opened"]
    tracked = parse(client.get("/feeds/tracked.atom"))
    assert len(tracked.entries) == 6


def test_feed_escapes_hostile_text(client):
    body = client.get("/feeds/forces/kent-police.atom").text
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_feed_conditional_get(client):
    first = client.get("/feeds/changes.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert modified == "Fri, 05 Jan 2024 11:00:00 GMT"
    assert client.get("/feeds/changes.atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/feeds/changes.atom",
                      headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/feeds/changes.atom",
                      headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get("/feeds/changes.atom",
                      headers={"If-Modified-Since": "Thu, 04 Jan 2024 00:00:00 GMT"}
                      ).status_code == 200


# ---- access ----------------------------------------------------------------------------------

def test_token_is_required_when_configured(seeded):
    client = TestClient(create_app(make_config(token="s3cret"), seeded[0]))
    for path in ("/", "/feeds/changes.atom", "/static/style.css", "/nowhere"):
        assert client.get(path).status_code == 401, path
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_token_in_query_sets_a_strict_cookie(seeded):
    client = TestClient(create_app(make_config(token="s3cret"), seeded[0]))
    assert client.get("/", params={"token": "nope"}).status_code == 401
    first = client.get("/changes", params={"token": "s3cret"})
    assert first.status_code == 200
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "s3cret" not in cookie
    assert client.get("/sources").status_code == 200  # the cookie carries on


def test_non_loopback_without_token_is_refused():
    with pytest.raises(ConfigError, match="without an access token"):
        check_listen("0.0.0.0:8080", make_config())
    with pytest.raises(ConfigError, match="without an access token"):
        check_listen("[::]:8080", make_config())
    assert check_listen("0.0.0.0:8080", make_config(token="t")) == ("0.0.0.0", 8080)
    assert check_listen("127.0.0.1:8080", make_config()) == ("127.0.0.1", 8080)
    assert check_listen("[::1]:9000", make_config()) == ("::1", 9000)
    with pytest.raises(ConfigError, match="must look like"):
        check_listen("8080", make_config())


def test_serve_command_refuses_public_address_without_token(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[monitor]\ndatabase = "m.db"\n')
    result = CliRunner().invoke(main, ["serve", "-c", str(config), "--listen", "0.0.0.0:8080"])
    assert result.exit_code == 2
    assert "without an access token" in result.output


async def test_start_server_serves_in_the_running_loop(seeded):
    import httpx

    from monitor.web.server import bound_port, start_server

    server = await start_server(make_config(), seeded[0], "127.0.0.1:0")
    try:
        async with httpx.AsyncClient() as http:
            response = await http.get(f"http://127.0.0.1:{bound_port(server)}/sources")
        assert response.status_code == 200 and "status-failing" in response.text
    finally:
        server.should_exit = True
        await server.task
