"""Measure the classifier against a labelled development set.

    python -m monitor.stages.evaluate [PATH]     (default tests/data/announcements.jsonl)

Prints accuracy, per-stage precision/recall/support, confusion pairs with example ids,
officer-count accuracy on items that state a number, and how many not_a_case_update items were
labelled as a case event. Exits 1 when accuracy < 0.95 or that count > 0, so CI can gate on it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from monitor.stages.classifier import Classification, classify
from monitor.stages.vocabulary import STAGES

DEFAULT_PATH = Path("tests/data/announcements.jsonl")
MIN_ACCURACY = 0.95
NOT_A_CASE_UPDATE = "not_a_case_update"


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    title: str
    text: str
    stage: str
    officers: int | None
    severity: str | None
    force: str | None


@dataclass
class Report:
    total: int = 0
    correct: int = 0
    confusions: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    expected: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    officer_items: int = 0
    officer_correct: int = 0
    officer_misses: list[str] = field(default_factory=list)
    severity_correct: int = 0
    force_correct: int = 0
    false_events: list[str] = field(default_factory=list)
    evidence_not_verbatim: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def officer_accuracy(self) -> float:
        return self.officer_correct / self.officer_items if self.officer_items else 1.0

    @property
    def passed(self) -> bool:
        return self.accuracy >= MIN_ACCURACY and not self.false_events


def load(path: Path) -> list[Item]:
    """The labelled items of a development-set JSONL file."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        items.append(
            Item(
                id=row["id"],
                title=row["title"],
                text=row["text"],
                stage=row["expected_stage"],
                officers=row.get("expected_officers"),
                severity=row.get("expected_severity"),
                force=row.get("expected_force"),
            )
        )
    return items


def evaluate(items: list[Item]) -> Report:
    """Classify every item and compare with its labels."""
    report = Report()
    for item in items:
        _score(report, item, classify(item.title, item.text))
    return report


def _score(report: Report, item: Item, got: Classification) -> None:
    report.total += 1
    report.expected[item.stage] += 1
    report.predicted[got.stage] += 1
    if got.stage == item.stage:
        report.correct += 1
        report.hits[item.stage] += 1
    else:
        report.confusions[(item.stage, got.stage)].append(item.id)
    if item.stage == NOT_A_CASE_UPDATE and got.stage != NOT_A_CASE_UPDATE:
        report.false_events.append(item.id)
    if item.officers is not None:
        report.officer_items += 1
        if got.officers == item.officers:
            report.officer_correct += 1
        else:
            report.officer_misses.append(
                f"{item.id} (expected {item.officers}, got {got.officers})"
            )
    report.severity_correct += got.severity == item.severity
    report.force_correct += got.force == item.force
    if (
        got.evidence is not None
        and got.evidence not in item.text
        and got.evidence not in item.title
    ):
        report.evidence_not_verbatim.append(item.id)


def render(report: Report) -> str:
    """The report as plain text for a terminal or CI log."""
    lines = [
        f"items: {report.total}",
        f"accuracy: {report.accuracy:.3f} ({report.correct}/{report.total})",
        "",
        f"{'stage':<28}{'precision':>10}{'recall':>8}{'support':>9}",
    ]
    for stage in STAGES:
        support = report.expected[stage]
        predicted = report.predicted[stage]
        if not support and not predicted:
            continue
        precision = report.hits[stage] / predicted if predicted else 0.0
        recall = report.hits[stage] / support if support else 0.0
        lines.append(f"{stage:<28}{precision:>10.2f}{recall:>8.2f}{support:>9}")
    lines += ["", "confusions (expected -> got, count, examples):"]
    ordered = sorted(report.confusions.items(), key=lambda pair: -len(pair[1]))
    lines += [
        f"  {want} -> {got}: {len(ids)}  {', '.join(ids[:5])}" for (want, got), ids in ordered
    ]
    if not ordered:
        lines.append("  none")
    lines += [
        "",
        f"officer counts: {report.officer_accuracy:.3f} "
        f"({report.officer_correct}/{report.officer_items} items that state a number)",
    ]
    lines += [f"  miss: {miss}" for miss in report.officer_misses]
    lines += [
        f"severity agreement: {report.severity_correct}/{report.total}",
        f"force agreement: {report.force_correct}/{report.total}",
        f"not_a_case_update labelled as a case event: {len(report.false_events)}"
        + (f"  ({', '.join(report.false_events)})" if report.false_events else ""),
        f"evidence not verbatim: {len(report.evidence_not_verbatim)}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    report = evaluate(load(path))
    print(render(report))
    if not report.passed:
        print(
            f"FAILED: needs accuracy >= {MIN_ACCURACY} and no false events on not_a_case_update",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
