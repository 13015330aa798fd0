"""How often the second, blind reader agreed with each batch's writer.

    python monitor/stages/corpus/agreement.py [--disagreements FILE]

Reads every batch and its `second_reader/<batch>.jsonl`. Prints, per batch, how many items the
second reader labelled and the share where stage, officer count and severity agree. With
--disagreements, writes the items whose stage differs (with both readings) for adjudication.
Items settled by adjudication carry `"adjudicated": "<why>"` in their batch file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).parent


def _rows(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disagreements", type=Path)
    args = parser.parse_args()
    totals = [0, 0, 0, 0, 0]
    disagreements = []
    print(f"{'batch':<46} {'items':>5} {'2nd':>5} {'stage':>7} {'officers':>9} {'severity':>9}")
    for path in sorted(HERE.glob("*.jsonl")):
        items = _rows(path)
        second_path = HERE / "second_reader" / path.name
        second = {r["id"]: r for r in _rows(second_path)} if second_path.exists() else {}
        both = [i for i in items if i["id"] in second]
        stage = [i for i in both if second[i["id"]]["stage"] == i["expected_stage"]]
        officers = [i for i in stage if second[i["id"]].get("officers") == i["expected_officers"]]
        severity = [i for i in stage if second[i["id"]].get("severity") == i["expected_severity"]]
        for i in both:
            if second[i["id"]]["stage"] != i["expected_stage"]:
                disagreements.append({"batch": path.stem, "id": i["id"], "title": i["title"],
                                      "text": i["text"], "writer": i["expected_stage"],
                                      "writer_note": i.get("note"),
                                      "second": second[i["id"]]["stage"],
                                      "second_evidence": second[i["id"]].get("evidence"),
                                      "writer_evidence": i.get("evidence")})
        for n, part in enumerate((items, both, stage, officers, severity)):
            totals[n] += len(part)
        print(f"{path.stem:<46} {len(items):>5} {len(both):>5} {_pct(stage, both):>7} "
              f"{_pct(officers, stage):>9} {_pct(severity, stage):>9}")
    items, both, stage, officers, severity = totals
    print(f"{'all':<46} {items:>5} {both:>5} {stage / max(both, 1):>7.1%} "
          f"{officers / max(stage, 1):>9.1%} {severity / max(stage, 1):>9.1%}")
    if args.disagreements:
        args.disagreements.write_text(
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in disagreements)
        )
        print(f"{len(disagreements)} disagreements written to {args.disagreements}")


def _pct(part: list, whole: list) -> str:
    return f"{len(part) / len(whole):.1%}" if whole else "–"


if __name__ == "__main__":
    main()
