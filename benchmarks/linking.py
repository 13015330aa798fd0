"""How well announcements about one matter are joined into one case, across publishers.

    PYTHONPATH=. .venv/bin/python benchmarks/linking.py [--set benchmarks/linking/set.toml] [--json]

Each announcement of the linking set (benchmarks/linking/set.toml) is recorded in publication
order into a fresh SQLite database by the recorder, with the clues the engine finds
(monitor/cases/clues.py). The stage each one reports is taken from the set, so the score is
about linking, not reading. Scored pairwise: of all pairs of announcements put in one case, how
many are one matter (precision); of all pairs that are one matter, how many were put in one
case (recall). Exit 1 if precision < 97 % or recall < 85 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent
LONDON = ZoneInfo("Europe/London")
PRECISION_MIN, RECALL_MIN = 0.97, 0.85


def run(set_path: Path) -> dict:
    from sqlmodel import Session, select

    from monitor.cases.clues import find_clues
    from monitor.models import Document, DocumentRef, Page
    from monitor.recorder import Observed, record
    from monitor.stages.reader import Classification
    from monitor.store import open_database
    from monitor.store.tables import Case, CaseDocument, DocumentRow

    docs = tomllib.loads(set_path.read_text(encoding="utf-8"))["doc"]
    docs.sort(key=lambda d: d["published"])
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/linking.db")
        for n, d in enumerate(docs):
            published = datetime.fromisoformat(d["published"]).replace(tzinfo=LONDON)
            url = d.get("url") or f"https://{d['source']}.example/news/{n}"
            document = Document(
                title=d["title"],
                text=d["text"],
                published_at=published,
                force=d["force"] or None,
                case_key=d.get("reference"),
            )
            observed = Observed(
                source_id=d["source"],
                source_name=d["source"],
                ref=DocumentRef(url=url, external_id=str(n)),
                page=Page(url=url, status=200, content_type="text/html", text=""),
                document=document,
                classification=Classification(
                    stage=d["stage"], label=d["stage"], evidence=None, force=d["force"] or None
                ),
                content_hash=f"{n:064d}",
                links=[],
                clues=find_clues(
                    title=d["title"],
                    text=d["text"],
                    fields={},
                    force=d["force"] or None,
                    case_key=d.get("reference"),
                    url=url,
                    published_at=published,
                ),
            )
            with Session(db) as session:
                record(
                    session,
                    observed,
                    now=published + timedelta(hours=12),
                    event_status=None,
                    enqueue=lambda *a: None,
                )
                session.commit()
        with Session(db) as session:
            members: dict[int, set[int]] = {}
            why: dict[int, list[str]] = {}
            rows = session.exec(
                select(DocumentRow.external_id, CaseDocument.case_id, CaseDocument.joined_by)
                .join(CaseDocument, CaseDocument.document_id == DocumentRow.id)
                .join(Case, Case.id == CaseDocument.case_id)
                .where(Case.merged_into == None)  # noqa: E711 - SQL expression
            )
            for external_id, case_id, joined_by in rows:
                members.setdefault(int(external_id), set()).add(case_id)
                why.setdefault(int(external_id), []).append(joined_by or "")
        db.dispose()

    true_pairs = predicted = correct = 0
    wrong, missed = [], []
    for a, b in combinations(range(len(docs)), 2):
        same = docs[a]["matter"] == docs[b]["matter"]
        joined = bool(members.get(a, set()) & members.get(b, set()))
        true_pairs += same
        predicted += joined
        correct += same and joined
        pair = f"{docs[a]['title']!r} + {docs[b]['title']!r}"
        if joined and not same:
            wrong.append(f"{pair}: joined by {why[b]}")
        elif same and not joined:
            missed.append(pair)
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    return {
        "announcements": len(docs),
        "matters": len({d["matter"] for d in docs}),
        "true_pairs": true_pairs,
        "joined_pairs": predicted,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "uncased": sum(1 for i in range(len(docs)) if i not in members),
        "wrongly_joined": wrong,
        "missed": missed,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--set", type=Path, default=HERE / "linking" / "set.toml")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args.set)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['announcements']} announcements, {result['matters']} matters, "
            f"{result['true_pairs']} same-matter pairs, {result['joined_pairs']} joined pairs"
        )
        print(
            f"pairwise precision {result['precision']:.1%} (need {PRECISION_MIN:.0%}), "
            f"recall {result['recall']:.1%} (need {RECALL_MIN:.0%}); "
            f"{result['uncased']} announcements in no case"
        )
        for line in result["wrongly_joined"]:
            print(f"  wrongly joined: {line}")
        for line in result["missed"]:
            print(f"  missed: {line}")
    ok = result["precision"] >= PRECISION_MIN and result["recall"] >= RECALL_MIN
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
