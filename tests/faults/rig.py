"""A monitor on a bench: a real config file, a real database, the real engine and outbox.

The engine runs in-process on a virtual clock (`Rig.now`), with the fetcher's sleeps faked so a
Retry-After of minutes costs nothing; pages come from real local servers; alerts go to a real
JSON webhook on the same test server, so apprise, rendering and the outbox are all exercised.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from sqlmodel import Session, select

from monitor.app import build_sources, database
from monitor.cli import main
from monitor.config import load_config
from monitor.engine import CycleReport, Engine
from monitor.http.fetcher import Fetcher
from monitor.store.tables import Delivery, DocumentRow, DocumentVersion, Event
from notifications.outbox import DeliveryReport, deliver_due
from tests.fakes import FakeTime

ALL_EVENTS = '["stage_changed", "new_case", "case_update", "document_changed", "document_removed"]'


def case_fields(n: int | str, status: str = "Investigation ongoing", **extra: str) -> dict:
    """Fields for one CaseSite page: a distinct case with its own force and reference."""
    fields = {
        "title": f"Death in custody at station {n} – Kent Police",
        "status": status,
        "force": "Kent Police",
        "reference": f"2024/{n}",
        "body": f"The IOPC is independently investigating the death of a man, case {n}, "
        "following his arrest in Maidstone.",
    }
    return {**fields, **extra}


def on_host(url: str, host: str) -> str:
    """The same local server under another name: 127.0.0.1 and localhost are two hosts."""
    return url.replace("://localhost:", f"://{host}:").replace("://127.0.0.1:", f"://{host}:")


def page_source(source_id: str, *urls: str, extra: str = "") -> str:
    listed = ", ".join(json.dumps(u) for u in urls)
    return (
        f'[[sources]]\nid = "{source_id}"\nplugin = "page"\n'
        f"options = {{ urls = [{listed}] }}\n{extra}\n"
    )


class Rig:
    """One config file + database; `await cycle()` runs every source once at `now + step`."""

    def __init__(
        self,
        tmp_path: Path,
        server: HTTPServer,
        sources: str,
        *,
        monitor: dict[str, Any] | None = None,
        http: dict[str, Any] | None = None,
        health: dict[str, Any] | None = None,
        outbox: dict[str, Any] | None = None,
        refetch: dict[str, Any] | None = None,
        subscribers: str | None = None,
    ) -> None:
        self.server = server
        server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
        server.expect_request("/hook", method="POST").respond_with_data("ok")
        server.expect_request("/ops", method="POST").respond_with_data("ok")
        hook = f"json://127.0.0.1:{server.port}"
        if subscribers is None:
            subscribers = (
                f'[[subscribers]]\nname = "advocate"\nurls = ["{hook}/hook"]\n'
                f"events = {ALL_EVENTS}\n"
            )
        sections = {
            "monitor": {"database": "state/monitor.db", **(monitor or {})},
            "http": {
                "contact": "faults@example.org",
                "min_delay_seconds": 0,
                "retries": 0,
                "backoff_seconds": 0,
                "timeout_seconds": 5,
                **(http or {}),
            },
            "health": {"urls": [f"{hook}/ops"], "after_failures": 3, **(health or {})},
            "outbox": {"first_retry_seconds": 60, **(outbox or {})},
            "refetch": refetch or {},
        }
        tables = "\n".join(
            f"[{name}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())
            for name, values in sections.items()
        )
        self.path = tmp_path / "config.toml"
        self.path.write_text(
            f"""
{tables}

{sources}

{subscribers}
""",
            encoding="utf-8",
        )
        self.config = load_config(self.path)
        self.db = database(self.config)
        # Virtual time starts at the real time, so rows written by CLI commands (which use the
        # real clock, e.g. `held --release`) are due for the rig's outbox runs.
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.fake = FakeTime()

    async def cycle(
        self, only: str | None = None, *, step: timedelta = timedelta(minutes=30)
    ) -> dict[str, CycleReport]:
        """One cycle of every source (side by side, as `check` runs them), then the outbox."""
        self.now += step
        async with Fetcher(self.config.http, sleep=self.fake.sleep, clock=self.fake.clock) as f:
            engine = Engine(self.config, self.db, f, clock=lambda: self.now)
            sources = build_sources(self.config, only)
            reports = await asyncio.gather(
                *(engine.run_source(cs.config, cs.source) for cs in sources)
            )
        await asyncio.to_thread(self.deliver)
        return {r.source_id: r for r in reports}

    def deliver(self) -> DeliveryReport:
        return deliver_due(self.db, self.config, now=self.now)

    def cli(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, [*args, "-c", str(self.path)], catch_exceptions=False)
        return result.exit_code, result.output

    def health(self) -> dict[str, dict[str, Any]]:
        code, out = self.cli("sources", "--json")
        assert code == 0, out
        return {row["source_id"]: row for row in json.loads(out)}

    def events(self, *kinds: str, status: str | None = "live") -> list[Event]:
        """Events of these kinds (all if none given) with this status (any if None)."""
        with Session(self.db) as session:
            found = session.exec(select(Event).order_by(Event.id)).all()
        return [e for e in found if (not kinds or e.kind in kinds) and status in (None, e.status)]

    def deliveries(self) -> list[Delivery]:
        with Session(self.db) as session:
            return list(session.exec(select(Delivery).order_by(Delivery.id)))

    def versions(self) -> dict[str, list[str]]:
        """Every stored version's text, by document URL, oldest first."""
        with Session(self.db) as session:
            rows = session.exec(
                select(DocumentRow.url, DocumentVersion.text)
                .join(DocumentVersion, DocumentVersion.document_id == DocumentRow.id)
                .order_by(DocumentVersion.id)
            ).all()
        found: dict[str, list[str]] = {}
        for url, text in rows:
            found.setdefault(url, []).append(text)
        return found

    def posted(self, path: str = "/hook") -> list[dict[str, Any]]:
        """Bodies the webhook received at `path`, in order."""
        return [json.loads(r.get_data()) for r, _ in self.server.log if r.path == path]
