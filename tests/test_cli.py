"""The command line as a user meets it: init, the example config, cases, history, logs."""

from __future__ import annotations

import json
import logging
import os
import pty
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from monitor.app import build_sources
from monitor.cli import main
from monitor.config import load_config
from tests.servers import free_port

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
    code, out = invoke("check", "-c", str(path))
    assert code == 0, out
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


def test_sources_list_lines_up_long_plugin_ids():
    code, out = invoke("sources", "--list")
    assert code == 0, out
    lines = out.splitlines()
    assert any(line.startswith("policeuk_misconduct ") for line in lines), out
    # One column for the intervals, whatever the length of the id before it.
    assert len({line.index(" every ") for line in lines}) == 1, out


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--stage", "dismissed", "'dismissed' is not a stage id; did you mean 'outcome_dismissal'"),
        ("--source", "iopcc", "no source 'iopcc' in the config; did you mean 'iopc'"),
    ],
)
def test_search_filter_that_names_nothing_is_bad_usage_not_an_empty_answer(
    tmp_path, option, value, expected
):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n")
    invoke("check", "-c", str(path))  # makes the database
    path.write_text("[monitor]\ndatabase = 'm.db'\n[[sources]]\nid = 'iopc'\n")
    code, out = invoke("search", "-c", str(path), "Port", option, value)
    assert code == 2, out
    assert expected in out


def test_history_of_unknown_case_is_a_clear_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n")
    invoke("check", "-c", str(path))
    code, out = invoke("history", "-c", str(path), "Nobody")
    assert code == 2
    assert "no case matches 'Nobody'" in out


def test_history_of_a_misspelt_case_suggests_the_name(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n[[cases]]\nname = 'Stephen Port'\n")
    invoke("check", "-c", str(path))
    code, out = invoke("history", "-c", str(path), "Stephen Prot")
    assert code == 2
    assert "no case matches 'Stephen Prot'; did you mean 'Stephen Port'?" in out
    assert "config error" not in out  # the config is fine; the argument is not


def test_json_log_format_writes_json_lines(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[monitor]\ndatabase = 'm.db'\n[[sources]]\nid='x'\nplugin='page'\n"
        "options={urls=['http://127.0.0.1:9/none']}\n[http]\nretries=0\n"
    )
    args = ["--log-format", "json", "check", "--log-level", "debug", "-c", str(path)]
    result = CliRunner().invoke(main, args)  # at debug, check shows the engine's own lines
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
    code, out = invoke("check", "-c", str(path), "--log-level", "debug", "--log-format=json")
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


def _monitor(*args: str, **kwargs) -> subprocess.Popen[str]:
    # Ctrl-C as a terminal gives it, even when the tests themselves were started in the
    # background (`bash .ci/run &`), where the shell hands every child SIGINT ignored.
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kwargs,
    )


def _interrupt_when(proc: subprocess.Popen[str], ready: str) -> tuple[int, str]:
    """Ctrl-C once `ready` appears on stderr; the exit code and all of stderr."""
    seen = ""
    while ready not in seen:
        line = proc.stderr.readline()
        assert line, f"exited before {ready!r}: {seen}"
        seen += line
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=10)
    return proc.returncode, seen + rest


def test_classify_on_a_terminal_says_it_is_waiting_and_ctrl_c_exits_130():
    primary, secondary = pty.openpty()
    try:
        proc = _monitor("classify", stdin=secondary)
        code, err = _interrupt_when(proc, "waiting for an announcement on standard input")
    finally:
        os.close(primary)
        os.close(secondary)
    assert code == 130, err
    assert "Traceback" not in err and "Aborted!" not in err


def test_serve_exits_130_on_ctrl_c(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f"[monitor]\ndatabase = 'm.db'\n[web]\nlisten = '127.0.0.1:{free_port()}'\n")
    invoke("check", "-c", str(path))  # serve reads an existing database
    code, err = _interrupt_when(_monitor("serve", "-c", str(path)), "web pages at")
    assert code == 130, err
    assert "Traceback" not in err


def test_output_cut_short_by_its_reader_prints_no_broken_pipe_error():
    proc = _monitor("sources", "--list")
    proc.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    err = proc.stderr.read()
    assert proc.wait(timeout=20) == 0
    assert "BrokenPipe" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "command", [["cases"], ["history", "Stephen Port"], ["sources"], ["upcoming"],
                ["search", "port"], ["held"], ["serve"]]
)
def test_read_only_commands_never_create_a_database_or_its_folder(tmp_path, command):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'state/typo.db'\n[[cases]]\nname = 'Stephen Port'\n")
    code, out = invoke(command[0], "-c", str(path), *command[1:])
    assert code == 2, out
    assert "there is no database at" in out and "Traceback" not in out
    assert not (tmp_path / "state").exists()


def test_read_only_commands_show_tracked_cases_from_the_config_and_write_nothing(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n")
    invoke("check", "-c", str(path))
    path.write_text("[monitor]\ndatabase = 'm.db'\n[[cases]]\nname = 'Stephen Port'\n")
    before = (tmp_path / "m.db").stat().st_mtime_ns
    code, out = invoke("cases", "-c", str(path))
    assert code == 0 and "Stephen Port" in out and "no announcement yet" in out, out
    code, out = invoke("history", "-c", str(path), "stephen port")
    assert code == 0 and "Stephen Port (tracked): no announcement yet" in out, out
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("select count(*) from case_record").fetchone() == (0,)
    assert (tmp_path / "m.db").stat().st_mtime_ns == before


def test_an_unknown_database_scheme_is_one_line_exit_2(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'mysql+nodriver://u:pw1234@h/db'\n")
    code, out = invoke("check", "-c", str(path))
    assert code == 2 and "cannot use this URL" in out and "Traceback" not in out, out
    assert "pw1234" not in out


def test_held_release_of_an_unknown_source_is_bad_usage(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n[[sources]]\nid = 'iopc'\n")
    code, out = invoke("held", "-c", str(path), "--release", "iopcc")
    assert code == 2 and "no source with id 'iopcc'" in out and "known: iopc" in out


def test_every_option_of_every_command_has_help():
    for name in main.list_commands(None):
        command = main.get_command(None, name)
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts[0]} has no help"


def test_escape_sequences_in_page_titles_never_reach_the_terminal(tmp_path, site):
    hostile = "Death of A\x1b]0;pwned\x07 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x1b[2J"
    url = site.add("a", title=hostile, status="Investigation ongoing", force="Kent Police",
                   reference="2024/1", body="An independent investigation into a death.")
    path = tmp_path / "config.toml"
    path.write_text(
        "[monitor]\ndatabase = 'm.db'\n[http]\ncontact = 't@example.org'\nmin_delay_seconds = 0\n"
        "retries = 0\n[[sources]]\nid = 'cases'\nplugin = 'page'\n"
        f"options = {{ urls = ['{url}'] }}\n"
    )
    outputs = [invoke("check", "-c", str(path))[1]]
    site.pages["a"]["status"] = "Gross misconduct notices served"
    outputs.append(invoke("check", "-c", str(path))[1])
    outputs.append(invoke("cases", "-c", str(path))[1])
    outputs.append(invoke("history", "-c", str(path), "1")[1])
    outputs.append(invoke("search", "-c", str(path), "death")[1])
    outputs.append(invoke("sources", "-c", str(path))[1])
    text = "\n".join(outputs)
    assert "Death of A" in text  # the title is shown…
    assert "\x1b" not in text and "\x07" not in text  # …without its escape sequences
    assert "pwned" not in text and "evil.example" not in text


def test_the_readme_exit_code_table_is_the_one_the_program_uses():
    from monitor import cli

    table = (ROOT / "README.md").read_text().split("| exit code | meaning |", 1)[1]
    rows = table.split("\n\n", 1)[0].splitlines()[2:]  # the rows under |---|---|
    documented = {int(row.split("|")[1]) for row in rows}
    used = {0, cli.EXIT_FAILED, cli.EXIT_CONFIG, cli.EXIT_STORE, cli.EXIT_STORE_FOR_NOW,
            cli.EXIT_INTERRUPTED}  # fmt: skip
    assert documented == used



def test_search_json_marks_matches_with_brackets_not_private_use_characters(tmp_path, site):
    url = site.add("a", title="Death in custody in Lewisham", status="Investigation ongoing",
                   force="Kent Police", reference="2024/1", body="An investigation into a death.")
    path = tmp_path / "config.toml"
    path.write_text(
        "[monitor]\ndatabase = 'm.db'\n[http]\ncontact = 't@example.org'\nmin_delay_seconds = 0\n"
        "retries = 0\n[[sources]]\nid = 'cases'\nplugin = 'page'\n"
        f"options = {{ urls = ['{url}'] }}\n"
    )
    assert invoke("check", "-c", str(path))[0] == 0
    code, out = invoke("search", "-c", str(path), "Lewisham", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert found[0]["title_marked"] == "Death in custody in [Lewisham]"
    assert "\ue000" not in out and "\ue001" not in out


def test_sources_health_table_lines_up_long_source_ids(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n")
    invoke("check", "-c", str(path))  # makes the database
    path.write_text("[monitor]\ndatabase = 'm.db'\n[[sources]]\nid = 'iopc'\n"
                    "[[sources]]\nid = 'met-misconduct-hearings'\nplugin = 'policeuk_misconduct'\n"
                    "options = { force = 'met' }\n")
    code, out = invoke("sources", "-c", str(path))
    assert code == 0, out
    lines = out.splitlines()
    assert len(lines) == 3, out
    columns = {line.index(word) for line, word in zip(lines, ("status", "new", "new"), strict=True)}
    assert len(columns) == 1, out


def test_run_with_a_misspelt_plugin_refuses_without_making_a_database(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n[[sources]]\nid = 'iopcc'\n")
    code, out = invoke("run", "-c", str(path))
    assert code == 2, out
    assert "no source plugin called 'iopcc' is installed; did you mean 'iopc'?" in out
    assert not (tmp_path / "m.db").exists()  # a mistake in the config leaves nothing behind


def test_check_with_a_misspelt_plugin_refuses_without_making_a_database(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[monitor]\ndatabase = 'm.db'\n[[sources]]\nid = 'iopcc'\n")
    code, out = invoke("check", "-c", str(path))
    assert code == 2, out
    assert not (tmp_path / "m.db").exists()


def test_a_dry_run_with_no_database_yet_reads_the_source_and_leaves_no_database(tmp_path, site):
    url = site.add("a", title="Death in custody", status="Investigation ongoing",
                   force="Kent Police", reference="2024/1", body="An investigation into a death.")
    path = tmp_path / "config.toml"
    path.write_text(
        "[monitor]\ndatabase = 'data/m.db'\n[http]\ncontact = 't@example.org'\n"
        "min_delay_seconds = 0\nretries = 0\n[[sources]]\nid = 'cases'\nplugin = 'page'\n"
        f"options = {{ urls = ['{url}'] }}\n"
    )
    code, out = invoke("check", "-c", str(path), "--dry-run")
    assert code == 0, out
    assert "cases: 1 listed" in out  # it did read the page, as a first run would
    assert not (tmp_path / "data").exists()  # …into a throwaway database


def test_a_one_shot_command_on_an_unreachable_database_promises_no_next_cycle(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f"[monitor]\ndatabase = 'postgres://nobody@127.0.0.1:{free_port()}/m'\n")
    code, out = invoke("sources", "-c", str(path))
    assert code == 4, out
    assert "cannot reach the database server" in out and "nothing was lost" in out
    assert "each cycle" not in out  # `sources` runs once: no cycle will try again
