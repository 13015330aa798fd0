"""`oversight-monitor check`: one cycle of every source, then the due deliveries."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import tempfile
from pathlib import Path

import click
from sqlalchemy import Engine as DbEngine
from sqlmodel import Session, select

from monitor.app import ConfiguredSource, build_sources, database
from monitor.baseline import describe
from monitor.config import Config, load_config
from monitor.engine import CycleReport, Engine
from monitor.http.fetcher import Fetcher
from monitor.redact import redact
from monitor.report import ONE_RUN, cause_first, without_next_step
from monitor.store.tables import Delivery
from monitor.terminal import say


async def run_check(
    config_path: Path, source_id: str | None, *, dry_run: bool, create_db: bool = False
) -> list[CycleReport]:
    ONE_RUN.set(True)  # the sources' cycles below inherit it: no "next cycle" in their logs
    config = load_config(config_path)
    sources = build_sources(config, only=source_id)  # first: a mistyped plugin creates nothing
    with contextlib.ExitStack() as stack:
        if dry_run and _missing_sqlite_file(config.database_url):
            # A dry run writes nothing: with no database yet it reads as a first run would,
            # into a throwaway one.
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="om-dry-run-"))
            scratch_db = config.monitor.model_copy(update={"database": f"{scratch}/dry-run.db"})
            config = config.model_copy(update={"monitor": scratch_db})
        db = database(config, create_empty=create_db)
        stack.callback(db.dispose)
        # What start-up made (modules, the ORM's tables) lives until this one-shot process
        # ends: set it aside, so the collector does not walk it again and again in the cycle.
        gc.freeze()
        return await _check(config, db, sources, dry_run)


def _missing_sqlite_file(url: str) -> bool:
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


async def _check(
    config: Config, db: DbEngine, sources: list[ConfiguredSource], dry_run: bool
) -> list[CycleReport]:
    async with Fetcher(config.http) as fetcher:
        engine = Engine(config, db, fetcher)
        # Sources run side by side; the fetcher keeps each host polite.
        reports = await asyncio.gather(
            *(engine.run_source(cs.config, cs.source, dry_run=dry_run) for cs in sources)
        )
    if not dry_run:
        from monitor.cases.reminders import send_reminders
        from monitor.cases.tracked import ensure_tracked
        from monitor.store.types import utcnow

        ensure_tracked(db, config.cases, utcnow())  # even with no source: the web lists them
        send_reminders(db, config, utcnow())
        if _pending_deliveries(db):  # the outbox imports apprise and jinja2: only when needed
            from notifications.outbox import deliver_due

            await asyncio.to_thread(deliver_due, db, config)
    return list(reports)


def _pending_deliveries(db: DbEngine) -> bool:
    with Session(db) as session:
        query = select(Delivery.id).where(Delivery.status == "pending").limit(1)
        return session.exec(query).first() is not None


def print_reports(reports: list[CycleReport], *, as_json: bool) -> None:
    for r in reports:
        if as_json:
            click.echo(redact(
                json.dumps(
                    {
                        "source": r.source_id,
                        "ok": r.ok,
                        "baseline": r.baseline,
                        "held": r.held,
                        "discovered": r.discovered,
                        "fetched": r.fetched,
                        "not_modified": r.not_modified,
                        "new": r.new,
                        "changed": r.changed,
                        "removed": r.removed,
                        "error_kind": r.failure.kind if r.failure else None,
                        "error": without_next_step(str(r.failure)) if r.failure else None,
                        "document_errors": [without_next_step(e) for e in r.errors],
                        "baseline_progress": r.progress,
                        "events": r.events,
                    },
                    default=str,
                )
            ))
            continue
        if r.failure:
            say(f"{r.source_id}: FAILED ({r.failure.kind}) {cause_first(r.failure)}")
            continue
        note = ""
        if r.baseline:
            note = " — first run: baseline recorded, nothing sent" if not r.events else (
                " — the first listing recorded silently; what appeared since is news"
            )
        if r.progress:
            note += f" — {describe(r.progress)}"
        note += " — ALERTS HELD by the mass-change guard" if r.held else ""
        say(
            f"{r.source_id}: {r.discovered} listed, {r.fetched} fetched "
            f"({r.not_modified} not modified), {r.new} new, {r.changed} changed, "
            f"{r.removed} removed{note}"
        )
        for e in r.events:
            if e["kind"] == "would_record":
                say(f"  would record: [{e['stage']}] {e['title']}")
                continue
            move = f"{e['from']} → {e['to']}" if e.get("from") else e.get("to") or ""
            say(f"  {e['kind']}: {e['case']}: {move}")
            if e.get("evidence"):
                say(f"    “{e['evidence']}”")
        for err in r.errors[:5]:
            say(f"  ! {without_next_step(err)}")
