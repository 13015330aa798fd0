"""Mistakes an operator makes in the config are refused at load, with the line and a fix."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from monitor.app import build_sources
from monitor.cli import main
from monitor.config import parse_config
from monitor.errors import ConfigError

SOURCES = "[[sources]]\nid = 'iopc'\n\n[[cases]]\nname = 'Stephen Port'\n\n"


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    message = str(caught.value)
    assert "Value error" not in message and "(top level)" not in message
    return message


def subscriber(line: str, urls: str = "['json://127.0.0.1:9/alerts']") -> str:
    return f"{SOURCES}[[subscribers]]\nname = 'advocate'\n{line}\nurls = {urls}\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("stages = ['dismissed']",
         "'dismissed' is not a stage id; did you mean 'outcome_dismissal'"),
        ("sources = ['iopcc']", "no [[sources]] has id 'iopcc'; did you mean 'iopc'"),
        ("forces = ['Metropolitan Polise Service']",
         "is not a police force; did you mean 'Metropolitan Police Service'"),
        ("cases = ['Stephen Prt']",
         "no [[cases]] has the name 'Stephen Prt'; did you mean 'Stephen"),
        ("digest_time = '8am'", 'write a time of day as "HH:MM"'),
    ],
)
def test_a_name_that_refers_to_nothing_is_refused_with_its_line_and_a_suggestion(line, expected):
    message = refused(subscriber(line))
    assert expected in message
    assert "line 9, subscribers[0] (advocate)." in message  # the line the key is on


def test_names_that_exist_are_accepted_in_the_forms_people_write():
    config = parse_config(subscriber(
        "stages = ['outcome_dismissal']\nsources = ['iopc']\nforces = ['the Met', 'Kent']\n"
        "cases = ['Stephen Port']\ndigest_time = '07:30'"
    ))
    assert config.subscribers[0].digest_time.hour == 7


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("slak://T000/B000/XXXX", "slak:// is not a service apprise knows; did you mean 'slack://'"),
        ("localhost:9999/oversight-alerts", "has no scheme"),
        ("slack:/${TOKEN}/#police", "write slack:// at the start"),
        ("mailto://a@b.c", "apprise cannot use this mailto:// URL"),
    ],
)
def test_a_channel_url_apprise_cannot_use_is_refused_without_printing_it(
    url, expected, monkeypatch, caplog
):
    monkeypatch.setenv("TOKEN", "SuperSecret-9f8e7d")
    message = refused(subscriber("", f"[\n  'json://127.0.0.1:9/ok',\n  '{url}',\n]"))
    assert expected in message
    assert "line 12, subscribers[0] (advocate).urls[1]" in message
    assert "SuperSecret" not in message and "T000" not in message
    assert "SuperSecret" not in caplog.text  # apprise's own ERROR lines are not let through


def test_health_urls_are_checked_too():
    message = refused("[health]\nurls = ['slakc://x']\n")
    assert "line 2, health.urls[0]: slakc:// is not a service apprise knows" in message


def test_strings_are_not_turned_into_numbers_or_booleans():
    message = refused("[[sources]]\nid = 'iopc'\ninterval_minutes = '15'\n")
    assert "line 3, sources[0] (iopc).interval_minutes: must be a number, not '15'" in message
    message = refused("[http]\nrespect_robots = 'no'\n")
    assert "http.respect_robots: must be true or false" in message


def test_repeated_names_and_the_reserved_name_point_at_the_second_one():
    message = refused("[[sources]]\nid = 'iopc'\n[[sources]]\nid = 'iopc'\n")
    assert "line 4, sources[1] (iopc).id: 'iopc' is used twice" in message
    message = refused("[[subscribers]]\nname = 'maintainers'\nurls = ['json://127.0.0.1:9/x']\n")
    assert "'maintainers' is reserved" in message


def test_tracked_case_forces_must_be_official_names():
    message = refused("[[cases]]\nname = 'X'\nforces = ['Met']\n")
    assert "did you mean 'Metropolitan Police Service'" in message


@pytest.mark.parametrize("host", ["169.254.169.254", "[fe80::1]", "metadata.google.internal"])
def test_link_local_and_metadata_addresses_are_refused_unless_allowed(host):
    source = f"[[sources]]\nid = 'x'\nplugin = 'page'\noptions = {{ urls = ['http://{host}/a'] }}\n"
    assert "link-local or cloud metadata address" in refused(source)
    assert parse_config("[http]\nallow_link_local = true\n" + source).sources


def test_postgres_urls_use_the_psycopg_driver():
    config = parse_config("[monitor]\ndatabase = 'postgres://u:p@db/monitor'\n")
    assert config.database_url == "postgresql+psycopg://u:p@db/monitor"


def test_every_problem_is_listed_at_once_exit_2(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(subscriber("stages = ['dismissed']\nsources = ['nope']"))
    result = CliRunner().invoke(main, ["check", "-c", str(path)])
    assert result.exit_code == 2
    assert "stages[0]" in result.output and "sources[0]" in result.output
    assert "Traceback" not in result.output


def test_a_mistyped_plugin_name_gets_a_suggestion(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[[sources]]\nid = 'kent'\nplugin = 'polceuk'\n")
    result = CliRunner().invoke(main, ["check", "-c", str(path)])
    assert result.exit_code == 2
    assert "no source plugin called 'polceuk' is installed; did you mean 'policeuk'?" in (
        result.output
    )


def test_a_webhook_on_a_metadata_address_is_refused_too():
    message = refused("[health]\nurls = ['json://169.254.169.254/latest/meta-data']\n")
    assert "line 2, health.urls[0]: 169.254.169.254 is a link-local or cloud metadata" in message


def test_a_string_where_a_list_belongs_says_to_write_brackets_not_remove_quotes():
    message = refused(subscriber("forces = 'Metropolitan Police Service'"))
    assert "remove the quotes" not in message
    assert "[\"Metropolitan Police Service\"]" in message


def test_a_bad_plugin_option_reads_like_the_other_config_errors():
    config = parse_config(
        "[[sources]]\nid = 'kent'\nplugin = 'policeuk'\noptions = { force = 'kentt' }\n"
    )
    with pytest.raises(ConfigError) as caught:
        build_sources(config)
    message = str(caught.value)
    assert "Value error" not in message
    assert "sources 'kent' options (policeuk): force: unknown force 'kentt'" in message


@pytest.mark.parametrize(
    ("plugin", "known"), [("policeuk", "kent, leics"), ("policeuk_misconduct", "kent, leics, met")]
)
def test_a_police_uk_force_not_in_the_table_is_refused_listing_the_known_ones(plugin, known):
    config = parse_config(f"[[sources]]\nid = 'x'\nplugin = '{plugin}'\n"
                          "options = { force = 'kentt' }\n")  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        build_sources(config)
    message = str(caught.value)
    assert f"sources 'x' options ({plugin}): force: " in message
    assert "unknown force 'kentt'; known: " in message
    assert all(f" {key}," in message for key in known.split(", "))
