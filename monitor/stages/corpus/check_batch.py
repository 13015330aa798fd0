"""Check one corpus batch file: fields, stage ids, evidence quoting, coverage.

    python3 monitor/stages/corpus/check_batch.py monitor/stages/corpus/b07-met-newsroom-2017.jsonl

Exit 1 with a line per problem; prints per-stage counts and the trap share.
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

STAGES = (
    "not_a_case_update", "referral", "investigation_opened", "misconduct_notices_served",
    "criminal_investigation", "cps_file_referred", "cps_no_charge", "criminal_charge",
    "criminal_trial_outcome", "case_to_answer", "no_case_to_answer", "reflective_practice",
    "accelerated_hearing", "proceedings_scheduled", "outcome_dismissal", "outcome_sanction",
    "outcome_not_proven", "appeal_or_review", "reinvestigation", "inquest",
    "learning_recommendations",
)
FIELDS = (
    "id", "batch", "source_url", "title", "text", "expected_stage", "expected_officers",
    "expected_severity", "expected_force", "evidence", "hard", "note",
)


def _forces() -> set[str]:
    src = (Path(__file__).resolve().parents[1] / "forces.py").read_text()
    return set(re.findall(r'\(\s*"([^"]+)",\s*\(', src))


def check(path: Path) -> list[str]:
    forces = _forces()
    problems, stages, ids = [], collections.Counter(), set()
    hard = 0
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc})")
            continue
        missing = [f for f in FIELDS if f not in item]
        if missing:
            problems.append(f"{where}: missing {missing}")
            continue
        if item["id"] in ids:
            problems.append(f"{where}: duplicate id {item['id']}")
        ids.add(item["id"])
        stage = item["expected_stage"]
        if stage not in STAGES:
            problems.append(f"{where}: unknown stage {stage!r}")
        stages[stage] += 1
        hard += bool(item["hard"])
        if item["expected_severity"] not in (None, "misconduct", "gross_misconduct"):
            problems.append(f"{where}: severity must be misconduct, gross_misconduct or null")
        if item["expected_force"] is not None and item["expected_force"] not in forces:
            problems.append(f"{where}: force {item['expected_force']!r} is not an official name")
        officers = item["expected_officers"]
        if officers is not None and (not isinstance(officers, int) or officers < 1):
            problems.append(f"{where}: officers must be a positive integer or null")
        evidence = item["evidence"]
        body = item["title"] + "\n" + item["text"]
        if stage != "not_a_case_update" and not evidence:
            problems.append(f"{where}: a case update needs its evidence sentence")
        if evidence and evidence not in body:
            problems.append(f"{where}: evidence is not a verbatim substring of title or text")
        if len(item["text"]) < 200:
            problems.append(f"{where}: text shorter than 200 characters")
    total = sum(stages.values())
    print(f"{path.name}: {total} items, {hard} traps ({hard / max(total, 1):.0%})")
    for stage in STAGES:
        print(f"  {stages[stage]:4d}  {stage}")
    return problems


if __name__ == "__main__":
    all_problems = []
    for arg in sys.argv[1:]:
        all_problems += check(Path(arg))
    for problem in all_problems:
        print(problem)
    sys.exit(1 if all_problems else 0)
