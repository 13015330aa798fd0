"""Side-by-side performance run: oversight-monitor vs a bare httpx client vs urlwatch (and
webchanges), against one local page server, plus the soak, request-economy and parser checks.

    . .venv/bin/activate
    python benchmarks/run.py --sizes 200,1000,5000            # side by side (a few minutes)
    python benchmarks/run.py --sizes 1000 --soak --soak-cycles 100
    python benchmarks/run.py --all --readme                   # everything; rewrite README's results

Every phase of every tool runs in its own subprocess, measured from outside with os.wait4()
(wall, user+sys CPU, peak RSS of that process), and the page server's /_admin/stats gives the
requests and bytes it served during that phase. Results are printed; with --readme (a run meant
for the record) they also go to the tracked benchmarks/results/latest.{md,json} and between the
markers in benchmarks/README.md, so a trial run never rewrites tracked files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The shared workload server and peer scripts: ../shared/bench beside the checkout, or wherever
# OM_BENCH_SHARED points (a git worktree sits elsewhere). Only benchmarks use it.
SHARED = Path(os.environ.get("OM_BENCH_SHARED") or REPO.parent / "shared" / "bench")
PEER_VENV = Path(tempfile.gettempdir()) / "om-bench-peers"
PHASES = ("first", "1% changed", "unchanged")
MARK_START, MARK_END = "<!-- results:start -->", "<!-- results:end -->"


# ---- measuring one process ---------------------------------------------------------------------


@dataclass
class Measured:
    wall: float
    cpu: float
    rss_mb: float
    rc: int
    stdout: str = ""
    stderr: str = ""


def measure(
    cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600,
) -> Measured:
    """Run cmd to completion; wall, user+sys CPU and peak RSS of that process (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.005)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from reaping again
        out.seek(0)
        err.seek(0)
        return Measured(
            wall,
            ru.ru_utime + ru.ru_stime,
            ru.ru_maxrss / 1024,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


# ---- the page server ---------------------------------------------------------------------------


class PageServer:
    """../shared/bench/serve_pages.py when present, else benchmarks/pageserver.py."""

    def __init__(self, pages: int, workdir: Path, prefer_shared: bool = True) -> None:
        shared = SHARED / "serve_pages.py"
        self.script = shared if prefer_shared and shared.exists() else HERE / "pageserver.py"
        self.which = (
            "shared ../shared/bench/serve_pages.py"
            if self.script == shared
            else "bundled benchmarks/pageserver.py"
        )
        port_file = workdir / f"port-{pages}"
        self.log = open(workdir / f"server-{pages}.log", "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(self.script),
                "--pages",
                str(pages),
                "--pregen",
                "--port-file",
                str(port_file),
            ],
            cwd=self.script.parent,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(12_000):  # pre-generating 5,000 pages takes minutes on a busy machine
            if port_file.exists() and port_file.read_text().strip():
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"page server exited; see {self.log.name}")
            time.sleep(0.05)
        else:
            raise RuntimeError("page server did not start within 600 s")
        self.port = int(port_file.read_text())
        self.base = f"http://127.0.0.1:{self.port}"
        self.pages = pages

    def admin(self, cmd: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base}/_admin/{cmd}", timeout=30) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        try:
            self.admin("shutdown")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# ---- the tools -----------------------------------------------------------------------------------


@dataclass
class Row:
    n: int
    tool: str
    phase: str
    m: Measured
    stats: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return self.stats.get("requests", 0)

    def status(self, code: int) -> int:
        return self.stats.get("status", {}).get(str(code), 0)

    def as_dict(self) -> dict[str, Any]:
        # Our analysis worker is a second process: its peak counts on top of ours (wait4 alone
        # would report the larger of the two).
        rss = self.m.rss_mb
        if "maxrss_mb_self" in self.extra:
            rss = self.extra["maxrss_mb_self"] + self.extra.get("maxrss_mb_worker", 0)
        return {
            "n": self.n,
            "tool": self.tool,
            "phase": self.phase,
            "wall_s": self.m.wall,
            "cpu_s": self.m.cpu,
            "peak_rss_mb": rss,
            "rc": self.m.rc,
            "server": self.stats,
            **self.extra,
        }


class Tool:
    name = "?"

    def __init__(self, server: PageServer, workdir: Path, conc: int) -> None:
        self.server, self.dir, self.conc, self.n = server, workdir / self.name, conc, server.pages
        self.dir.mkdir(parents=True, exist_ok=True)

    def run(self, phase: str) -> tuple[Measured, dict[str, Any]]:
        raise NotImplementedError


class Ours(Tool):
    name = "oversight-monitor"

    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        urls = self.dir / "urls.txt"
        urls.write_text("".join(f"{self.server.base}/case/{i}\n" for i in range(self.n)))
        (self.dir / "config.toml").write_text(
            config_toml(self.dir / "monitor.db", urls, self.n, self.conc)
        )

    def run(self, phase: str) -> tuple[Measured, dict[str, Any]]:
        out = self.dir / f"phase-{phase.replace('%', '').replace(' ', '_')}.json"
        env = dict(os.environ, PYTHONPATH=str(REPO))
        m = measure(
            [sys.executable, str(HERE / "phase_ours.py"), str(self.dir / "config.toml"), str(out)],
            env=env,
            cwd=REPO,
        )
        if m.rc != 0:
            raise RuntimeError(f"oversight-monitor phase failed:\n{m.stderr[-3000:]}")
        extra = json.loads(out.read_text())
        db = self.dir / "monitor.db"
        extra["db_bytes"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
        return m, extra


def config_toml(db: Path, urls: Path, n: int, conc: int) -> str:
    return f"""# written by benchmarks/run.py: per-host limits opened up for a local server
[monitor]
database = "{db}"
max_documents_per_cycle = {max(n, 200)}

[http]
contact = "benchmarks@example.org"
min_delay_seconds = 0          # default 1 s between request starts per host
concurrency_per_host = {conc}  # default 2
max_connections = {conc}       # default 20
respect_robots = true          # one GET /robots.txt per run (404 here: no rules)
retries = 0

[[sources]]
id = "bench"
plugin = "page"
options = {{ urls_file = "{urls}" }}
"""


class Bare(Tool):
    name = "bare httpx"

    def run(self, phase: str) -> tuple[Measured, dict[str, Any]]:
        out = self.dir / "phase.json"
        m = measure(
            [
                sys.executable,
                str(HERE / "phase_bare.py"),
                str(self.server.port),
                str(self.n),
                str(self.conc),
                str(self.dir / "etags.json"),
                str(out),
            ]
        )
        if m.rc != 0:
            raise RuntimeError(f"bare client failed:\n{m.stderr[-3000:]}")
        return m, json.loads(out.read_text())


class UrlWatch(Tool):
    """urlwatch / webchanges as ../shared/bench/peer_urlwatch.sh runs them (isolated HOME,
    stdout reporter only, no filter)."""

    name = "urlwatch"
    jobs_flag = "--urls"

    def __init__(self, *a: Any, venv: Path) -> None:
        super().__init__(*a)
        self.exe = venv / "bin" / self.name
        d = self.dir
        (d / "urls.yaml").write_text(
            "---\n".join(
                f"name: case {i}\nurl: {self.server.base}/case/{i}\n" for i in range(self.n)
            )
        )
        (d / "config.yaml").write_text(
            "display: {new: true, error: true, unchanged: false, empty-diff: true}\n"
            "report:\n  text: {line_length: 75, details: true, footer: true, minimal: false, separate: false}\n"
            "  stdout: {enabled: true, color: false}\n  email: {enabled: false}\n"
            if self.name == "urlwatch"
            else "display: {new: true, error: true, unchanged: false, empty-diff: true}\n"
            "report:\n  stdout: {enabled: true, color: false}\n"
        )
        home = d / "home"
        home.mkdir(exist_ok=True)
        self.env = dict(
            os.environ,
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
        )
        self.env.pop("PYTHONPATH", None)

    def run(self, phase: str) -> tuple[Measured, dict[str, Any]]:
        d = self.dir
        time.sleep(1.2)  # urlwatch keys its cache by integer seconds: keep runs >1 s apart
        m = measure(
            [
                str(self.exe),
                self.jobs_flag,
                str(d / "urls.yaml"),
                "--config",
                str(d / "config.yaml"),
                "--cache",
                str(d / "cache.db"),
                "--hooks",
                str(d / "hooks.py"),
            ],
            env=self.env,
            cwd=d,
        )
        return m, {"report_lines": m.stdout.count("\n"), "rc": m.rc}


class WebChanges(UrlWatch):
    name = "webchanges"
    jobs_flag = "--jobs"


def ensure_peers(venv: Path, install: bool, want: list[str]) -> dict[str, str]:
    """{tool: version} for the peers available in `venv`, installing them with pip if asked."""
    found = {}
    for tool in want:
        exe = venv / "bin" / tool
        if not exe.exists() and install:
            if not (venv / "bin" / "python").exists():
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            print(f"installing {tool} into {venv} …", flush=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", tool],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        if exe.exists():
            v = subprocess.run(
                [
                    str(venv / "bin" / "python"),
                    "-c",
                    f"import importlib.metadata as m; print(m.version({tool!r}))",
                ],
                capture_output=True,
                text=True,
            )
            found[tool] = v.stdout.strip() or "?"
    return found


# ---- side by side --------------------------------------------------------------------------------


def make_tool(name: str, server: PageServer, tdir: Path, conc: int, venv: Path) -> Tool:
    if name in ("urlwatch", "webchanges"):
        return (UrlWatch if name == "urlwatch" else WebChanges)(server, tdir, conc, venv=venv)
    return {"ours": Ours, "bare": Bare}[name](server, tdir, conc)


def side_by_side(
    sizes: list[int],
    tools: list[str],
    conc: int,
    venv: Path,
    install: bool,
    webchanges_max: int,
    workdir: Path,
    prefer_shared: bool,
    urlwatch_max: int,
) -> dict[str, Any]:
    peers = ensure_peers(venv, install, [t for t in tools if t in ("urlwatch", "webchanges")])
    rows: list[Row] = []
    server_kind = ""
    for n in sizes:
        server = PageServer(n, workdir, prefer_shared)
        server_kind = server.which
        try:
            runners: list[Tool] = []
            for name in tools:
                if name in ("urlwatch", "webchanges") and name not in peers:
                    print(f"  {name}: not installed, skipped", flush=True)
                    continue
                if name == "webchanges" and n > webchanges_max:
                    print(
                        f"  webchanges: skipped at N={n} (> --webchanges-max {webchanges_max})",
                        flush=True,
                    )
                    continue
                if name == "urlwatch" and n > urlwatch_max:
                    print(
                        f"  urlwatch: skipped at N={n} (> --urlwatch-max {urlwatch_max})",
                        flush=True,
                    )
                    continue
                tdir = workdir / f"n{n}"
                runners.append(make_tool(name, server, tdir, conc, venv))
            # Phase by phase, every tool in turn: the tools see the same pages and, as far as
            # a shared machine allows, the same load.
            for phase in PHASES:
                if phase == "1% changed":
                    server.admin("bump?fraction=0.01&seed=42")
                for tool in runners:
                    server.admin("reset")
                    load = os.getloadavg()[0]
                    m, extra = tool.run(phase)
                    extra["load_1min"] = load
                    row = Row(n, tool.name, phase, m, server.admin("stats"), extra)
                    rows.append(row)
                    print(
                        f"  N={n:>5} {tool.name:<18} {phase:<11} wall {m.wall:6.2f} s  cpu {m.cpu:6.2f} s  "
                        f"rss {row.as_dict()['peak_rss_mb']:6.0f} MB  req {row.requests:>5} "
                        f"(200 {row.status(200)}, 304 {row.status(304)})  load {load:.1f}",
                        flush=True,
                    )
        finally:
            server.stop()
    return {
        "server": server_kind,
        "peers": peers,
        "conc": conc,
        "rows": [r.as_dict() for r in rows],
    }


def _get(rows: list[dict[str, Any]], n: int, tool: str, phase: str) -> dict[str, Any] | None:
    return next(
        (r for r in rows if r["n"] == n and r["tool"] == tool and r["phase"] == phase), None
    )


TARGETS = {"first": 3.0, "1% changed": 1.3, "unchanged": 1.15}  # wall ÷ bare client wall
RSS_TARGETS = {1000: 0.5, 5000: 0.25}  # peak RSS ÷ urlwatch's, every phase


def targets_md(rows: list[dict[str, Any]]) -> list[str]:
    out = ["| target | N | measured | met? |", "| --- | ---: | ---: | --- |"]
    sizes = sorted({r["n"] for r in rows})
    for phase, limit in TARGETS.items():
        for n in sizes:
            ours, bare = (
                _get(rows, n, "oversight-monitor", phase),
                _get(rows, n, "bare httpx", phase),
            )
            if ours and bare:
                ratio = ours["wall_s"] / bare["wall_s"]
                out.append(
                    f"| {phase}: wall ≤ {limit}× the bare client | {n} | {ratio:.2f}× | "
                    f"{'yes' if ratio <= limit else '**no**'} |"
                )
    for n, limit in RSS_TARGETS.items():
        for phase in PHASES:
            ours, uw = _get(rows, n, "oversight-monitor", phase), _get(rows, n, "urlwatch", phase)
            if ours and uw:
                ratio = ours["peak_rss_mb"] / uw["peak_rss_mb"]
                out.append(
                    f"| {phase}: peak RSS ≤ {limit} × urlwatch's | {n} | {ratio:.2f} | "
                    f"{'yes' if ratio <= limit else '**no**'} |"
                )
    big = max(sizes, default=0)
    for phase in ("first", "unchanged"):
        a, b = (
            _get(rows, 1000, "oversight-monitor", phase),
            _get(rows, big, "oversight-monitor", phase),
        )
        if a and b and big > 1000:
            ratio = (b["wall_s"] / big) / (a["wall_s"] / 1000)
            out.append(
                f"| {phase}: time per page at {big:,} ≤ 1.2× that at 1,000 | {big} | "
                f"{ratio:.2f}× | {'yes' if ratio <= 1.2 else '**no**'} |"
            )
    return out


def side_by_side_md(res: dict[str, Any]) -> str:
    rows = res["rows"]
    out = [
        f"Server: {res['server']}. Concurrency for oversight-monitor and the bare client: "
        f"{res['conc']} connections. Peers: "
        + (", ".join(f"{k} {v}" for k, v in res["peers"].items()) or "none")
        + ".",
        "",
        "`wall`/`CPU`/`RSS` are the whole process (interpreter start, imports, DB open included), "
        "measured with os.wait4; `cycle` is the time inside the poll itself (oversight-monitor: "
        "`Engine.run_source`; bare client: its `gather`). Requests and bytes are the server's counters.",
        "",
        "Every first run uses the learned reader (no stub). oversight-monitor's peak RSS is its "
        "process plus its analysis worker, if one ran (the worker's own peak); `load` is the "
        "machine's 1-minute load average when the phase started (other work shares the cores).",
        "",
        "| N | run | tool | wall s | cycle s | CPU s | peak RSS MB | load | requests | 200 / 304 | TCP conns | body MB | parsed | rows written |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        st = r["server"]
        written = ""
        if "sql" in r:
            sql = r["sql"]
            parts = [
                f"{k[5:8]} {k.split(':', 1)[1]} {v}"
                for k, v in sorted(sql.items())
                if k.startswith("rows_") and ":" in k
            ]
            written = ", ".join(parts) or "0"
        phase = r["phase"]
        cycle = f"{r['cycle_s']:.2f}" if "cycle_s" in r else "–"
        out.append(
            f"| {r['n']} | {phase} | {r['tool']} | {r['wall_s']:.2f} | {cycle} | "
            f"{r['cpu_s']:.2f} | {r['peak_rss_mb']:.0f} | {r.get('load_1min', 0):.1f} | "
            f"{st.get('requests', 0)} | "
            f"{st.get('status', {}).get('200', 0)} / {st.get('status', {}).get('304', 0)} | "
            f"{st.get('connections', 0)} | "
            f"{st.get('bytes_body', 0) / 1e6:.2f} | {r.get('parsed', '–')} | {written or '–'} |"
        )
    out += [
        "",
        "Ratios (oversight-monitor ÷ peer; below 1 means we are faster / smaller):",
        "",
        "| N | run | cycle ÷ bare cycle | wall ÷ bare wall | wall ÷ urlwatch wall | urlwatch wall ÷ ours | RSS ÷ urlwatch RSS |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n in sorted({r["n"] for r in rows}):
        for phase in PHASES:
            ours = _get(rows, n, "oversight-monitor", phase)
            if not ours:
                continue
            bare, uw = _get(rows, n, "bare httpx", phase), _get(rows, n, "urlwatch", phase)
            f = lambda a, b: f"{a / b:.2f}" if b else "–"  # noqa: E731
            star = ""
            out.append(
                f"| {n} | {phase}{star} | {f(ours['cycle_s'], bare['cycle_s']) if bare else '–'} | "
                f"{f(ours['wall_s'], bare['wall_s']) if bare else '–'} | "
                f"{f(ours['wall_s'], uw['wall_s']) if uw else '–'} | "
                f"{f(uw['wall_s'], ours['wall_s']) if uw else '–'} | "
                f"{f(ours['peak_rss_mb'], uw['peak_rss_mb']) if uw else '–'} |"
            )
    out += ["", "Targets (issue 19), from the rows above:", "", *targets_md(rows)]
    return "\n".join(out)


# ---- the other sections (each its own script, run as a subprocess) -------------------------------


def run_script(script: str, args: list[str], workdir: Path, title: str) -> dict[str, Any]:
    out = workdir / f"{Path(script).stem}.json"
    cmd = [sys.executable, str(HERE / script), *args, "--json", str(out)]
    print(f"{title}: {' '.join(shlex.quote(c) for c in cmd[1:])}", flush=True)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(cmd, env=env, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"{script} failed ({proc.returncode})")
    return json.loads(out.read_text())


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    }


def section(results: dict[str, Any], key: str, run: Any, render: Any) -> list[str]:
    """Run one optional section; a failure is reported in its place, the others still run."""
    try:
        results[key] = run()
        return [render(results[key])]
    except (RuntimeError, KeyError, OSError, ValueError) as exc:
        print(f"{key} failed: {exc!r}", flush=True)
        return [f"(this section failed: {exc!r})"]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", default="200,1000,5000", help="page counts for the side-by-side run ('' = skip)"
    )
    ap.add_argument("--tools", default="ours,bare,urlwatch,webchanges")
    ap.add_argument(
        "--conc",
        type=int,
        default=8,
        help="connections for us and the bare client (32 was slower on 2 cores: see README)",
    )
    ap.add_argument("--peer-venv", type=Path, default=PEER_VENV)
    ap.add_argument("--no-install", action="store_true", help="do not pip-install missing peers")
    ap.add_argument(
        "--urlwatch-max",
        type=int,
        default=5000,
        help="largest N to run urlwatch at (its repeat runs are O(N²))",
    )
    ap.add_argument(
        "--webchanges-max",
        type=int,
        default=1000,
        help="largest N to run webchanges at (slow, ~1 GB at 1000)",
    )
    ap.add_argument(
        "--bundled-server",
        action="store_true",
        help="use benchmarks/pageserver.py even if ../shared exists",
    )
    ap.add_argument("--soak", action="store_true", help="daemon steady state (minutes)")
    ap.add_argument("--soak-cycles", type=int, default=500)
    ap.add_argument("--soak-pages", type=int, default=1000)
    ap.add_argument(
        "--economy", action="store_true", help="request economy of age tiers (feed source)"
    )
    ap.add_argument("--economy-days", type=int, default=7)
    ap.add_argument("--parse", action="store_true", help="parser throughput")
    ap.add_argument("--all", action="store_true", help="--soak --economy --parse as well")
    ap.add_argument("--readme", action="store_true",
                    help="record the results: results/latest.{md,json} and benchmarks/README.md")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work dir")
    a = ap.parse_args()
    if a.all:
        a.soak = a.economy = a.parse = True

    workdir = Path(tempfile.mkdtemp(prefix="om-bench-"))
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "python benchmarks/run.py " + " ".join(shlex.quote(x) for x in sys.argv[1:]),
    }
    md = [
        f"Command: `{results['command']}`",
        "",
        f"Machine: {results['machine']['nproc']} CPUs ({results['machine']['cpu']}), Python "
        f"{results['machine']['python']}, {results['machine']['platform']}; run {results['machine']['date']}.",
        "",
        f"Load at the start (`uptime`): {results['machine']['uptime']}",
    ]
    try:
        sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
        if sizes:
            print(f"side by side, N = {sizes}", flush=True)
            res = side_by_side(
                sizes,
                [t.strip() for t in a.tools.split(",") if t.strip()],
                a.conc,
                a.peer_venv,
                not a.no_install,
                a.webchanges_max,
                workdir,
                not a.bundled_server,
                a.urlwatch_max,
            )
            results["side_by_side"] = res
            if a.readme:  # recorded (kept even if a later section fails) only when asked
                (HERE / "results").mkdir(exist_ok=True)
                (HERE / "results" / "side_by_side.json").write_text(
                    json.dumps(res, indent=1, default=str)
                )
            md += ["", "### Side by side", "", side_by_side_md(res)]
        if a.parse:
            from benchmarks_md import parse_md  # type: ignore[import-not-found]

            md += ["", "### Parser throughput", ""] + section(
                results, "parse", lambda: run_script("parse_speed.py", [], workdir, "parser throughput"), parse_md
            )
        if a.economy:
            from benchmarks_md import economy_md  # type: ignore[import-not-found]

            md += ["", "### Request economy (feed source, age tiers)", ""] + section(
                results, "economy",
                lambda: run_script("economy.py", ["--days", str(a.economy_days)], workdir, "request economy"),
                economy_md,
            )
        if a.soak:
            from benchmarks_md import soak_md  # type: ignore[import-not-found]

            soak_args = ["--cycles", str(a.soak_cycles), "--pages", str(a.soak_pages)]
            soak_args += ["--bundled-server"] if a.bundled_server else []
            md += ["", "### Daemon steady state (soak)", ""] + section(
                results, "soak", lambda: run_script("soak.py", soak_args, workdir, "soak"), soak_md
            )
    finally:
        if a.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    text = "\n".join(md) + "\n"
    print("\n" + text)
    if a.readme:
        outdir = HERE / "results"
        outdir.mkdir(exist_ok=True)
        (outdir / "latest.json").write_text(json.dumps(results, indent=1, default=str))
        (outdir / "latest.md").write_text(text)
        readme = HERE / "README.md"
        body = readme.read_text()
        start, end = body.index(MARK_START) + len(MARK_START), body.index(MARK_END)
        readme.write_text(body[:start] + "\n" + text + body[end:])
        print(f"wrote results into {readme}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
