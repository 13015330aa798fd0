"""Issue 21: the misconduct, PIRC, Police Ombudsman, CPS and IOPC-investigation plugins, each
replayed through the real engine from its example pages (discover → parse → read → case → event).

Every site is a tests/sitemirror.py server on 127.0.0.1 serving the plugin's fixture pages at
their real paths; each source's `base_url` points at it. The reading is an injected keyword
classifier, so the test does not move when the learned reader is retrained. What is checked
against the fixtures' expected JSON (fields, forces, case keys) is never copied from a run.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from monitor.app import build_sources, database
from monitor.config import load_config
from monitor.engine import Engine
from monitor.http.fetcher import Fetcher
from monitor.stages.reader import Classification
from monitor.store.tables import Case, CaseDocument, DocumentRow, DocumentVersion, Event
from tests import sitemirror
from tests.fakes import FakeTime

FIXTURES = Path(__file__).parent / "sources"
HEARINGS = "/advice/advice-and-information/mis/misconduct-hearings/upcoming-misconduct-hearings/"
X22 = "/foi-ai/sussex-police/misconduct-outcomes/2023/officer-x22/"
RULES = (  # first match wins; plain words the example pages use
    ("dismissed without notice", "outcome_dismissal"), ("decided not to charge", "cps_no_charge"),
    ("authorised a charge", "criminal_charge"), ("hearing will be held", "proceedings_scheduled"),
    ("hearing is open", "proceedings_scheduled"),
    ("gross misconduct notices", "misconduct_notices_served"),
    ("made one recommendation", "learning_recommendations"),
    ("investigating", "investigation_opened"),
)  # fmt: skip


def classify(title: str, text: str) -> Classification:
    said = f"{title}\n{text}"
    stage = next((s for cue, s in RULES if cue in said), "not_a_case_update")
    cue = next((c for c, s in RULES if s == stage and c in said), None)
    return Classification(stage=stage, label=stage, evidence=cue)


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))


def mirror(name: str, hosts: tuple[str, ...], *fixtures: str) -> sitemirror.Mirror:
    site = sitemirror.Mirror(name, hosts)
    found = [f for fx in fixtures for f in sitemirror.fixtures(fx.split("/")[0])
             if f.file.stem == fx.split("/")[1]]  # fmt: skip
    site.add_fixtures(found)
    return site


def listing(site: sitemirror.Mirror, path: str, *links: str) -> None:
    items = "".join(f'<li><a href="{link}">Item {n}</a></li>' for n, link in enumerate(links))
    site.add(path, f"<html><body><main><h1>Listing</h1><ul>{items}</ul></main></body></html>")


@pytest.fixture
def sites():
    made = {
        "kent": mirror("kent", ("www.kent.police.uk", "kent.police.uk"),
                       "policeuk_misconduct/kent-upcoming", "policeuk/kent-hearing-notice",
                       "policeuk_misconduct/kent-accelerated-notice"),
        "sussex": mirror("sussex", ("www.sussex.police.uk", "sussex.police.uk"),
                         "policeuk_misconduct/sussex-outcomes-2023",
                         "policeuk_misconduct/sussex-outcome-officer-x22"),
        "met": mirror("met", ("www.met.police.uk", "met.police.uk"),
                      "policeuk_misconduct/met-outcomes",
                      "policeuk_misconduct/met-notice-pc-doyle"),
        "pirc": mirror("pirc", ("pirc.scot", "www.pirc.scot"), *(
            f"pirc/{n}" for n in ("news-latest", "news-officer-reported", "current-investigations",
                                  "outcomes", "report-published"))),
        "poni": mirror("poni", ("www.policeombudsman.org", "policeombudsman.org"), *(
            f"poni/{n}" for n in ("news", "news-file-to-pps", "current-investigation",
                                  "public-statements"))),
        "cps": mirror("cps", ("www.cps.gov.uk", "cps.gov.uk"), "cps/news", "cps/pc-charged",
                      "cps/no-charges-pursuit"),
        "iopc": mirror("iopc", ("www.policeconduct.gov.uk", "policeconduct.gov.uk"),
                       "iopc_investigations/listing", "iopc_investigations/kent-restraint",
                       "iopc_investigations/pursuit-complete", "iopc/kent-restraint-notices"),
    }  # fmt: skip
    listing(made["met"], HEARINGS, HEARINGS + "pc-lee-doyle/")
    listing(
        made["poni"],
        "/investigation-reports/current-investigations/",
        "/Investigation-Reports/Current-Investigations/Death-following-police-contact-Derry",
    )
    listing(
        made["iopc"],
        "/news",
        "/news/two-kent-police-officers-under-investigation-after-death-gillingham",
    )
    for site in made.values():
        site.start()
    yield made
    for site in made.values():
        site.stop()


def config_for(tmp_path: Path, sites: dict[str, sitemirror.Mirror]) -> Path:
    blocks = {
        "kent-misconduct": ("policeuk_misconduct", "kent", {"force": "kent", "outcomes_path": ""}),
        "sussex-misconduct": ("policeuk_misconduct", "sussex", {
            "force": "sussex", "hearings_path": "", "outcome_years": 0,
            "outcomes_path": "/foi-ai/sussex-police/misconduct-outcomes/2023/"}),
        "met-misconduct": ("policeuk_misconduct", "met", {"force": "met", "outcome_years": 0}),
        "pirc": ("pirc", "pirc", {}), "poni": ("poni", "poni", {}), "cps": ("cps", "cps", {}),
        "iopc-investigations": ("iopc_investigations", "iopc", {}),
        "iopc": ("iopc", "iopc", {"listings": ["/news"]}),
    }  # fmt: skip
    sources = "".join(
        f'[[sources]]\nid = "{sid}"\nplugin = "{plugin}"\nbase_url = "{sites[site].root}"\n'
        f"options = {json.dumps(options)}\n\n".replace('": ', '" = ').replace('{"', '{ "')
        for sid, (plugin, site, options) in blocks.items()
    )
    path = tmp_path / "config.toml"
    path.write_text(
        '[monitor]\ndatabase = "monitor.db"\nsend_on_first_run = true\n\n'
        '[http]\ncontact = "tests@example.org"\nmin_delay_seconds = 0\nretries = 0\n\n' + sources
    )
    return path


async def cycle(path: Path, now: datetime) -> dict:
    config = load_config(path)
    fake = FakeTime()
    async with Fetcher(config.http, sleep=fake.sleep, clock=fake.clock) as fetcher:
        engine = Engine(config, database(config), fetcher, classifier=classify, clock=lambda: now)
        return {cs.config.id: await engine.run_source(cs.config, cs.source)
                for cs in build_sources(config)}  # fmt: skip


def stored(path: Path) -> dict[tuple[str, str], tuple[DocumentRow, DocumentVersion]]:
    with Session(database(load_config(path))) as session:
        rows = session.exec(select(DocumentRow, DocumentVersion).where(
            DocumentRow.current_version_id == DocumentVersion.id)).all()  # fmt: skip
        return {(d.source_id, d.external_id): (d, v) for d, v in rows}


def events(path: Path, kind: str) -> list[Event]:
    with Session(database(load_config(path))) as session:
        return list(session.exec(select(Event).where(Event.kind == kind)))


# (source id, fixture whose expected document must come out of the engine, stage read)
DOCUMENTS = (
    ("kent-misconduct", "policeuk_misconduct/kent-accelerated-notice", "proceedings_scheduled"),
    ("sussex-misconduct", "policeuk_misconduct/sussex-outcome-officer-x22", "outcome_dismissal"),
    ("met-misconduct", "policeuk_misconduct/met-notice-pc-doyle", "proceedings_scheduled"),
    ("pirc", "pirc/report-published", "learning_recommendations"),
    ("poni", "poni/current-investigation", "investigation_opened"),
    ("cps", "cps/pc-charged", "criminal_charge"),
    ("cps", "cps/no-charges-pursuit", "cps_no_charge"),
    ("iopc-investigations", "iopc_investigations/kent-restraint", "misconduct_notices_served"),
)


async def test_each_plugin_replays_through_the_engine_and_a_removed_outcome_is_kept(
    tmp_path, sites
):
    path = config_for(tmp_path, sites)
    start = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)
    reports = await cycle(path, start)
    for sid, report in reports.items():
        assert report.ok and report.new, (sid, report.failure, report.errors)

    docs = stored(path)
    for sid, name, stage in DOCUMENTS:
        want = expected(name)
        row, version = docs[(sid, want["external_id"])]
        assert json.loads(version.fields_json) == want["document"]["fields"], name
        assert (version.force, version.case_key) == (want["document"]["force"],
                                                     want["document"]["case_key"])  # fmt: skip
        new_cases = [e for e in events(path, "new_case") if e.document_id == row.id]
        assert new_cases and new_cases[0].to_stage == stage, name

    # News and the investigation page print one reference: one case, two sources.
    with Session(database(load_config(path))) as session:
        case = session.exec(select(Case).where(Case.key == "ref:2024/192733")).one()
        linked = session.exec(select(DocumentRow).join(CaseDocument).where(
            CaseDocument.case_id == case.id)).all()  # fmt: skip
    assert {d.source_id for d in linked} == {"iopc", "iopc-investigations"}

    # A week on: the Sussex outcome is taken down (gone from its list, 404) and Kent's notice
    # now reports the hearing's result.
    sussex, kent = sites["sussex"], sites["kent"]
    del sussex.pages[sitemirror.key(X22)]
    listed = sussex.pages[sitemirror.key("/foi-ai/sussex-police/misconduct-outcomes/2023/")]
    sussex.add("/foi-ai/sussex-police/misconduct-outcomes/2023/",
               listed[1].decode().replace(X22, "/elsewhere/"))  # fmt: skip
    notice = HEARINGS + "officer-a-accelerated-hearing/"
    body = kent.pages[sitemirror.key(notice)][1].decode()
    kent.add(
        notice,
        body.replace(
            "The chair has decided the hearing will be held in public.",
            "The hearing ended. Officer A was dismissed without notice.",
        ),
    )
    reports = await cycle(path, start + timedelta(days=8))
    assert all(r.ok for r in reports.values()), {s: r.failure for s, r in reports.items()}

    docs = stored(path)
    row, version = docs[
        ("sussex-misconduct", "/foi-ai/sussex-police/misconduct-outcomes/2023/officer-x22")
    ]
    assert row.removed_at is not None
    assert "dismissed without notice" in version.text  # the last version is kept
    assert json.loads(version.fields_json)["sanction"] == "dismissal without notice"
    assert [e.document_id for e in events(path, "document_removed")] == [row.id]
    moved = [e for e in events(path, "stage_changed") if e.source_id == "kent-misconduct"]
    assert [(e.from_stage, e.to_stage) for e in moved] == [("proceedings_scheduled",
                                                             "outcome_dismissal")]  # fmt: skip


def test_an_investigation_page_without_its_reference_is_a_parse_error():
    from monitor.errors import ParseError
    from monitor.models import DocumentRef, Page
    from sources.iopc_investigations import IopcInvestigationsOptions, IopcInvestigationsSource

    page = (FIXTURES / "iopc_investigations" / "kent-restraint.html").read_text("utf-8")
    page = page.replace("IOPC reference", "Our ref")  # a redesign renames the field
    source = IopcInvestigationsSource("iopc-investigations", IopcInvestigationsOptions())
    url = "https://www.policeconduct.gov.uk/investigations/x"
    with pytest.raises(ParseError, match="no IOPC reference"):
        source.parse(DocumentRef(url, "node/1"), Page(url, 200, "text/html", page))


async def test_a_misconduct_listing_without_its_heading_is_a_layout_change():
    from monitor.errors import ParseError
    from monitor.models import Page
    from sources.base import SourceContext
    from sources.policeuk_misconduct import PoliceUkMisconductOptions, PoliceUkMisconductSource

    source = PoliceUkMisconductSource("kent", PoliceUkMisconductOptions(force="kent"))

    async def fetch(url: str, conditional: bool = True) -> Page:
        return Page(url, 200, "text/html", "<html><body><div>Nothing here</div></body></html>")

    with pytest.raises(ParseError, match="layout may have changed"):
        [ref async for ref in source.discover(SourceContext(fetch=fetch))]


def test_the_example_config_enables_each_new_source_by_uncommenting_it(tmp_path):
    example = (Path(__file__).parents[1] / "config.example.toml").read_text("utf-8")
    block = re.compile(r"^# (\[\[sources\]\]|id = |plugin = |options = )", re.M)
    (tmp_path / "shipped.toml").write_text(example, "utf-8")
    (tmp_path / "enabled.toml").write_text(block.sub(r"\1", example), "utf-8")
    built = build_sources(load_config(tmp_path / "enabled.toml"))
    plugins = {cs.config.plugin_id for cs in built}
    assert {"policeuk_misconduct", "iopc_investigations", "pirc", "poni", "cps"} <= plugins
    # As shipped they stay off, so the README's offline run is unchanged.
    assert [s.id for s in load_config(tmp_path / "shipped.toml").sources] == ["iopc", "met", "kent"]


@pytest.mark.parametrize(
    ("fields", "line", "want"),
    [
        # A time in the afternoon, in summer time: local time with its +01:00 offset.
        ({}, "He will be sentenced at Leeds Crown Court on 3rd June 2024 at 2pm.",
         {"hearing_start": "2024-06-03T14:00:00+01:00", "hearing_start_precision": "minute",
          "hearing_place": "Leeds Crown Court", "hearing_kind": "court"}),
        # Labelled fields win over the text; a date alone is a day, not midnight exactly.
        ({"Date": "Tuesday 5 November 2024", "Venue": "Force HQ"}, "It was held on 1 May 2023.",
         {"hearing_start": "2024-11-05T00:00:00+00:00", "hearing_start_precision": "day",
          "hearing_place": "Force HQ"}),
        # No year printed: left out, never guessed.
        ({}, "The hearing will take place on Tuesday 17 April at 9.30am.", {}),
        ({}, "The hearing was adjourned.", {}),
    ],
)  # fmt: skip
def test_hearing_dates_and_places(fields, line, want):
    from sources import hearings

    assert hearings.hearing(fields, [line], "Europe/London") == want
