"""`notify-test` and the sample-message script, against local servers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from notify_servers import SmtpSink, free_port, webhook_bodies

from monitor.cli import main
from monitor.config import parse_config
from notifications import channels
from notifications.command import notify_test
from notifications.examples import capture


def write_config(tmp_path, good: str, bad: str, health: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[health]
urls = ["{health}"]

[[subscribers]]
name = "families"
urls = ["{good}", "{bad}"]

[[subscribers]]
name = "press"
urls = ["{good}"]
""",
        encoding="utf-8",
    )
    return str(path)


def test_notify_test_reports_each_url_in_privacy_form(tmp_path, httpserver) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    good = f"json://user:topsecret@127.0.0.1:{httpserver.port}/hook"
    bad = f"json://user:othersecret@127.0.0.1:{free_port()}/hook"
    with SmtpSink() as smtp:
        config = write_config(tmp_path, good, bad, smtp.url(password="mailsecret"))
        result = CliRunner().invoke(notify_test, ["--config", config])

    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert f"families: json://user:****@127.0.0.1:{httpserver.port}/hook" in lines[0]
    assert lines[0].endswith("OK")
    assert "families: json://user:****@127.0.0.1:" in lines[1] and "FAILED: " in lines[1]
    assert lines[2].startswith("press: ") and lines[2].endswith("OK")
    assert lines[3].startswith("maintainers: mailto://monitor:****@127.0.0.1:")
    assert lines[3].endswith("OK")
    assert lines[4] == "3 of 4 channel(s) OK"
    assert "secret" not in result.output
    assert len(smtp.messages) == 1 and smtp.messages[0]["Subject"].startswith("[test] ")
    posted = webhook_bodies(httpserver)
    assert len(posted) == 2 and "not about a real case" in posted[0]["message"]


def test_notify_test_for_one_subscriber(tmp_path, httpserver, monkeypatch) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    good = f"json://127.0.0.1:{httpserver.port}/hook"
    config = write_config(tmp_path, good, good, f"json://127.0.0.1:{free_port()}/x")
    monkeypatch.setenv("OVERSIGHT_MONITOR_CONFIG", config)

    result = CliRunner().invoke(notify_test, ["press"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 of 1 channel(s) OK"

    unknown = CliRunner().invoke(notify_test, ["nobody"])
    assert unknown.exit_code == 2 and "no subscriber named 'nobody'" in unknown.output  # usage
    assert "known: families, press, maintainers" in unknown.output


def test_maintainers_without_health_urls_is_named_as_such(tmp_path, monkeypatch) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[subscribers]]\nname = "press"\nurls = ["json://127.0.0.1:9/x"]\n')
    monkeypatch.setenv("OVERSIGHT_MONITOR_CONFIG", str(config))
    result = CliRunner().invoke(notify_test, ["maintainers"])
    assert result.exit_code == 2
    assert "'maintainers' has no channels: [health] urls is empty" in result.output
    assert "no subscriber named" not in result.output


def test_notify_test_names_a_broken_config(tmp_path) -> None:
    missing = str(tmp_path / "missing.toml")
    result = CliRunner().invoke(main, ["notify-test", "--config", missing])
    assert result.exit_code == 2 and "no such config file" in result.output  # README: config 2


def test_examples_script_captures_real_email_and_slack_messages() -> None:
    email_text, slack_json = capture()
    assert email_text.startswith(
        "Subject: Stephen Port: gross misconduct notices served to 8 officers"
    )
    assert "----- text/plain part -----" in email_text
    assert "----- text/html part -----" in email_text
    posted = json.loads(slack_json)
    text = posted["attachments"][0]["text"]
    assert "*Now:* Officers told they are under investigation for gross misconduct" in text


def test_the_configuration_in_the_notifications_guide_is_valid(monkeypatch) -> None:
    guide = Path(__file__).parent.parent / "docs" / "notifications.md"
    block = guide.read_text(encoding="utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    for name in ("SMTP_PASSWORD", "SLACK_TOKEN_A", "SLACK_TOKEN_B", "SLACK_TOKEN_C"):
        monkeypatch.setenv(name, "T1234ABCD")
    config = parse_config(block)
    assert [s.name for s in config.subscribers] == ["port-families", "newsdesk", "campaign"]
    for url in [u for s in config.subscribers for u in s.urls] + config.health.urls:
        assert channels.load(url) is not None, url
