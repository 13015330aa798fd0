"""Backfill of a large archive: a 5,000-item IOPC-like listing (Drupal pager, 20 items a page)
read by the real `iopc` source with the default politeness, killed once mid-way, resumed.

    python benchmarks/backfill.py [--items 5000] [--kill-after 3] [--json OUT]

The archive is served from 127.0.0.1 (`/news?page=N`, teasers with Drupal node ids, a "next"
link while there are more pages; articles `/news/item-N`, invented text). Cycles run in a child
process one after another, like the daemon with its 30-minute interval, on a virtual clock:
the fetcher's per-host gaps and the engine's clock advance it instead of real time, so the
politeness defaults (1 s between request starts, 2 at a time per host, 200 new documents per
cycle) shape the simulated duration exactly while the run takes minutes. The child is killed
(SIGKILL) during cycle `--kill-after` + 1 and started again; it must finish with every item
recorded once, no alert (it is all baseline) and the progress line on the terminal and in
`sources` at every cycle.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
PER_PAGE = 20


def archive_server(items: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            path, _, query = self.path.partition("?")
            if path == "/news":
                n = int(query.removeprefix("page=") or 0) if query.startswith("page=") else 0
                ids = range(items - 1 - n * PER_PAGE, max(-1, items - 1 - (n + 1) * PER_PAGE), -1)
                teasers = "".join(
                    f'<article data-history-node-id="{i}"><h3><a href="/news/item-{i}">'
                    f"Investigation update {i}</a></h3></article>"
                    for i in ids
                )
                more = (n + 1) * PER_PAGE < items
                pager = f'<a href="/news?page={n + 1}">Next</a>' if more else ""
                self.reply(
                    f"<html><body><main><h1>News</h1>{teasers}<nav>{pager}</nav>"
                    "</main></body></html>"
                )
            elif path.startswith("/news/item-"):
                i = path.rsplit("-", 1)[1]
                self.reply(
                    f"<html><head><title>Item {i}</title></head><body><main><h1>Investigation "
                    f"update {i}</h1><p>Published 3 May 2021</p><p>The IOPC has completed its "
                    f"investigation {i} into the contact Kent Police had with a man before his "
                    "death. The report was shared with the family and the coroner.</p>"
                    "</main></body></html>"
                )
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def reply(self, body: str) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


CHILD = r"""
import asyncio, json, sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from sqlmodel import Session, func, select
from monitor.app import build_sources, database
from monitor.baseline import describe
from monitor.config import load_config
from monitor.engine import Engine
from monitor.http.fetcher import Fetcher
from monitor.store.tables import DocumentRow, Event, SourceState
from monitor.views import source_health

config_path, clock_file = Path(sys.argv[1]), Path(sys.argv[2])
config = load_config(config_path)
db = database(config, create_empty=True)
(cs,) = build_sources(config)
# The virtual clock survives the kill: the time already simulated is kept in a file.
virtual = [json.loads(clock_file.read_text())["seconds"] if clock_file.exists() else 0.0]
start = datetime(2026, 12, 1, tzinfo=UTC)

async def sleep(seconds):
    virtual[0] += max(seconds, 0.0)
    await asyncio.sleep(0)

def wall():
    return start + timedelta(seconds=virtual[0])

async def main():
    async with Fetcher(config.http, sleep=sleep, clock=lambda: virtual[0]) as fetcher:
        engine = Engine(config, db, fetcher, clock=wall, enqueue=lambda *a, **k: None)
        while True:
            with Session(db) as session:
                state = session.get(SourceState, cs.config.id)
                if state is not None and state.baseline_done:
                    return
            real = time.perf_counter()
            report = await engine.run_source(cs.config, cs.source)
            (row,) = source_health(db, config)
            with Session(db) as session:
                done = session.exec(select(func.count()).select_from(DocumentRow)).one()
            print(json.dumps({"virtual_s": virtual[0], "real_s": time.perf_counter() - real,
                              "new": report.new, "requests": fetcher.stats["requests"],
                              "documents": done, "terminal": describe(report.progress) if report.progress else "baseline complete",
                              "sources": row["baseline"]}), flush=True)
            virtual[0] += 30 * 60  # the daemon's interval
            clock_file.write_text(json.dumps({"seconds": virtual[0]}))

asyncio.run(main())
with Session(db) as session:
    docs = session.exec(select(DocumentRow.external_id)).all()
    events = session.exec(select(func.count()).select_from(Event)).one()
print(json.dumps({"final": True, "documents": len(docs), "distinct": len(set(docs)), "events": events}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--kill-after", type=int, default=3, help="cycles completed before the kill")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    server = archive_server(a.items)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = -(-a.items // PER_PAGE)
    result: dict = {"items": a.items, "listing_pages": pages, "cycles": [], "kills": 0}
    with tempfile.TemporaryDirectory(prefix="om-backfill-") as tmp:
        work = Path(tmp)
        config = work / "config.toml"
        config.write_text(f"""
[monitor]
database = "{work / "monitor.db"}"

[http]
contact = "benchmarks@example.org"   # everything else: the politeness defaults

[[sources]]
id = "iopc"
plugin = "iopc"
base_url = "{base}"
options = {{ listings = ["/news"], max_pages = {pages + 5} }}
""")
        env = dict(os.environ, PYTHONPATH=str(HERE.parent))
        t0 = time.perf_counter()
        while True:
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(config), str(work / "clock.json")],
                stdout=subprocess.PIPE,
                text=True,
                env=env,
                cwd=HERE.parent,
            )
            assert child.stdout is not None
            killed = False
            for line in child.stdout:
                record = json.loads(line)
                if record.get("final"):
                    result["final"] = record
                    continue
                result["cycles"].append(record)
                print(
                    f"  cycle {len(result['cycles']):>3}: {record['documents']:>5} recorded, "
                    f"simulated {record['virtual_s'] / 3600:6.2f} h, real {record['real_s']:5.1f} s  "
                    f"| {record['terminal']}",
                    flush=True,
                )
                if not result["kills"] and len(result["cycles"]) == a.kill_after:
                    time.sleep(3)  # into the next cycle: it is writing its first batches
                    child.send_signal(signal.SIGKILL)
                    result["kills"] += 1
                    killed = True
                    print(
                        "  -- killed (SIGKILL) during the next cycle; starting again --", flush=True
                    )
                    break
            child.wait()
            if not killed:
                break
        result["real_s"] = time.perf_counter() - t0
    server.shutdown()
    final = result.get("final", {})
    last = result["cycles"][-1] if result["cycles"] else {}
    result["ok"] = (
        final.get("documents") == final.get("distinct") == a.items
        and final.get("events") == 0
        and result["kills"] == 1
    )
    print(
        f"  {final.get('documents')} documents ({final.get('distinct')} distinct), {final.get('events')} "
        f"events, {len(result['cycles'])} cycles, simulated {last.get('virtual_s', 0) / 3600:.1f} h, "
        f"real {result['real_s']:.0f} s; ok = {result['ok']}"
    )
    if a.json:
        a.json.write_text(json.dumps(result, indent=1))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
