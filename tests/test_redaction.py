"""A configured secret never shows: one test per place a URL or an error can surface.

Secrets here are the ones issues 17 and 20 found printed: a Slack token in a mistyped URL,
a webhook's path and `+Header=` value (kept by apprise's privacy form), a `${ENV}` API key in a
source URL, a mail password; all servers are on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging

from click.testing import CliRunner
from sqlmodel import Session, select
from starlette.testclient import TestClient

from monitor.cli import main
from monitor.logs import setup_logging
from monitor.store.tables import Event
from monitor.web.app import create_app
from notifications.health import dead_letter_note
from tests.faults.rig import Rig, case_fields, page_source
from tests.servers import CaseSite, free_port

HOOK_PATH = "hk7Qz2WpLm9x"  # a webhook's secret path: apprise's privacy form shows it
HEADER = "hdr-4f9a1c7e2b"  # a +X-Api-Key= value: shown by the privacy form too
FEED_KEY = "feedkey-83af1d2c"  # ?api_key=${FEED_KEY} in a source URL
SLACK = "SuperSecret-T0k3n"  # in a mistyped slack:/ URL


def secrets_in(text: str) -> list[str]:
    return [s for s in (HOOK_PATH, HEADER, FEED_KEY, SLACK) if s in text]


def rig_with_secrets(tmp_path, httpserver, monkeypatch) -> tuple[Rig, CaseSite]:
    monkeypatch.setenv("HOOK_PATH", HOOK_PATH)
    monkeypatch.setenv("HEADER", HEADER)
    monkeypatch.setenv("FEED_KEY", FEED_KEY)
    site = CaseSite(httpserver)
    good = site.add("a", **case_fields(1)) + "?api_key=${FEED_KEY}"
    httpserver.expect_request("/case/down").respond_with_data("down", status=500)
    down = site.url("down") + "?api_key=${FEED_KEY}"
    dead = f"json://127.0.0.1:{free_port()}/${{HOOK_PATH}}?+X-Api-Key=${{HEADER}}"
    rig = Rig(
        tmp_path, httpserver, page_source("cases", good) + page_source("broken", down),
        subscribers=f'[[subscribers]]\nname = "advocate"\nurls = ["{dead}"]\n'
        'events = ["stage_changed", "new_case", "case_update"]\n',
        health={"urls": [dead]}, outbox={"max_attempts": 1},
    )
    return rig, site


def test_notify_test_and_third_party_debug_lines_never_show_a_secret(
    tmp_path, monkeypatch, httpserver
):
    monkeypatch.setenv("SLACK_TOKEN", SLACK)
    monkeypatch.setenv("HOOK_PATH", HOOK_PATH)
    monkeypatch.setenv("HEADER", HEADER)
    httpserver.expect_request(f"/{HOOK_PATH}", method="POST").respond_with_data("no", status=500)
    hook = f"json://127.0.0.1:{httpserver.port}/${{HOOK_PATH}}?+X-Api-Key=${{HEADER}}"
    config = tmp_path / "config.toml"
    config.write_text(f'[[subscribers]]\nname = "advocate"\nurls = ["{hook}"]\n')
    result = CliRunner().invoke(main, ["notify-test", "-c", str(config), "--log-level", "debug"])
    assert result.exit_code == 1, result.output  # the channel failed, and said so
    assert "FAILED" in result.output and "urllib3" in result.output  # debug lines were shown
    assert secrets_in(result.output) == []
    assert httpserver.log[0][0].headers["X-Api-Key"] == HEADER  # the real value was sent


def test_a_mistyped_url_with_a_secret_is_refused_without_printing_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SLACK_TOKEN", SLACK)
    config = tmp_path / "config.toml"
    config.write_text('[[subscribers]]\nname = "a"\nurls = ["slack:/${SLACK_TOKEN}/#police"]\n')
    result = CliRunner().invoke(main, ["notify-test", "-c", str(config)])
    assert result.exit_code == 2
    assert "write slack:// at the start" in result.output
    assert secrets_in(result.output) == []


def test_any_logger_is_masked_once_the_config_is_read(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FEED_KEY", FEED_KEY)
    config = tmp_path / "config.toml"
    config.write_text(
        "[[sources]]\nid = 'x'\nplugin = 'page'\n"
        "options = { urls = ['https://example.org/a?api_key=${FEED_KEY}'] }\n"
    )
    CliRunner().invoke(main, ["sources", "-c", str(config)])
    setup_logging("debug")
    try:
        logging.getLogger("urllib3.connectionpool").debug("GET /a?api_key=%s", FEED_KEY)
        try:
            raise ValueError(f"bad {FEED_KEY}")
        except ValueError:
            logging.getLogger("httpx").exception("failed")
    finally:
        logging.getLogger().handlers[:] = []
    err = capsys.readouterr().err
    assert "GET /a?api_key=****" in err and "ValueError: bad ****" in err
    assert secrets_in(err) == []


def test_errors_deliveries_dead_letters_events_sources_check_and_web_are_masked(
    tmp_path, httpserver, monkeypatch, caplog
):
    rig, site = rig_with_secrets(tmp_path, httpserver, monkeypatch)
    setup_logging("debug")  # the filter goes on every root handler, caplog's too
    outputs = []
    for n in range(2):  # a baseline, then a change that makes an event
        site.pages["a"]["status"] = f"Status {n}"
        for command in (["check"], ["check", "--json"], ["sources"], ["sources", "--json"]):
            outputs.append(CliRunner().invoke(main, [*command, "-c", str(rig.path)]).output)
        rig.deliver()
    later = rig.now.replace(year=rig.now.year + 1, hour=12)  # past the daily note time
    assert dead_letter_note(rig.db, rig.config, now=later)
    with Session(rig.db) as session:
        payloads = [e.payload_json for e in session.exec(select(Event))]
    client = TestClient(create_app(rig.config, rig.db))
    case_page = client.get("/cases/1")
    assert case_page.status_code == 200 and "api_key=****" in case_page.text  # the link
    feed, csv = client.get("/feeds/cases/1.atom"), client.get("/cases/1.csv")
    assert "api_key=****" in feed.text and "api_key=****" in csv.text
    web = "\n".join(
        [client.get("/sources").text, client.get("/").text, case_page.text, feed.text, csv.text]
    )
    deliveries = [d.last_error or "" for d in rig.deliveries()]
    assert any("api_key=****" in o for o in outputs)  # the failing URL was shown, masked
    assert any(d for d in deliveries), "the dead channel was tried"
    assert any("dead_letters" in p or "items" in p for p in payloads)
    for where, text in {
        "logs": caplog.text,
        "check and sources": "\n".join(outputs),
        "delivery errors": "\n".join(deliveries),
        "event payloads, dead-letter note": "\n".join(payloads),
        "web pages": web,
    }.items():
        assert secrets_in(text) == [], where
    assert "api_key=****" in web
    assert json.loads(payloads[-1])  # still valid JSON after masking


def test_which_parts_of_a_url_are_secrets():
    from monitor.redact import url_secrets

    site = "https://x.org/news?api_key=k3y1&access_token=t0k2&design=blue&page=2"
    assert url_secrets(site, channel=False) == {"k3y1", "t0k2"}  # not 'blue', not '2'
    hook = "json://monitor:pw99@127.0.0.1:9/hooks/Hk7Qz2Wp?+X-Api-Key=hdr1&-token=prm1"
    assert url_secrets(hook, channel=True) == {"pw99", "Hk7Qz2Wp", "hdr1", "prm1"}
    assert "T0AB12CD" in url_secrets("slack://T0AB12CD/B0CD34EF/xyzXYZ123456/#police", channel=True)
    assert "police" not in url_secrets("slack://T0AB12CD/B0CD34EF/xyzXYZ123456/#police",
                                       channel=True)
