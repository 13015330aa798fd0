"""Maintainers' corrections: stored with who/when/why, re-derive the case, alert, stick, export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from monitor.cli import main
from monitor.config import TrackedCase
from monitor.corrections import (
    CorrectionError,
    attach,
    correct_stage,
    corrections_list,
    detach,
    export_file,
    mark_not_a_case,
)
from monitor.stages import corpus
from monitor.store.tables import Case, CaseDocument, Delivery, DocumentRow, Event
from monitor.views import case_history, case_list, recent_events

try:
    from tests.test_cases import Desk, load_config_text
except ModuleNotFoundError:
    from test_cases import Desk, load_config_text  # type: ignore[no-redef]

PORT = [TrackedCase(name="Stephen Port", aliases=["Stephen Port"])]
INQUEST = (
    "met", 7, "2021-12-10", "Inquests into the deaths of Stephen Port's victims conclude",
    "The jury at the inquests into the deaths of four young men murdered by Stephen Port found "
    "that failures by police probably contributed to the deaths.",
)


@pytest.fixture
def desk(tmp_path):
    desk = Desk(tmp_path, PORT)
    desk.publish("iopc", 1, "2019-07-06", "Investigation into Stephen Port murders concludes",
                 "Nine officers will undergo reflective practice, Stephen Port case.",
                 "reflective_practice")
    # The reader misreads the inquest findings as a re-investigation.
    desk.publish(*INQUEST, "reinvestigation")
    desk.config = load_config_text(tmp_path, "")
    return desk


def document_id(desk, source: str, n: int) -> int:
    with Session(desk.db) as session:
        return session.exec(
            select(DocumentRow.id).where(DocumentRow.source_id == source,
                                         DocumentRow.external_id == str(n))
        ).one()


def port(desk) -> dict:
    return case_history(desk.db, "Stephen Port")


def test_a_stage_correction_rederives_the_case_and_sends_the_follow_up(desk):
    assert port(desk)["stage"] == "reinvestigation"
    doc = document_id(desk, "met", 7)
    done = correct_stage(desk.db, desk.config, document_id=doc, stage="inquest", who="alice",
                         why="the jury's findings, not a new investigation")
    assert done.alerts == ["correction: Stephen Port is at inquest findings, not re-investigation"]
    case = port(desk)
    assert case["stage"] == "inquest"
    entry = case["timeline"][-1]
    assert entry["stage"] == "inquest"
    assert entry["correction"]["who"] == "alice"
    assert entry["correction"]["old_stage"] == "reinvestigation"
    # The follow-up is in the outbox for the subscriber, with the event that explains it.
    with Session(desk.db) as session:
        event = session.exec(select(Event).where(Event.dedupe_key.startswith("correction:"))).one()
        assert (event.kind, event.from_stage, event.to_stage) == (
            "stage_changed", "reinvestigation", "inquest")
        assert json.loads(event.payload_json)["correction_why"].startswith("the jury's")
        deliveries = session.exec(select(Delivery).where(Delivery.event_id == event.id)).all()
        assert [d.subscriber for d in deliveries] == ["calendar"]
    [row] = corrections_list(desk.db)
    assert (row["kind"], row["who"], row["old_stage"], row["new_stage"]) == (
        "stage", "alice", "reinvestigation", "inquest")


def test_a_re_read_of_the_same_version_keeps_the_correction(desk):
    doc = document_id(desk, "met", 7)
    correct_stage(desk.db, desk.config, document_id=doc, stage="inquest", who="alice", why="jury")
    before = len(desk.events)
    desk.publish(*INQUEST, "reinvestigation")  # the same text read again, misread again
    assert port(desk)["stage"] == "inquest"
    # No stage move undoes the correction (the desk records even an unchanged page again,
    # which the engine skips; the recorder then keeps the corrected reading of that version).
    assert "stage_changed" not in desk.events[before:]
    # An edited page is a new version: it gets a fresh reading of its own.
    desk.publish(*INQUEST[:4], INQUEST[4] + " The IOPC will now reinvestigate.",
                 "reinvestigation")
    assert port(desk)["stage"] == "reinvestigation"


def test_detach_sticks_and_attach_puts_it_back(desk):
    doc = document_id(desk, "met", 7)
    case_id = port(desk)["id"]
    done = detach(desk.db, desk.config, document_id=doc, case_id=case_id, who="bo",
                  why="about another matter")
    assert done.alerts == [
        "correction: Stephen Port is at reflective practice instead of discipline, "
        "not re-investigation"
    ]
    desk.publish(*INQUEST, "reinvestigation")  # names Stephen Port again: still not joined
    with Session(desk.db) as session:
        assert session.get(CaseDocument, (case_id, doc)) is None
    assert port(desk)["stage"] == "reflective_practice"
    attach(desk.db, desk.config, document_id=doc, case_id=case_id, who="bo", why="it is after all")
    with Session(desk.db) as session:
        assert session.get(CaseDocument, (case_id, doc)).joined_by == (
            "attached by bo: it is after all")
    assert port(desk)["stage"] == "reinvestigation"


def test_a_case_marked_as_no_case_leaves_the_list_and_stops_alerting(desk, tmp_path):
    desk.publish("iopc", 20, "2024-03-01", "Officers at Hendon pass out",
                 "Forty constables passed out at Hendon; an investigation begins into parades.",
                 "investigation_opened", force="Kent Police")
    hendon = next(c for c in case_list(desk.db) if "Hendon" in c["name"])
    done = mark_not_a_case(desk.db, desk.config, case_id=hendon["id"], who="cy",
                           why="a passing-out parade")
    assert done.alerts == [
        "correction: Officers at Hendon pass out is not a case (it was listed as "
        "investigation opened)"
    ]
    assert "Hendon" not in [c["name"] for c in case_list(desk.db)]
    before = len(desk.events)
    desk.publish("iopc", 20, "2024-03-01", "Officers at Hendon pass out",  # the page edited
                 "Forty constables passed out at Hendon.", "case_to_answer", force="Kent Police")
    with Session(desk.db) as session:
        assert session.get(Case, hendon["id"]).not_a_case
    assert desk.events[before:] == []
    with pytest.raises(CorrectionError, match="tracked from the config"):
        mark_not_a_case(desk.db, desk.config, case_id=port(desk)["id"], who="cy", why="x")


def test_bad_corrections_say_what_is_wrong(desk):
    doc = document_id(desk, "met", 7)
    with pytest.raises(CorrectionError, match="'inquests' is not a stage; use one of"):
        correct_stage(desk.db, desk.config, document_id=doc, stage="inquests", who="a", why="b")
    with pytest.raises(CorrectionError, match="there is no announcement 999"):
        correct_stage(desk.db, desk.config, document_id=999, stage="inquest", who="a", why="b")
    with pytest.raises(CorrectionError, match="say why"):
        correct_stage(desk.db, desk.config, document_id=doc, stage="inquest", who="a", why=" ")
    with pytest.raises(CorrectionError, match=r"there is no case \d+; see `oversight-monitor"):
        detach(desk.db, desk.config, document_id=doc, case_id=port(desk)["id"] + 100, who="a",
               why="b")
    with pytest.raises(CorrectionError, match="is already in case"):
        attach(desk.db, desk.config, document_id=doc, case_id=port(desk)["id"], who="a", why="b")
    assert corrections_list(desk.db) == []  # nothing half-done


def test_export_is_a_corpus_batch_the_trainer_reads(desk, tmp_path):
    doc = document_id(desk, "met", 7)
    correct_stage(desk.db, desk.config, document_id=doc, stage="inquest", who="alice", why="jury")
    out = tmp_path / "corrections.jsonl"
    assert export_file(desk.db, out) == 1
    [item] = corpus.load([out])  # what `oversight-monitor train --corrections` loads
    assert (item.batch, item.stage, item.title) == ("corrections", "inquest", INQUEST[3])
    assert item.text == INQUEST[4]


def test_the_cli_corrects_lists_and_exports(desk, tmp_path):
    doc = document_id(desk, "met", 7)
    config = str(tmp_path / "config.toml")
    runner = CliRunner()
    bad = runner.invoke(main, ["correct", "stage", "-c", config, str(doc), "nonsense",
                               "--by", "alice", "--why", "jury"])
    assert bad.exit_code == 2 and "'nonsense' is not a stage" in bad.output
    result = runner.invoke(main, ["correct", "stage", "-c", config, str(doc), "inquest",
                                  "--by", "alice", "--why", "jury findings"])
    assert result.exit_code == 0, result.output
    assert "follow-up alert queued: correction: Stephen Port is at inquest findings" in (
        result.output)
    history = runner.invoke(main, ["history", "-c", config, "Stephen Port"])
    assert "corrected by alice (read as re-investigation at first): jury findings" in (
        history.output)
    assert f"(announcement #{doc})" in history.output
    listed = runner.invoke(main, ["corrections", "-c", config])
    assert "alice: announcement" in listed.output and "re-investigation → inquest findings" in (
        listed.output)
    out = tmp_path / "c.jsonl"
    exported = runner.invoke(main, ["corrections", "-c", config, "--export", str(out)])
    assert exported.exit_code == 0 and "wrote 1 corrected reading" in exported.output
    assert json.loads(out.read_text())["expected_stage"] == "inquest"




def test_the_search_command_uses_the_full_text_search_with_filters(desk, tmp_path):
    config = str(tmp_path / "config.toml")
    runner = CliRunner()
    found = runner.invoke(main, ["search", "-c", config, "jury failures"])
    assert found.exit_code == 0, found.output
    assert "[met] Inquests into the deaths" in found.output
    assert "The [jury] at the inquests" in found.output  # the match, marked
    assert "no announcement mentions" in runner.invoke(
        main, ["search", "-c", config, "jury", "--source", "iopc"]).output
    dated = runner.invoke(main, ["search", "-c", config, "Stephen Port", "--from", "2020-01-01"])
    assert "Inquests" in dated.output and "reflective" not in dated.output
    bad = runner.invoke(main, ["search", "-c", config, "jury", "--from", "last week"])
    assert bad.exit_code == 2 and "--from" in bad.output


def test_general_news_corrected_to_a_case_event_becomes_a_case(desk):
    desk.publish("iopc", 30, "2024-05-02", "Update on the Kent custody death",
                 "The IOPC has begun an independent investigation into the death in custody.",
                 "not_a_case_update", force="Kent Police")
    assert "Update on the Kent custody death" not in [c["name"] for c in case_list(desk.db)]
    done = correct_stage(desk.db, desk.config, document_id=document_id(desk, "iopc", 30),
                         stage="investigation_opened", who="dee", why="it opens one")
    assert done.alerts == [
        "correction: Update on the Kent custody death is a case, at investigation opened"]
    [case] = [c for c in case_list(desk.db) if c["name"] == "Update on the Kent custody death"]
    assert case["stage"] == "investigation_opened"
    [event] = recent_events(desk.db, case_id=case["id"])
    assert event["headline"] == (
        "Update on the Kent custody death: correction, a case at investigation opened")


# ---- a correction undone, or corrected again, before its follow-up went out ------------------


def hooked(desk, tmp_path, httpserver):
    """The desk's subscriber on a real local webhook server."""
    from monitor.config import load_config

    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    path = tmp_path / "config.toml"
    path.write_text(
        f"[monitor]\ndatabase = '{tmp_path / 'cases.db'}'\n\n[[subscribers]]\nname = 'calendar'\n"
        f"urls = ['json://127.0.0.1:{httpserver.port}/hook']\n"
    )
    desk.config = load_config(path)
    return desk.config


def posted_titles(httpserver) -> list[str]:
    return [json.loads(request.get_data())["title"] for request, _ in httpserver.log]


def statuses(desk) -> list[str]:
    with Session(desk.db) as session:
        return [d.status for d in session.exec(select(Delivery).order_by(Delivery.id))]


def test_a_correction_undone_before_the_outbox_ran_sends_nothing(desk, tmp_path, httpserver):
    from notifications.outbox import deliver_due

    config = hooked(desk, tmp_path, httpserver)
    doc = document_id(desk, "met", 7)
    first = correct_stage(desk.db, config, document_id=doc, stage="inquest", who="alice",
                          why="jury findings")
    undone = CliRunner().invoke(main, ["correct", "stage", "-c", str(tmp_path / "config.toml"),
                                       str(doc), "reinvestigation", "--by", "alice",
                                       "--why", "I misread it myself"])
    assert undone.exit_code == 0, undone.output
    assert f"follow-up alert withdrawn before it was sent: {first.alerts[0]}" in undone.output
    assert "back where its followers last heard it was, so no follow-up alert" in undone.output
    assert deliver_due(desk.db, config).sent == 0
    assert posted_titles(httpserver) == []
    assert statuses(desk) == ["withdrawn"]
    assert port(desk)["stage"] == "reinvestigation"
    # Nor does the undone follow-up stay in the recent alerts (web page, Atom feeds).
    assert not any("correction" in e["headline"] for e in recent_events(desk.db))


def test_a_second_correction_before_the_outbox_ran_sends_only_the_net_change(
    desk, tmp_path, httpserver
):
    from notifications.outbox import deliver_due

    config = hooked(desk, tmp_path, httpserver)
    doc = document_id(desk, "met", 7)
    first = correct_stage(desk.db, config, document_id=doc, stage="inquest", who="alice",
                          why="jury findings")
    second = correct_stage(desk.db, config, document_id=doc, stage="case_to_answer", who="bo",
                           why="it says case to answer")
    assert second.withdrawn == first.alerts
    [net] = second.alerts
    assert net.endswith(", not re-investigation")  # from what subscribers last heard
    assert deliver_due(desk.db, config).sent == 1
    assert posted_titles(httpserver) == [net]
    assert statuses(desk) == ["withdrawn", "sent"]
    assert [e["headline"] for e in recent_events(desk.db) if "correction" in e["headline"]] == [
        "Stephen Port: correction, case to answer for misconduct, not re-investigation"]


def test_a_follow_up_already_sent_is_followed_by_another(desk, tmp_path, httpserver):
    from notifications.outbox import deliver_due

    config = hooked(desk, tmp_path, httpserver)
    doc = document_id(desk, "met", 7)
    first = correct_stage(desk.db, config, document_id=doc, stage="inquest", who="alice",
                          why="jury findings")
    assert deliver_due(desk.db, config).sent == 1
    back = correct_stage(desk.db, config, document_id=doc, stage="reinvestigation", who="alice",
                         why="it was a re-investigation after all")
    assert back.withdrawn == []
    assert back.alerts == [
        "correction: Stephen Port is at re-investigation, not inquest findings"]
    assert deliver_due(desk.db, config).sent == 1
    assert posted_titles(httpserver) == [*first.alerts, *back.alerts]
