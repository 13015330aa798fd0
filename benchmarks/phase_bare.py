"""The limit, one phase per process: ../shared/bench/bare_client.py's semantics (one httpx
AsyncClient, GET every page, If-None-Match once an ETag is known, nothing else), with the
ETags kept in a JSON file between phases so each phase can run in its own process.

    python benchmarks/phase_bare.py PORT N CONC STATE.json OUT.json
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402

IMPORT_S = time.perf_counter() - T0


async def main(port: int, n: int, conc: int, state: Path, out: Path) -> None:
    base = f"http://127.0.0.1:{port}"
    validators: dict[str, str] = json.loads(state.read_text()) if state.exists() else {}
    sem = asyncio.Semaphore(conc)
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(limits=limits, timeout=30) as c:

        async def one(i: int) -> int:
            async with sem:
                key = str(i)
                h = {"If-None-Match": validators[key]} if key in validators else {}
                r = await c.get(f"{base}/case/{i}", headers=h)
                if r.status_code == 200:
                    validators[key] = r.headers.get("etag")
                return r.status_code

        w0, c0 = time.perf_counter(), time.process_time()
        codes = await asyncio.gather(*(one(i) for i in range(n)))
        cycle_s, cycle_cpu = time.perf_counter() - w0, time.process_time() - c0
    state.write_text(json.dumps(validators))
    out.write_text(
        json.dumps(
            {
                "import_s": IMPORT_S,
                "cycle_s": cycle_s,
                "cycle_cpu_s": cycle_cpu,
                "codes": {str(k): codes.count(k) for k in set(codes)},
            }
        )
    )


if __name__ == "__main__":
    a = sys.argv[1:]
    asyncio.run(main(int(a[0]), int(a[1]), int(a[2]), Path(a[3]), Path(a[4])))
