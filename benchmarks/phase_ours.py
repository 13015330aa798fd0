"""One oversight-monitor cycle in its own process (one benchmark phase), with counters.

    python benchmarks/phase_ours.py CONFIG.toml OUT.json

Does what `oversight-monitor check` does for one source (load config, open the database,
build sources, one shared Fetcher, Engine.run_source) and writes a JSON record:
  import_s / setup_s / cycle_s / cycle_cpu_s   time spent importing, opening, in run_source
  report                                       the CycleReport counters
  parsed                                       pages parsed: new + changed + unchanged-after-200 (0 on a 304-only run)
  sql                                          statements by verb and rows written (INSERT/UPDATE/DELETE)
  fetcher                                      the Fetcher's own request/304/byte counters
The delivery of alerts (outbox) is not part of the measured cycle.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import event  # noqa: E402

from monitor.app import build_sources, database  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.engine import Engine  # noqa: E402
from monitor.http.fetcher import Fetcher  # noqa: E402

IMPORT_S = time.perf_counter() - T0


def count_sql(db) -> Counter[str]:  # type: ignore[no-untyped-def]
    sql: Counter[str] = Counter()

    @event.listens_for(db, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        verb = statement.lstrip().split(None, 1)[0].upper()
        sql[verb] += 1
        if verb in ("INSERT", "UPDATE", "DELETE") and cursor.rowcount and cursor.rowcount > 0:
            sql[f"rows_{verb.lower()}"] += cursor.rowcount
            table = statement.split()[2 if verb != "UPDATE" else 1].strip('"')
            sql[f"rows_{verb.lower()}:{table}"] += cursor.rowcount

    return sql


def stub_classifier(title: str, text: str):  # type: ignore[no-untyped-def]
    """Only for building a large baseline quickly (BENCH_STUB_CLASSIFIER=1); rows say so."""
    from monitor.stages.reader import Classification

    return Classification("not_a_case_update", "Not a case update", None)


def enqueue_fn():  # type: ignore[no-untyped-def]
    try:
        from notifications.outbox import enqueue

        return enqueue
    except ImportError:  # the outbox is not in this tree yet: events are still recorded
        return lambda *a, **k: 0


async def main(config_path: Path, out: Path) -> None:
    t = time.perf_counter()
    config = load_config(config_path)
    db = database(config)
    sql = count_sql(db)
    (cs,) = build_sources(config)
    async with Fetcher(config.http) as fetcher:
        kw = {"classifier": stub_classifier} if os.environ.get("BENCH_STUB_CLASSIFIER") else {}
        engine = Engine(config, db, fetcher, enqueue=enqueue_fn(), owner="bench", **kw)
        setup_s = time.perf_counter() - t
        sql.clear()
        w0, c0 = time.perf_counter(), time.process_time()
        report = await engine.run_source(cs.config, cs.source)
        cycle_s, cycle_cpu = time.perf_counter() - w0, time.process_time() - c0
        stats = dict(fetcher.stats)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out.write_text(json.dumps({
        "import_s": IMPORT_S, "setup_s": setup_s, "cycle_s": cycle_s, "cycle_cpu_s": cycle_cpu,
        "maxrss_mb_self": ru.ru_maxrss / 1024,
        "report": {k: getattr(report, k) for k in (
            "discovered", "fetched", "not_modified", "unchanged", "new", "changed", "removed",
            "baseline", "held", "deferred", "new_failed")} | {
            "events": len(report.events), "errors": report.errors[:5],
            "failure": str(report.failure) if report.failure else None},
        "stub_classifier": bool(kw), "parsed": report.new + report.changed + report.unchanged, "sql": dict(sql), "fetcher": stats,
    }))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
