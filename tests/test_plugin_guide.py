"""docs/plugins.md, followed to the letter: `new-source`, two selectors and a fixture give a
passing, registered source.

The guide's commands run in a copy of the work tree (git's files, tracked or not, less the
ignored ones: the tree the other tests see) with a throwaway virtualenv standing in for "the
project's virtualenv": the project's own venv lends it the installed dependencies (a .pth line)
and the copy is installed into it editable, as a developer's checkout would be. Nothing touches
the real tree or its venv. No site is contacted: `curl` in step 3 is replaced by writing
reconstructed pages (marked RECONSTRUCTED, as the guide asks), and the `check` runs against a
local copy through `base_url`. pip reaches only the package index, and only for `wheel` when
the project's venv lacks it (setuptools needs it to build an editable install).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests import sitemirror

ROOT = Path(__file__).parents[1]
GUIDE = ROOT / "docs" / "plugins.md"

LISTING = """<!-- RECONSTRUCTED from the HMICFRS walk-through in docs/plugins.md (news at
     /news/news-feed/, articles at /news/news-feed/<slug>/); not captured live. Markup and items
     invented. -->
<!DOCTYPE html>
<html lang="en"><head><title>Latest news | HMICFRS</title></head>
<body>
<nav><a href="/news/news-feed/">News</a> <a href="/about-us/">About us</a></nav>
<main>
  <h1>Latest news</h1>
  <div class="news-list">
    <article><h3><a href="/news/news-feed/force-moved-into-enhanced-monitoring/">Force moved
      into enhanced monitoring after HMICFRS inspection</a></h3><p>14 March 2024</p></article>
    <article><h3><a href="https://hmicfrs.justiceinspectorates.gov.uk/news/news-feed/peel-inspection-of-kent-police/">
      PEEL inspection of Kent Police</a></h3><p>2 February 2024</p></article>
  </div>
  <p><a href="/news/news-feed/?page=2">Older news</a></p>
</main>
<footer><a href="/privacy/">Privacy</a></footer>
</body></html>
"""
ARTICLE = """<!-- RECONSTRUCTED from the HMICFRS walk-through in docs/plugins.md; not captured live.
     Markup and text invented. -->
<!DOCTYPE html>
<html lang="en"><head><title>Enhanced monitoring | HMICFRS</title>
<meta property="og:title" content="Force moved into enhanced monitoring after HMICFRS inspection">
</head>
<body>
<nav><a href="/news/news-feed/">News</a></nav>
<main>
  <h1>Force moved into enhanced monitoring after HMICFRS inspection</h1>
  <p class="meta">Published <time datetime="2024-03-14T10:00:00+00:00">14 March 2024</time></p>
  <div class="share">Share this page</div>
  <div class="article-body">
    <p>A police force has been moved into the enhanced monitoring stage of our process
    following an inspection by HM Inspectorate of Constabulary and Fire & Rescue
    Services.</p>
    <p>The inspection report has been sent to the chief constable.</p>
  </div>
</main>
<footer>Contact the HMICFRS press office.</footer>
</body></html>
"""
NAME = "HM Inspectorate of Constabulary and Fire & Rescue Services"
SLUG_URL = "https://hmicfrs.justiceinspectorates.gov.uk/news/news-feed/force-moved-into-enhanced-monitoring/"


def guide_commands() -> list[str]:
    """Every line of the guide's ``` blocks that is a shell command (not TOML, not Python)."""
    blocks = re.findall(r"```(\w*)\n(.*?)```", GUIDE.read_text("utf-8"), re.S)
    lines = [x for lang, body in blocks if lang == "" for x in body.splitlines()]
    return [re.sub(r"\s+#.*$", "", x).strip() for x in lines if x.strip()]


class Project:
    """A copy of the project and a throwaway venv whose console scripts are on PATH."""

    def __init__(self, tmp: Path) -> None:
        self.dir, self.venv = tmp / "project", tmp / "venv"
        files = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, files.split("\0")):
            if (ROOT / name).is_file():
                (self.dir / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, self.dir / name)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(self.venv)], check=True)
        lib = Path(sysconfig.get_paths(vars={"base": str(self.venv)})["purelib"])
        # The project's installed dependencies (not its own editable install: that is not
        # processed from a plain path line, so the copy is the only oversight-monitor seen).
        (lib / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        self.python = self.venv / "bin" / "python"
        # The throwaway venv first, then the project's venv (for tools like ruff: CI runs
        # pytest by path without activating anything).
        tools = Path(sys.executable).parent
        path = os.pathsep.join([str(self.venv / "bin"), str(tools), os.environ["PATH"]])
        self.env = {**os.environ, "PATH": path,
                    "VIRTUAL_ENV": str(self.venv), "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
        self.env.pop("OVERSIGHT_MONITOR_CONFIG", None)
        self.env.pop("PYTHONPATH", None)
        if subprocess.run([self.python, "-c", "import wheel"], capture_output=True).returncode:
            # setuptools builds editable installs with `wheel`; without build isolation (so no
            # download of a build environment per install) it must be in the venv.
            self.run("python -m pip install -q wheel")
        self.install()

    def install(self) -> None:
        """The guide's `pip install -e .`, without re-resolving dependencies."""
        self.run("python -m pip install -q --no-deps --no-build-isolation -e .")

    def run(self, command: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            command, shell=True, cwd=self.dir, env=self.env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        if ok:
            assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
        return done

    def path(self, name: str) -> Path:
        return self.dir / name


def edit(path: Path, *subs: tuple[str, str]) -> None:
    text = path.read_text("utf-8")
    for pattern, repl in subs:
        text, n = re.subn(pattern, repl, text, count=1, flags=re.M)
        assert n == 1, f"{path.name}: no line matching {pattern!r}"
    path.write_text(text, "utf-8")


def set_json(path: Path, **values: str) -> None:
    data = json.loads(path.read_text("utf-8"))
    data.update(values)
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return Project(tmp_path_factory.mktemp("guide"))


def test_the_guide_names_the_commands_this_test_runs():
    commands = guide_commands()
    for expected in (
        "oversight-monitor new-source hmicfrs",
        "pip install -e .",
        "python -m pytest tests/test_source_hmicfrs.py",
        "oversight-monitor sources --list",
        "python -m sources.fixtures regen hmicfrs --dry-run",
        "python -m sources.fixtures regen hmicfrs",
        "python -m pytest tests/test_source_hmicfrs.py tests/test_sources_fixtures.py -k hmicfrs",
        "ruff check sources tests",
        "oversight-monitor check --source hmicfrs --dry-run",
    ):
        assert expected in commands, f"docs/plugins.md no longer says `{expected}`"


def test_new_source_two_selectors_and_a_fixture_give_a_registered_passing_source(project):
    # 1. Generate the skeleton; install; its own test passes as generated; it is listed.
    made = project.run("oversight-monitor new-source hmicfrs").stdout
    names = ("listing.html", "listing.json", "example.html", "example.json")
    examples = [f"tests/sources/hmicfrs/{n}" for n in names]
    for name in ("sources/hmicfrs.py", "tests/test_source_hmicfrs.py", *examples):
        assert project.path(name).is_file(), made
    assert 'hmicfrs = "sources.hmicfrs:HmicfrsSource"' in project.path("pyproject.toml").read_text()
    project.install()
    project.run("python -m pytest -q -p no:cacheprovider tests/test_source_hmicfrs.py")
    assert re.search(r"^hmicfrs\s", project.run("oversight-monitor sources --list").stdout, re.M)

    # 2. Point it at the site: the two selectors and the class attributes the guide shows.
    edit(
        project.path("sources/hmicfrs.py"),
        (r"^ITEM_LINKS = .*$", 'ITEM_LINKS = "main h3 a[href]"'),
        (r"^BODY = .*$", 'BODY = "main .article-body"'),
        (r'^    listing_path: str = .*$', '    listing_path: str = "/news/news-feed/"'),
        (r"^    name = .*$", f'    name = "{NAME}"'),
        (r"^    hosts = .*$", '    hosts = ("hmicfrs.justiceinspectorates.gov.uk",)'),
        (r"^    base_url = .*$", '    base_url = "https://hmicfrs.justiceinspectorates.gov.uk"'),
        (r"^    default_interval = .*$", "    default_interval = timedelta(minutes=60)"),
    )  # fmt: skip

    # 3. Replace the examples (reconstructed, not curl'd: no network) and set the real URLs.
    hmicfrs = project.path("tests/sources/hmicfrs")
    (hmicfrs / "listing.html").write_text(LISTING, "utf-8")
    (hmicfrs / "example.html").write_text(ARTICLE, "utf-8")
    set_json(
        hmicfrs / "listing.json", url="https://hmicfrs.justiceinspectorates.gov.uk/news/news-feed/"
    )
    set_json(hmicfrs / "example.json", url=SLUG_URL,
             external_id="/news/news-feed/force-moved-into-enhanced-monitoring")  # fmt: skip

    # 4. Regenerate: the dry run prints the diff and writes nothing; then write and read it.
    before = (hmicfrs / "example.json").read_text()
    dry = project.run("python -m sources.fixtures regen hmicfrs --dry-run").stdout
    assert "2 fixture(s) would change for hmicfrs" in dry and '+    "title"' in dry
    assert (hmicfrs / "example.json").read_text() == before
    assert "2 fixture(s) changed" in project.run("python -m sources.fixtures regen hmicfrs").stdout
    refs = json.loads((hmicfrs / "listing.json").read_text())["refs"]
    assert [(r["url"], r["external_id"], r["title"]) for r in refs] == [
        (SLUG_URL, "/news/news-feed/force-moved-into-enhanced-monitoring",
         "Force moved into enhanced monitoring after HMICFRS inspection"),
        ("https://hmicfrs.justiceinspectorates.gov.uk/news/news-feed/peel-inspection-of-kent-police/",
         "/news/news-feed/peel-inspection-of-kent-police",
         "PEEL inspection of Kent Police"),
    ]  # fmt: skip
    doc = json.loads((hmicfrs / "example.json").read_text())["document"]
    assert doc["title"] == "Force moved into enhanced monitoring after HMICFRS inspection"
    assert doc["text"].startswith("A police force has been moved into the enhanced monitoring")
    assert doc["text"].endswith("The inspection report has been sent to the chief constable.")
    assert "Share this page" not in doc["text"] and "press office" not in doc["text"]
    assert doc["published_at"] == "2024-03-14T10:00:00+00:00"

    # 5. Test, lint (the files the guide had us write), configure, one dry-run cycle.
    tests = "python -m pytest -p no:cacheprovider tests/test_source_hmicfrs.py tests/test_sources_fixtures.py -k hmicfrs"  # noqa: E501
    assert " passed" in project.run(tests).stdout
    project.run("ruff check --no-cache sources/hmicfrs.py tests/test_source_hmicfrs.py")
    listed = project.run("oversight-monitor sources --list --json").stdout
    assert {"id": "hmicfrs", "name": NAME}.items() <= next(
        r for r in json.loads(listed) if r["id"] == "hmicfrs"
    ).items()

    site = sitemirror.Mirror("hmicfrs", ("hmicfrs.justiceinspectorates.gov.uk",))
    site.add("/news/news-feed/", LISTING)
    site.add("/news/news-feed/force-moved-into-enhanced-monitoring/", ARTICLE)
    site.stub_links("/news/news-feed/")
    with site:
        project.path("config.toml").write_text(
            '[monitor]\ndatabase = "guide.db"\n\n[http]\ncontact = "tests@example.org"\n'
            "min_delay_seconds = 0\nretries = 0\n\n"
            f'[[sources]]\nid = "hmicfrs"\ninterval_minutes = 60\nbase_url = "{site.root}"\n'
        )
        out = project.run("oversight-monitor check --source hmicfrs --dry-run").stdout
    assert "hmicfrs: 2 listed, 2 fetched" in out, out
    assert "would record" in out and "Force moved into enhanced monitoring" in out
    fetched = {path for path, status, _ in site.requests() if status == 200}
    assert fetched == {"/news/news-feed/", "/news/news-feed/force-moved-into-enhanced-monitoring/",
                       "/news/news-feed/peel-inspection-of-kent-police/"}  # fmt: skip
