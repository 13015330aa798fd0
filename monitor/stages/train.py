"""Build the reader from the corpus, and save it as the model file the package ships.

    python -m monitor.stages.train            (or: oversight-monitor train)

Reads every batch in `monitor/stages/corpus/` plus any corrections file given with
`--corrections`, fits the model, calibrates its confidence on held-out batches, and writes
`monitor/stages/model/reader.npz` and `reader.json` (the corpus fingerprint, settings, figures).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.svm import LinearSVC

from monitor.stages import corpus, features, subjects
from monitor.stages.reader import (
    MODEL_DIR,
    NOT_A_CASE_UPDATE,
    Reader,
    statements_of,
    subject_columns,
)

C = 2.0  # inverse regularisation: fewest false events at 3 % missed on b01–b37 (docs/stages.md)
# The length of a document's subject row beside its unit-length n-gram row, chosen by
# leave-one-batch-out on b01–b22 only, before b23 on were written (docs/stages.md).
SUBJECT_SCALE = 0.5
CALIBRATION_FOLDS = 4
# The product's target for events read as not_a_case_update (silently dropped alerts). The
# model's lean away from not_a_case_update is the smallest that meets it on held-out batches.
MISSED_EVENTS_TARGET = 0.03


def fit(
    items: list[corpus.Item], *, temperature: float = 1.0, threshold: float = 0.0,
    subject_scale: float = SUBJECT_SCALE, c: float = C,
) -> Reader:
    """A reader trained on `items` (no calibration: see `calibrate`); `subject_scale=0`
    trains on the n-grams alone; `c` is the inverse regularisation."""
    from scipy import sparse

    documents = [_columns(i) for i in items]
    idf = features.learn_idf(documents)
    x = sparse.hstack([features.matrix(documents, idf),
                       _subject_matrix(items, subject_scale)]).tocsr()
    model = LinearSVC(C=c)
    model.fit(x, [i.stage for i in items])
    weights = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
    return Reader(
        classes=tuple(model.classes_),
        idf=idf,
        weights=weights[: features.N_FEATURES],
        subject_weights=weights[features.N_FEATURES :],
        subject_scale=subject_scale,
        intercept=model.intercept_.astype(np.float32),
        temperature=temperature,
        threshold=threshold,
        meta={},
    )


_COLUMNS: dict[tuple[str, str], np.ndarray] = {}
_SUBJECT_COLUMNS: dict[tuple[str, str], np.ndarray] = {}


def _columns(item: corpus.Item) -> np.ndarray:
    """An item's n-gram columns, worked out once per process (evaluation fits many models)."""
    key = (item.batch, item.id)
    if key not in _COLUMNS:
        _COLUMNS[key] = features.document_columns(item.title, item.text)
    return _COLUMNS[key]


def _subject_columns(item: corpus.Item) -> np.ndarray:
    """An item's subject columns, worked out once per process."""
    key = (item.batch, item.id)
    if key not in _SUBJECT_COLUMNS:
        _SUBJECT_COLUMNS[key] = subject_columns(item.title, statements_of(item.text))
    return _SUBJECT_COLUMNS[key]


def _subject_matrix(items: list[corpus.Item], scale: float):
    """The subject block of many items, each row of length `scale` (as Reader.scores reads it)."""
    from scipy import sparse

    rows, cols, values = [], [], []
    for row, item in enumerate(items):
        found = _subject_columns(item) if scale else np.zeros(0, dtype=np.int64)
        rows.append(np.full(len(found), row))
        cols.append(found)
        values.append(np.full(len(found), scale / max(np.sqrt(len(found)), 1.0)))
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(items), subjects.BLOCK),
    )


def scores(reader: Reader, item: corpus.Item) -> np.ndarray:
    """`reader`'s raw class scores of a corpus item."""
    return reader.scores(_columns(item), _subject_columns(item))


def held_out_logits(items: list[corpus.Item]) -> tuple[np.ndarray, list[str], tuple[str, ...]]:
    """Logits for every item from a model that did not see its batch (batches in folds)."""
    batches = sorted({i.batch for i in items})
    folds = [batches[n::CALIBRATION_FOLDS] for n in range(CALIBRATION_FOLDS)]
    rows, truth, classes = [], [], None
    for fold in folds:
        reader = fit([i for i in items if i.batch not in fold])
        classes = classes or reader.classes
        for item in (i for i in items if i.batch in fold):
            logits = scores(reader, item)
            rows.append([logits[reader.classes.index(c)] if c in reader.classes else -50.0
                         for c in classes])
            truth.append(item.stage)
    return np.array(rows), truth, classes


def calibrate(
    logits: np.ndarray, truth: list[str], classes: tuple[str, ...]
) -> tuple[float, float]:
    """Temperature that makes held-out probabilities honest, and the uncertainty threshold.

    The threshold is the highest confidence below which held-out readings are right at most
    half the time (more likely wrong than right); readings below it are marked uncertain.
    """
    index = np.array([classes.index(t) for t in truth])
    best_t, best_loss = 1.0, float("inf")
    for t in np.arange(0.05, 5.001, 0.01):
        scaled = logits / t
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(len(index)), index].mean()
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    scaled = logits / best_t
    p = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    confidence, right = p.max(axis=1), p.argmax(axis=1) == index
    threshold = 0.0
    for cut in np.arange(0.95, 0.0, -0.01):
        below = confidence < cut
        if below.sum() and right[below].mean() <= 0.5:
            threshold = float(round(cut, 2))
            break
    return round(best_t, 2), threshold


def event_bias(
    logits: np.ndarray, truth: list[str], classes: tuple[str, ...],
    missed_target: float | None = MISSED_EVENTS_TARGET, false_target: float | None = None,
) -> float:
    """How much to lower the not_a_case_update score, from held-out logits: the smallest lean
    (0 to -1) whose held-out missed events are at most `missed_target`, or (with
    `false_target`) the largest lean towards it (0 to +2) whose held-out false events are at
    most that. Readings of the batches being chosen on never enter this choice."""
    none = classes.index(NOT_A_CASE_UPDATE)
    is_event = np.array([t != NOT_A_CASE_UPDATE for t in truth])
    if false_target is not None:
        steps = np.arange(0.0, 2.001, 0.02)
    else:
        steps = -np.arange(0.0, 1.001, 0.02)
    for bias in steps:
        shifted = logits.copy()
        shifted[:, none] += bias
        read_none = shifted.argmax(axis=1) == none
        if false_target is not None:
            if (~read_none & ~is_event).sum() <= false_target * max((~is_event).sum(), 1):
                return round(float(bias), 2)
        elif (read_none & is_event).sum() <= missed_target * max(is_event.sum(), 1):
            return round(float(bias), 2)
    return round(float(steps[-1]), 2)


def build_from(items: list[corpus.Item]) -> Reader:
    """A calibrated reader trained on `items`, leaning away from not_a_case_update as far as
    held-out batches of `items` say is needed for the missed-events target."""
    logits, truth, classes = held_out_logits(items)
    bias = event_bias(logits, truth, classes)
    logits[:, classes.index(NOT_A_CASE_UPDATE)] += bias
    temperature, threshold = calibrate(logits, truth, classes)
    reader = fit(items, temperature=temperature, threshold=threshold)
    reader.intercept[reader.classes.index(NOT_A_CASE_UPDATE)] += bias
    reader.meta["event_bias"] = bias
    return reader


def build(corrections: Path | None = None) -> Reader:
    """The shipped reader: trained on the whole corpus (and corrections), calibrated."""
    paths = corpus.batch_files() + ([corrections] if corrections else [])
    items = corpus.load(paths)
    reader = build_from(items)
    temperature, threshold = reader.temperature, reader.threshold
    reader.meta = {
        "corpus": corpus.fingerprint(corpus.batch_files()),
        "corrections": corpus.fingerprint([corrections]) if corrections else None,
        "items": len(items),
        "batches": len({i.batch for i in items}),
        "C": C,
        "read_chars": features.READ_CHARS,
        "n_features": features.N_FEATURES,
        "subject_scale": SUBJECT_SCALE,
        "temperature": temperature,
        "uncertain_below": threshold,
        "event_bias": reader.meta["event_bias"],
        "missed_events_target": MISSED_EVENTS_TARGET,
    }
    return reader


def main() -> None:
    parser = argparse.ArgumentParser(description="Rebuild the shipped reader from the corpus.")
    parser.add_argument("--corrections", type=Path, help="a corrections export (JSON Lines)")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="folder for the model files")
    args = parser.parse_args()
    started = time.monotonic()
    reader = build(args.corrections)
    reader.save(args.out)
    print(json.dumps(reader.meta, indent=2))
    print(f"trained in {time.monotonic() - started:.0f} s; written to {args.out}")


if __name__ == "__main__":
    main()
