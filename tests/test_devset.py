"""The classifier against the labelled development set (tests/data/announcements.jsonl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.stages.classifier import classify
from monitor.stages.evaluate import MIN_ACCURACY, evaluate, load
from monitor.stages.vocabulary import STAGES

DEVSET = Path(__file__).parent / "data" / "announcements.jsonl"


@pytest.fixture(scope="module")
def items():
    return load(DEVSET)


@pytest.fixture(scope="module")
def report(items):
    return evaluate(items)


def test_devset_covers_every_stage_with_enough_hard_cases(items) -> None:
    assert len(items) >= 110
    for stage in STAGES:
        assert sum(item.stage == stage for item in items) >= 3, stage


def test_accuracy_meets_the_bar(report) -> None:
    assert report.accuracy >= MIN_ACCURACY, dict(report.confusions)


def test_no_general_page_is_labelled_as_a_case_event(report) -> None:
    assert report.false_events == []


def test_officer_counts_are_right_on_items_that_state_one(report) -> None:
    assert report.officer_accuracy >= 0.90, report.officer_misses


def test_every_evidence_string_is_verbatim_from_the_input(items) -> None:
    for item in items:
        evidence = classify(item.title, item.text).evidence
        assert evidence is None or evidence in item.text or evidence in item.title, item.id
