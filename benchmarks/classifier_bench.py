"""Classifier throughput: announcements per second on one core, for ~3 KB texts.

    python benchmarks/classifier_bench.py [--seconds N]

Texts are built from the development set by joining consecutive bodies until each is about
3 KB, so the cue mix is realistic. Runs in this process only (one core).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from monitor.stages.classifier import classify

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "announcements.jsonl"
TARGET_BYTES = 3000


def build_texts() -> list[tuple[str, str]]:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to measure")
    args = parser.parse_args()
    texts = build_texts()
    for title, text in texts:  # warm up regex caches
        classify(title, text)
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        for title, text in texts:
            classify(title, text)
        done += len(texts)
    elapsed = time.perf_counter() - started
    average = sum(len(text.encode()) for _, text in texts) / len(texts)
    print(f"command: python benchmarks/classifier_bench.py --seconds {args.seconds:g}")
    print(f"python {sys.version.split()[0]}, {len(texts)} texts, average {average:.0f} bytes")
    print(f"throughput: {done / elapsed:,.0f} announcements/second on one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
