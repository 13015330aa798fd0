"""Replay the timeline through the real pipeline: sites → engine → store → outbox → SMTP.

Nothing here imitates the monitor. The engine, classifier, iopc and met plugins, SQLite store
and apprise outbox are the ones `oversight-monitor run` uses; the only differences are that
the sites are local copies (base_url overridden), the clock is set to each release's date, and
the politeness delays are off because the sites are our own.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlmodel import Session, select

from monitor.app import build_sources
from monitor.config import Config, parse_config
from monitor.demo import timeline
from monitor.demo.mailbox import Mailbox
from monitor.demo.site import MET_RSS, Site
from monitor.demo.timeline import LONDON, Release, Step
from monitor.engine import CycleReport, Engine
from monitor.http.fetcher import Fetcher
from monitor.store import open_database
from monitor.store.tables import DocumentRow, StageUpdate
from monitor.views import case_history

CASE = "Stephen Port"
ALIASES = ("Anthony Walgate", "Gabriel Kovari", "Daniel Whitworth", "Jack Taylor",
           "Barking deaths")
SUBSCRIBER = "family-advocate"
SENDER, RECIPIENT = "monitor@oversight-demo.invalid", "advocate@oversight-demo.invalid"
# The monitor looks a little after each release appears, as a daemon on a 15-30 min cycle would.
CHECK_DELAY = timedelta(minutes=20)
BASELINE_AT = datetime(2015, 10, 1, 9, 0, tzinfo=LONDON)


@dataclass(frozen=True)
class Concluded:
    """What the monitor recorded for one page (read back from the store)."""

    stage: str
    evidence: str | None
    officers: int | None
    severity: str | None
    flags: tuple[str, ...]


@dataclass
class StepResult:
    number: int
    step: Step
    url: str
    checked_at: datetime
    concluded: Concluded | None
    alerts: list[EmailMessage]
    reports: list[CycleReport]


@dataclass
class Outcome:
    baseline: list[CycleReport]
    results: list[StepResult] = field(default_factory=list)
    history: dict[str, Any] | None = None
    messages: list[EmailMessage] = field(default_factory=list)


class Listener:
    """What the terminal (or a test) is told as the replay goes; every method is optional."""

    def started(self, sites: dict[str, str], mailbox_url: str, steps: int) -> None: ...
    def baseline(self, releases: list[Release], reports: list[CycleReport]) -> None: ...
    def progress(self, number: int, total: int, what: str) -> None: ...
    def step(self, result: StepResult, total: int) -> None: ...


def demo_config(workdir: Path, iopc: str, met: str, mail_url: str) -> Config:
    """The configuration the demo runs with; also written to workdir/config.toml."""
    aliases = ", ".join(json.dumps(a) for a in ALIASES)
    text = f"""\
# Written by `oversight-monitor demo`. The two sites were local copies that have stopped;
# this file is kept so that `oversight-monitor history -c config.toml "{CASE}"` can read the
# database next to it.
[monitor]
database = "demo.db"
send_on_first_run = false

[http]
contact = "demo@oversight-demo.invalid"
min_delay_seconds = 0
retries = 0
timeout_seconds = 10

[[sources]]
id = "iopc"
base_url = "{iopc}"
options = {{ listings = ["/news"] }}

[[sources]]
id = "met"
base_url = "{met}"
options = {{ rss_path = "{MET_RSS}" }}

[[cases]]
name = "{CASE}"
aliases = [{aliases}]

[[subscribers]]
name = "{SUBSCRIBER}"
urls = ["{mail_url}"]
cases = ["{CASE}"]
events = ["stage_changed", "new_case"]
"""
    path = workdir / "config.toml"
    path.write_text(text, encoding="utf-8")
    return parse_config(text, path)


def run(workdir: Path, listener: Listener, *, pause: float = 0.0) -> Outcome:
    """Start the sites and the mailbox, replay every step, stop everything again."""
    with Site("iopc") as iopc, Site("met") as met, Mailbox() as mailbox:
        sites = {"iopc": iopc, "met": met}
        config = demo_config(workdir, iopc.root, met.root, mailbox.url(SENDER, RECIPIENT))
        db = open_database(config.database_url)
        try:
            return asyncio.run(_replay(config, db, sites, mailbox, listener, pause))
        finally:
            db.dispose()


async def _replay(
    config: Config, db: DbEngine, sites: dict[str, Site], mailbox: Mailbox,
    listener: Listener, pause: float,
) -> Outcome:
    from notifications.outbox import deliver_due

    steps = timeline.steps()
    listener.started({k: s.root for k, s in sites.items()}, mailbox.url(SENDER, RECIPIENT),
                     len(steps))
    sources = build_sources(config)
    now = BASELINE_AT

    async with Fetcher(config.http) as fetcher:
        engine = Engine(config, db, fetcher, clock=lambda: now)

        async def cycle() -> tuple[list[CycleReport], int]:
            """One check of every source, as the daemon does it, then the outbox."""
            reports = [await engine.run_source(cs.config, cs.source) for cs in sources]
            delivered = await asyncio.to_thread(deliver_due, db, config, now=now)
            return reports, delivered.sent

        before = timeline.baseline()
        for release in before:
            sites[release.site].publish(release)
        listener.progress(0, len(steps), "first check: recording what the sites already show")
        outcome = Outcome(baseline=(await cycle())[0])
        listener.baseline(before, outcome.baseline)

        for number, step in enumerate(steps, 1):
            if pause:
                listener.progress(number, len(steps), "waiting for the next release")
                await asyncio.sleep(pause)
            release = step.release
            url = sites[release.site].publish(release)
            now = release.published.astimezone(LONDON) + CHECK_DELAY
            listener.progress(number, len(steps), f"checking the sites as of {now:%d %b %Y}")
            seen = len(mailbox.messages)
            reports, sent = await cycle()
            result = StepResult(
                number=number, step=step, url=url, checked_at=now,
                concluded=_concluded(db, release.site, url),
                alerts=await asyncio.to_thread(mailbox.since, seen, sent),
                reports=reports,
            )
            outcome.results.append(result)
            listener.step(result, len(steps))

    outcome.history = case_history(db, CASE)
    outcome.messages = list(mailbox.messages)
    return outcome


def _concluded(db: DbEngine, source_id: str, url: str) -> Concluded | None:
    """The stored classification of the page at `url`, as the engine recorded it."""
    with Session(db) as session:
        row = session.exec(
            select(StageUpdate)
            .join(DocumentRow, DocumentRow.current_version_id == StageUpdate.version_id)
            .where(DocumentRow.source_id == source_id, DocumentRow.url == url)
        ).first()
        if row is None:
            return None
        return Concluded(row.stage, row.evidence, row.officers, row.severity,
                         tuple(json.loads(row.flags_json or "[]")))

