"""How fast the shipped reader loads and reads, on one core.

    python -m benchmarks.reader_speed

Prints the model's size on disk, the time a fresh process takes to import the reader and load
the model, and announcements read per second (one process, one thread) over every corpus item
as written and over the same items as long pages (each padded to ~70 KB with related links and
comments after the body, as scraped pages are). The machine is shared, so it also prints the
load average and a reference loop timed in the same run (splitting the same texts into words,
pure Python): reads per reference pass is a figure that moves far less with the load.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as the figure promises
os.environ.setdefault("OMP_NUM_THREADS", "1")

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from monitor.stages import corpus  # noqa: E402
from monitor.stages.reader import MODEL_DIR, shipped  # noqa: E402

_LOAD = (
    "import time; t = time.perf_counter(); from monitor.stages.reader import shipped; "
    "shipped(); print(time.perf_counter() - t)"
)
_PADDING = "\nRelated news\nOfficers honoured at annual awards. Read more. Comments (12): " * 900


def _rate(items: list[tuple[str, str]], repeats: int) -> float:
    reader = shipped()
    started = time.process_time()
    for _ in range(repeats):
        for title, text in items:
            reader.read(title, text)
    return repeats * len(items) / (time.process_time() - started)


def _reference_rate(items: list[tuple[str, str]]) -> float:
    """Texts per second of a fixed pure-Python job on the same texts (lower + split)."""
    started = time.process_time()
    for _ in range(5):
        for title, text in items:
            (title + text).lower().split()
    return 5 * len(items) / (time.process_time() - started)


def main() -> None:
    size = sum(path.stat().st_size for path in MODEL_DIR.iterdir())
    loads = [
        float(
            subprocess.run(
                [sys.executable, "-c", _LOAD], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    items = corpus.load()
    plain = [(i.title, i.text) for i in items]
    long = [(i.title, i.text + _PADDING) for i in items]
    print(f"model on disk          {size / 2**20:.1f} MB")
    print(f"import + load (fresh)  {min(loads):.2f} s (best of 3)")
    reference = _reference_rate(plain)
    rate = _rate(plain, 2)
    print(f"load average           {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    print(f"read, corpus items     {rate:,.0f} announcements/s "
          f"({len(items)} items, {sum(len(t) for _, t in plain) // len(plain):,} chars each)")
    print(f"reference loop         {reference:,.0f} texts/s; reads per reference text "
          f"{rate / reference:.4f}")
    print(f"read, ~70 KB pages     {_rate(long, 1):,.0f} announcements/s "
          f"({sum(len(t) for _, t in long) // len(long):,} chars each)")


if __name__ == "__main__":
    main()
