"""Request economy: a feed-driven source with 5,000 known articles and nothing new, polled every
15 minutes with an injected clock, against a local feed + article server.

    python benchmarks/economy.py [--articles 5000] [--days 7] [--json OUT]

1. Baseline: the feed lists all articles (one every 3.5 h back from the newest, so ~2 years);
   one cycle records them all (max_documents_per_cycle raised to the article count for it).
2. The feed then lists only its newest 50 items, as real feeds do, and never changes again.
3. `days` x 96 cycles, 15 simulated minutes apart (Engine(clock=...)), with the default
   [refetch] age tiers and the default max_documents_per_cycle. The server counts every request.

The naive poller re-fetches every known article each cycle: 96 x (articles + 1 feed) a day.
The classifier is replaced by a constant here: no document changes, so it would only run
during the baseline, and what is counted is requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEWEST = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
EVERY_HOURS = 3.5


def config_text(db: Path, feed: str, max_docs: int) -> str:
    return f"""
[monitor]
database = "{db}"
max_documents_per_cycle = {max_docs}

[http]
contact = "benchmarks@example.org"
min_delay_seconds = 0
concurrency_per_host = 32
max_connections = 32
retries = 0

[refetch]          # the defaults, written out
recent_days = 7
older_days = 60
older_every_hours = 24
old_every_hours = 168

[[sources]]
id = "news"
plugin = "feed"
options = {{ url = "{feed}" }}
"""


def stub(title: str, text: str):  # type: ignore[no-untyped-def]
    from monitor.stages.reader import Classification

    return Classification("not_a_case_update", "Not a case update", None)


async def simulate(
    base: str, work: Path, articles: int, days: int, profile: Path | None = None
) -> dict:  # type: ignore[type-arg]
    from monitor.app import build_sources, database
    from monitor.config import parse_config
    from monitor.engine import Engine
    from monitor.http.fetcher import Fetcher

    def admin(cmd: str) -> dict:  # type: ignore[type-arg]
        with urllib.request.urlopen(f"{base}/_admin/{cmd}", timeout=30) as r:
            return json.loads(r.read())

    db_path = work / "economy.db"
    baseline_cfg = parse_config(config_text(db_path, f"{base}/feed.xml", max(articles, 200)))
    day_cfg = parse_config(config_text(db_path, f"{base}/feed.xml", 200))
    db = database(baseline_cfg)
    now = [NEWEST + timedelta(hours=1)]
    clock = lambda: now[0]  # noqa: E731
    out: dict = {"articles": articles, "cycles_per_day": 96, "days": []}  # type: ignore[type-arg]
    async with Fetcher(day_cfg.http) as fetcher:
        (cs,) = build_sources(baseline_cfg)
        t = time.perf_counter()
        report = await Engine(
            baseline_cfg,
            db,
            fetcher,
            classifier=stub,
            clock=clock,
            owner="bench",
            enqueue=lambda *a, **k: 0,
        ).run_source(cs.config, cs.source)
        out["baseline"] = {
            "new": report.new,
            "fetched": report.fetched,
            "seconds": time.perf_counter() - t,
            "requests": admin("stats")["requests"],
            "failure": str(report.failure or ""),
        }
        print(
            f"  baseline: {report.new} articles recorded in {out['baseline']['seconds']:.1f} s",
            flush=True,
        )
        admin("limit?n=50")
        (cs,) = build_sources(day_cfg)
        engine = Engine(
            day_cfg,
            db,
            fetcher,
            classifier=stub,
            clock=clock,
            owner="bench",
            enqueue=lambda *a, **k: 0,
        )
        prof = None
        if profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        for day in range(days):
            admin("reset")
            t, fetched, failures = time.perf_counter(), 0, 0
            for _ in range(96):
                now[0] += timedelta(minutes=15)
                r = await engine.run_source(cs.config, cs.source)
                fetched += r.fetched
                failures += bool(r.failure) + r.new + r.changed
            st = admin("stats")
            naive = 96 * (articles + 1)
            out["days"].append(
                {
                    "day": day + 1,
                    "requests": st["requests"],
                    "feed": st["feed"],
                    "article": st["article"],
                    "other": st["other"],
                    "status": st["status"],
                    "naive": naive,
                    "ratio": naive / max(1, st["requests"]),
                    "seconds": time.perf_counter() - t,
                    "unexpected": failures,
                }
            )
            d = out["days"][-1]
            print(
                f"  day {day + 1}: {d['requests']} requests ({d['feed']} feed, {d['article']} articles, "
                f"{d['other']} other) vs naive {naive}: {d['ratio']:.0f}x fewer; "
                f"{d['seconds'] / 96 * 1000:.0f} ms per cycle",
                flush=True,
            )
        if prof:
            prof.disable()
            prof.dump_stats(profile)
    total = sum(d["requests"] for d in out["days"])
    out["mean_per_day"] = total / max(1, days)
    out["mean_ratio"] = 96 * (articles + 1) / max(1.0, out["mean_per_day"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--profile", type=Path, help="cProfile the daily cycles (not the baseline) into this file"
    )
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="om-economy-") as tmp:
        work = Path(tmp)
        port_file = work / "port"
        srv = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "feedserver.py"),
                "--articles",
                str(a.articles),
                "--newest",
                NEWEST.isoformat(),
                "--every-hours",
                str(EVERY_HOURS),
                "--port-file",
                str(port_file),
            ]
        )
        try:
            for _ in range(600):
                if port_file.exists():
                    break
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port_file.read_text()}"
            result = asyncio.run(simulate(base, work, a.articles, a.days, a.profile))
        finally:
            srv.terminate()
            srv.wait()
    print(
        f"  mean over {a.days} day(s): {result['mean_per_day']:.0f} requests/day, "
        f"{result['mean_ratio']:.0f}x fewer than re-fetching every article each cycle"
    )
    if a.json:
        a.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
