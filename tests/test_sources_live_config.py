"""Issue 5's done-when: `check` on config.example.toml, pointed at local copies of the sites.

The example config's text is used as written, with only what a test must change: each source
gets `base_url` (a tests/sitemirror.py server on 127.0.0.1 serving the fixture pages), a
second police.uk force (leics) is added, politeness delays and retries are off, the database
lives in tmp_path and both subscribers deliver to a local SMTP sink. Kent also gets the
`misconduct_url` its hearing-notice fixture was written for: Kent's news-listing fixture links
to no article that has a fixture of its own, so without it Kent would record only stubs.

What is checked comes from the fixtures' expected JSON (ids, URLs, dates, forces) and from
what the fixture texts plainly say (stages); the classifier's output is never copied in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from monitor.cli import main
from monitor.config import load_config
from monitor.refetch import is_due
from monitor.store import open_database
from monitor.store.tables import Delivery, DocumentRow, Event, StageUpdate
from sources import urls
from tests import sitemirror
from tests.servers import start_smtp

EXAMPLE = Path(__file__).parents[1] / "config.example.toml"
FIXTURES = Path(__file__).parent / "sources"
MET_RSS = "/rss/current_news/66871"
MPS, KENT, LEICS = "Metropolitan Police Service", "Kent Police", "Leicestershire Police"


def expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class Item:
    """One article fixture and what its text plainly says."""

    source: str
    fixture: str  # tests/sources/<fixture>.json
    published: str  # UTC, worked out by hand from the date the page prints
    force: str
    stages: tuple[str, ...]  # acceptable headline stages
    severity: str | None = None
    officers: int | None = None


ITEMS = (
    # "Published 16 Nov 2023" (GMT); "Five serving and three former ... officers have been told
    # they are under investigation for potential gross misconduct".
    Item("iopc", "iopc/port-gross-misconduct-notices", "2023-11-16T00:00:00+00:00", MPS,
         ("misconduct_notices_served",), "gross_misconduct", 8),
    # "Published 23 Jun 2022" (BST midnight); "We have decided to re-investigate".
    Item("iopc", "iopc/port-reinvestigation", "2022-06-22T23:00:00+00:00", MPS,
         ("reinvestigation",)),
    # "Published 18 May 2023" (BST); "no indication that any officer behaved in a manner that
    # would justify disciplinary proceedings".
    Item("iopc", "iopc/learning-summary", "2023-05-17T23:00:00+00:00", MPS,
         ("no_case_to_answer",)),
    # "12 Jul 2023 16:20 BST"; "has been dismissed without notice following a gross misconduct
    # hearing".
    Item("met", "met/hearing-outcome", "2023-07-12T15:20:00+00:00", MPS,
         ("outcome_dismissal",), "gross_misconduct", 1),
    # "Three ... officers will face a gross misconduct hearing"; the hearing has no date yet, so
    # "case to answer" and "proceedings scheduled" are both fair readings.
    Item("met", "met/child-q-hearing", "2023-09-12T09:05:00+00:00", MPS,
         ("case_to_answer", "proceedings_scheduled"), "gross_misconduct"),
    # "Published 09:30 14/03/2024" (GMT); a notice of a gross misconduct hearing on 25 March.
    Item("kent", "policeuk/kent-hearing-notice", "2024-03-14T09:30:00+00:00", KENT,
         ("proceedings_scheduled",), "gross_misconduct", 1),
    # "Published 13:45 21/07/2023" (BST); "A police constable has been charged with misconduct
    # in public office".
    Item("leics", "policeuk/leics-officer-charged", "2023-07-21T12:45:00+00:00", LEICS,
         ("criminal_charge",)),
)  # fmt: skip

# Every item each source should list: its listing fixtures' refs plus the article fixtures
# reached through listings the mirror builds (IOPC learning, Kent misconduct hearings).
LISTED = {
    "iopc": ("iopc/news-listing", ("iopc/learning-summary",)),
    "met": ("met/rss", ()),
    "kent": ("policeuk/kent-latest", ("policeuk/kent-hearing-notice",)),
    "leics": ("policeuk/leics-news", ()),
}


@dataclass
class Run:
    exit_code: int
    reports: dict[str, dict[str, Any]]
    hits: dict[str, list[tuple[str, int, bool]]]
    sent: int  # emails the sink received during this check
    due: dict[str, set[str]] = field(default_factory=dict)  # paths the age tiers made due


@dataclass
class World:
    config: Path
    sites: dict[str, sitemirror.Mirror]
    runs: list[Run]

    def cli_json(self, *args: str) -> Any:
        result = CliRunner().invoke(main, [*args, "-c", str(self.config), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def documents(self) -> dict[tuple[str, str], tuple[DocumentRow, StageUpdate]]:
        with Session(open_database(load_config(self.config).database_url)) as session:
            rows = session.exec(
                select(DocumentRow, StageUpdate).where(
                    DocumentRow.current_version_id == StageUpdate.version_id
                )
            ).all()
            return {(d.source_id, d.external_id): (d, s) for d, s in rows}


def live_config(example: str, sites: dict[str, sitemirror.Mirror], smtp_port: int, db: Path,
                *, send_on_first_run: bool = False) -> str:  # fmt: skip
    """config.example.toml with the test's changes, each one a checked substitution."""

    def sub(pattern: str, repl: str, text: str) -> str:
        new, count = re.subn(pattern, repl, text, count=1, flags=re.M)
        assert count == 1, f"config.example.toml no longer has {pattern!r}"
        return new

    text = sub(r"^database = .*$", f"database = {json.dumps(str(db))}", example)
    text = sub(r"^send_on_first_run = .*$", f"send_on_first_run = {str(send_on_first_run).lower()}",
               text)  # fmt: skip
    text = sub(r"^min_delay_seconds = .*$", "min_delay_seconds = 0", text)
    text = sub(r"^retries = .*$", "retries = 0", text)
    for sid in ("iopc", "met", "kent"):
        text = sub(rf'^(id = "{sid}".*)$', rf'\1\nbase_url = "{sites[sid].root}"', text)
    kent = sitemirror.misconduct_url("kent")
    text = sub(r'^options = \{ force = "kent" \}$',
               f'options = {{ force = "kent", misconduct_url = "{kent}" }}', text)  # fmt: skip
    leics = (
        f'[[sources]]\nid = "leics"\nplugin = "policeuk"\noptions = {{ force = "leics" }}\n'
        f'interval_minutes = 60\nbase_url = "{sites["leics"].root}"\n\n'
    )
    text = sub(r"^(# ---- tracked cases)", leics + r"\1", text)
    sink = f"mailto://127.0.0.1:{smtp_port}?from=monitor@example.org"
    text = sub(r'"mailto://localhost:2525\?from=monitor@example.org&', f'"{sink}&', text)
    text = sub(r'"json://localhost:9999/oversight-alerts"', f'"{sink}&to=newsdesk@example.org"',
               text)  # fmt: skip
    assert "localhost" not in text.split("# ---- who gets told")[1]
    return text


def check(world: World, sink: Any) -> Run:
    for site in world.sites.values():
        site.clear()
    before = len(sink.messages)
    result = CliRunner().invoke(main, ["check", "-c", str(world.config), "--json"])
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    hits = {sid: site.requests() for sid, site in world.sites.items()}
    sent = len(sink.wait_for(before + 1, timeout=0.3)) - before
    return Run(result.exit_code, {r["source"]: r for r in lines}, hits, sent)


def due_now(world: World) -> dict[str, set[str]]:
    """The article paths each source's age tiers make due now, from the stored documents."""
    config = load_config(world.config)
    now = datetime.now(UTC)
    due: dict[str, set[str]] = {sid: set() for sid in world.sites}
    for doc, _ in world.documents().values():
        born = doc.published_at or doc.first_seen_at
        if is_due(config.refetch, born, doc.last_fetched_at, now):
            due[doc.source_id].add(urls.path(doc.url))
    return due


def start_sites() -> dict[str, sitemirror.Mirror]:
    built = {
        "iopc": sitemirror.iopc(),
        "met": sitemirror.met(),
        "kent": sitemirror.policeuk("kent"),
        "leics": sitemirror.policeuk("leics"),
    }
    return {sid: site.start() for sid, site in built.items()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Three checks: the first (a baseline, as the example says), a second with every site
    unchanged, and a third with the age tiers widened so every known article is due."""
    tmp = tmp_path_factory.mktemp("live")
    sites = start_sites()
    controller, sink = start_smtp()
    try:
        config = tmp / "config.toml"
        text = live_config(EXAMPLE.read_text("utf-8"), sites, controller.port, tmp / "m.db")
        config.write_text(text, encoding="utf-8")
        w = World(config, sites, [])
        w.runs.append(check(w, sink))
        due = due_now(w)
        w.runs.append(check(w, sink))
        w.runs[1].due = due
        config.write_text(re.sub(r"^recent_days = .*$", "recent_days = 36500", text, flags=re.M))
        due = due_now(w)
        w.runs.append(check(w, sink))
        w.runs[2].due = due
        yield w
    finally:
        controller.stop()
        for site in sites.values():
            site.stop()


def test_every_source_ran_cleanly(world):
    first = world.runs[0]
    assert first.exit_code == 0, first.reports
    assert set(first.reports) == {"iopc", "met", "kent", "leics"}
    for sid, report in first.reports.items():
        assert report["ok"] and report["baseline"], (sid, report)
        assert report["document_errors"] == [], (sid, report)


def test_every_listed_item_is_recorded_with_its_id_on_the_local_site(world):
    docs = world.documents()
    for sid, (listing, extra) in LISTED.items():
        wanted = {r["external_id"]: r["url"] for r in expected(listing)["refs"]}
        wanted |= {expected(x)["external_id"]: expected(x)["url"] for x in extra}
        got = {ext: d.url for (s, ext), (d, _) in docs.items() if s == sid}
        assert set(got) == set(wanted), sid
        for ext, url in wanted.items():  # same path, on the mirror instead of the real host
            assert got[ext] == world.sites[sid].root + urls.path(url), (sid, ext)
    # The ids are the stable kinds each plugin promises.
    assert {e for s, e in docs if s == "met"} == {"512901", "472221"}
    assert ("iopc", "node/10512") in docs and ("iopc", "node/9876") in docs


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.fixture)
def test_item_has_its_date_force_and_stage(world, item):
    exp = expected(item.fixture)
    assert utc(exp["document"]["published_at"]) == utc(item.published)  # fixture agrees
    assert exp["document"]["force"] == item.force
    doc, update = world.documents()[(item.source, exp["external_id"])]
    assert doc.published_at == utc(item.published)
    assert doc.title == exp["document"]["title"]
    assert update.force == item.force
    assert update.stage in item.stages, (update.stage, update.evidence)
    if item.severity:
        assert update.severity == item.severity
    if item.officers:
        assert update.officers == item.officers
    assert update.effective_at == doc.published_at


def test_stub_pages_are_only_the_links_without_fixtures(world):
    """The mirror's stand-ins cover listed links the fixtures lack, nothing that has one."""
    fixtured = {urls.path(expected(i.fixture)["url"]).rstrip("/") for i in ITEMS}
    for site in world.sites.values():
        assert not site.stubs & fixtured
    assert world.sites["met"].stubs.isdisjoint({"/news/officer-dismissed-following-gross-"
                                                "misconduct-hearing-512901"})  # fmt: skip


def test_cases_and_the_tracked_timeline(world):
    cases = {c["key"]: c for c in world.cli_json("cases")}
    port = cases["tracked:stephen-port"]
    assert port["tracked"] and port["force"] == MPS
    assert port["stage"] == "misconduct_notices_served" and port["officers"] == 8
    assert utc(port["stage_since"]) == utc("2023-11-16T00:00:00+00:00")
    assert cases["doc:met:512901"]["stage"] == "outcome_dismissal"
    assert (
        cases["doc:leics:" + expected("policeuk/leics-officer-charged")["external_id"]]["force"]
        == LEICS
    )
    assert cases["ref:2021/158234"]["force"] == MPS  # the IOPC reference printed on the page

    history = world.cli_json("history", "Stephen Port")
    steps = [(h["source_id"], h["stage"], utc(h["date"])) for h in history["timeline"]]
    assert steps == [
        ("iopc", "reinvestigation", utc("2022-06-22T23:00:00+00:00")),
        ("iopc", "misconduct_notices_served", utc("2023-11-16T00:00:00+00:00")),
    ]
    assert all(h["url"].startswith(world.sites["iopc"].root) for h in history["timeline"])


def test_nothing_is_sent_on_the_baseline_or_on_a_repeat_check(world):
    first, second, third = world.runs
    assert (first.sent, second.sent, third.sent) == (0, 0, 0)
    with Session(open_database(load_config(world.config).database_url)) as session:
        # The baseline records stages silently: no events, so nothing queued for anyone.
        assert session.exec(select(Event)).all() == []
        assert session.exec(select(Delivery)).all() == []
    for run in (second, third):
        assert run.exit_code == 0
        for sid, report in run.reports.items():
            assert report["ok"] and not report["baseline"], (sid, report)
            assert (report["new"], report["changed"], report["removed"]) == (0, 0, 0), sid
            assert report["events"] == [], sid


def test_unchanged_met_feed_costs_no_article_fetches(world):
    second = world.runs[1]
    # The feed answered 304 to a conditional GET, and the Met articles (2023) are in the
    # weekly tier, fetched minutes ago: nothing else was asked of the Met site.
    assert second.hits["met"] == [(MET_RSS, 304, True)]
    assert second.due["met"] == set()
    assert second.reports["met"]["discovered"] == 0


def test_repeat_checks_fetch_only_what_the_age_tiers_make_due(world):
    stored = {sid: set() for sid in world.sites}
    for doc, _ in world.documents().values():
        stored[doc.source_id].add(urls.path(doc.url))
    for run in world.runs[1:]:
        for sid, hits in run.hits.items():
            # Listings and articles alike are conditional GETs answered 304 …
            assert all(conditional and status == 304 for _, status, conditional in hits), sid
            # … and the articles asked for are exactly those the tiers make due.
            assert {p for p, _, _ in hits} & stored[sid] == run.due[sid], sid
    # Widened tiers: every known Met article is due again, and each costs one 304.
    third = world.runs[2]
    met = {urls.path(expected(i.fixture)["url"]) for i in ITEMS if i.source == "met"}
    assert third.due["met"] == met
    assert sorted(third.hits["met"]) == sorted((p, 304, True) for p in {MET_RSS, *met})
    assert third.reports["met"]["not_modified"] == 2


def test_alerts_go_out_when_the_first_run_is_not_a_baseline(tmp_path):
    """With send_on_first_run = true the family advocate hears about Stephen Port once."""
    sites = start_sites()
    controller, sink = start_smtp()
    try:
        config = tmp_path / "config.toml"
        config.write_text(live_config(EXAMPLE.read_text("utf-8"), sites, controller.port,
                                      tmp_path / "m.db", send_on_first_run=True))  # fmt: skip
        w = World(config, sites, [])
        first = check(w, sink)
        assert first.exit_code == 0
        messages = sink.wait_for(1)
        assert first.sent == 1 and len(messages) == 1
        assert messages[0]["To"] == "advocate@example.org"
        assert "Stephen Port" in messages[0]["Subject"]
        with Session(open_database(load_config(config).database_url)) as session:
            # The newsdesk's Met items wait for its daily digest instead.
            waiting = session.exec(select(Delivery).where(Delivery.subscriber == "newsdesk"))
            assert {d.status for d in waiting.all()} == {"digest"}
        second = check(w, sink)
        assert second.sent == 0 and len(sink.messages) == 1
    finally:
        controller.stop()
        for site in sites.values():
            site.stop()


async def test_met_listing_fallback_keeps_its_dates_under_a_base_url():
    """The HTML listing (used when the feed fails) matches its JSON-LD dates to its links
    whether they are written relative or on the real host, with the plugin on the mirror."""
    import httpx

    from monitor.models import Page
    from sources.base import SourceContext
    from sources.met import MetOptions, MetSource

    with sitemirror.met() as site:
        source = MetSource("met", MetOptions(rss_path=None), base_url=site.root)

        async def fetch(url: str, conditional: bool = True) -> Page:
            async with httpx.AsyncClient() as client:
                reply = await client.get(url)
            return Page(url, reply.status_code, reply.headers["content-type"], reply.text)

        refs = [r async for r in source.discover(SourceContext(fetch=fetch))]
    want = expected("met/latest-news")["refs"]
    assert [(r.url, r.external_id, r.published_at) for r in refs] == [
        (site.root + urls.path(w["url"]), w["external_id"],
         w["published_at"] and utc(w["published_at"]))
        for w in want
    ]  # fmt: skip


def test_unchanged_met_html_listing_costs_only_what_the_tiers_make_due(tmp_path):
    """With the feed turned off the Met is read from /latest_news: a 304 there lists nothing,
    and the only articles asked for again are those whose age tier says so."""
    sites = start_sites()
    controller, sink = start_smtp()
    try:
        config = tmp_path / "config.toml"
        text = live_config(EXAMPLE.read_text("utf-8"), sites, controller.port, tmp_path / "m.db")
        met_root = f'base_url = "{sites["met"].root}"'
        assert text.count(met_root) == 1
        config.write_text(text.replace(met_root, met_root + '\noptions = { rss_path = "" }'))
        w = World(config, sites, [])
        first = check(w, sink)
        assert first.reports["met"]["ok"] and first.reports["met"]["discovered"] == 3
        assert first.hits["met"][0] == ("/latest_news", 200, False)
        due = due_now(w)["met"]
        second = check(w, sink)
    finally:
        controller.stop()
        for site in sites.values():
            site.stop()
    # The fixture article, dated 2023 and fetched moments ago, is not due. The other two pages
    # are the mirror's undated stubs: their age counts from first sight, so they are re-checked
    # every cycle, conditionally.
    assert due == {
        "/news/appeal-after-burglary-in-camden-512870",
        "/news/man-charged-after-stabbing-in-croydon-512855",
    }
    assert sorted(second.hits["met"]) == sorted(
        [("/latest_news", 304, True)] + [(p, 304, True) for p in due]
    )
    assert second.reports["met"]["discovered"] == 0 and second.sent == 0
