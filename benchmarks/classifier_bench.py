"""Classifier throughput: announcements per second on one core.

    python benchmarks/classifier_bench.py [--seconds N] [--breakdown] [--joined]

By default the texts are the development-set items as published (title and body, ~0.6 KB on
average). `--joined` builds ~3 KB texts by joining consecutive bodies, as earlier runs did;
since the classifier treats a text that brings in three forces as a roundup (a general page),
most joined texts now stop after the general-page test, so they no longer measure the full
path. Time is CPU time of this process (`time.process_time`), so other load on a shared box
matters less than with wall-clock time. Runs in this process only (one core).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections import Counter
from pathlib import Path

from monitor.stages.classifier import classify

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "announcements.jsonl"
TARGET_BYTES = 3000


def dev_texts() -> list[tuple[str, str]]:
    """The development-set items as published: (title, text)."""
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line]
    return [(row["title"], row["text"]) for row in rows]


def build_texts() -> list[tuple[str, str]]:
    """~3 KB texts: each development-set body joined with the following ones."""
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line]
    texts = []
    for start, row in enumerate(rows):
        body = row["text"]
        step = 1
        while len(body.encode()) < TARGET_BYTES:
            body += "\n\n" + rows[(start + step) % len(rows)]["text"]
            step += 1
        texts.append((row["title"], body[:TARGET_BYTES]))
    return texts


# Steps of classify() timed by --breakdown: (module attribute, label). Nested steps are also
# counted in their parent (the cue judging and filters are part of "find cue events").
_STEPS = (
    ("classifier.split_sentences", "split into sentences"),
    ("classifier._roundup_sign", "roundup test"),
    ("classifier.fold_case", "case-fold"),
    ("genre.general_page_sign", "general-page test"),
    ("classifier._findings", "find cue events (total)"),
    ("classifier._reports_new_event", "  judge each cue match (context.py, statistics)"),
    ("classifier._drop_dated_past", "  dated-past filter"),
    ("classifier._apply_routing", "  routing rules"),
    ("classifier._officers", "officer count"),
    ("classifier._severity", "severity"),
    ("classifier._route", "route"),
    ("classifier.find_force", "force"),
    ("classifier._flags", "status flags"),
)


def breakdown(texts: list[tuple[str, str]], rounds: int = 3) -> None:
    """Time each step of classify() by wrapping it (adds a little overhead of its own)."""
    import importlib

    spent: Counter[str] = Counter()

    def timed(function, label):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - started

        return wrapper

    originals = []
    for path, label in _STEPS:
        module_name, name = path.split(".")
        module = importlib.import_module(f"monitor.stages.{module_name}")
        if not hasattr(module, name):  # a step renamed or gone: not timed
            continue
        originals.append((module, name, getattr(module, name)))
        setattr(module, name, timed(getattr(module, name), label))
    try:
        started = time.process_time()
        for _ in range(rounds):
            for title, text in texts:
                classify(title, text)
        total = time.process_time() - started
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    count = rounds * len(texts)
    print(f"breakdown ({count} calls, {total / count * 1e6:,.0f} us each with timers):")
    for _, label in _STEPS:
        if label not in spent:
            continue
        print(f"  {label:50s} {spent[label] / count * 1e6:7,.0f} us  {spent[label] / total:4.0%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to measure")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time each step of classify()"
    )
    parser.add_argument(
        "--joined", action="store_true", help="~3 KB texts joined from several items"
    )
    args = parser.parse_args()
    texts = build_texts() if args.joined else dev_texts()
    for title, text in texts:  # warm up regex caches
        classify(title, text)
    done = 0
    started = time.process_time()
    while time.process_time() - started < args.seconds:
        for title, text in texts:
            classify(title, text)
        done += len(texts)
    elapsed = time.process_time() - started
    average = sum(len(text.encode()) for _, text in texts) / len(texts)
    command = f"python benchmarks/classifier_bench.py --seconds {args.seconds:g}"
    print(f"command: {command}{' --joined' if args.joined else ''}")
    print(f"python {sys.version.split()[0]}, {len(texts)} texts, average {average:.0f} bytes")
    print(
        f"throughput: {done / elapsed:,.0f} announcements/second of CPU time on one core"
        f" ({elapsed / done * 1e6:,.0f} us each)"
    )
    if args.breakdown:
        breakdown(texts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
