"""One cycle of one source: discover → fetch → parse → classify → record → events.

The engine is a short loop over small functions; anything that must survive a restart is a
database row before it is acted on. A killed cycle is simply run again: documents whose
transaction did not commit are still "new" next time, listing validators are only saved at
the end, and event dedupe keys stop a re-run from announcing anything twice.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import update
from sqlmodel import Session, col, select

from monitor import baseline
from monitor.analysis import WORKER_MIN_PAGES, Analyser, Verdict, clues_of
from monitor.cases import CaseMatcher
from monitor.cases.tracked import ensure_tracked
from monitor.config import Config, SourceConfig
from monitor.errors import FetchError, HttpStatusError, ParseError
from monitor.guard import trips
from monitor.http.fetcher import Fetcher
from monitor.lease import claim, release
from monitor.models import Document, DocumentRef, NotModified, Page, Validators
from monitor.refetch import is_due
from monitor.report import CycleReport, event_summary, log_report, with_next_step
from monitor.store.tables import DocumentRow, HttpValidator, SourceState
from monitor.store.types import utcnow
from sources.base import Source, SourceContext, display_name

if TYPE_CHECKING:
    from monitor.recorder import Observed
    from monitor.stages.reader import Classification

# A baseline's new pages are written this many to a transaction (200 held ~20 MB more at
# the peak of a first run than 100, measured in benchmarks/README.md).
BATCH = 100
# Pages fetched but not yet analysed, at most: bounds memory when reading is slower than fetching.
IN_FLIGHT = 32

log = logging.getLogger("monitor.engine")

Classifier = Callable[[str, str], "Classification"]
Enqueue = Callable[..., Any]


@dataclass
class _Known:
    id: int
    url: str
    content_hash: str
    published_at: datetime | None
    first_seen_at: datetime
    last_fetched_at: datetime
    removed_at: datetime | None
    validators: Validators | None  # stored for `url` (read with the row: one query)


@dataclass
class _Fetched:
    ref: DocumentRef
    page: Page | None = None
    document: Document | None = None
    error: FetchError | None = None
    digest: str | None = None  # content_hash of the document, computed once
    reading: Classification | Verdict | None = None  # the classification, if read with the parse
    recorded: bool = False  # already written (a baseline records new pages as they arrive)


class Engine:
    """Runs source cycles against one database with one fetcher."""

    def __init__(
        self,
        config: Config,
        db: DbEngine,
        fetcher: Fetcher,
        *,
        classifier: Classifier | None = None,
        enqueue: Enqueue | None = None,
        clock: Callable[[], datetime] = utcnow,
        owner: str | None = None,
        intervals: Callable[[SourceConfig, Source], timedelta | None] | None = None,
        workers: int | None = None,
    ) -> None:
        self.config, self.db, self.fetcher = config, db, fetcher
        self._classifier, self.clock = classifier, clock
        self.workers = workers  # analysis worker processes: None = decide per cycle, 0 = none
        self.worker_peak_mb = 0.0  # the analysis worker's peak RSS, over this engine's cycles
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        # The daemon's sources' intervals: kept for the whole fleet (lease.py). None for
        # `check`, which runs when it is asked to.
        self.intervals = intervals
        self.matcher = CaseMatcher(config.cases)
        self._tracked_ready = False  # tracked cases get their rows on the first real cycle
        self._enqueue = enqueue or _outbox_enqueue
        self._names: dict[str, str] = {}  # source id → the name people see, per cycle

    def classify(self, title: str, text: str) -> Classification:
        # The shipped reader loads numpy and its model: only once a page needs reading, so a
        # quiet cycle (all 304s) never pays for it.
        if self._classifier is None:
            from monitor.stages.reader import classify

            self._classifier = classify
        return self._classifier(title, text)

    # ---- the cycle -------------------------------------------------------------------------

    async def run_source(
        self, sc: SourceConfig, source: Source, *, dry_run: bool = False
    ) -> CycleReport:
        report = CycleReport(sc.id)
        now = self.clock()
        hosts = source.allowed_hosts  # once: a `page` source works it out from all its URLs
        if not dry_run and not self._tracked_ready:
            ensure_tracked(self.db, self.config.cases, now)
            self._tracked_ready = True
        if dry_run:
            state: SourceState | str = self._state(sc)
        else:
            interval = self.intervals(sc, source) if self.intervals else None
            gap = max((self.config.http.for_host(h)[1] for h in hosts), default=0.0)
            state = claim(
                self.db, sc, self.owner, now,
                hosts=hosts, host_gap=timedelta(seconds=gap), interval=interval,
            )
        if isinstance(state, str):
            report.skipped = state
            log.info("%s: skipped, %s", sc.id, report.skipped)
            return report
        report.baseline = not state.baseline_done and not self.config.monitor.send_on_first_run
        known = self._known(sc.id)
        # Validators of the documents this cycle fetches, loaded in bulk once they are chosen;
        # listing/feed URLs fetched during discovery are looked up one by one.
        validators: dict[str, Validators | None] = {}
        pages: dict[str, Validators] = {}  # every URL fetched this cycle → its validators
        plugin_state, first_listing = baseline.split(state.state_json)
        ctx = SourceContext(
            fetch=self._fetcher_for(hosts, validators, pages), state=plugin_state, now=now
        )
        try:
            refs = await self._discover(source, ctx)
        except FetchError as exc:
            self._names[sc.id] = display_name(source, sc.name, ctx.state)
            report.failure = exc
            self._finish(sc, report, ctx, pages, set(), set(), now, dry_run)
            log_report(report)
            return report
        report.discovered = len(refs)
        self._names[sc.id] = display_name(source, sc.name, ctx.state)
        # A listing answered afresh (not 304) and empty is a sign of breakage; see guard.py.
        listed_afresh = bool(pages) and not source.recheck_every_cycle

        # Silent: what the first listing showed. Whatever appears after it is news, even while
        # a big first listing is still being absorbed over several cycles.
        silent: set[str] = set()
        if report.baseline:
            listed_new = {r.external_id for r in refs if r.external_id not in known}
            if first_listing is None:
                first_listing = baseline.Baseline(set(listed_new), len(listed_new), now)
            elif refs:  # what fell off the listing meanwhile is no longer waited for
                first_listing.pending &= listed_new
            silent = set(first_listing.pending)

        wanted = self._select(source, refs, known, now, report, silent)
        for ref in wanted:
            old = known.get(ref.external_id)
            if old is not None and old.url == ref.url:
                validators[ref.url] = old.validators
        validators.update(self._validators([r.url for r in wanted if r.url not in validators]))

        # A first run records new pages in batches as they arrive, so memory stays flat however
        # many pages a site has; later cycles collect first for the mass-change guard.
        new_refs = sum(r.external_id not in known for r in wanted)
        analyser = Analyser(lambda: self.classify)
        if self._use_worker(new_refs):
            analyser.start_worker(source)
        writer = (
            _BatchWriter(lambda batch: self._record_batch(sc, source, batch, now))
            if silent and not dry_run
            else None
        )
        in_flight = asyncio.Semaphore(IN_FLIGHT)  # pages held between fetch and analysis

        async def one(ref: DocumentRef) -> _Fetched:
            is_new = ref.external_id not in known
            async with in_flight:
                item = await self._fetch_one(source, ctx, ref, analyser, want_reading=is_new)
            if writer is not None and ref.external_id in silent and item.document is not None:
                await writer.add(item)
            return item

        try:
            fetched = await asyncio.gather(*(one(r) for r in wanted))
            if writer is not None:
                await writer.close()
        finally:
            peak = analyser.close()
            if peak is not None:
                self.worker_peak_mb = max(self.worker_peak_mb, peak)
                log.debug("%s: analysis worker peak RSS %.0f MB", sc.id, peak)
        changed: list[_Fetched] = []
        unchanged_ids: list[int] = []
        for item in fetched:
            old = known.get(item.ref.external_id)
            if item.error is not None:
                self._document_error(item, old, report)
                report.new_failed += old is None
                continue
            report.fetched += 1
            if item.recorded:
                report.new += 1
                continue
            if item.page is None:
                report.not_modified += 1
                if old:
                    unchanged_ids.append(old.id)
                continue
            digest = item.digest
            if old is not None and old.content_hash == digest and old.removed_at is None:
                report.unchanged += 1
                unchanged_ids.append(old.id)
                continue
            changed.append(item)
            if old is None:
                report.new += 1
            else:
                report.changed += 1

        failed = len(report.errors)
        if wanted and failed and failed * 2 > len(wanted):
            report.failure = _worst(fetched)
        report.held = self._mass_change(report, fetched, known, listed_afresh)
        if not dry_run:
            self._record_all(sc, source, changed, report, now, silent)
            self._touch(unchanged_ids, now)
            self._record_removed(sc, source, fetched, known, report, now)
            if first_listing is not None:
                first_listing.pending -= {f.ref.external_id for f in fetched if f.recorded}
                first_listing.pending -= {f.ref.external_id for f in changed}
                if first_listing.pending:
                    report.progress = first_listing.progress(self.clock())
            if report.held:  # after every held event is written, so the note can count them
                self._held_notice(sc, source, report, now)
        else:
            self._preview(source, changed, report)
        # Recorded documents had their validators saved with them; the rest are saved at the end.
        skip_urls = {f.ref.url for f in fetched if f.error is not None}
        skip_urls |= {f.ref.url for f in fetched if f.recorded} | {f.ref.url for f in changed}
        doc_urls = {r.url for r in wanted}
        self._finish(sc, report, ctx, pages, skip_urls, doc_urls, now, dry_run, first_listing)
        log_report(report)
        return report

    async def _discover(self, source: Source, ctx: SourceContext) -> list[DocumentRef]:
        refs: dict[str, DocumentRef] = {}
        try:
            async for ref in source.discover(ctx):
                refs.setdefault(ref.external_id, ref)
        except FetchError:
            raise
        except Exception as exc:  # a plugin bug is a parse failure of that source, not a crash
            log.exception("source %s raised while discovering", source.instance_id)
            raise ParseError(f"{source.instance_id}: discovery failed: {exc!r}") from exc
        return list(refs.values())

    def _select(
        self,
        source: Source,
        refs: list[DocumentRef],
        known: dict[str, _Known],
        now: datetime,
        report: CycleReport,
        silent: set[str],
    ) -> list[DocumentRef]:
        """New documents (news before the rest of the first listing), plus known ones whose
        age tier says they are due a re-check."""
        tiers = self.config.refetch
        if source.recheck_every_cycle:  # e.g. a fixed list of case pages
            return refs

        def due(k: _Known) -> bool:
            return is_due(tiers, k.published_at or k.first_seen_at, k.last_fetched_at, now)

        limit = self.config.monitor.max_documents_per_cycle
        new = [r for r in refs if r.external_id not in known]
        new.sort(key=lambda r: r.external_id in silent)  # stable: listing order otherwise
        report.deferred = max(0, len(new) - limit)  # the rest stay new and come next cycle
        new = new[:limit]
        listed = {r.external_id for r in refs}
        recheck = [r for r in refs if r.external_id in known and due(known[r.external_id])]
        # Documents that fell off the listing are still re-checked by age, by their stored URL,
        # to notice edits and removals.
        recheck += [
            DocumentRef(url=k.url, external_id=ext, published_at=k.published_at)
            for ext, k in known.items()
            if ext not in listed and k.removed_at is None and due(k)
        ]
        return new + recheck[: max(0, limit - len(new))]

    def _use_worker(self, pages_to_read: int) -> bool:
        """A worker process for parsing and reading: only the shipped reader (a test's own
        classifier stays here), only with a second core, only for enough pages."""
        if self.workers is not None:
            return self.workers > 0
        return (
            self._classifier is None
            and (os.cpu_count() or 1) > 1
            and pages_to_read >= WORKER_MIN_PAGES
        )

    async def _fetch_one(
        self,
        source: Source,
        ctx: SourceContext,
        ref: DocumentRef,
        analyser: Analyser,
        *,
        want_reading: bool,
    ) -> _Fetched:
        item = _Fetched(ref)
        try:
            result = await source.document(ctx, ref)
            if isinstance(result, NotModified):
                return item
            analysed = await analyser.analyse(source, ref, result, want_reading)
            item.document, item.digest = analysed.document, analysed.digest
            item.reading = analysed.reading
            item.page = replace(result, text="")  # keep memory flat over thousands of pages
        except FetchError as exc:
            item.error = exc
        return item

    def _document_error(self, item: _Fetched, old: _Known | None, report: CycleReport) -> None:
        exc = item.error
        assert exc is not None
        gone = isinstance(exc, HttpStatusError) and exc.status in (404, 410)
        if gone and old is not None:
            return  # handled by _record_removed
        report.errors.append(f"{exc.kind}: {exc}")
        log.warning(
            "%s: could not read %s: %s", report.source_id, item.ref.url, with_next_step(exc)
        )

    def _mass_change(
        self, report: CycleReport, fetched: list[_Fetched], known: dict[str, _Known], lists: bool
    ) -> bool:
        if report.baseline:
            return False
        moved = []
        for f in fetched:
            old = known.get(f.ref.external_id)
            if old is None:
                continue  # new documents are news, never a sign of breakage
            if _is_gone(f.error) and old.removed_at is None:
                moved.append({"title": f.ref.title or "", "url": f.ref.url, "how": "gone"})
            elif f.digest and (f.digest != old.content_hash or old.removed_at is not None):
                title = f.document.title if f.document else f.ref.title or ""
                moved.append({"title": title, "url": f.ref.url, "how": "changed"})
        report.known = len(known)
        report.held_reason = trips(
            known=len(known), changed=len(moved) - sum(m["how"] == "gone" for m in moved),
            removed=sum(m["how"] == "gone" for m in moved),
            discovered=report.discovered, lists=lists,
            settings=self.config.monitor,
        )
        if report.held_reason is not None:
            report.held_documents = moved
        return report.held_reason is not None

    # ---- writing -----------------------------------------------------------------------------

    def _record_all(
        self,
        sc: SourceConfig,
        source: Source,
        changed: list[_Fetched],
        report: CycleReport,
        now: datetime,
        silent: set[str],
    ) -> None:
        status = "held" if report.held else "live"
        for item in changed:
            # The baseline is silent about what the first listing showed; a document an
            # interrupted earlier baseline already recorded has changed since: that is news.
            quiet = item.ref.external_id in silent
            self._record_one(sc, source, item, None if quiet else status, report, now)

    def _record_one(
        self,
        sc: SourceConfig,
        source: Source,
        item: _Fetched,
        status: str | None,
        report: CycleReport,
        now: datetime,
    ) -> None:
        """One document, its classification, cases and events: one transaction."""
        from monitor.recorder import record  # only when a page changed: ~5 ms of imports

        assert item.document is not None and item.page is not None
        obs = self._observe(sc, source, item)
        with Session(self.db) as session:
            events = record(
                session,
                obs,
                now=now,
                event_status=status,
                enqueue=lambda s, e, text: self._enqueue(s, e, self.config, text=text, now=now),
            )
            session.commit()
            report.events.extend(event_summary(e) for e in events)

    def _record_batch(
        self, sc: SourceConfig, source: Source, items: list[_Fetched], now: datetime
    ) -> None:
        """New pages of a baseline, silently, hundreds to a transaction (runs in a thread)."""
        from monitor.bulk_recorder import record_baseline
        from monitor.recorder import record

        with Session(self.db) as session:
            record_baseline(
                session, [self._observe(sc, source, item) for item in items], now=now,
                record_one=lambda obs: record(
                    session, obs, now=now, event_status=None,
                    enqueue=lambda s, e, text: self._enqueue(s, e, self.config, text=text, now=now),
                ),
            )  # fmt: skip
            session.commit()
        for item in items:
            item.recorded, item.document, item.reading = True, None, None

    def _observe(self, sc: SourceConfig, source: Source, item: _Fetched) -> Observed:
        from monitor.recorder import Observed

        doc, page = item.document, item.page
        assert doc is not None and page is not None and item.digest is not None
        cls = item.reading or self.classify(doc.title, doc.text)
        return Observed(
            source_id=sc.id,
            source_name=self._names.get(sc.id, source.name),
            ref=item.ref,
            page=page,
            document=doc,
            classification=cls,
            content_hash=item.digest,
            links=self.matcher.tracked(doc.title, doc.text, cls.force or doc.force),
            clues=clues_of(doc, page.url, cls),
            timezone=source.timezone,  # hearing dates are found by the recorder
        )

    def _preview(self, source: Source, changed: list[_Fetched], report: CycleReport) -> None:
        for item in changed:
            assert item.document is not None
            cls = self.classify(item.document.title, item.document.text)
            report.events.append(
                {
                    "kind": "would_record",
                    "title": item.document.title,
                    "url": item.ref.url,
                    "stage": cls.stage,
                    "evidence": cls.evidence,
                }
            )

    def _touch(self, ids: list[int], now: datetime) -> None:
        """Unchanged documents: one batched UPDATE of their seen times, nothing else."""
        if not ids:
            return
        with Session(self.db) as session:
            for start in range(0, len(ids), 500):
                session.exec(
                    update(DocumentRow)
                    .where(col(DocumentRow.id).in_(ids[start : start + 500]))
                    .values(last_seen_at=now, last_fetched_at=now)
                )
            session.commit()

    def _record_removed(
        self,
        sc: SourceConfig,
        source: Source,
        fetched: list[_Fetched],
        known: dict[str, _Known],
        report: CycleReport,
        now: datetime,
    ) -> None:
        for item in fetched:
            exc, old = item.error, known.get(item.ref.external_id)
            if not (_is_gone(exc) and old):
                continue
            if old.removed_at is not None:
                continue
            # Only for a page gone: the removal module loads the recorder.
            from monitor.removal import record_removal

            report.removed += 1
            with Session(self.db) as session:
                events = record_removal(
                    session,
                    old.id,
                    source_name=self._names.get(sc.id, source.name),
                    now=now,
                    status="baseline" if report.baseline else "held" if report.held else "live",
                    enqueue=lambda s, e: self._enqueue(s, e, self.config, text="", now=now),
                )
                session.commit()
                report.events.extend(event_summary(e) for e in events)

    def _held_notice(
        self, sc: SourceConfig, source: Source, report: CycleReport, now: datetime
    ) -> None:
        from monitor.health import mass_change_event

        with Session(self.db) as session:
            event = mass_change_event(
                session, sc.id, self._names.get(sc.id, source.name), report, now
            )
            if event is not None:
                self._enqueue(session, event, self.config, text="", now=now)
            session.commit()
        what = (
            "its listing came back empty" if report.held_reason == "emptied"
            else f"{len(report.held_documents)} of its {report.known} known documents changed"
        )
        held = sum(1 for e in report.events if e.get("status") == "held")
        if not held:
            log.warning(
                "%s: %s (layout change or parser fault?); no alert came of it, so nothing is "
                "held. Check the source.", sc.id, what,
            )
            return
        log.warning(
            "%s: %s; this cycle's %d alert(s) are held (layout change or parser fault?). Check "
            "the source, then send them with `oversight-monitor held --release %s` or drop them "
            "with `oversight-monitor held --discard %s`.",
            sc.id, what, held, sc.id, sc.id,
        )

    def _finish(
        self,
        sc: SourceConfig,
        report: CycleReport,
        ctx: SourceContext,
        pages: dict[str, Validators],
        skip_urls: set[str],
        doc_urls: set[str],
        now: datetime,
        dry_run: bool,
        first_listing: baseline.Baseline | None = None,
    ) -> None:
        """Save cursor, validators and health. Listings and cursors only move on when every
        new document was recorded, so a failure or a kill means they are read again; what the
        first listing showed and is not recorded yet is saved every cycle."""
        from monitor.health import record_health

        if dry_run:
            return
        complete = report.ok and not report.new_failed and not report.deferred
        with Session(self.db) as session:
            state = session.get(SourceState, sc.id)
            assert state is not None
            for url, validators in pages.items():
                if url not in skip_urls and (complete or url in doc_urls):
                    _save_validators(session, url, validators, now)
            if complete:
                state.state_json = baseline.join(ctx.state, None, now)
                state.baseline_done = True
            elif first_listing is not None:  # the plugin's cursor stays where it was
                saved, _ = baseline.split(state.state_json)
                state.state_json = baseline.join(saved, first_listing, self.clock())
            record_health(
                session,
                state,
                report,
                self.config,
                source_name=self._names.get(sc.id, sc.id),
                now=now,
                enqueue=lambda s, e: self._enqueue(s, e, self.config, text="", now=now),
            )
            release(state, self.clock())
            session.add(state)
            session.commit()

    # ---- reading -----------------------------------------------------------------------------

    def _state(self, sc: SourceConfig) -> SourceState:
        with Session(self.db) as session:
            return session.get(SourceState, sc.id) or SourceState(
                source_id=sc.id, plugin=sc.plugin_id
            )

    def _known(self, source_id: str) -> dict[str, _Known]:
        """The source's documents with the validators stored for their URLs, in one query."""
        query = (
            select(
                DocumentRow.external_id,
                DocumentRow.id,
                DocumentRow.url,
                DocumentRow.content_hash,
                DocumentRow.published_at,
                DocumentRow.first_seen_at,
                DocumentRow.last_fetched_at,
                DocumentRow.removed_at,
                HttpValidator.url,
                HttpValidator.etag,
                HttpValidator.last_modified,
            )
            .outerjoin(HttpValidator, col(HttpValidator.url) == col(DocumentRow.url))
            .where(DocumentRow.source_id == source_id)
        )
        with Session(self.db) as session:
            rows = session.exec(query).all()
        return {
            r[0]: _Known(*r[1:8], Validators(r[9], r[10]) if r[8] is not None else None)
            for r in rows
        }

    def _validators(self, urls: list[str]) -> dict[str, Validators | None]:
        """Stored validators of `urls` (None: none stored), in chunked plain-column queries."""
        found: dict[str, Validators | None] = dict.fromkeys(urls)
        with Session(self.db) as session:
            for start in range(0, len(urls), 500):
                chunk = urls[start : start + 500]
                query = select(
                    HttpValidator.url, HttpValidator.etag, HttpValidator.last_modified
                ).where(col(HttpValidator.url).in_(chunk))
                for url, etag, last_modified in session.exec(query):
                    found[url] = Validators(etag, last_modified)
        return found

    def _fetcher_for(
        self,
        hosts: frozenset[str],
        cache: dict[str, Validators | None],
        pages: dict[str, Validators],
    ) -> Callable[..., Any]:
        async def fetch(url: str, conditional: bool = True) -> Page | NotModified:
            if not conditional:
                validators = None
            elif url in cache:  # bulk-loaded (None: nothing stored)
                validators = cache[url]
            else:
                validators = self._validator(url)
            result = await self.fetcher.get(url, allowed_hosts=hosts, validators=validators)
            if isinstance(result, Page):
                pages[url] = result.validators
            return result

        return fetch

    def _validator(self, url: str) -> Validators | None:
        with Session(self.db) as session:
            v = session.get(HttpValidator, url)
            return Validators(v.etag, v.last_modified) if v else None


class _BatchWriter:
    """Collects new pages and records them BATCH at a time in a thread, one write at a time,
    so fetching and reading carry on while a batch is written."""

    def __init__(self, write: Callable[[list[_Fetched]], None]) -> None:
        self._write = write
        self._items: list[_Fetched] = []
        self._running: asyncio.Future[None] | None = None
        self._lock = asyncio.Lock()  # one flush at a time, batches in order

    async def add(self, item: _Fetched) -> None:
        self._items.append(item)
        if len(self._items) >= BATCH:
            await self._flush()

    async def _flush(self) -> None:
        async with self._lock:
            await self._wait()  # a failed write stops the cycle here
            batch, self._items = self._items, []
            if batch:
                self._running = asyncio.ensure_future(asyncio.to_thread(self._write, batch))

    async def _wait(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            await running

    async def close(self) -> None:
        await self._flush()
        async with self._lock:
            await self._wait()


def _save_validators(*args: Any) -> None:
    """The recorder's, loaded once a page came back afresh: a quiet cycle does without it."""
    from monitor.recorder import save_validators

    save_validators(*args)


def _outbox_enqueue(*args: Any, **kwargs: Any) -> Any:
    """The notifications outbox, imported (apprise, jinja2) only when an event is enqueued."""
    from notifications.outbox import enqueue

    return enqueue(*args, **kwargs)


def _is_gone(exc: FetchError | None) -> bool:
    return isinstance(exc, HttpStatusError) and exc.status in (404, 410)


def _worst(fetched: list[_Fetched]) -> FetchError:
    errors = [f.error for f in fetched if f.error is not None]
    parse = [e for e in errors if isinstance(e, ParseError)]
    return (parse or errors)[0]
