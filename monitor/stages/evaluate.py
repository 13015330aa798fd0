"""The reader's headline figures: leave-one-batch-out over the whole corpus.

    python -m monitor.stages.evaluate [--markdown]

For every batch, a reader is trained on all the other batches (the same training as the shipped
model) and tested on the one left out: the figures are for writers the
model has never read. Prints accuracy overall and per batch, per-stage precision and recall,
false events (event-free items read as an event), missed events (events read as
not_a_case_update), officer counts, evidence and how the confidence threshold splits the
readings. `--markdown` prints the tables docs/stages.md shows.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from monitor.stages import corpus, train
from monitor.stages.reader import NOT_A_CASE_UPDATE, Classification
from monitor.stages.vocabulary import STAGES


@dataclass
class Result:
    item: corpus.Item
    reading: Classification


def leave_one_batch_out(items: list[corpus.Item], jobs: int = 1) -> list[Result]:
    """Readings of every item by a model built without its batch, exactly as the shipped model
    is built (train.build_from): its lean away from not_a_case_update, temperature and
    uncertainty threshold are chosen on held-out folds of the other batches only. Batches are
    left out `jobs` at a time, in processes of their own."""
    batches = sorted({i.batch for i in items})
    with ProcessPoolExecutor(jobs) as pool:
        readings = pool.map(_read_left_out, [(items, batch) for batch in batches])
        by_item = {key: reading for found in readings for key, reading in found}
    return [Result(i, by_item[i.batch, i.id]) for i in items]


def _read_left_out(work: tuple[list[corpus.Item], str]):
    items, batch = work
    reader = train.build_from([i for i in items if i.batch != batch])
    return [((i.batch, i.id), reader.read(i.title, i.text)) for i in items if i.batch == batch]


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def report(results: list[Result], seconds: float, markdown: bool) -> str:
    right = _right(results)
    free = [r for r in results if r.item.stage == NOT_A_CASE_UPDATE]
    events = [r for r in results if r.item.stage != NOT_A_CASE_UPDATE]
    false_events = [r for r in free if r.reading.stage != NOT_A_CASE_UPDATE]
    missed = [r for r in events if r.reading.stage == NOT_A_CASE_UPDATE]
    counted = [r for r in events if r.reading.stage == r.item.stage]
    officers_right = [r for r in counted if r.reading.officers == r.item.officers]
    stated = [r for r in counted if r.item.officers is not None]
    stated_right = [r for r in stated if r.reading.officers == r.item.officers]
    quoted = [r for r in counted if r.item.evidence]
    quoted_right = [r for r in quoted if _same_sentence(r.reading.evidence, r.item.evidence)]
    sure = [r for r in results if not r.reading.uncertain]
    unsure = [r for r in results if r.reading.uncertain]
    wrong = [r for r in results if r.reading.stage != r.item.stage]
    second_right = [r for r in wrong if r.reading.runner_up == r.item.stage]
    lines = [
        f"{len(results)} items in {len({r.item.batch for r in results})} batches, "
        f"leave-one-batch-out ({seconds:.0f} s)",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| accuracy (stage right) | {_pct(len(right), len(results))} |",
        f"| false events (of {len(free)} event-free items) "
        f"| {_pct(len(false_events), len(free))} |",
        f"| missed events (of {len(events)} events) | {_pct(len(missed), len(events))} |",
        f"| officer count right (stage right, {len(counted)} items) "
        f"| {_pct(len(officers_right), len(counted))} |",
        f"| … where the text states a number ({len(stated)}) "
        f"| {_pct(len(stated_right), len(stated))} |",
        f"| evidence is the labelled sentence (stage right, {len(quoted)}) "
        f"| {_pct(len(quoted_right), len(quoted))} |",
        f"| readings marked uncertain | {_pct(len(unsure), len(results))} |",
        f"| accuracy when sure / when uncertain | {_pct(len(_right(sure)), len(sure))}"
        f" / {_pct(len(_right(unsure)), len(unsure))} |",
        f"| second reading right when the first is wrong "
        f"| {_pct(len(second_right), len(wrong))} |",
        "",
        "| batch (left out) | items | accuracy | false events |",
        "|---|---:|---:|---:|",
    ]
    for batch in sorted({r.item.batch for r in results}):
        mine = [r for r in results if r.item.batch == batch]
        good = sum(r.reading.stage == r.item.stage for r in mine)
        mine_free = [r for r in free if r.item.batch == batch]
        mine_false = sum(r.reading.stage != NOT_A_CASE_UPDATE for r in mine_free)
        lines.append(f"| {batch} | {len(mine)} | {_pct(good, len(mine))} "
                     f"| {mine_false} of {len(mine_free)} |")
    lines += ["", "| stage | items | precision | recall |", "|---|---:|---:|---:|"]
    expected = Counter(r.item.stage for r in results)
    predicted = Counter(r.reading.stage for r in results)
    hits = Counter(r.item.stage for r in right)
    for stage in STAGES:
        lines.append(
            f"| {stage} | {expected[stage]} | {_pct(hits[stage], predicted[stage])} "
            f"| {_pct(hits[stage], expected[stage])} |"
        )
    confusions = Counter(
        (r.item.stage, r.reading.stage) for r in results if r.reading.stage != r.item.stage
    )
    lines += ["", "Most common confusions (labelled → read):", ""]
    lines += [f"- {a} → {b}: {n}" for (a, b), n in confusions.most_common(12)]
    text = "\n".join(lines)
    return text if markdown else "\n".join(line for line in text.splitlines()
                                           if not line.startswith("|---"))


def _right(results: list[Result]) -> list[Result]:
    return [r for r in results if r.reading.stage == r.item.stage]


def _same_sentence(found: str | None, labelled: str) -> bool:
    """The quoted sentence is the labelled one (either holds most of the other)."""
    if not found:
        return False
    return labelled in found or found in labelled


def main() -> None:
    parser = argparse.ArgumentParser(description="Leave-one-batch-out figures of the reader.")
    parser.add_argument("--markdown", action="store_true", help="tables for docs/stages.md")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="batches left out at once, one process each (default: one per CPU)")
    parser.add_argument("--also-from", metavar="BATCH",
                        help="print the figures again for the batches from BATCH on")
    args = parser.parse_args()
    started = time.monotonic()
    results = leave_one_batch_out(corpus.load(), max(args.jobs, 1))
    seconds = time.monotonic() - started
    print(report(results, seconds, args.markdown))
    if args.also_from:
        later = [r for r in results if r.item.batch >= args.also_from]
        print(f"\n### Batches from {args.also_from} on\n")
        print(report(later, seconds, args.markdown))


if __name__ == "__main__":
    main()
