"""`oversight-monitor demo`: the Stephen Port replay, end to end, through the real pipeline.

The assertions read what was delivered to the demo's mail server (the .eml files it keeps, or
the subjects it prints) and compare them with the timeline in domain.md §e. Nothing here says
what the classifier should answer for a given text; only which alerts a follower must get.
"""

from __future__ import annotations

import email
import email.policy
import re
import tempfile
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.demo import timeline
from monitor.demo.command import _workdir
from monitor.demo.mailbox import text_of
from monitor.demo.site import Site
from monitor.stages.vocabulary import SEVERITIES, STAGES, short_label

CASE = "Stephen Port"
# domain.md §e: every real stage move from 2015 on, in order; None = any officer count.
EXPECTED = [
    ("referral", None),
    ("misconduct_notices_served", 17),
    ("reflective_practice", None),
    ("inquest", None),
    ("reinvestigation", None),
    ("misconduct_notices_served", 8),
]
SUBJECT = re.compile(
    rf"^(?:New case, )?{CASE}: (?P<stage>.+?)"
    r"(?: to (?P<n1>\d+) officers?| \((?P<n2>\d+) officers?\))?$"
)


def stage_of(subject: str) -> tuple[str, int | None]:
    """(stage id, officers) from a delivered subject like 'Stephen Port: … to 8 officers'."""
    m = SUBJECT.match(subject)
    assert m, f"not a {CASE} stage alert: {subject!r}"
    words = {short_label(s, sev): s for s in STAGES for sev in (None, *SEVERITIES)}
    assert m["stage"] in words, f"unknown stage wording in {subject!r}"
    officers = m["n1"] or m["n2"]
    return words[m["stage"]], int(officers) if officers else None


def matches(delivered: list[tuple[str, int | None]]) -> bool:
    return len(delivered) == len(EXPECTED) and all(
        stage == want and (count is None or officers == count)
        for (stage, officers), (want, count) in zip(delivered, EXPECTED, strict=True)
    )


def run_demo(*args: str) -> str:
    result = CliRunner().invoke(main, ["demo", "--fast", "--no-color", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> tuple[Path, str]:
    where = tmp_path_factory.mktemp("demo") / "kept"
    return where, run_demo("--keep", str(where))


def test_followers_get_exactly_the_stage_changes_of_the_timeline(kept):
    where, output = kept
    files = sorted((where / "messages").glob("*.eml"))
    messages = [read(f) for f in files]
    delivered = [stage_of(str(m["Subject"])) for m in messages]
    assert matches(delivered), f"delivered {delivered}, expected {EXPECTED}"


def read(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_each_alert_links_the_release_that_moved_the_case(kept):
    where, _ = kept
    moving = [s.release.path for s in timeline.steps() if s.alerts_expected]
    bodies = [text_of(read(f)) for f in sorted((where / "messages").glob("*.eml"))]
    assert len(bodies) == len(moving)
    for path, body in zip(moving, bodies, strict=True):
        assert path in body  # and so no alert came from a statistics or road-safety page


def test_output_tells_the_story_and_the_timeline_moves_back_and_forward(kept):
    _, output = kept
    flowing = " ".join(output.split())  # long titles are wrapped to the terminal width
    for step in timeline.steps():
        assert step.release.title in flowing
    assert "silent baseline" in output
    assert "The case as the monitor now holds it" in output
    assert "moved back" in output
    assert output.count("Alert sent") == len(EXPECTED)


def test_keep_leaves_a_database_and_config_that_history_can_read(kept):
    where, _ = kept
    assert (where / "demo.db").exists()
    result = CliRunner().invoke(main, ["history", "-c", str(where / "config.toml"), CASE])
    assert result.exit_code == 0, result.output
    assert "re-investigat" in result.output or "reinvestigation" in result.output


def test_without_keep_nothing_is_left_behind(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    output = run_demo()
    assert list(scratch.iterdir()) == []
    assert len(re.findall(r"✉ (.+)", output)) == len(EXPECTED)


def test_interrupted_run_still_removes_its_files(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(KeyboardInterrupt), _workdir(None) as where:
        (where / "demo.db").write_text("x")
        raise KeyboardInterrupt
    assert not where.exists()


def test_site_answers_conditional_gets_with_304():
    with Site("iopc") as site:
        url = site.publish(timeline.steps()[1].release)
        first = httpx.get(url)
        assert first.status_code == 200 and first.headers["etag"]
        again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        since = httpx.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
        assert httpx.get(site.root + "/robots.txt").text.startswith("User-agent: *")
