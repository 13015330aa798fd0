"""Parser throughput: pages/s of the `page` source's parse() over ~106 KB generated case pages,
on one core, plus what else a new or changed page costs on its way to the database
(content hash, case matching, the classifier).

    python benchmarks/parse_speed.py [--pages 20] [--min-seconds 3] [--json OUT]

Pages come from ../shared/bench/pagegen.py when present, else benchmarks/pageserver.py's
generator. The classifier's own throughput on realistic announcements is measured by
benchmarks/classifier_bench.py (see benchmarks/CLASSIFIER.md); here it runs on the same
generated page text, which is a worst case (every paragraph is dense with case vocabulary).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("OM_BENCH_SHARED") or HERE.parent.parent / "shared" / "bench")


def generator():  # type: ignore[no-untyped-def]
    if (SHARED / "pagegen.py").exists():
        sys.path.insert(0, str(SHARED))
        from pagegen import make_page  # type: ignore[import-not-found]

        return make_page, "../shared/bench/pagegen.py"
    sys.path.insert(0, str(HERE))
    from pageserver import make_page

    return make_page, "benchmarks/pageserver.py"


def timed(fn, items, min_seconds: float) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Median seconds per item over repeated passes (at least 3 passes, min_seconds total)."""
    per_pass, start = [], time.perf_counter()
    while len(per_pass) < 3 or time.perf_counter() - start < min_seconds:
        gc.collect()
        t = time.process_time()
        for item in items:
            fn(item)
        per_pass.append((time.process_time() - t) / len(items))
    return statistics.median(per_pass), len(per_pass)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--min-seconds", type=float, default=3.0)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    from monitor.cases import CaseMatcher
    from monitor.cases.clues import find_clues
    from monitor.config import TrackedCase
    from monitor.models import DocumentRef, Page
    from monitor.stages.reader import classify
    from monitor.text import content_hash
    from sources.page import PageOptions, PageSource

    make_page, origin = generator()
    source = PageSource("bench", PageOptions(urls=["http://127.0.0.1/case/0"]))
    pages = []
    for i in range(a.pages):
        url = f"http://127.0.0.1/case/{i}"
        pages.append(
            (
                DocumentRef(url=url, external_id=url),
                Page(url=url, status=200, content_type="text/html", text=make_page(i)),
            )
        )
    size = statistics.mean(len(p.text.encode()) for _, p in pages)
    docs = [source.parse(ref, page) for ref, page in pages]
    matcher = CaseMatcher([TrackedCase(name="Stephen Port", aliases=["Anthony Walgate"])])
    no_cases = CaseMatcher([])

    results = {
        "pages": a.pages,
        "page_kb": size / 1024,
        "text_kb": statistics.mean(len(d.text) for d in docs) / 1024,
        "generator": origin,
        "steps": {},
    }
    steps = {
        "parse (page source)": (lambda rp: source.parse(*rp), pages),
        "content_hash": (lambda d: content_hash(d.title, d.text, d.fields), docs),
        "tracked-case aliases (none)": (lambda d: no_cases.tracked(d.title, d.text, d.force), docs),
        "tracked-case aliases (1 case)": (
            lambda d: matcher.tracked(d.title, d.text, d.force),
            docs,
        ),
        "case clues": (
            lambda d: find_clues(
                title=d.title,
                text=d.text,
                fields=d.fields,
                force=d.force,
                case_key=d.case_key,
                url="http://127.0.0.1/case/0",
                published_at=d.published_at,
            ),
            docs,
        ),
        "classify (generated page text)": (
            lambda d: classify(d.title, d.text),
            docs[: max(3, a.pages // 4)],
        ),
    }
    for name, (fn, items) in steps.items():
        sec, passes = timed(fn, items, a.min_seconds)
        results["steps"][name] = {
            "ms": sec * 1000,
            "per_s": 1 / sec,
            "passes": passes,
            "items": len(items),
        }
        print(
            f"  {name:<34} {sec * 1000:8.2f} ms/page  {1 / sec:8.1f} pages/s  ({passes} passes)",
            flush=True,
        )
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
