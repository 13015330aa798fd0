"""False events at equal missed events: the reader with and without its subject block.

    python -m benchmarks.reader_tradeoff [--scales 0 0.25 0.5 1] [--c 0.5 1 2] [--up-to b22]

For each subject-block length (0 = the n-grams alone) and regularisation C, one model per left-out batch (train.fit,
no inner folds), its scores of the left-out batch pooled, and the not_a_case_update score
shifted until missed events are 3 %: the false events and accuracy at that point compare
feature sets at the same missed-events rate. A comparison, not a headline figure: the shift is
chosen on the pooled test scores (monitor.stages.evaluate chooses it on training folds).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from monitor.stages import corpus, train
from monitor.stages.reader import NOT_A_CASE_UPDATE


def pooled_scores(
    items: list[corpus.Item], scale: float, c: float = train.C
) -> tuple[np.ndarray, tuple[str, ...]]:
    scores, classes = np.zeros((len(items), 0)), None
    for batch in sorted({i.batch for i in items}):
        reader = train.fit([i for i in items if i.batch != batch], subject_scale=scale, c=c)
        classes = classes or reader.classes
        if not scores.size:
            scores = np.zeros((len(items), len(classes)))
        for row, item in enumerate(items):
            if item.batch == batch:
                scores[row] = train.scores(reader, item)
    return scores, classes


def at_missed(items, scores, classes, missed_target: float = 0.03) -> dict[str, float]:
    truth = np.array([classes.index(i.stage) for i in items])
    none = classes.index(NOT_A_CASE_UPDATE)
    event = truth != none
    best = {}
    for shift in np.arange(-1.0, 1.0, 0.01):  # missed events grow with the shift
        shifted = scores.copy()
        shifted[:, none] += shift
        read = shifted.argmax(axis=1)
        missed = ((read == none) & event).mean() / event.mean()
        if missed > missed_target:
            break
        best = {"shift": shift, "false events": ((read != none) & ~event).sum() / (~event).sum(),
                "missed events": missed, "accuracy": (read == truth).mean()}
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.0, 0.5])
    parser.add_argument("--c", type=float, nargs="+", default=[train.C],
                        help="inverse regularisation values to compare")
    parser.add_argument("--up-to", metavar="BATCH", help="only the batches up to BATCH")
    args = parser.parse_args()
    items = [i for i in corpus.load() if not args.up_to or i.batch[:3] <= args.up_to]
    print(f"{len(items)} items in {len({i.batch for i in items})} batches; missed events 3 %\n")
    print(f"{'subject block':>13} {'C':>5} {'accuracy':>9} {'false ev.':>10} {'missed':>7} "
          f"{'shift':>6} {'s':>5}")
    for scale in args.scales:
        for c in args.c:
            started = time.monotonic()
            scores, classes = pooled_scores(items, scale, c)
            f = at_missed(items, scores, classes)
            print(f"{scale:>13} {c:>5} {f['accuracy']:>9.1%} {f['false events']:>10.1%} "
                  f"{f['missed events']:>7.1%} {f['shift']:>6.2f} "
                  f"{time.monotonic() - started:>5.0f}")


if __name__ == "__main__":
    main()
