"""Bad, changing and vanishing content: typed failures, one alert per real change, none for
noise."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from monitor.store.tables import DocumentRow
from tests.faults.newsroom import Newsroom, listing_source
from tests.faults.rig import Rig, case_fields, page_source
from tests.servers import CaseSite

STORY = "The IOPC has begun an independent investigation into the arrest of a man in {}."


@pytest.fixture
def site(httpserver):
    return CaseSite(httpserver)


@pytest.fixture
def room(httpserver):
    return Newsroom(httpserver)


def publish(room: Newsroom, count: int) -> None:
    for n in range(count):
        room.publish(f"story-{n}", f"Arrest in town {n} referred to the IOPC", STORY.format(n))


MALFORMED = [
    "<html><body><h1>Custody death<main><p>An independent investigation <b><i>has begun</b>",
    "<h1>Custody death</h1><main><table><tr><td><p>An investigation</table></p></td>" * 50,
    "<html><html><body><body><h1>Custody death</h1></h1></h1><main><<p>>An investigation</p>",
    "<h1>Custody death</h1><main><p>An investigation" + "<div>" * 5000 + "deep",
    "<h1>\x00Custody\x00 death</h1><main><p>An investigation</p><!-- never closed",
]


@pytest.mark.parametrize("markup", MALFORMED, ids=range(len(MALFORMED)))
async def test_malformed_html_is_read_or_a_typed_failure_never_a_crash(
    tmp_path, httpserver, markup
):
    httpserver.expect_request("/case/bad").respond_with_data(markup, content_type="text/html")
    rig = Rig(tmp_path, httpserver, page_source("bad", httpserver.url_for("/case/bad")))
    reports = await rig.cycle()
    report = reports["bad"]
    assert report.ok or report.failure.kind in {"parse", "bad_content"}
    if report.ok:
        (texts,) = rig.versions().values()
        assert "investigation" in texts[0]


async def test_layout_change_is_a_parse_failure_not_no_news(tmp_path, httpserver, room):
    publish(room, 3)
    rig = Rig(tmp_path, httpserver, listing_source(room))
    assert (await rig.cycle())["news"].new == 3
    room.layout = "new-listing"  # the items are still there, under a class we do not know
    report = (await rig.cycle())["news"]
    assert report.failure is not None and report.failure.kind == "parse"
    assert "no items" in str(report.failure)
    assert rig.health()["news"]["last_error_kind"] == "parse"


async def test_iopc_listing_that_lists_nothing_is_a_parse_failure(tmp_path, httpserver):
    empty = "<html><body><main><p>No results found.</p></main></body></html>"
    for path in ("/news", "/our-work/learning"):
        httpserver.expect_request(path).respond_with_data(empty, content_type="text/html")
    root = httpserver.url_for("/").rstrip("/")
    rig = Rig(tmp_path, httpserver, f'[[sources]]\nid = "iopc"\nbase_url = "{root}"\n')
    report = (await rig.cycle())["iopc"]
    assert report.failure is not None and report.failure.kind == "parse"


async def test_articles_losing_title_and_body_give_one_parse_alert_after_n_cycles(
    tmp_path, httpserver, room
):
    publish(room, 6)
    rig = Rig(
        tmp_path,
        httpserver,
        listing_source(room),
        refetch={"recent_days": 30},  # the articles are re-read every cycle
    )
    await rig.cycle()  # baseline
    room.layout = "new-articles"
    for _ in range(5):
        report = (await rig.cycle())["news"]
        assert report.failure is not None and report.failure.kind == "parse"
        assert "layout may have changed" in str(report.failure)
    failing = rig.posted("/ops")
    assert len(failing) == 1, failing  # after N = 3 cycles, once
    assert "parse" in failing[0]["message"]
    assert rig.posted("/hook") == []  # nobody was told a case moved
    assert all(len(v) == 1 for v in rig.versions().values())  # no empty versions stored


async def test_mass_change_is_held_listed_and_released_on_request(tmp_path, httpserver, site):
    urls = [site.add(f"c{n}", **case_fields(n)) for n in range(8)]
    rig = Rig(tmp_path, httpserver, page_source("cases", *urls))
    await rig.cycle()  # baseline
    for n in range(8):  # every page changes at once: a redesign or a broken parser?
        site.pages[f"c{n}"]["status"] = "Gross misconduct notices served"
    report = (await rig.cycle())["cases"]
    assert report.held and report.changed == 8
    assert rig.posted("/hook") == []  # nothing reached subscribers
    (note,) = rig.posted("/ops")
    assert "held" in (note["title"] + note["message"]).lower()

    code, out = rig.cli("held")
    assert code == 0 and out.count("cases") >= 8, out
    await rig.cycle()  # the next cycle neither re-holds nor sends them
    assert rig.posted("/hook") == [] and len(rig.posted("/ops")) == 1

    code, out = rig.cli("held", "--release", "cases")
    assert code == 0 and "released" in out, out
    rig.deliver()
    sent = rig.posted("/hook")
    assert len(sent) == len(rig.events()) - 1 >= 8  # every held alert; not the ops note
    assert rig.cli("held")[1].strip() == "no held alerts"
    rig.deliver()
    assert len(rig.posted("/hook")) == len(sent)  # released once, sent once


async def test_mass_change_that_made_no_alert_does_not_say_alerts_were_held(
    tmp_path, httpserver, room
):
    for n in range(8):  # general news: no case, so a change to it is no alert
        room.publish(f"n{n}", f"Open day at station {n}", "Visitors are welcome on Saturday.")
    rig = Rig(tmp_path, httpserver, listing_source(room), refetch={"recent_days": 30})
    await rig.cycle()  # baseline
    for n in range(8):
        room.articles[f"n{n}"]["body"] = f"The open day moved to Sunday {n}."
    report = (await rig.cycle())["news"]
    assert report.held and report.changed == 8 and rig.events(status="held") == []
    (note,) = rig.posted("/ops")
    text = note["title"] + "\n" + note["message"]
    assert "No alert came of these changes, so nothing is held." in text
    assert "Alerts held" not in text and "are held, not sent" not in text
    assert "held --release" not in text


async def test_flickering_markup_never_alerts(tmp_path, httpserver, room, site):
    publish(room, 3)
    case = site.add("a", **case_fields(1))
    rig = Rig(
        tmp_path,
        httpserver,
        listing_source(room) + page_source("cases", case),
        refetch={"recent_days": 30},
    )
    for _ in range(4):  # tokens, clocks and cache-busters differ on every request
        reports = await rig.cycle()
        assert all(r.ok for r in reports.values())
    assert rig.events() == []  # only the silent baseline
    assert rig.posted("/hook") == []
    assert all(len(v) == 1 for v in rig.versions().values())


async def test_page_edited_twice_between_cycles_gives_one_event_for_the_net_change(
    tmp_path, httpserver, site
):
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url))
    await rig.cycle()
    site.pages["a"]["status"] = "Investigation complete"
    site.pages["a"]["status"] = "Misconduct hearing arranged"
    await rig.cycle()
    (moved,) = rig.events("stage_changed")  # the site's own status moved, once
    payload = json.loads(moved.payload_json)
    assert (payload["from_status"], payload["to_status"]) == (
        "Investigation ongoing",
        "Misconduct hearing arranged",
    )
    (sent,) = rig.posted("/hook")
    assert "Investigation complete" not in sent["message"]
    assert "Misconduct hearing arranged" in sent["message"]


async def test_edit_and_revert_between_cycles_is_no_change(tmp_path, httpserver, site):
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url))
    await rig.cycle()
    site.pages["a"]["status"] = "Misconduct hearing arranged"
    site.pages["a"]["status"] = "Investigation ongoing"
    report = (await rig.cycle())["cases"]
    assert report.unchanged == 1 and rig.posted("/hook") == []


async def test_removed_page_is_recorded_once_and_our_copy_kept(tmp_path, httpserver, site):
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url, site.url("b")))
    site.add("b", **case_fields(2))
    await rig.cycle()
    del site.pages["a"]  # the site now answers 404
    for _ in range(3):
        report = (await rig.cycle())["cases"]
        assert report.ok  # a withdrawn page is news, not a failing source
    (removed,) = rig.events("document_removed")
    assert removed.status == "live"
    assert len(rig.posted("/hook")) == 1
    with Session(rig.db) as session:
        row = session.exec(select(DocumentRow).where(DocumentRow.url == url)).one()
    assert row.removed_at is not None
    assert "case 1" in rig.versions()[url][0]  # the text is kept for history


async def test_a_restored_page_and_a_second_removal_are_each_announced_once(
    tmp_path, httpserver, site
):
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url, site.url("b")))
    site.add("b", **case_fields(2))
    await rig.cycle()  # baseline
    page = site.pages.pop("a")
    await rig.cycle()  # removed
    site.pages["a"] = page
    await rig.cycle()  # back, unchanged
    await rig.cycle()  # still there: nothing new
    del site.pages["a"]
    await rig.cycle()  # removed a second time
    await rig.cycle()
    kinds = [e.kind for e in rig.events("document_removed", "document_restored")]
    assert kinds == ["document_removed", "document_restored", "document_removed"]
    subjects = [p["title"] for p in rig.posted("/hook")]
    assert len(subjects) == 3, subjects
    assert "restored" in subjects[1]


async def test_a_page_nested_thousands_deep_is_read_not_a_recursion_error(tmp_path, httpserver):
    deep = "<div>" * 5000 + "nested deep inside" + "</div>" * 5000
    page = f"<html><body><h1>Custody death</h1><main><p>An investigation.</p>{deep}</main>"
    httpserver.expect_request("/case/deep").respond_with_data(page, content_type="text/html")
    url = httpserver.url_for("/case/deep")
    rig = Rig(tmp_path, httpserver, page_source("deep", url))
    report = (await rig.cycle())["deep"]
    assert report.ok and report.errors == [], report.errors
    (text,) = next(iter(rig.versions().values()))
    assert "nested deep inside" in text
