"""The demo's terminal output: one short block per step, then the case timeline.

Plain text; colour only through click.style, which click strips when stdout is not a terminal
(or always, with --no-color). The step counter goes to stderr and only to a terminal, so piped
output stays clean.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from monitor.demo.mailbox import text_of
from monitor.demo.replay import ALIASES, CASE, SUBSCRIBER, Listener, Outcome, StepResult
from monitor.demo.timeline import LONDON, NOT_A_CASE_UPDATE, SITES, Release
from monitor.engine import CycleReport
from monitor.stages.vocabulary import label, short_label

WIDTH = 78
LEFT = 14  # width of the label column
MESSAGE_LINES = 5  # lines of each alert's body shown (headline, before, now, title, date)


class Terminal(Listener):
    def __init__(self, *, color: bool | None, err: TextIO | None = None) -> None:
        self.color = color  # None: click decides (colour on a terminal only)
        self.err = err or sys.stderr
        self._live = self.err.isatty()
        self._status = False

    # ---- Listener --------------------------------------------------------------------------

    def started(self, sites: dict[str, str], mailbox_url: str, steps: int) -> None:
        self.echo(_bold("The Stephen Port case, 2015 to 2023, replayed offline"))
        self.echo("")
        self.echo(_wrap(
            "The monitor's own engine, classifier, IOPC and Met plugins, SQLite store and email "
            "outbox run here exactly as in `oversight-monitor run`. Only the two sites are local "
            "copies, publishing reconstructed pages one by one, and the clock is set to each "
            "page's date.", 0))
        self.echo("")
        for site, root in sites.items():
            self.row(SITES[site], f"{root}  (local copy)")
        self.row("Inbox", f"{SUBSCRIBER}, via a local mail server on "
                          f"{mailbox_url.split('://', 1)[1].split('?', 1)[0]}")
        self.row("Following", _fit(f'"{CASE}", also matched by ' + ", ".join(ALIASES)))
        self.echo("")

    def baseline(self, releases: list[Release], reports: list[CycleReport]) -> None:
        self.clear()
        pages = sum(r.new for r in reports)
        self.row("01 Oct 2015", _dim(_fit(f"First check: {pages} pages already on the sites, "
                                          "recorded as a silent baseline (nothing sent).")))
        for r in reports:
            if r.failure:
                self.echo(_warn(f"  {r.source_id}: FAILED ({r.failure.kind}) {r.failure}"))

    def progress(self, number: int, total: int, what: str) -> None:
        if self._live:
            self.err.write(f"\r\033[K[{number}/{total}] {what}…")
            self.err.flush()
            self._status = True

    def step(self, result: StepResult, total: int) -> None:
        self.clear()
        release, step = result.step.release, result.step
        when = release.published.astimezone(LONDON)
        self.echo("")
        head = f"── {result.number}/{total}  {when:%d %b %Y}  {SITES[release.site]} "
        self.echo(_bold(head + "─" * max(3, WIDTH - len(head))))
        self.row("Published", _fit(f"“{release.title}”"))
        self.row("", _dim(_printed(release)))
        if step.note:
            self.row("Context", _dim(_fit(step.note)))
        self.concluded(result)
        self.alerts(result)
        for r in result.reports:
            if r.failure or r.errors:
                problem = r.failure or "; ".join(r.errors[:2])
                self.echo(_warn(f"  ! {r.source_id}: {problem}"))

    # ---- blocks ----------------------------------------------------------------------------

    def concluded(self, result: StepResult) -> None:
        c = result.concluded
        if c is None:
            self.row("Monitor", _warn("did not record this page (see the warnings above)"))
            return
        text = label(c.stage, c.severity)
        if c.officers:
            text += f" ({c.officers} officer{'s' if c.officers != 1 else ''})"
        shown = _dim(_fit(text)) if c.stage == NOT_A_CASE_UPDATE else _good(_fit(text))
        self.row("Monitor read", shown)
        if c.evidence:
            self.row("", _quote(c.evidence))
        if c.flags:
            self.row("", _dim("flag: " + ", ".join(f.replace("_", " ") for f in c.flags)))

    def alerts(self, result: StepResult) -> None:
        if not result.alerts:
            self.row("Alert", _dim("none: " + _why_silent(result)))
        for msg in result.alerts:
            self.row("Alert sent", _alert(f"✉ {msg['Subject']}"))
            body = [x for x in text_of(msg).splitlines() if x != msg["Subject"]]
            for line in _first_lines(body, MESSAGE_LINES):
                self.row("", _dim("│ ") + line)
        expected = result.step.expected
        sent_stages = [e.get("to") for e in _live(result.reports)]
        if result.step.alerts_expected and expected not in sent_stages:
            wanted = short_label(expected)
            self.row("Note", _warn(_fit(f"the case timeline (domain.md §e) expects an alert "
                                        f"for “{wanted}” here")))
        elif not result.step.alerts_expected and result.alerts:
            self.row("Note", _warn("the case timeline (domain.md §e) expects no stage change here"))
        c, want = result.concluded, result.step.officers
        if want and c and c.officers != want:
            self.row("Note", _warn(f"the case timeline (domain.md §e) counts {want} officers here"))

    def timeline(self, outcome: Outcome) -> None:
        history = outcome.history
        self.echo("")
        if not history:
            self.echo(_warn(f"No case named {CASE!r} was recorded."))
            return
        self.echo(_bold("── The case as the monitor now holds it " + "─" * 38))
        self.echo(_dim(f'   (the same data as `oversight-monitor history "{CASE}"`)'))
        for item in history["timeline"]:
            self.timeline_row(item)
        since = _date(history.get("stage_since"))
        self.echo("")
        now = history["stage_label"] + (f" (since {since})" if since else "")
        self.row("Now", _bold(_fit(now)))
        sent = len(outcome.messages)
        self.row("Alerts", f"{sent} email{'s' if sent != 1 else ''} delivered to {SUBSCRIBER}; "
                           f"{len(outcome.results) - sent} releases sent nothing")

    def timeline_row(self, item: dict[str, Any]) -> None:
        date = _date(item["date"]) or "(no date)"
        what = short_label(item["stage"], item.get("severity"))
        if item.get("officers"):
            what += f" ({item['officers']})"
        site = SITES.get(item["source_id"], item["source_id"])
        if not item["moved"]:
            mark, shown = "·", _dim(f"{what:<46}")
        elif item["backwards"]:
            mark, shown = "↩", _warn(f"{what + ' (moved back)':<46}")
        else:
            mark, shown = "→", _good(f"{what:<46}")
        self.echo(f"  {date}  {mark} {shown}" + _dim(f" {site}"))

    def kept(self, where: Path, messages: int) -> None:
        self.echo("")
        self.row("Kept", f"{where}/demo.db and {messages} message(s) in {where}/messages/")
        self.row("", f'oversight-monitor history -c {where}/config.toml "{CASE}"')

    # ---- plumbing --------------------------------------------------------------------------

    def row(self, name: str, text: str) -> None:
        pad = f"  {name:<{LEFT}}"
        first, *rest = text.split("\n") if text else [""]
        self.echo(pad + first)
        for line in rest:
            self.echo(" " * len(pad) + line)

    def echo(self, text: str) -> None:
        click.echo(text, color=self.color)

    def clear(self) -> None:
        if self._status:
            self.err.write("\r\033[K")
            self.err.flush()
            self._status = False

    def interrupted(self) -> None:
        self.clear()
        self.echo(_warn("\nInterrupted; the local servers are stopped and the temporary "
                        "files removed."))


# ---- small helpers ---------------------------------------------------------------------------


def _live(reports: Iterable[CycleReport]) -> list[dict[str, Any]]:
    return [e for r in reports for e in r.events if e.get("status") == "live"]


def _why_silent(result: StepResult) -> str:
    c = result.concluded
    if c is None:
        return "the page was not read"
    if c.stage == NOT_A_CASE_UPDATE:
        return "no case moved (general news, progress or commentary)"
    if any(e.get("case") == CASE for e in _live(result.reports)):
        return f"{CASE} is still at the same stage (you follow stage changes)"
    if any(e.get("case") == CASE for r in result.reports for e in r.events):
        return "the same stage as before"
    return f"not about {CASE}, so not for this subscriber"


def _printed(release: Release) -> str:
    if release.site == "iopc":
        return f"Published: {release.printed_date}"
    return f"News • {release.printed_date}"


def _first_lines(lines: list[str], count: int) -> list[str]:
    """The first `count` lines, each wrapped to the message column; '…' if there is more."""
    shown = [part for line in lines[:count] for part in textwrap.wrap(line, WIDTH - LEFT - 4)]
    if len(lines) > count:
        shown.append("…")
    return shown


def _quote(text: str) -> str:
    return _dim(_fit("“" + " ".join(text.split()) + "”"))


def _fit(text: str) -> str:
    """Wrapped to the column right of the labels."""
    return textwrap.fill(text, WIDTH - LEFT - 2)


def _wrap(text: str, indent: int) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent)


def _date(value: str | None) -> str | None:
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(LONDON).strftime("%d %b %Y")


def _bold(text: str) -> str:
    return click.style(text, bold=True)


def _dim(text: str) -> str:
    return click.style(text, dim=True)


def _good(text: str) -> str:
    return click.style(text, fg="green")


def _warn(text: str) -> str:
    return click.style(text, fg="yellow")


def _alert(text: str) -> str:
    return click.style(text, fg="cyan", bold=True)
