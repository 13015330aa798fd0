"""The reader's training data: labelled announcements in batches, one JSON Lines file each.

Batches live in `monitor/stages/corpus/` (see its README). Maintainers' corrections, exported
by `oversight-monitor corrections --export`, are one more batch file of the same shape.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from monitor.stages.vocabulary import STAGES

CORPUS_DIR = Path(__file__).parent / "corpus"


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    batch: str
    title: str
    text: str
    stage: str
    officers: int | None
    severity: str | None
    force: str | None
    evidence: str | None
    hard: bool


def batch_files(directory: Path = CORPUS_DIR) -> list[Path]:
    """Every batch file, in name order (second-reader files live in a subfolder)."""
    return sorted(directory.glob("*.jsonl"))


def _second_stages(path: Path) -> dict[str, str]:
    second = path.parent / "second_reader" / path.name
    if not second.exists():
        return {}
    rows = (json.loads(line) for line in second.read_text(encoding="utf-8").splitlines() if line)
    return {row["id"]: row["stage"] for row in rows}


def load(paths: list[Path] | None = None) -> list[Item]:
    """Items of the given batch files (default: the whole corpus), in file order.

    An item whose blind second reading gives another stage is dropped unless it was
    adjudicated (its line carries "adjudicated"): a label two readers dispute is not truth.
    """
    items = []
    for path in batch_files() if paths is None else paths:
        second = _second_stages(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if row["expected_stage"] not in STAGES:
                    raise ValueError(f"unknown stage {row['expected_stage']!r}")
                if not isinstance(row["text"], str) or not isinstance(row.get("title") or "", str):
                    raise ValueError("title and text must be strings")
                disputed = second.get(row["id"], row["expected_stage"]) != row["expected_stage"]
                if disputed and not row.get("adjudicated"):
                    continue
                items.append(
                    Item(
                        id=row["id"],
                        batch=row.get("batch") or path.stem,
                        title=row.get("title") or "",
                        text=row["text"],
                        stage=row["expected_stage"],
                        officers=row.get("expected_officers"),
                        severity=row.get("expected_severity"),
                        force=row.get("expected_force"),
                        evidence=row.get("evidence"),
                        hard=bool(row.get("hard")),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(
                    f"{path}:{number}: not a corpus item ({exc}); each line is a JSON object "
                    "with id, text and expected_stage (docs/stages.md, Corrections)"
                ) from exc
    return items


def fingerprint(paths: list[Path] | None = None) -> str:
    """A hash of the training data, recorded in the model so a stale model is noticed."""
    digest = hashlib.sha256()
    for path in batch_files() if paths is None else paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        second = path.parent / "second_reader" / path.name
        if second.exists():  # second readings decide which items are kept
            digest.update(second.read_bytes())
    return digest.hexdigest()[:16]
