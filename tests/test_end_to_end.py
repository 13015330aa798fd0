"""The backbone, end to end, on real local servers: check → baseline → change → one email."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from tests.servers import free_port, text_of


def write_config(tmp_path: Path, smtp_port: int, sources: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "state/monitor.db"

[http]
contact = "tests@example.org"
min_delay_seconds = 0
retries = 0
timeout_seconds = 5

[outbox]
first_retry_seconds = 1

{sources}

[[subscribers]]
name = "advocate"
urls = ["mailto://127.0.0.1:{smtp_port}?from=monitor@example.org&to=advocate@example.org"]
events = ["stage_changed", "new_case"]
""")
    return path


def page_source(*urls: str, source_id: str = "cases") -> str:
    listed = ", ".join(json.dumps(u) for u in urls)
    return f'[[sources]]\nid = "{source_id}"\nplugin = "page"\noptions = {{ urls = [{listed}] }}\n'


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_status_change_sends_exactly_one_email(tmp_path, site, smtp):
    controller, sink = smtp
    url = site.add(
        "blake",
        title="Death of Chris Kaba – Metropolitan Police Service",
        status="Investigation ongoing",
        force="Metropolitan Police Service",
        reference="2022/174522",
        body="The IOPC is investigating the fatal shooting of Chris Kaba in Streatham Hill.",
    )
    site.add(
        "other",
        title="Use of force in custody – Kent Police",
        status="Investigation ongoing",
        force="Kent Police",
        reference="2023/000111",
        body="An investigation into the restraint of a man in custody in Maidstone.",
    )
    config = write_config(tmp_path, controller.port, page_source(url, site.url("other")))

    code, out = cli("check", "-c", str(config))
    assert code == 0, out
    assert "baseline" in out
    assert sink.wait_for(1, timeout=1) == []  # the first run is silent

    site.pages["blake"]["status"] = "Gross misconduct notices served"
    code, out = cli("check", "-c", str(config))
    assert code == 0, out
    messages = sink.wait_for(1)
    assert len(messages) == 1
    body = text_of(messages[0])
    assert "Chris Kaba" in messages[0]["Subject"] or "Chris Kaba" in body
    assert "Investigation ongoing" in body and "Gross misconduct notices served" in body
    assert url in body

    code, out = cli("check", "-c", str(config))
    assert code == 0, out
    assert len(sink.wait_for(2, timeout=1.5)) == 1  # nothing more


def test_unreachable_source_is_reported_while_others_work(tmp_path, site, smtp):
    controller, _sink = smtp
    good = site.add(
        "one",
        title="Custody death – Kent Police",
        status="Investigation ongoing",
        force="Kent Police",
        reference="2024/1",
        body="An independent investigation.",
    )
    dead = f"http://127.0.0.1:{free_port()}/case/1"  # nothing listens there
    config = write_config(
        tmp_path,
        controller.port,
        page_source(good, source_id="alive") + page_source(dead, source_id="gone"),
    )
    code, out = cli("check", "-c", str(config))
    assert code == 1  # a source failed
    assert "gone: FAILED (network)" in out
    assert "alive: 1 listed" in out

    code, out = cli("sources", "-c", str(config), "--json")
    health = {row["source_id"]: row for row in json.loads(out)}
    assert health["gone"]["last_error_kind"] == "network"
    assert health["gone"]["consecutive_failures"] == 1
    assert health["alive"]["status"] == "ok" and health["alive"]["last_success_at"]


def test_garbage_page_is_a_typed_parse_error_not_a_crash(tmp_path, httpserver, smtp):
    controller, _sink = smtp
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/case/x").respond_with_data(
        "\x00\x01\x02<<<>>>" * 10, content_type="text/html"
    )
    config = write_config(tmp_path, controller.port, page_source(httpserver.url_for("/case/x")))
    code, out = cli("check", "-c", str(config))
    assert code == 1
    assert "Traceback" not in out
    code, out = cli("sources", "-c", str(config), "--json")
    row = json.loads(out)[0]
    assert row["last_error_kind"] in {"parse", "bad_content"}


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        ("[monitor]\ndatabse = 'x.db'\n", "monitor.databse: unknown key"),
        ("[http]\nretries = 'many'\n", "http.retries"),
        ("[[sources]]\nid = 'iopc'\ninterval_minutes = -5\n", "sources[0] (iopc).interval_minutes"),
        ("[monitor\n", "not valid TOML"),
        (
            "[[subscribers]]\nname='a'\nurls=['mailto://${NOT_SET_ANYWHERE}@x']\n",
            "NOT_SET_ANYWHERE",
        ),
        ("[[sources]]\nid = 'x'\nplugin = 'nosuch'\n", "no source plugin called 'nosuch'"),
    ],
)
def test_bad_config_gives_one_clear_message_and_exit_2(tmp_path, config_text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(config_text)
    result = CliRunner().invoke(main, ["check", "-c", str(path)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_unwritable_database_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    path = tmp_path / "c.toml"
    path.write_text(f"[monitor]\ndatabase = '{blocker}/monitor.db'\n")
    result = CliRunner().invoke(main, ["check", "-c", str(path)])
    assert result.exit_code == 3, result.output
    assert "cannot create the database file" in result.output
    assert "Traceback" not in result.output


def test_change_after_an_incomplete_baseline_is_still_alerted(tmp_path, site, smtp):
    """A first cycle that could not read everything stays a baseline for what it has not seen,
    but a page it did record and that changed since is news."""
    controller, sink = smtp
    seen = site.add(
        "seen",
        title="Custody death – Kent Police",
        status="Investigation ongoing",
        force="Kent Police",
        reference="2024/1",
        body="An independent investigation.",
    )
    later = site.url("later")  # 404 during the first cycle
    config = write_config(tmp_path, controller.port, page_source(seen, later))
    code, out = cli("check", "-c", str(config))
    assert "baseline" in out

    site.pages["seen"]["status"] = "Case to answer for gross misconduct"
    site.add(
        "later",
        title="Pursuit crash – Kent Police",
        status="Investigation ongoing",
        force="Kent Police",
        reference="2024/2",
        body="An independent investigation.",
    )
    code, out = cli("check", "-c", str(config))
    messages = sink.wait_for(1)
    assert len(messages) == 1
    assert "Case to answer for gross misconduct" in text_of(messages[0])
    assert len(sink.wait_for(2, timeout=1)) == 1  # the page first read now stays silent
