"""One `oversight-monitor check` in its own process (one benchmark phase), with counters.

    python benchmarks/phase_ours.py CONFIG.toml OUT.json

Runs the real command (`oversight-monitor check --config CONFIG.toml`, in this process, so it
can be counted) and writes a JSON record:
  startup_s                          process start → first cycle starts (imports, config, DB)
  cycle_s / cycle_cpu_s              time inside Engine.run_source (this process's CPU)
  maxrss_mb_self / maxrss_mb_worker  peak RSS of this process / of the analysis worker, if any
  report                             the CycleReport counters
  parsed                             pages parsed: new + changed + unchanged after a 200
  sql                                statements by verb and rows written (INSERT/UPDATE/DELETE)
  fetcher                            the Fetcher's own request/304/byte counters
Delivery of alerts is part of the command as always (a baseline has none to deliver).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def count_sql() -> Counter[str]:
    """Every SQL statement of every engine, by verb, and the rows written per table."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sql: Counter[str] = Counter()

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        verb = statement.lstrip().split(None, 1)[0].upper()
        sql[verb] += 1
        if verb in ("INSERT", "UPDATE", "DELETE") and cursor.rowcount and cursor.rowcount > 0:
            sql[f"rows_{verb.lower()}"] += cursor.rowcount
            table = statement.split()[2 if verb != "UPDATE" else 1].strip('"')
            sql[f"rows_{verb.lower()}:{table}"] += cursor.rowcount

    return sql


def time_cycles(record: dict[str, Any], sql: Counter[str]) -> None:
    """Wrap Engine.run_source (class-level) to time the cycle and keep its report."""
    from monitor.engine import Engine

    original = Engine.run_source

    async def run_source(self, sc, source, **kw):  # type: ignore[no-untyped-def]
        record["startup_s"] = time.perf_counter() - T0
        sql.clear()  # the cycle's statements only (not schema checks at start-up)
        w0, c0 = time.perf_counter(), time.process_time()
        report = await original(self, sc, source, **kw)
        record["cycle_s"] = time.perf_counter() - w0
        record["cycle_cpu_s"] = time.process_time() - c0
        record["fetcher"] = dict(self.fetcher.stats)
        record["maxrss_mb_worker"] = self.worker_peak_mb
        record["report"] = {
            k: getattr(report, k)
            for k in (
                "discovered",
                "fetched",
                "not_modified",
                "unchanged",
                "new",
                "changed",
                "removed",
                "baseline",
                "held",
                "deferred",
                "new_failed",
            )
        } | {
            "events": len(report.events),
            "errors": report.errors[:5],
            "failure": str(report.failure) if report.failure else None,
        }
        record["parsed"] = report.new + report.changed + report.unchanged
        record["sql"] = dict(sql)
        return report

    Engine.run_source = run_source  # type: ignore[method-assign]


def main(config_path: Path, out: Path) -> None:
    from monitor.cli import main as cli

    record: dict[str, Any] = {}
    sql = count_sql()
    time_cycles(record, sql)
    try:
        cli(["check", "--config", str(config_path)], standalone_mode=False)
    except SystemExit as exc:  # `check` exits 1 when a source failed: still a measurement
        record["exit"] = exc.code
    record["maxrss_mb_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps(record))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
