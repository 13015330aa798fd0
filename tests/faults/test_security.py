"""Security: only declared hosts are fetched, secrets never leak, files are owner-only.

Escaping is proven where messages are made: tests/test_notifications_render.py
(test_hostile_title_is_inert_in_slack, _escaped_in_html_email, _escaped_in_markdown,
_plain_in_a_json_webhook, test_only_http_links_are_linked) and tests/test_web.py
(test_hostile_text_is_shown_as_text, test_feed_escapes_hostile_text).
"""

from __future__ import annotations

import logging
import os
import stat

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from monitor.app import database
from monitor.cli import main
from monitor.config import load_config
from tests.faults.newsroom import Newsroom, listing_source
from tests.faults.rig import Rig, case_fields, page_source
from tests.servers import CaseSite, free_port

SECRET = "s3cr3t-Hunter2-do-not-log"


@pytest.fixture
def bystander():
    """Another local service, on another port: nothing may ever reach it."""
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.expect_request("/").respond_with_data("internal admin page")
    server.start()
    yield server
    server.stop()


async def test_links_to_other_hosts_ports_and_schemes_are_never_fetched(
    tmp_path, httpserver, bystander
):
    room = Newsroom(httpserver)
    room.publish("real", "Arrest referred to the IOPC", "An independent investigation began.")
    traps = [
        f"http://127.0.0.1:{bystander.port}/",
        f"http://localhost:{httpserver.port}/news/real",  # the same server under another host
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "gopher://127.0.0.1:25/",
    ]
    room.extra_links = traps
    rig = Rig(tmp_path, httpserver, listing_source(room))
    for _ in range(2):
        report = (await rig.cycle())["news"]
        assert report.ok and report.discovered == 1  # links off the source are not articles
    assert bystander.log == []
    hosts = {request.host.split(":")[0] for request, _ in httpserver.log}
    assert hosts == {"127.0.0.1"}  # never the "localhost" spelling either
    assert list(rig.versions()) == [room.listing_url.replace("/news", "/news/real")]


def test_secrets_never_reach_logs_errors_or_the_health_table(
    tmp_path, httpserver, monkeypatch, caplog
):
    monkeypatch.setenv("HOOK_PASSWORD", SECRET)
    monkeypatch.setenv("SITE_PASSWORD", SECRET)
    monkeypatch.setenv("WEB_TOKEN", SECRET)
    site = CaseSite(httpserver)
    url = site.add("a", **case_fields(1))
    secured = url.replace("://", "://reader:${SITE_PASSWORD}@")  # a site behind basic auth
    httpserver.expect_request("/case/locked").respond_with_data("down", status=500)
    locked = secured.replace("/case/a", "/case/locked")
    dead_hook = f"json://monitor:${{HOOK_PASSWORD}}@127.0.0.1:{free_port()}/hook"
    rig = Rig(
        tmp_path,
        httpserver,
        page_source("cases", secured) + page_source("broken", locked),
        subscribers=f'[[subscribers]]\nname = "advocate"\nurls = ["{dead_hook}"]\n'
        'events = ["stage_changed", "new_case"]\n',
        health={"urls": [
            f"mailto://ops:${{HOOK_PASSWORD}}@127.0.0.1:{free_port()}"
            "?from=monitor@example.org&to=ops@example.org"
        ]},
    )
    rig.path.write_text(rig.path.read_text() + '\n[web]\ntoken = "${WEB_TOKEN}"\n')
    caplog.set_level(logging.DEBUG)
    outputs = []
    for n in range(4):  # baseline, a change, failures past N, the dead channels retried
        site.pages["a"]["status"] = f"Status {n}"
        for command in (["check", "--json"], ["sources", "--json"], ["held"], ["cases", "--json"]):
            result = CliRunner().invoke(main, [*command, "-c", str(rig.path)])
            outputs.append(result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(
                result.exception
            )
        rig.now = rig.now.replace(year=rig.now.year + 1)
        rig.deliver()
    assert any("Status 1" in o for o in outputs), outputs[-4:]  # the secured site was read
    failed = [d for d in rig.deliveries() if d.last_error]
    assert failed, "the dead channels were tried"
    for where, text in {
        "logs": caplog.text,
        "command output": "\n".join(outputs),
        "delivery errors": "\n".join(d.last_error for d in failed),
        "health table": str(rig.health()),
    }.items():
        assert SECRET not in text, f"the secret leaked into the {where}"


def test_notify_test_and_sources_list_print_no_secret(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("HOOK_PASSWORD", SECRET)
    rig = Rig(
        tmp_path,
        httpserver,
        "",
        subscribers=f'[[subscribers]]\nname = "advocate"\nurls = '
        f'["json://u:${{HOOK_PASSWORD}}@127.0.0.1:{free_port()}/x"]\n',
    )
    result = CliRunner().invoke(main, ["notify-test", "--config", str(rig.path)])
    assert result.exit_code == 1 and "advocate" in result.output
    assert SECRET not in result.output


def test_config_and_database_files_are_owner_only_even_with_a_loose_umask(tmp_path):
    old = os.umask(0)
    try:
        config = tmp_path / "config.toml"
        config.write_text("loose")
        config.chmod(0o644)  # an existing file about to be overwritten with secrets
        assert CliRunner().invoke(main, ["init", "--force", str(config)]).exit_code == 0
        database(load_config(config)).dispose()  # as `check` and `run` create it
        assert (tmp_path / "oversight-monitor.db").exists()
        assert CliRunner().invoke(main, ["cases", "-c", str(config)]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    for name in ("oversight-monitor.db", "oversight-monitor.db-wal", "oversight-monitor.db-shm"):
        path = tmp_path / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
