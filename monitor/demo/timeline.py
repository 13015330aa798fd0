"""The Stephen Port case as data: which release each site publishes, and when.

The sequence follows shared/reference/domain.md §e. Each release's text lives in
`pages/releases/<name>.txt`: a header saying it is RECONSTRUCTED (paraphrased from public
reporting, not captured), `key: value` lines, `---`, then paragraphs separated by blank lines.
`expected` is what the domain brief says the step signals; the demo only uses it to point out a
disagreement, never to decide what the monitor concluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
SITES = {"iopc": "IOPC website", "met": "Met newsroom"}
NOT_A_CASE_UPDATE = "not_a_case_update"


@dataclass(frozen=True)
class Release:
    """One page a site publishes: where, when, and what it says."""

    name: str
    site: str  # "iopc" or "met"
    published: datetime  # aware, Europe/London
    path: str
    id: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]

    @property
    def printed_date(self) -> str:
        """The date as the site prints it: IOPC '23 Nov 2016', Met 'Nov 23, 2016 16:30 GMT'."""
        if self.site == "iopc":
            return self.published.strftime("%d %b %Y")
        return self.published.strftime("%b %d, %Y %H:%M ") + (self.published.tzname() or "")

    @property
    def rfc822(self) -> str:
        return format_datetime(self.published)

    @property
    def brand(self) -> str:
        """The IPCC became the IOPC on 8 January 2018."""
        if self.site == "met":
            return "Metropolitan Police"
        if self.published < datetime(2018, 1, 8, tzinfo=LONDON):
            return "Independent Police Complaints Commission"
        return "Independent Office for Police Conduct"


@dataclass(frozen=True)
class Step:
    release: Release
    expected: str  # the stage domain.md §e gives for this event
    note: str = ""  # one line of context for the reader
    officers: int | None = None  # the officer count domain.md §e gives, where it gives one

    @property
    def alerts_expected(self) -> bool:
        return self.expected != NOT_A_CASE_UPDATE


def load_release(name: str) -> Release:
    raw = resources.files("monitor.demo").joinpath("pages", "releases", f"{name}.txt")
    head, _, body = raw.read_text(encoding="utf-8").partition("\n---\n")
    meta = dict(
        line.split(": ", 1) for line in head.splitlines() if line and not line.startswith("#")
    )
    paragraphs = tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
    return Release(
        name=name, site=meta["site"],
        published=datetime.fromisoformat(meta["published"]).replace(tzinfo=LONDON),
        path=meta["path"], id=meta["id"], title=meta["title"],
        summary=meta.get("summary") or paragraphs[0], paragraphs=paragraphs,
    )


# What both sites already showed before the demo starts: the monitor's silent first cycle.
BASELINE = ("2015-07-16-ipcc-annual-report", "2015-09-28-met-hendon-passing-out")

_STEPS: tuple[tuple[Any, ...], ...] = (
    ("2015-10-21-met-voluntary-referral", "referral",
     "Four young men found dead in Barking, June 2014 to September 2015; the Met refers itself."),
    ("2016-11-23-ipcc-notices-served", "misconduct_notices_served",
     "The day Stephen Port is convicted: 7 gross misconduct and 10 misconduct notices.", 17),
    ("2017-05-19-ipcc-pace-statement", NOT_A_CASE_UPDATE,
     "The families criticise the pace; no officer interviewed yet."),
    ("2018-03-19-iopc-nearing-completion", NOT_A_CASE_UPDATE,
     "Progress, not a decision: the report is nearly done."),
    ("2018-08-14-iopc-report-to-met", NOT_A_CASE_UPDATE,
     "The file goes to the Met: a 'report submitted' flag, not a new stage."),
    ("2019-07-05-iopc-reflective-practice", "reflective_practice",
     "No discipline; nine officers must improve their performance."),
    ("2019-12-02-met-road-safety", NOT_A_CASE_UPDATE,
     "Unrelated: a road-safety appeal that mentions Barking."),
    ("2020-07-23-iopc-deaths-statistics", NOT_A_CASE_UPDATE,
     "Unrelated: yearly statistics."),
    ("2021-12-10-iopc-inquest-conclusions", "inquest",
     "The inquest jury: police failings probably contributed to three deaths."),
    ("2022-02-10-iopc-reopening-assessment", NOT_A_CASE_UPDATE,
     "Assessing whether to reopen is not reopening."),
    ("2022-06-23-iopc-reinvestigation", "reinvestigation",
     "The case moves back: the investigation is reopened."),
    ("2023-04-27-met-hmicfrs-response", NOT_A_CASE_UPDATE,
     "An inspection report and the Met's response: commentary, not a case event."),
    ("2023-11-16-iopc-gross-misconduct-notices", "misconduct_notices_served",
     "Forward again: five of the 17 plus three new officers, all for gross misconduct.", 8),
)


def baseline() -> list[Release]:
    return [load_release(name) for name in BASELINE]


def steps() -> list[Step]:
    return [Step(load_release(name), *rest) for name, *rest in _STEPS]
