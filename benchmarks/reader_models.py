"""Compare candidate readers by leave-one-batch-out accuracy on the corpus.

    python -m benchmarks.reader_models [--only NAME ...]

Each candidate is trained on every batch but one and tested on the one left out, for every
batch. Prints one table: overall accuracy, false events (event-free items read as an event),
missed events (events read as not_a_case_update) and CPU time. The shipped reader is the
`chosen` row; see docs/stages.md for the figures and why.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import sparse
from sklearn.svm import LinearSVC

from monitor.stages import corpus, features, train
from monitor.stages.vocabulary import STAGES

NONE = "not_a_case_update"


def _tfidf(train_items, test_items):
    train_docs = [features.document_columns(i.title, i.text) for i in train_items]
    test_docs = [features.document_columns(i.title, i.text) for i in test_items]
    idf = features.learn_idf(train_docs)
    return features.matrix(train_docs, idf), features.matrix(test_docs, idf)


def svm_baseline(train_items, test_items):
    x_train, x_test = _tfidf(train_items, test_items)
    model = LinearSVC(C=0.5).fit(x_train, [i.stage for i in train_items])
    return list(model.predict(x_test))


def _rule_columns(items):
    from monitor.stages.classifier import classify  # the old hand-written reader

    index = {stage: n for n, stage in enumerate(STAGES)}
    rows = [index[classify(i.title, i.text).stage] for i in items]
    return sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (np.arange(len(rows)), rows)),
        shape=(len(rows), len(STAGES)),
    )


def svm_with_rules(train_items, test_items):
    x_train, x_test = _tfidf(train_items, test_items)
    x_train = sparse.hstack([x_train, 0.5 * _rule_columns(train_items)]).tocsr()
    x_test = sparse.hstack([x_test, 0.5 * _rule_columns(test_items)]).tocsr()
    model = LinearSVC(C=0.5).fit(x_train, [i.stage for i in train_items])
    return list(model.predict(x_test))


def chosen(train_items, test_items):
    model = train.fit(train_items)
    return [model.read(i.title, i.text).stage for i in test_items]


CANDIDATES = {
    "svm_baseline": svm_baseline,
    "svm_with_rules": svm_with_rules,
    "chosen": chosen,
}


def leave_one_batch_out(candidate, items):
    batches = sorted({i.batch for i in items})
    predicted = {}
    for batch in batches:
        train_items = [i for i in items if i.batch != batch]
        test_items = [i for i in items if i.batch == batch]
        for item, stage in zip(test_items, candidate(train_items, test_items), strict=True):
            predicted[item.id] = stage
    return predicted


def summary(items, predicted):
    right = sum(predicted[i.id] == i.stage for i in items)
    free = [i for i in items if i.stage == NONE]
    events = [i for i in items if i.stage != NONE]
    false_events = sum(predicted[i.id] != NONE for i in free)
    missed = sum(predicted[i.id] == NONE for i in events)
    return right / len(items), false_events / max(len(free), 1), missed / max(len(events), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CANDIDATES))
    args = parser.parse_args()
    items = corpus.load()
    print(f"{len(items)} items in {len({i.batch for i in items})} batches\n")
    print(f"{'candidate':<16} {'accuracy':>9} {'false ev.':>10} {'missed':>8} {'CPU s':>7}")
    for name in args.only or CANDIDATES:
        started = time.process_time()
        predicted = leave_one_batch_out(CANDIDATES[name], items)
        accuracy, false_events, missed = summary(items, predicted)
        spent = time.process_time() - started
        print(f"{name:<16} {accuracy:>9.1%} {false_events:>10.1%} {missed:>8.1%} {spent:>7.0f}")


if __name__ == "__main__":
    main()
