"""The shared readers: site dates into UTC across DST, and fields read by label text."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources import html
from sources.dates import read_date

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("Published: 09 Dec 2021", "2021-12-09T00:00:00+00:00"),  # GMT: midnight is midnight
        ("Published 18 May 2023", "2023-05-17T23:00:00+00:00"),  # BST: local midnight is 23:00Z
        ("News • Nov 01, 2019 13:01 GMT", "2019-11-01T13:01:00+00:00"),
        ("Jul 12, 2023 16:20 BST", "2023-07-12T15:20:00+00:00"),
        ("Published: 13:45 21/03/2024", "2024-03-21T13:45:00+00:00"),
        ("Published: 13:45 21/07/2024", "2024-07-21T12:45:00+00:00"),
        ("Published: 00:30 31/03/2024", "2024-03-31T00:30:00+00:00"),  # before the clocks go on
        ("Published: 02:30 31/03/2024", "2024-03-31T01:30:00+00:00"),  # after them
        ("Fri, 18 Sep 2026 17:37:00 +0100", "2026-09-18T16:37:00+00:00"),
        ("2024-08-13T15:53:00Z", "2024-08-13T15:53:00+00:00"),
        ("Posted: Tuesday 25 April 2017", "2017-04-24T23:00:00+00:00"),
    ],
)
def test_printed_site_dates_become_utc(printed, expected):
    dated = read_date(printed)
    assert (dated.value.isoformat(), dated.note) == (expected, None)


@pytest.mark.parametrize(
    "printed, note",
    [("2 hours ago", "relative"), ("Yesterday", "relative"), ("", "missing"), (None, "missing"),
     ("Published: soon", "missing"), ("Published: 31/02/2024", "missing")],
)  # fmt: skip
def test_dates_that_cannot_be_known_are_never_guessed(printed, note):
    assert read_date(printed) == (None, note)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)))
def test_police_uk_stamps_round_trip_through_london_time(moment):
    local = moment.replace(second=0, microsecond=0, tzinfo=LONDON)
    local = local.astimezone(UTC).astimezone(LONDON)  # a wall time that exists
    printed = f"Published: {local:%H:%M %d/%m/%Y}"
    value = read_date(printed).value
    assert value.tzinfo == UTC
    assert value.astimezone(LONDON).replace(tzinfo=None) == local.replace(tzinfo=None)
    assert abs(value - local.astimezone(UTC)) <= timedelta(hours=1)  # only the repeated hour


def test_fields_are_read_by_label_text_whatever_the_markup():
    tree = html.parse(
        "<main><h1>Case: 12</h1><dl class='a1'><dt>Status</dt><dd> Under\n investigation </dd></dl>"
        "<table><tr><th>Force:</th><td>Kent Police</td></tr></table>"
        "<p>IOPC reference: 2021/158234</p></main>"
    )
    found = html.fields(tree)
    assert found == {
        "Status": "Under investigation",
        "Force": "Kent Police",
        "IOPC reference": "2021/158234",
    }
    assert html.field(found, "iopc REFERENCE") == "2021/158234"
    assert "Case" not in found  # a headline is not a field


def test_visible_text_drops_scripts_navigation_and_cookie_banners():
    tree = html.parse(
        "<body><nav>Menu</nav><div id='cookie-notice'>We use cookies</div><main><h1>T</h1>"
        "<p>One <b>bold</b>\n  word.</p><script>var x = 1;</script><p>Two</p></main>"
        "<footer>Footer</footer></body>"
    )
    assert html.lines(tree.body) == ["T", "One bold word.", "Two"]


def test_fields_of_a_page_without_a_body_are_read_not_raised():
    # A frameset page has no <body>; the property tests found it (fuzzed iopc page).
    tree = html.parse("<html><frameset><frame src='a.html'></frameset></html>")
    assert tree.body is None
    assert html.fields(tree) == {}


READ_ONCE_PAGES = [
    "<body><header>Site banner</header><nav>Menu</nav><main><h1>Case 12</h1>"
    "<p>Status: Under investigation</p><h2>Update: new</h2><p>Force: Kent Police</p>"
    "<span>tail</span></main><aside>Reference: hidden</aside><p>Date: 1 May 2024</p></body>",
    "<body><form><main><h1>ASP.NET page</h1><p>Status: Closed</p></main></form></body>",
    "<body><h1>No main</h1><p>Status: Open</p>Loose text</body>",
    "<html><frameset><frame src='a.html'></frameset></html>",
]


@pytest.mark.parametrize("page", READ_ONCE_PAGES)
def test_reading_text_and_fields_in_one_walk_matches_reading_them_apart(page):
    tree = html.parse(page)
    region = html.region(tree, "main", "article")
    assert html.read(tree, region) == (html.lines(region), html.fields(tree))
