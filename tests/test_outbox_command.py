"""`oversight-monitor outbox`: the outbox from the command line, read-only and masked."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import update
from sqlmodel import Session

from monitor.cli import main
from monitor.config import load_config
from monitor.corrections import correct_stage
from monitor.store.tables import Delivery
from notifications.outbox import deliver_due

try:
    from tests.notify_servers import NOW, add_event, make_db
    from tests.test_corrections import desk, document_id  # noqa: F401 - the fixture
except ModuleNotFoundError:
    from notify_servers import NOW, add_event, make_db  # type: ignore[no-redef]
    from test_corrections import desk, document_id  # type: ignore[no-redef]  # noqa: F401

SECRET = "Xk9secretToken42"


def outbox(config, *args):
    result = CliRunner().invoke(main, ["outbox", "-c", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_correction_s_follow_up_is_listed_as_pending(desk, tmp_path):
    doc = document_id(desk, "met", 7)
    correct_stage(desk.db, desk.config, document_id=doc, stage="inquest", who="alice",
                  why="jury findings")
    shown = outbox(tmp_path / "config.toml", "--status", "pending")
    first, subject = shown.splitlines()[:2]
    assert " pending " in first and "calendar via json://127.0.0.1:9/hook" in first
    assert "attempts 0" in first and "created " in first
    assert subject.strip() == (
        "correction: Stephen Port is at inquest findings, not re-investigation")
    assert outbox(tmp_path / "config.toml", "--status", "sent") == "no sent deliveries\n"


def test_a_dead_delivery_shows_its_error_with_the_secret_masked(tmp_path, httpserver):
    httpserver.expect_request("/hook/" + SECRET, method="POST").respond_with_data(
        "broken", status=500)
    path = tmp_path / "config.toml"
    path.write_text(
        f"[monitor]\ndatabase = '{tmp_path / 'monitor.db'}'\ntimezone = 'Europe/London'\n"
        "[outbox]\nmax_attempts = 1\n\n[[subscribers]]\nname = 'desk'\n"
        f"urls = ['json://127.0.0.1:{httpserver.port}/hook/{SECRET}']\n"
    )
    config = load_config(path)
    engine = make_db(tmp_path)
    add_event(engine, config, case_name="Stephen Port\x1b]0;pwned\x07")  # a hostile page
    assert deliver_due(engine, config, now=NOW).dead == 1

    shown = outbox(path, "--status", "dead")
    assert " dead " in shown and "attempts 1" in shown
    assert f"desk via json://127.0.0.1:{httpserver.port}/hook/****  " in shown
    assert "    Stephen Port: gross misconduct notices served to 8 officers\n" in shown
    assert "created 2024-03-01 12:00 GMT" in shown  # [monitor] timezone
    assert "last error: " in shown and SECRET not in shown
    # A row written unmasked (an older version, a server quoting the URL) is masked when shown.
    with Session(engine) as session:
        session.exec(update(Delivery).values(
            last_error=f"POST json://127.0.0.1/hook/{SECRET} said \x1b[31mno\x1b[0m"))
        session.commit()
    shown = outbox(path)
    assert "last error: POST json://127.0.0.1/hook/**** said no" in shown
    assert SECRET not in shown and "\x1b" not in shown and "\x07" not in shown
    [row] = json.loads(outbox(path, "--json"))
    assert row["status"] == "dead" and row["created_at"] == "2024-03-01 12:00 GMT"
    assert row["last_error"] == "POST json://127.0.0.1/hook/**** said no"


def test_json_and_limit_are_documented_and_newest_comes_first(desk, tmp_path):
    help_text = CliRunner().invoke(main, ["outbox", "--help"]).output
    assert "--json" in help_text and "Print JSON" in help_text and "--limit" in help_text
    doc = document_id(desk, "met", 7)
    correct_stage(desk.db, desk.config, document_id=doc, stage="inquest", who="a", why="jury")
    later = NOW + timedelta(days=1)
    correct_stage(desk.db, desk.config, document_id=doc, stage="case_to_answer", who="a",
                  why="misread", now=later)
    rows = json.loads(outbox(tmp_path / "config.toml", "--json", "--limit", "1"))
    assert len(rows) == 1 and "case to answer" in rows[0]["subject"]


def test_it_never_creates_a_database(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f"[monitor]\ndatabase = '{tmp_path / 'none.db'}'\n")
    result = CliRunner().invoke(main, ["outbox", "-c", str(path)])
    assert result.exit_code != 0 and "database" in result.output
    assert not (tmp_path / "none.db").exists()
