"""How long a full-text search takes over many stored announcements (SQLite FTS5).

    PYTHONPATH=. .venv/bin/python benchmarks/search_speed.py --announcements 20000

Fills a fresh database in a temporary folder with generated announcements (invented text, one
version each, a reading each), then times `monitor.search.search_documents` for a few queries:
the median of 20 runs each, in milliseconds. Not run by the tests.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from monitor.search import Filters, search_documents
from monitor.store import open_database
from monitor.store.tables import DocumentRow, DocumentVersion, StageUpdate

WORDS = ("officer investigation misconduct custody death complaint hearing police force "
         "independent office conduct report families inquest charged court referral "
         "constable sergeant restraint vehicle pursuit statement decision appeal").split()
PLACES = ("Barking Lewisham Croydon Hendon Leeds Bristol Cardiff Glasgow Belfast Kent "
          "Manchester Liverpool Norwich Exeter").split()
QUERIES = ("misconduct hearing", "Lewisham custody death", '"gross misconduct"', "restraint")


def fill(db, count: int, rng: random.Random) -> None:
    start = datetime(2015, 1, 1, tzinfo=UTC)
    with Session(db) as session:
        for n in range(count):
            when = start + timedelta(hours=n * 3)
            place = rng.choice(PLACES)
            text = " ".join(rng.choice(WORDS) for _ in range(120))
            title = f"{place}: {' '.join(rng.choice(WORDS) for _ in range(6))}"
            if n % 50 == 0:
                text += " The officer faces a gross misconduct hearing."
            doc = DocumentRow(source_id=rng.choice(("iopc", "met", "cps")), external_id=str(n),
                              url=f"https://example.org/{n}", title=title, content_hash=str(n),
                              first_seen_at=when, last_seen_at=when, last_fetched_at=when,
                              published_at=when)
            session.add(doc)
            session.flush()
            version = DocumentVersion(document_id=doc.id, seen_at=when, title=title, text=text,
                                      content_hash=str(n))
            session.add(version)
            session.flush()
            doc.current_version_id = version.id
            session.add(StageUpdate(document_id=doc.id, version_id=version.id,
                                    stage="investigation_opened", effective_at=when,
                                    created_at=when))
            if n % 1000 == 999:
                session.commit()
        session.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--announcements", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="om-search-") as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'search.db'}")
        t = time.perf_counter()
        fill(db, args.announcements, random.Random(7))
        print(f"{args.announcements} announcements stored and indexed in "
              f"{time.perf_counter() - t:.1f} s")
        for words, filters in [(q, Filters()) for q in QUERIES] + [
            ("misconduct hearing", Filters(source="met", since=datetime(2020, 1, 1, tzinfo=UTC)))
        ]:
            times, found = [], 0
            for _ in range(20):
                t = time.perf_counter()
                found = len(search_documents(db, words, tz="Europe/London", filters=filters))
                times.append((time.perf_counter() - t) * 1000)
            label = words + (" (source met, from 2020)" if filters.source else "")
            print(f"{label:<48} {statistics.median(times):7.1f} ms  ({found} shown, best 100)")
        db.dispose()


if __name__ == "__main__":
    main()
