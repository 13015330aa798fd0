"""Minimal stand-in for ../shared/bench/serve_pages.py (stdlib only), so benchmarks run without it.

    python benchmarks/pageserver.py --pages 1000 [--port 0] [--port-file F] [--pregen]

Same contract as the shared server: GET /case/0 .. /case/N-1 on 127.0.0.1 (HTTP/1.1
keep-alive), strong ETag + Last-Modified, 304 on a matching If-None-Match (or, without one,
If-Modified-Since >= Last-Modified); anything else is 404. Admin endpoints, not counted:
/_admin/bump?fraction=F&seed=S | ?ids=1,2 ; /_admin/stats ; /_admin/reset ; /_admin/shutdown.

Pages come from `make_page(i, gen)`: a deterministic Drupal-like case page of ~106 KB (menu,
breadcrumb, a <dl> of labelled fields with Status / Force / Date / Type / Reference /
Last updated, article body, related links, footer). Bumping `gen` changes Status, Date, Last
updated and one paragraph. It is written for this project, modelled on the shared generator's
description; byte-for-byte equality with it is not a goal.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BASE_MTIME = 1_767_225_600  # 2026-01-01T00:00:00Z
WORDS = (
    "investigation complaint officer conduct misconduct referral police force independent "
    "office report decision evidence witness interview gross hearing panel recommendation "
    "learning outcome death contact custody pursuit vehicle restraint arrest statement public "
    "interest accountability review appeal criminal charge the of and to a in that was is for"
).split()
FORCES = [
    "Metropolitan Police Service",
    "West Midlands Police",
    "Kent Police",
    "Essex Police",
    "Merseyside Police",
    "Thames Valley Police",
]
STATUSES = [
    "Investigation ongoing",
    "Investigation complete",
    "Report published",
    "Referred to CPS",
    "Disciplinary proceedings",
    "Closed",
]


def _sentence(r: random.Random) -> str:
    words = [r.choice(WORDS) for _ in range(r.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def make_page(i: int, gen: int = 0, size_kb: int = 100) -> str:
    r = random.Random(i * 7919 + 17)  # stable per page, independent of gen
    force = r.choice(FORCES)
    status = STATUSES[(r.randrange(len(STATUSES)) + gen) % len(STATUSES)]
    day = 1 + (i + gen) % 28
    title = f"{force}: investigation {2020 + i % 6}/{i:05d}"
    out = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8" />',
        f"<title>{title} | IOPC</title>\n",
    ]
    out += [
        f'<link rel="stylesheet" href="/css/{k}-{r.getrandbits(64):x}.css" />\n' for k in range(12)
    ]
    out.append('</head><body><header role="banner"><nav role="navigation"><ul>\n')
    for s in range(10):
        out.append(f'<li><a href="/section-{s}">Section {s}</a><ul>')
        out += [
            f'<li><a href="/section-{s}/{r.choice(WORDS)}-{c}">{r.choice(WORDS)} {c}</a></li>\n'
            for c in range(14)
        ]
        out.append("</ul></li>\n")
    out.append("</ul></nav></header>\n")
    out.append(f'<div class="breadcrumb"><a href="/">Home</a> {title}</div>\n<main role="main">')
    out.append(f'<article><h1 class="page-title">{title}</h1>\n<dl class="investigation-fields">\n')
    fields = [
        ("Status", status),
        ("Force", force),
        ("Date", f"{day} March 202{i % 6}"),
        ("Type", "Use of force"),
        ("Reference", f"{2020 + i % 6}/{i:06d}"),
        ("Last updated", f"{day:02d}/0{1 + gen % 9}/2026"),
    ]
    out += [f"<div><dt>{k}</dt><dd>{v}</dd></div>\n" for k, v in fields]
    out.append('</dl>\n<div class="field--name-body">\n')
    size, target, n = sum(map(len, out)), size_kb * 1024 - 12_000, 0
    while size < target or n < 8:
        text = " ".join(_sentence(r) for _ in range(r.randint(3, 7)))
        if n == 2:
            text = f"Update {gen}: {text}"
        out.append(f"<p>{text}</p>\n")
        size, n = size + len(text) + 8, n + 1
    out.append('</div></article>\n<aside class="related"><ul>\n')
    out += [
        f'<li><a href="/investigations/case-{r.randrange(100000)}">{r.choice(FORCES)} {k}</a></li>\n'
        for k in range(60)
    ]
    out.append('</ul></aside></main>\n<footer role="contentinfo"><ul>\n')
    out += [f'<li><a href="/footer/{k}">{r.choice(WORDS)}</a></li>\n' for k in range(40)]
    out.append("</ul></footer></body></html>\n")
    return "".join(out)


class State:
    def __init__(self, n: int) -> None:
        self.n, self.lock = n, threading.Lock()
        self.gen, self.mtime = [0] * n, [BASE_MTIME] * n
        self.cache: dict[int, tuple[int, bytes, str]] = {}
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.stats = {
                "requests": 0,
                "status": {},
                "bytes_body": 0,
                "conditional_inm": 0,
                "conditional_ims": 0,
                "connections": 0,
                "max_in_flight": 0,
            }
            self.in_flight = 0

    def page(self, i: int) -> tuple[int, bytes, str]:
        hit = self.cache.get(i)
        if hit is None or hit[0] != self.gen[i]:
            body = make_page(i, self.gen[i]).encode()
            hit = (self.gen[i], body, f'"{hashlib.sha1(body).hexdigest()[:20]}"')
            self.cache[i] = hit
        return hit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State

    def setup(self) -> None:
        super().setup()
        with self.state.lock:
            self.state.stats["connections"] += 1

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, code: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path.startswith("/_admin/"):
            return self._admin(url.path[8:], parse_qs(url.query))
        st = self.state
        with st.lock:
            st.stats["requests"] += 1
            st.in_flight += 1
            st.stats["max_in_flight"] = max(st.stats["max_in_flight"], st.in_flight)
        code = 404
        try:
            parts = url.path.strip("/").split("/")
            if (
                len(parts) != 2
                or parts[0] != "case"
                or not parts[1].isdigit()
                or int(parts[1]) >= st.n
            ):
                return self._send(404, b"not found\n", [("Content-Type", "text/plain")])
            i = int(parts[1])
            with st.lock:
                _, body, etag = st.page(i)
                mtime = st.mtime[i]
            inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            if inm:
                fresh = (
                    etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
                    or inm.strip() == "*"
                )
            elif ims:
                try:
                    fresh = mtime <= email.utils.parsedate_to_datetime(ims).timestamp()
                except (TypeError, ValueError):
                    fresh = False
            else:
                fresh = False
            common = [("ETag", etag), ("Last-Modified", email.utils.formatdate(mtime, usegmt=True))]
            code = 304 if fresh else 200
            with st.lock:
                st.stats["conditional_inm"] += bool(inm)
                st.stats["conditional_ims"] += bool(ims)
                st.stats["bytes_body"] += 0 if fresh else len(body)
            self._send(
                code,
                body,
                common + ([] if fresh else [("Content-Type", "text/html; charset=utf-8")]),
            )
        finally:
            with st.lock:
                st.in_flight -= 1
                st.stats["status"][str(code)] = st.stats["status"].get(str(code), 0) + 1

    def _admin(self, cmd: str, q: dict[str, list[str]]) -> None:
        st, out = self.state, {"ok": True}
        if cmd == "stats":
            with st.lock:
                out = dict(st.stats, status=dict(st.stats["status"]), pages=st.n)
        elif cmd == "reset":
            st.reset()
        elif cmd == "bump":
            if "ids" in q:
                ids = [int(x) for x in q["ids"][0].split(",") if x]
            else:
                rnd = random.Random(int(q["seed"][0])) if "seed" in q else random.Random()
                k = round(float(q.get("fraction", ["0.01"])[0]) * st.n)
                ids = sorted(rnd.sample(range(st.n), max(0, min(st.n, k))))
            with st.lock:
                for i in ids:
                    st.gen[i] += 1
                    st.mtime[i] = max(int(time.time()), st.mtime[i] + 1)
            out = {"bumped": len(ids), "ids": ids}
        elif cmd == "shutdown":
            threading.Thread(target=self.server.shutdown, daemon=True).start()
        data = json.dumps(out).encode()
        self._send(200, data, [("Content-Type", "application/json")])


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--pregen", action="store_true")
    a = ap.parse_args()
    state = State(a.pages)
    if a.pregen:
        for i in range(a.pages):
            state.page(i)
    Handler.state = state
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads, srv.request_queue_size = True, 128
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(a.port_file + ".tmp", a.port_file)
    print(f"serving {a.pages} pages on http://127.0.0.1:{srv.server_address[1]}/case/0", flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
