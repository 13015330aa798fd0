"""Markdown for the results of parse_speed.py, economy.py and soak.py (used by run.py)."""

from __future__ import annotations

from typing import Any


def parse_md(r: dict[str, Any]) -> str:
    out = [
        f"{r['pages']} generated pages ({r['generator']}), {r['page_kb']:.0f} KB of HTML and "
        f"{r['text_kb']:.0f} KB of extracted text each, one core, median CPU time per page:",
        "",
        "| step | ms / page | pages / s |",
        "| --- | ---: | ---: |",
    ]
    for name, s in r["steps"].items():
        out.append(f"| {name} | {s['ms']:.2f} | {s['per_s']:.1f} |")
    steps = r["steps"]
    new_page = sum(
        steps[k]["ms"]
        for k in (
            "parse (page source)",
            "content_hash",
            "tracked-case aliases (none)",
            "case clues",
            "classify (generated page text)",
        )
        if k in steps
    )
    out += [
        "",
        f"A new or changed page therefore costs about {new_page:.1f} ms of CPU before its database "
        "transaction (parse + hash + tracked-case aliases + clues + reader); a first run does this "
        "in the analysis worker, beside the fetching and recording.",
    ]
    return "\n".join(out)


def economy_md(r: dict[str, Any]) -> str:
    b = r["baseline"]
    out = [
        f"{r['articles']} known articles (one every 3.5 h, ~2 years), feed lists the newest 50 and "
        f"never changes; 96 cycles a day, 15 simulated minutes apart. Baseline: {b['new']} articles "
        f"recorded in one cycle ({b['requests']} requests, {b['seconds']:.0f} s).",
        "",
        "| day | requests | feed | articles | other | re-fetch-all requests | ratio | ms per cycle |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for d in r["days"]:
        out.append(
            f"| {d['day']} | {d['requests']} | {d['feed']} | {d['article']} | {d['other']} | {d['naive']} | "
            f"{d['ratio']:.0f}× | {d['seconds'] / 96 * 1000:.0f} |"
        )
    out += [
        "",
        f"Mean over {len(r['days'])} day(s): **{r['mean_per_day']:.0f} requests/day, "
        f"{r['mean_ratio']:.0f}× fewer** than re-fetching every article each cycle (target ≥ 20×). "
        "Week-day differences come from the weekly tier (articles older than 60 days) falling due "
        "together and being spread by max_documents_per_cycle (200).",
    ]
    return "\n".join(out)


def soak_md(r: dict[str, Any]) -> str:
    rows_q, rows_e = r.get("rows_quiet_start", {}), r.get("rows_end", {})
    grown = {k: rows_e[k] - rows_q.get(k, 0) for k in rows_e if rows_e[k] != rows_q.get(k, 0)}
    return "\n".join(
        [
            f"{r['cycles']} cycles over {r['pages']} pages in one process, {r['change']:.0%} of the pages "
            f"changed before each (mean {r['changed_per_cycle']:.1f} read and recorded per cycle), then "
            f"{r['quiet_cycles']} cycles with nothing changed (server: {r['server']}); warm-up = first "
            f"{r['warmup']} cycles.",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| RSS after warm-up | {r['rss_after_warmup_mb']:.1f} MB |",
            f"| RSS at the end of the changing cycles | {r['rss_end_mb']:.1f} MB |",
            f"| RSS growth after warm-up | {r['rss_growth_mb']:+.1f} MB |",
            f"| RSS trend after warm-up (least squares) | {r['rss_slope_mb_per_100_cycles']:+.2f} MB per 100 cycles |",
            f"| database file after warm-up → end of changing cycles | {r['db_after_warmup'] / 1e6:.2f} → {r['db_end'] / 1e6:.2f} MB |",
            f"| database growth per changing cycle (new versions) | {r['db_growth_per_changing_cycle_bytes']:.0f} B |",
            f"| database growth per unchanged cycle | {r['db_growth_per_cycle_bytes']:.0f} B |",
            f"| rows added by the unchanged cycles | {grown or 'none'} |",
            f"| WAL at the end | {r['wal_end'] / 1e6:.2f} MB |",
            f"| median cycle, wall / CPU | {r['cycle_wall_median_s']:.2f} s / {r['cycle_cpu_median_s']:.2f} s |",
            f"| unchanged cycles all 304 | {r['quiet_all_not_modified']} |",
            f"| failed cycles | {r['failures']} |",
        ]
    )
