"""Daemon steady state: one process, one Fetcher, one Engine, `cycles` cycles over `pages` case
pages of which none changes. Watches RSS, database size and per-cycle time.

    python benchmarks/soak.py [--cycles 500] [--pages 1000] [--warmup 10] [--json OUT]

The first cycle is the baseline (the classifier is replaced by a constant for it, to save
minutes: no page changes afterwards, so it never runs again). Then `cycles` unchanged cycles,
back to back, like the daemon's scheduler would run them with interval 0. RSS is VmRSS from
/proc/self/status after each cycle; database size is the SQLite file plus its -wal.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def slope(ys: list[float]) -> float:
    """Least-squares slope per cycle."""
    n = len(ys)
    if n < 2:
        return 0.0
    mx, my = (n - 1) / 2, statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in enumerate(ys)) / sum((x - mx) ** 2 for x in range(n))


def stub(title: str, text: str):  # type: ignore[no-untyped-def]
    from monitor.stages.reader import Classification

    return Classification("not_a_case_update", "Not a case update", None)


async def soak(base: str, work: Path, pages: int, cycles: int, warmup: int) -> dict:  # type: ignore[type-arg]
    from monitor.app import build_sources, database
    from monitor.config import parse_config
    from monitor.engine import Engine
    from monitor.http.fetcher import Fetcher
    from run import config_toml  # type: ignore[import-not-found]

    urls = work / "urls.txt"
    urls.write_text("".join(f"{base}/case/{i}\n" for i in range(pages)))
    db_path = work / "soak.db"
    config = parse_config(config_toml(db_path, urls, pages, 32))
    db = database(config)
    (cs,) = build_sources(config)

    def db_bytes() -> tuple[int, int]:
        wal = db_path.with_name(db_path.name + "-wal")
        return db_path.stat().st_size, wal.stat().st_size if wal.exists() else 0

    def rows() -> dict[str, int]:
        with sqlite3.connect(db_path) as c:
            names = [r[0] for r in c.execute("select name from sqlite_master where type='table'")]
            return {n: c.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}

    samples = []
    async with Fetcher(config.http) as fetcher:
        t = time.perf_counter()
        base_report = await Engine(config, db, fetcher, classifier=stub, owner="soak",
                                   enqueue=lambda *a, **k: 0).run_source(cs.config, cs.source)
        print(f"  baseline: {base_report.new} pages in {time.perf_counter() - t:.1f} s", flush=True)
        engine = Engine(config, db, fetcher, owner="soak", enqueue=lambda *a, **k: 0)
        for i in range(cycles):
            w, c = time.perf_counter(), time.process_time()
            r = await engine.run_source(cs.config, cs.source)
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            main_db, wal = db_bytes()
            samples.append({"cycle": i + 1, "wall": wall, "cpu": cpu, "rss_mb": rss_mb(), "db": main_db,
                            "wal": wal, "not_modified": r.not_modified, "fetched": r.fetched,
                            "changed": r.changed + r.new, "failure": str(r.failure or "")})
            if i + 1 == warmup:
                rows_warm = rows()
            if (i + 1) % 25 == 0 or i + 1 in (1, warmup):
                s = samples[-1]
                print(f"  cycle {i + 1:>4}: {wall:5.2f} s wall, {cpu:5.2f} s CPU, RSS {s['rss_mb']:6.1f} MB, "
                      f"db {main_db / 1e6:6.2f} MB + wal {wal / 1e6:5.2f} MB", flush=True)
        gc.collect()
    after = samples[warmup - 1] if len(samples) >= warmup else samples[0]
    end = samples[-1]
    steady = samples[warmup:] or samples
    return {
        "pages": pages, "cycles": cycles, "warmup": warmup,
        "rss_after_warmup_mb": after["rss_mb"], "rss_end_mb": end["rss_mb"],
        "rss_growth_mb": end["rss_mb"] - after["rss_mb"], "rss_max_mb": max(s["rss_mb"] for s in samples),
        "rss_slope_mb_per_100_cycles": 100 * slope([s["rss_mb"] for s in steady]),
        "db_after_warmup": after["db"], "db_end": end["db"], "wal_end": end["wal"],
        "db_growth_per_cycle_bytes": (end["db"] - after["db"]) / max(1, len(steady)),
        "rows_after_warmup": rows_warm if len(samples) >= warmup else {}, "rows_end": rows(),
        "cycle_wall_median_s": statistics.median(s["wall"] for s in steady),
        "cycle_cpu_median_s": statistics.median(s["cpu"] for s in steady),
        "cycle_wall_first_s": samples[0]["wall"],
        "all_not_modified": all(s["not_modified"] == pages and s["changed"] == 0 for s in samples),
        "failures": sum(bool(s["failure"]) for s in samples),
        "samples": samples,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cycles", type=int, default=500)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--bundled-server", action="store_true")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    from run import PageServer  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory(prefix="om-soak-") as tmp:
        work = Path(tmp)
        server = PageServer(a.pages, work, prefer_shared=not a.bundled_server)
        print(f"  server: {server.which}", flush=True)
        try:
            result = asyncio.run(soak(server.base, work, a.pages, a.cycles, min(a.warmup, a.cycles)))
        finally:
            server.stop()
        result["server"] = server.which
    print(f"  RSS {result['rss_after_warmup_mb']:.1f} MB after warm-up -> {result['rss_end_mb']:.1f} MB at the end "
          f"({result['rss_growth_mb']:+.1f} MB); db growth {result['db_growth_per_cycle_bytes']:.0f} B/cycle; "
          f"median cycle {result['cycle_wall_median_s']:.2f} s")
    if a.json:
        a.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    main()
