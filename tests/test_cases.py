"""The case model: linking across sources, history of every version, officers, dates."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sqlmodel import Session, select
from starlette.testclient import TestClient

from monitor.cases.clues import find_clues
from monitor.cases.hearings import upcoming
from monitor.cases.reminders import send_reminders
from monitor.cases.tracked import CaseMatcher, ensure_tracked
from monitor.cli import main
from monitor.config import TrackedCase, load_config
from monitor.models import Document, DocumentRef, Page
from monitor.recorder import Observed, record
from monitor.stages.reader import Classification
from monitor.store import open_database
from monitor.store.tables import CaseDocument, Event
from monitor.views import case_history, case_list, document_search
from monitor.web.app import create_app
from notifications.render import subject_for

LONDON = ZoneInfo("Europe/London")
MET = "Metropolitan Police Service"


class Desk:
    """Records announcements straight into a database, the way the engine does after parsing."""

    def __init__(self, tmp_path: Path, tracked: list[TrackedCase] | None = None) -> None:
        self.db = open_database(f"sqlite:///{tmp_path / 'cases.db'}")
        self.matcher = CaseMatcher(tracked or [])
        ensure_tracked(self.db, tracked or [], datetime.now(UTC))
        self.events: list[str] = []  # kinds, in order

    def publish(
        self,
        source: str,
        n: int,
        published: str,
        title: str,
        text: str,
        stage: str,
        *,
        force: str | None = MET,
        fields: dict[str, str] | None = None,
        seen: datetime | None = None,
        live: bool = True,
    ) -> None:
        when = datetime.fromisoformat(published).replace(tzinfo=LONDON).astimezone(UTC)
        url = f"https://{source}.example/news/{n}"
        document = Document(
            title=title, text=text, published_at=when, force=force, fields=fields or {}
        )
        observed = Observed(
            source_id=source,
            source_name=source,
            ref=DocumentRef(url=url, external_id=str(n)),
            page=Page(url=url, status=200, content_type="text/html", text=""),
            document=document,
            classification=Classification(
                stage=stage, label=stage, evidence=text[:60], force=force
            ),
            content_hash=str(hash((title, text, stage, str(fields)))),
            links=self.matcher.tracked(title, text, force),
            clues=find_clues(
                title=title,
                text=text,
                fields=fields or {},
                force=force,
                case_key=None,
                url=url,
                published_at=when,
            ),
        )
        with Session(self.db) as session:
            events = record(
                session,
                observed,
                now=seen or when + timedelta(hours=1),
                event_status="live" if live else None,
                enqueue=lambda *a: None,
            )
            self.events += [e.kind for e in events]
            session.commit()

    def cases(self) -> list[dict]:
        return case_list(self.db)

    def reasons(self) -> list[str]:
        with Session(self.db) as session:
            return [c.joined_by for c in session.exec(select(CaseDocument))]


def test_one_matter_from_three_publishers_is_one_case_and_says_why(tmp_path):
    desk = Desk(tmp_path)
    desk.publish(
        "met",
        1,
        "2021-01-15",
        "Man dies after restraint in Lewisham",
        "A man died after being restrained by officers in Lewisham on 14 January.",
        "referral",
    )
    desk.publish(
        "iopc",
        2,
        "2021-01-18",
        "IOPC investigation into the death of Amara Osei",
        "We are investigating the death of Amara Osei, 32, who died after being "
        "restrained by Metropolitan Police officers in Lewisham on 14 January 2021.",
        "investigation_opened",
    )
    desk.publish(
        "cps",
        3,
        "2022-03-02",
        "CPS decision after a death in Lewisham",
        "No charges will be brought following the death of Amara Osei.",
        "cps_no_charge",
    )
    cases = desk.cases()
    assert len(cases) == 1 and cases[0]["stage"] == "cps_no_charge"
    assert cases[0]["name"] == "Man dies after restraint in Lewisham"
    reasons = desk.reasons()
    assert "same force, Lewisham, 14 Jan 2021" in reasons[1]
    assert reasons[2] == "Amara Osei named, same force"
    assert desk.events == ["new_case", "stage_changed", "stage_changed"]


def test_the_same_name_in_another_force_is_another_case(tmp_path):
    desk = Desk(tmp_path)
    desk.publish(
        "south-wales",
        1,
        "2022-10-10",
        "Fatal collision in Swansea",
        "John Davies, 67, died after a collision with a police car in Swansea.",
        "referral",
        force="South Wales Police",
    )
    desk.publish(
        "iopc",
        2,
        "2023-01-31",
        "Complaint about Merseyside arrest",
        "We investigated a complaint by John Davies about his arrest in Liverpool.",
        "case_to_answer",
        force="Merseyside Police",
    )
    assert len(desk.cases()) == 2


def test_two_officers_with_one_surname_stay_apart_and_chiefs_are_no_clue(tmp_path):
    desk = Desk(tmp_path)
    gmp = "Greater Manchester Police"
    desk.publish(
        "cps",
        1,
        "2022-11-15",
        "Officer charged with assault",
        "PC Daniel Hughes has been charged with assault.",
        "criminal_charge",
        force=gmp,
    )
    desk.publish(
        "iopc",
        2,
        "2023-02-14",
        "Sergeant has case to answer",
        "Sergeant Mark Hughes has a case to answer for gross misconduct. Chief "
        "Superintendent Anne Cole said the force would hold a hearing.",
        "case_to_answer",
        force=gmp,
    )
    desk.publish(
        "gmp",
        3,
        "2023-05-19",
        "Officer guilty of assault",
        "PC Daniel Hughes was found guilty of assault.",
        "criminal_trial_outcome",
        force=gmp,
    )
    desk.publish(
        "gmp",
        4,
        "2023-06-01",
        "Officer dismissed",
        "Chief Superintendent Anne Cole said an officer was dismissed for misconduct.",
        "outcome_dismissal",
        force=gmp,
    )
    names = sorted(c["name"] for c in desk.cases())
    assert names == [
        "Officer charged with assault",
        "Officer dismissed",
        "Sergeant has case to answer",
    ]


def test_general_news_is_kept_and_searchable_but_never_a_case(tmp_path):
    desk = Desk(tmp_path, [TrackedCase(name="Stephen Port", aliases=["Barking deaths"])])
    desk.publish(
        "met",
        1,
        "2019-12-02",
        "Drivers urged not to drink or drug drive",
        "Officers in Barking will stop drivers this December.",
        "not_a_case_update",
    )
    desk.publish(
        "iopc",
        2,
        "2017-05-19",
        "Statement on the Barking deaths investigation",
        "The families have criticised the pace of the investigation.",
        "not_a_case_update",
    )
    assert [c["name"] for c in desk.cases()] == ["Stephen Port"]  # only the tracked case
    found = document_search(desk.db, "drink", tz="Europe/London")
    assert [(f["title"], f["cases"]) for f in found] == [
        ("Drivers urged not to drink or drug drive", [])
    ]
    port = case_history(desk.db, "Stephen Port")
    assert [e["title"] for e in port["timeline"]] == [
        "Statement on the Barking deaths investigation"
    ]  # shown with the case it names, never a case of its own
    # Its followers still hear of it (issue 16), as an announcement, not as a new case.
    assert desk.events == ["announcement"]
    config = load_config_text(tmp_path, "")
    page = TestClient(create_app(config, desk.db)).get("/", params={"q": "drink"}).text
    assert "Drivers urged not to drink or drug drive" in page and "in no case" in page


def test_an_edit_is_kept_shown_and_re_derives_the_stage(tmp_path):
    desk = Desk(tmp_path)
    text = "The family of Amara Osei has asked for a review of the decision."
    desk.publish("iopc", 1, "2026-11-20", "Review requested", text, "appeal_or_review")
    desk.publish(
        "iopc",
        1,
        "2026-11-20",
        "IOPC to re-investigate",
        text + " The IOPC will re-investigate.",
        "reinvestigation",
        seen=datetime(2026, 12, 2, 9, tzinfo=UTC),
    )
    history = case_history(desk.db, "Amara Osei")
    assert history["stage"] == "reinvestigation"
    edit = history["timeline"][-1]
    assert edit["kind"] == "edit" and edit["moved"]
    assert edit["note"] == "edited 2 Dec 2026: was appeal or review, now re-investigation"
    first = history["timeline"][0]
    assert first["stage"] == "appeal_or_review" and first["title"] == "Review requested"


def test_officers_within_a_case_keep_who_faced_what(tmp_path):
    desk = Desk(tmp_path)
    base = " during the arrest of Amara Osei in Lewisham."
    desk.publish(
        "iopc",
        1,
        "2021-06-10",
        "Notices served",
        "PC A was served a gross misconduct notice" + base,
        "misconduct_notices_served",
    )
    desk.publish(
        "iopc",
        2,
        "2022-02-01",
        "Case to answer",
        "PC A has a case to answer" + base,
        "case_to_answer",
    )
    desk.publish(
        "met",
        3,
        "2023-03-10",
        "Officer dismissed",
        "PC A was dismissed after a hearing" + base,
        "outcome_dismissal",
    )
    trails = case_history(desk.db, "Amara Osei")["officer_trails"]
    assert [t["line"] for t in trails] == [
        "PC A: misconduct notices served → case to answer for misconduct → officer dismissed"
    ]


def test_dates_from_text_and_plugin_fields_are_upcoming_reminded_and_in_a_calendar(tmp_path):
    desk = Desk(tmp_path)
    desk.publish(
        "met-hearings",
        1,
        "2026-11-30",
        "Notice of gross misconduct hearing",
        "A gross misconduct hearing will be held on 6 December 2026 at 10am at Empress "
        "State Building for PC A over the restraint of Amara Osei.",
        "proceedings_scheduled",
    )
    desk.publish(
        "coroner",
        2,
        "2026-12-01",
        "Inquest into the death of Amara Osei",
        "The inquest into the death of Amara Osei is listed.",
        "inquest",
        fields={
            "hearing_start": "2027-01-11T09:30:00+00:00",
            "hearing_place": "Inner South London Coroner's Court",
            "hearing_kind": "inquest",
        },
    )
    dates = upcoming(desk.db, "Europe/London", datetime(2026, 12, 1, tzinfo=UTC))
    assert [(d["when"], d["kind_label"], d["place"]) for d in dates] == [
        ("Sun 6 Dec 2026 10:00", "misconduct hearing", "Empress State Building"),
        ("Mon 11 Jan 2027 09:30", "inquest", "Inner South London Coroner's Court"),
    ]
    config = load_config_text(tmp_path, 'events = ["hearing_reminder"]')
    assert send_reminders(desk.db, config, datetime(2026, 12, 4, 12, tzinfo=UTC)) == 0
    day_before = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
    assert send_reminders(desk.db, config, day_before) == 1
    assert send_reminders(desk.db, config, day_before) == 0  # once per date
    with Session(desk.db) as session:
        reminder = session.exec(select(Event).where(Event.kind == "hearing_reminder")).one()
        payload = json.loads(reminder.payload_json)
    assert subject_for("hearing_reminder", payload) == (
        "Amara Osei: misconduct hearing on Sunday 6 December 2026 at 10:00"
    )
    client = TestClient(create_app(config, desk.db))
    response = client.get("/calendar.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["location"]) for e in events] == [
        "Empress State Building",
        "Inner South London Coroner's Court",
    ]
    case_id = desk.cases()[0]["id"]
    assert (
        len(Calendar.from_ical(client.get(f"/cases/{case_id}/calendar.ics").content).walk("VEVENT"))
        == 2
    )


def load_config_text(tmp_path: Path, events: str):
    path = tmp_path / "config.toml"
    path.write_text(
        f"[monitor]\ndatabase = '{tmp_path / 'cases.db'}'\n\n"
        f"[[subscribers]]\nname = 'calendar'\nurls = ['json://127.0.0.1:9/hook']\n{events}\n"
    )
    return load_config(path)


def test_a_tracked_case_exists_from_the_config_on(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        f"[monitor]\ndatabase = '{tmp_path / 'm.db'}'\n\n[[cases]]\nname = 'Harbour Street'\n"
    )
    assert CliRunner().invoke(main, ["check", "-c", str(config)]).exit_code == 0
    cases = CliRunner().invoke(main, ["cases", "-c", str(config)])
    assert cases.exit_code == 0 and "no announcement yet" in cases.output
    assert "Harbour Street" in cases.output
    history = CliRunner().invoke(main, ["history", "-c", str(config), "harbour street"])
    assert history.exit_code == 0
    assert history.output.strip() == "Harbour Street (tracked): no announcement yet"
    loaded = load_config(config)
    page = TestClient(create_app(loaded, open_database(loaded.database_url))).get("/").text
    assert "Harbour Street" in page and "no announcement yet" in page


def test_history_dates_are_local_not_utc(tmp_path):
    desk = Desk(tmp_path)
    # A date-only announcement of 5 July 2019 is stored as 4 July 23:00 UTC.
    desk.publish(
        "iopc",
        1,
        "2019-07-05",
        "Outcome for the officers",
        "Nine officers who investigated the death of Anthony Walgate will reflect.",
        "reflective_practice",
    )
    history = case_history(desk.db, "Anthony Walgate")
    assert history["timeline"][0]["date"].startswith("2019-07-04T23:00")
    assert history["timeline"][0]["day"] == "05 Jul 2019"
    assert history["stage_since_day"] == "05 Jul 2019"


@pytest.mark.skipif(sys.platform == "win32", reason="subprocess paths")
def test_linking_benchmark_meets_its_bar():
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    try:
        import linking
    finally:
        sys.path.pop(0)
    result = linking.run(linking.HERE / "linking" / "set.toml")
    assert result["precision"] >= linking.PRECISION_MIN, result["wrongly_joined"]
    assert result["recall"] >= linking.RECALL_MIN, result["missed"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400), st.text(max_size=40))
def test_clue_and_date_readers_never_raise(text, title):
    from monitor.cases.hearings import hearings_in

    words = f"{title} The death of {text} on 3 March 2024 at 10am at {text} PC {text}."
    find_clues(title=title, text=words, fields={"x": text}, force=text or None, case_key=text,
               url="https://x.example/1", published_at=datetime(2024, 3, 1, tzinfo=UTC))
    hearings_in(Document(title=title, text=f"A hearing will be held on {words}",
                         fields={"hearing_start": text}), "Europe/London")


def test_an_announcement_that_shows_two_cases_are_one_matter_merges_them(tmp_path):
    desk = Desk(tmp_path)
    desk.publish("iopc", 1, "2021-01-18", "Investigation into a death after restraint",
                 "We are investigating. IOPC reference 2021/004512.", "investigation_opened")
    desk.publish("cps", 2, "2021-02-01", "CPS receives file",
                 "We have received a file following the death of Amara Osei.",
                 "cps_file_referred")
    first, second = sorted(c["id"] for c in desk.cases())
    desk.publish("iopc", 3, "2022-03-02", "No charges over the death of Amara Osei",
                 "No officer will be charged over the death of Amara Osei (IOPC reference "
                 "2021/004512).", "cps_no_charge")
    assert [c["id"] for c in desk.cases()] == [first]
    kept = case_history(desk.db, str(second))  # the old address leads to the merged case
    assert kept["id"] == first and kept["stage"] == "cps_no_charge"
    reasons = [e["joined_by"] for e in kept["timeline"]]
    assert reasons[1].startswith("merged from 'Amara Osei'")
    assert reasons[2] == "reference 2021/004512, Amara Osei named, same force"


def test_history_upcoming_and_search_on_the_command_line(tmp_path):
    desk = Desk(tmp_path)
    desk.publish("met-hearings", 1, "2026-11-30", "Notice of gross misconduct hearing",
                 "A gross misconduct hearing will be held on 6 December 2099 at 2pm at Empress "
                 "State Building for PC A over the restraint of Amara Osei.",
                 "proceedings_scheduled")
    desk.publish("met", 2, "2026-12-01", "Road safety week", "Officers will talk about safety.",
                 "not_a_case_update")
    config = load_config_text(tmp_path, "")

    def cli(*args: str) -> str:
        result = CliRunner().invoke(main, [*args, "-c", str(config.path)])
        assert result.exit_code == 0, result.output
        return result.output

    text = cli("history", "Amara Osei")
    assert "Amara Osei: now" in text and "PC A: " in text
    assert "  Sun 6 Dec 2099 14:00   misconduct hearing, Empress State Building" in text
    assert json.loads(cli("history", "--json", "Amara Osei"))["hearings"][0]["place"] == (
        "Empress State Building"
    )
    assert cli("upcoming").startswith("Sun 6 Dec 2099 14:00   Amara Osei: misconduct hearing")
    found = cli("search", "safety")
    assert "Road safety week" in found and "no case" in found


def test_a_dry_run_writes_no_tracked_case(tmp_path):
    import asyncio

    from monitor.engine import Engine
    from monitor.http.fetcher import Fetcher
    from sources.page import PageOptions, PageSource

    path = tmp_path / "config.toml"
    path.write_text(
        f"[monitor]\ndatabase = '{tmp_path / 'm.db'}'\n\n"
        "[http]\ncontact = 'x@example.org'\nretries = 0\ntimeout_seconds = 1\n\n"
        "[[cases]]\nname = 'Harbour Street'\n"
        "[[sources]]\nid = 'p'\nplugin = 'page'\noptions = { urls = ['http://127.0.0.1:9/'] }\n"
    )
    config = load_config(path)
    db = open_database(config.database_url)

    async def cycle(dry_run: bool) -> None:
        async with Fetcher(config.http) as fetcher:
            source = PageSource("p", PageOptions(urls=["http://127.0.0.1:9/"]))
            await Engine(config, db, fetcher).run_source(config.sources[0], source,
                                                         dry_run=dry_run)

    asyncio.run(cycle(dry_run=True))
    assert case_list(db) == []
    asyncio.run(cycle(dry_run=False))
    assert [c["name"] for c in case_list(db)] == ["Harbour Street"]


def test_a_tracked_case_named_takes_in_the_untracked_case_of_the_same_matter(tmp_path):
    desk = Desk(tmp_path, [TrackedCase(name="Lewisham restraint", aliases=["Amara Osei"])])
    desk.publish("met", 1, "2021-01-15", "Man dies after restraint in Lewisham",
                 "A man died after being restrained by officers in Lewisham on 14 January.",
                 "referral")
    assert [c["name"] for c in desk.cases()] == [
        "Lewisham restraint", "Man dies after restraint in Lewisham"
    ]
    desk.publish("iopc", 2, "2021-01-18", "IOPC investigation into the death of Amara Osei",
                 "We are investigating the death of Amara Osei, who died after being restrained "
                 "by officers in Lewisham on 14 January 2021.", "investigation_opened")
    assert [c["name"] for c in desk.cases()] == ["Lewisham restraint"]
    history = case_history(desk.db, "Lewisham restraint")
    assert [e["source_id"] for e in history["timeline"]] == ["met", "iopc"]
    assert history["stage"] == "investigation_opened"


def test_a_hearing_field_that_cannot_be_read_is_one_warning_naming_the_page(caplog):
    from monitor.cases.hearings import hearings_in

    doc = Document(title="Notice", text="A notice.", fields={"hearing_start": "next Tuesday"})
    assert hearings_in(doc, "Europe/London", "https://force.example/hearings/7") == []
    assert [r.getMessage() for r in caplog.records] == [
        "https://force.example/hearings/7: hearing_start 'next Tuesday' is not an ISO 8601 "
        "date; the hearing is left out. The source plugin should write e.g. "
        "2024-03-12T10:00:00+00:00"
    ]


def test_a_case_number_too_big_for_the_database_is_not_found(tmp_path):
    desk = Desk(tmp_path)
    client = TestClient(create_app(load_config_text(tmp_path, ""), desk.db))
    for path in ("/cases/99999999999999999999999", "/cases/99999999999999999999999/calendar.ics"):
        assert client.get(path).status_code == 404


def test_clues_and_hearing_dates_are_read_from_the_top_of_a_very_long_page():
    from monitor.cases.clues import READ_CHARS, find_clues
    from monitor.cases.hearings import hearings_in
    from monitor.models import Document

    filler = "The investigation continues. " * (READ_CHARS // 10)
    text = ("The IOPC is investigating the death of Amara Osei. A misconduct hearing will be held "
            "on 3 June 2025. " + filler + "The death of Brian Late was also referred.")
    clues = find_clues(title="Investigation update", text=text, fields={}, force=None,
                       case_key=None, url="http://x/1", published_at=None)
    people = {c.key for c in clues if c.kind == "person"}
    assert people == {"person:amara osei"}  # past READ_CHARS is not read
    assert [h.kind for h in hearings_in(Document(title="Update", text=text), "Europe/London")]


def test_a_status_field_that_moves_without_the_stage_is_said_to_be_a_status_change(tmp_path):
    desk = Desk(tmp_path)
    text = "The IOPC is investigating the death of Amara Osei after contact with Met officers."
    title = "Investigation into the death of Amara Osei"
    desk.publish("iopc", 1, "2026-11-01", title, text, "investigation_opened",
                 fields={"Status": "Investigation ongoing"})
    desk.publish("iopc", 1, "2026-11-01", title, text, "investigation_opened",
                 fields={"Status": "Investigation complete"},
                 seen=datetime(2026, 11, 20, tzinfo=UTC))
    assert desk.events == ["new_case", "stage_changed"]
    with Session(desk.db) as session:
        moved = session.exec(select(Event).where(Event.kind == "stage_changed")).one()
        payload = json.loads(moved.payload_json)
    assert (moved.from_stage, moved.to_stage) == ("investigation_opened", "investigation_opened")
    assert subject_for("stage_changed", payload) == (
        "Amara Osei: status on the source's page now Investigation complete"
    )
