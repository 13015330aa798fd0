"""The long-running daemon: one scheduled job per source, plus the outbox, digests and notes.

Jobs never overlap themselves (`max_instances=1`) and missed runs collapse into one
(`coalesce=True`). SIGTERM/SIGINT stop it within about two seconds: running cycles get a
short grace period, then are cancelled (network retries included), which is safe because every
document is its own transaction. A second SIGINT/SIGTERM exits at once (exit 130); a send in
flight then is repeated by the next start, as a killed daemon's is. SIGHUP reloads the config;
a config with errors is refused and the old one kept.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from monitor.app import ConfiguredSource, build_sources, database
from monitor.check_now import POLL_SECONDS
from monitor.config import Config, SourceConfig, load_config
from monitor.engine import Engine
from monitor.errors import MonitorError, StoreError
from monitor.http.fetcher import Fetcher
from monitor.lease import jitter
from monitor.store.tables import SourceState
from monitor.store.watch import StorageWatch
from sources.base import Source

log = logging.getLogger("monitor.daemon")
T = TypeVar("T")

STOP_GRACE_SECONDS = 1.0  # then running cycles are cancelled: a stop takes under 2 s
EXIT_INTERRUPTED = 130


async def _off_loop(work: Callable[..., T], *args: object) -> T:
    """Run blocking work (a send, a database note) in a daemon thread.

    Unlike asyncio.to_thread, a stop never waits for it: a send hung on a silent server would
    hold the exit until its timeout. A send cut short this way is repeated at the next start,
    exactly as after a `kill -9` (the outbox row was claimed before the send).
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():
            return  # the job was cancelled by a stop meanwhile
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result, error = work(*args), None
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting job
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:
            pass  # the loop is closed: the daemon has stopped

    threading.Thread(target=run, name=f"monitor-{work.__name__}", daemon=True).start()
    return await done


def exit_now_if_sends_in_flight() -> None:
    """After a clean stop: a send still waiting on a silent server must not hold the exit
    (apprise's own worker threads are joined at interpreter exit). It is cut, and repeated at
    the next start, as after a `kill -9`."""
    busy = [t for t in threading.enumerate() if t is not threading.main_thread() and t.is_alive()]
    if busy:
        log.warning("%d send(s) still in flight at stop; they will be repeated at the next start",
                    len(busy))
        logging.shutdown()
        os._exit(0)


class Daemon:
    def __init__(
        self, config_path: Path, *, web: str | None = None, create_db: bool = False
    ) -> None:
        self.config_path = config_path
        self.config: Config = load_config(config_path)
        self.sources = build_sources(self.config)  # first: a config mistake makes no database
        self.db = database(self.config, create_empty=create_db)
        self.storage = StorageWatch(self.db, [s.id for s in self.sources], self._tell_maintainers)
        self.web = web
        if web:  # refuse a bad address before anything starts
            from monitor.web.server import check_listen

            check_listen(web, self.config)
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = asyncio.Event()
        self.running: set[asyncio.Task[None]] = set()
        self.cycles = 0
        self.asked: set[str] = set()  # "check now" requests taken, not yet run

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop, sig.name)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        async with Fetcher(self.config.http) as fetcher:
            self.fetcher = fetcher
            self.engine = self._engine()
            self.scheduler = AsyncIOScheduler(timezone=UTC)
            self._schedule()
            self.scheduler.start()
            self._write_next_runs()
            server = await self._start_web() if self.web else None
            log.info(
                "daemon started with %d source(s): %s; database %s",
                len(self.sources),
                ", ".join(s.id for s in self.sources) or "none",
                self.config.monitor.database
                if "://" not in self.config.monitor.database
                else "(url)",
            )
            await self.stopping.wait()
            # Drain before shutting the scheduler down: its shutdown cancels running jobs,
            # which would cut short the cycles the grace period promises to let finish.
            self.scheduler.pause()
            if server is not None:
                server.should_exit = True
            await self._drain()
            self.scheduler.shutdown(wait=False)
            if server is not None:
                await asyncio.wait([server.task], timeout=STOP_GRACE_SECONDS)
        log.info("daemon stopped cleanly after %d source cycle(s)", self.cycles)

    def stop(self, why: str = "request") -> None:
        if self.stopping.is_set():
            # The operator asked twice: do not make them wait for anything.
            log.warning("second %s: exiting at once; sends in flight will be retried", why)
            logging.shutdown()
            os._exit(EXIT_INTERRUPTED)
        log.info(
            "stopping on %s; running cycles get %gs to finish, then are cancelled",
            why, STOP_GRACE_SECONDS,
        )
        self.stopping.set()

    def reload(self) -> None:
        try:
            config = load_config(self.config_path)
            sources = build_sources(config)
        except MonitorError as exc:
            log.error("config reload refused, keeping the running config: %s", exc)
            return
        self.config, self.sources = config, sources
        self.storage.source_ids = {s.id for s in sources}
        self.engine = self._engine()
        for job in self.scheduler.get_jobs():
            job.remove()
        self._schedule()
        self._write_next_runs()
        log.info("config reloaded: %d source(s)", len(sources))

    # ---- jobs --------------------------------------------------------------------------------

    def _engine(self) -> Engine:
        return Engine(
            self.config, self.db, self.fetcher, owner=self.owner, intervals=self._interval_for
        )

    def _interval_for(self, sc: SourceConfig, _source: Source) -> timedelta | None:
        """The source's interval, kept fleet-wide by its lease; none for a run a maintainer
        asked for ("check now")."""
        if sc.id in self.asked:
            self.asked.discard(sc.id)
            return None
        return next((cs.interval for cs in self.sources if cs.id == sc.id), None)

    def _schedule(self) -> None:
        now = datetime.now(UTC)
        for i, cs in enumerate(self.sources):
            seconds = cs.interval.total_seconds()
            self.scheduler.add_job(
                self._tracked(self._cycle),
                IntervalTrigger(seconds=seconds, jitter=jitter(cs.interval).total_seconds()),
                args=[cs],
                id=f"source:{cs.id}",
                max_instances=1,
                coalesce=True,
                # Spread the first runs so a restart does not hit every site at once.
                next_run_time=now + timedelta(seconds=i * 2 + random.random()),
                misfire_grace_time=None,
            )
        housekeeping: list[tuple[str, Callable[[], Awaitable[None]], float]] = [
            ("outbox", self._outbox, self.config.outbox.interval_seconds),
            ("digests", self._digests, 60),
            ("dead-letters", self._dead_letters, 300),
            ("reminders", self._reminders, 900),
            ("check-requests", self._check_requests, POLL_SECONDS),
        ]
        for name, job, seconds in housekeeping:
            self.scheduler.add_job(
                self._tracked(job),
                IntervalTrigger(seconds=seconds),
                id=name,
                max_instances=1,
                coalesce=True,
                next_run_time=now,
                misfire_grace_time=None,
            )

    def _tracked(self, job: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """Remember running jobs so a stop can wait for them; never let one kill the daemon."""

        async def wrapper(*args: object) -> None:
            if self.stopping.is_set():
                return
            task = asyncio.current_task()
            assert task is not None
            self.running.add(task)
            try:
                await job(*args)
            except asyncio.CancelledError:
                if not self.stopping.is_set():
                    raise
                # Cancelled by our own stop: expected, so no traceback from the scheduler.
            except MonitorError as exc:  # typed: the message says it all, no traceback
                log.error(
                    "job %s failed: %s; it will run again at its next time", job.__name__, exc
                )
                if isinstance(exc, StoreError):
                    await _off_loop(self.storage.failed, exc)
            except Exception:
                log.exception("job %s failed; it will run again at its next time", job.__name__)
            finally:
                self.running.discard(task)

        wrapper.__name__ = job.__name__
        return wrapper

    async def _cycle(self, cs: ConfiguredSource) -> None:
        report = await self.engine.run_source(cs.config, cs.source)  # it logs its own summary
        self.cycles += 1
        when = self._write_next_runs(cs.id).get(cs.id)
        if report.failure and when:
            # Otherwise an operator hears nothing until the next try, up to an interval away.
            local = when.astimezone(ZoneInfo(self.config.monitor.timezone))
            log.info("%s: next try at %s", cs.id, local.strftime("%H:%M"))
        await self._outbox()
        await _off_loop(self.storage.source_worked, cs.id)

    def _tell_maintainers(self, subject: str, body: str) -> None:
        from notifications.health import send_direct_note

        send_direct_note(self.config, subject, body)

    async def _check_requests(self) -> None:
        """Run at once the sources a maintainer asked to check (monitor/check_now.py)."""
        from monitor.check_now import take_requests

        for source_id in await _off_loop(take_requests, self.db):
            job = self.scheduler.get_job(f"source:{source_id}")
            if job is not None:
                self.asked.add(source_id)
                job.modify(next_run_time=datetime.now(UTC))
                log.info("checking %s now, as a maintainer asked", source_id)

    def _write_next_runs(self, only: str | None = None) -> dict[str, datetime]:
        """Store each source's next scheduled run (shown by `sources` and the web)."""
        found: dict[str, datetime] = {}
        for job in self.scheduler.get_jobs():
            source_id = job.id.removeprefix("source:")
            if job.id.startswith("source:") and only in (None, source_id) and job.next_run_time:
                found[source_id] = job.next_run_time
        if not found:
            return found
        try:
            with Session(self.db) as session:
                for source_id, when in found.items():
                    session.exec(  # type: ignore[call-overload]
                        update(SourceState)
                        .where(col(SourceState.source_id) == source_id)
                        .values(next_run_at=when)
                    )
                session.commit()
        except (StoreError, SQLAlchemyError) as exc:  # a shown time is not worth a failed cycle
            log.warning("could not store the next run times: %s", exc)
        return found

    async def _outbox(self) -> None:
        from notifications.outbox import deliver_due

        await _off_loop(deliver_due, self.db, self.config)

    async def _digests(self) -> None:
        from notifications.digest import send_due_digests

        await _off_loop(send_due_digests, self.db, self.config)

    async def _dead_letters(self) -> None:
        from notifications.health import dead_letter_note

        await _off_loop(dead_letter_note, self.db, self.config)

    async def _reminders(self) -> None:
        from monitor.cases.reminders import send_reminders

        await _off_loop(send_reminders, self.db, self.config, datetime.now(UTC))

    async def _drain(self) -> None:
        if not self.running:
            return
        done, pending = await asyncio.wait(set(self.running), timeout=STOP_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5)
            log.warning(
                "%d cycle(s) cancelled at stop; they will run again next start", len(pending)
            )

    async def _start_web(self) -> object:
        from monitor.web.server import start_server

        return await start_server(self.config, self.db, self.web)
