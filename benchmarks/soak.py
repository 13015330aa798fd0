"""Daemon steady state: one process, one Fetcher, one Engine, `cycles` cycles over `pages` case
pages, `--change` of them changed before every cycle, then `--quiet-cycles` in which nothing
changes. Watches RSS, database size and per-cycle time.

    python benchmarks/soak.py [--cycles 500] [--pages 1000] [--change 0.01] [--quiet-cycles 10]

The first cycle is the baseline (the real reader). Then `cycles` cycles back to back, like the
daemon's scheduler with interval 0, each after the server changed `--change` of the pages
(`/_admin/bump`): these are read, classified and recorded as new versions, so the database
grows by what changed and nothing else. RSS is VmRSS from /proc/self/status after each cycle;
its trend is fitted over the changing cycles after warm-up. The database size (SQLite file plus
its -wal) is compared over the quiet cycles at the end, which must add nothing.
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


async def soak(
    server,
    work: Path,
    pages: int,
    cycles: int,
    warmup: int,  # type: ignore[no-untyped-def]
    change: float,
    quiet: int,
) -> dict:  # type: ignore[type-arg]
    base = server.base
    from run import config_toml  # type: ignore[import-not-found]

    from monitor.app import build_sources, database
    from monitor.config import parse_config
    from monitor.engine import Engine
    from monitor.http.fetcher import Fetcher

    urls = work / "urls.txt"
    urls.write_text("".join(f"{base}/case/{i}\n" for i in range(pages)))
    db_path = work / "soak.db"
    config = parse_config(config_toml(db_path, urls, pages, 32))
    db = database(config)
    (cs,) = build_sources(config)

    def db_bytes() -> tuple[int, int]:
        wal = db_path.with_name(db_path.name + "-wal")
        return db_path.stat().st_size, wal.stat().st_size if wal.exists() else 0

    def checkpointed_size() -> int:
        """The main file's size once the WAL is written back into it: the WAL itself only
        holds the latest pages (a quiet cycle rewrites its source-state row), so it is not
        growth, and a checkpoint grows the main file without adding anything."""
        with sqlite3.connect(db_path) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return db_bytes()[0]

    def rows() -> dict[str, int]:
        with sqlite3.connect(db_path) as c:
            names = [r[0] for r in c.execute("select name from sqlite_master where type='table'")]
            return {n: c.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}

    samples = []
    async with Fetcher(config.http) as fetcher:
        t = time.perf_counter()
        base_report = await Engine(
            config, db, fetcher, owner="soak", enqueue=lambda *a, **k: 0
        ).run_source(cs.config, cs.source)
        print(f"  baseline: {base_report.new} pages in {time.perf_counter() - t:.1f} s", flush=True)
        engine = Engine(config, db, fetcher, owner="soak", enqueue=lambda *a, **k: 0)
        for i in range(cycles + quiet):
            if i < cycles and change:
                server.admin(f"bump?fraction={change}&seed={i}")
            if i == cycles:
                rows_quiet, quiet_bytes = rows(), checkpointed_size()
            w, c = time.perf_counter(), time.process_time()
            r = await engine.run_source(cs.config, cs.source)
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            main_db, wal = db_bytes()
            samples.append(
                {
                    "cycle": i + 1,
                    "wall": wall,
                    "cpu": cpu,
                    "rss_mb": rss_mb(),
                    "db": main_db,
                    "wal": wal,
                    "not_modified": r.not_modified,
                    "fetched": r.fetched,
                    "changed": r.changed + r.new,
                    "failure": str(r.failure or ""),
                }
            )
            if i + 1 == warmup:
                rows_warm = rows()
            if (i + 1) % 25 == 0 or i + 1 in (1, warmup, cycles + 1, cycles + quiet):
                s = samples[-1]
                print(
                    f"  cycle {i + 1:>4}: {wall:5.2f} s wall, {cpu:5.2f} s CPU, RSS {s['rss_mb']:6.1f} MB, "
                    f"db {main_db / 1e6:6.2f} MB + wal {wal / 1e6:5.2f} MB",
                    flush=True,
                )
        gc.collect()
    changing, quiet_samples = samples[:cycles], samples[cycles:]
    after = changing[warmup - 1] if len(changing) >= warmup else changing[0]
    end = changing[-1]
    steady = changing[warmup:] or changing
    return {
        "pages": pages,
        "cycles": cycles,
        "warmup": warmup,
        "change": change,
        "quiet_cycles": quiet,
        "rss_after_warmup_mb": after["rss_mb"],
        "rss_end_mb": end["rss_mb"],
        "rss_growth_mb": end["rss_mb"] - after["rss_mb"],
        "rss_max_mb": max(s["rss_mb"] for s in samples),
        "rss_slope_mb_per_100_cycles": 100 * slope([s["rss_mb"] for s in steady]),
        "changed_per_cycle": statistics.mean(s["changed"] for s in changing),
        "db_after_warmup": after["db"],
        "db_end": end["db"],
        "wal_end": samples[-1]["wal"],
        "db_growth_per_changing_cycle_bytes": (end["db"] - after["db"]) / max(1, len(steady)),
        "db_growth_per_cycle_bytes": (
            (checkpointed_size() - quiet_bytes) / max(1, len(quiet_samples)) if quiet else 0.0
        ),
        "rows_after_warmup": rows_warm if len(changing) >= warmup else {},
        "rows_quiet_start": rows_quiet if quiet else {},
        "rows_end": rows(),
        "cycle_wall_median_s": statistics.median(s["wall"] for s in steady),
        "cycle_cpu_median_s": statistics.median(s["cpu"] for s in steady),
        "cycle_wall_first_s": samples[0]["wall"],
        "quiet_all_not_modified": all(
            s["not_modified"] == pages and s["changed"] == 0 for s in quiet_samples
        ),
        "failures": sum(bool(s["failure"]) for s in samples),
        "samples": samples,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cycles", type=int, default=500)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument(
        "--change", type=float, default=0.01, help="share of pages changed before each cycle"
    )
    ap.add_argument(
        "--quiet-cycles", type=int, default=10, help="unchanged cycles at the end (DB growth)"
    )
    ap.add_argument("--bundled-server", action="store_true")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    from run import PageServer  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory(prefix="om-soak-") as tmp:
        work = Path(tmp)
        server = PageServer(a.pages, work, prefer_shared=not a.bundled_server)
        print(f"  server: {server.which}", flush=True)
        try:
            result = asyncio.run(
                soak(
                    server,
                    work,
                    a.pages,
                    a.cycles,
                    min(a.warmup, a.cycles),
                    a.change,
                    a.quiet_cycles,
                )
            )
        finally:
            server.stop()
        result["server"] = server.which
    print(
        f"  RSS {result['rss_after_warmup_mb']:.1f} MB after warm-up -> {result['rss_end_mb']:.1f} MB at the end "
        f"({result['rss_growth_mb']:+.1f} MB); db growth {result['db_growth_per_cycle_bytes']:.0f} B per quiet cycle; "
        f"median cycle {result['cycle_wall_median_s']:.2f} s"
    )
    if a.json:
        a.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    main()
