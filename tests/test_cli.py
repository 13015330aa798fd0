"""The command line as a user meets it: init, the example config, cases, history, logs."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from monitor.app import build_sources
from monitor.cli import main
from monitor.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_example_config_is_the_init_template_and_builds_every_source():
    example = (ROOT / "config.example.toml").read_text()
    assert example == (ROOT / "monitor" / "starter.toml").read_text()
    config = load_config(ROOT / "config.example.toml")
    built = build_sources(config)
    assert {b.id for b in built} == {s.id for s in config.sources if s.enabled}


def test_init_writes_an_owner_only_config_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "config.toml"
    code, out = invoke("init", str(path))
    assert code == 0, out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config(path).sources  # it is a valid config
    code, out = invoke("init", str(path))
    assert code == 2 and "already exists" in out


def test_database_file_is_owner_only(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n")
    code, out = invoke("cases", "-c", str(path))
    assert code == 0, out
    assert "no cases yet" in out
    assert stat.S_IMODE((tmp_path / "m.db").stat().st_mode) == 0o600


def test_sources_list_shows_installed_plugins_with_hosts():
    code, out = invoke("sources", "--list", "--json")
    assert code == 0, out
    plugins = {p["id"]: p for p in json.loads(out)}
    assert {"feed", "page", "iopc", "met", "policeuk", "listing"} <= set(plugins)
    assert "www.policeconduct.gov.uk" in plugins["iopc"]["hosts"]


def test_history_of_unknown_case_is_a_clear_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n")
    code, out = invoke("history", "-c", str(path), "Nobody")
    assert code == 2
    assert "no case matches 'Nobody'" in out


def test_json_log_format_writes_json_lines(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[monitor]\ndatabase = 'm.db'\n[[sources]]\nid='x'\nplugin='page'\n"
        "options={urls=['http://127.0.0.1:9/none']}\n[http]\nretries=0\n"
    )
    result = CliRunner().invoke(main, ["--log-format", "json", "check", "-c", str(path)])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, result.output
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "message"} <= set(entry)


def test_every_command_is_listed_and_loads_only_when_invoked():
    code, out = invoke("--help")
    assert code == 0, out
    for name in ("check", "classify", "train", "notify-test", "new-source", "demo", "serve"):
        assert f"  {name} " in out
    script = (
        "import sys\nfrom click.testing import CliRunner\nfrom monitor.cli import main\n"
        "r = CliRunner().invoke(main, ['init', '--help'])\nassert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('monitor.stages.command', 'notifications.command', "
        "'monitor.web.command', 'monitor.demo.command') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_global_options_work_after_the_subcommand(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n")
    code, out = invoke("cases", "-c", str(path), "--log-level", "debug", "--log-format=json")
    assert code == 0, out
    assert logging.getLogger().level == logging.DEBUG
    code, out = invoke("cases", "--log-level", "loud", "-c", str(path))
    assert code == 2 and "loud" in out


def test_check_of_an_unchanged_source_loads_neither_reader_nor_apprise_nor_jinja2(
    tmp_path, site
):
    url = site.add("a", title="Death of A – Kent Police", status="Investigation ongoing",
                   force="Kent Police", reference="2024/1", body="An investigation.")
    path = tmp_path / "config.toml"
    path.write_text(
        "[monitor]\ndatabase = 'm.db'\n[http]\ncontact = 't@example.org'\nmin_delay_seconds = 0\n"
        "retries = 0\n[[sources]]\nid = 'cases'\nplugin = 'page'\n"
        f"options = {{ urls = ['{url}'] }}\n"
    )
    code, out = invoke("check", "-c", str(path))  # the baseline reads the page
    assert code == 0, out
    script = (
        "import sys\nfrom monitor.cli import main\n"
        f"try:\n    main(['check', '-c', {str(path)!r}])\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith("
        "('apprise', 'jinja2', 'numpy', 'monitor.stages.reader'))}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
