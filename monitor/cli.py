"""The `oversight-monitor` command line.

Exit codes: 0 success; 1 something checked failed (a source, a channel); 2 bad usage, bad
config or bad input; 3 the database cannot be used; 130 interrupted.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click

from monitor import __version__
from monitor.errors import ConfigError, MonitorError, StoreError

EXIT_FAILED, EXIT_CONFIG, EXIT_STORE = 1, 2, 3

config_option = click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path),
    default="config.toml",
    envvar="OVERSIGHT_MONITOR_CONFIG",
    show_default=True,
    show_envvar=True,
    help="Configuration file.",
)


class Group(click.Group):
    """Turn our own errors into one clear line and a documented exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"config error: {exc}", err=True)
            ctx.exit(EXIT_CONFIG)
        except StoreError as exc:
            click.echo(f"database error: {exc}", err=True)
            ctx.exit(EXIT_STORE)
        except MonitorError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_FAILED)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="oversight-monitor")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@click.option(
    "--log-format", default="text", show_default=True, type=click.Choice(["text", "json"])
)
def main(log_level: str, log_format: str) -> None:
    """Watch police-oversight bodies and alert when a case moves stage."""
    from monitor.logs import setup_logging

    setup_logging(log_level, log_format)


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default="config.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter config (IOPC + Met + a tracked case) to PATH."""
    from monitor.starter import starter_config

    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; use --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)  # it may hold secrets
    path.chmod(0o600)  # also when --force overwrites a file that was readable by others
    path.write_text(starter_config(), encoding="utf-8")
    click.echo(
        f"wrote {path}; edit [http] contact and [[subscribers]], then run "
        f"`oversight-monitor check -c {path}`"
    )


@main.command()
@config_option
@click.option("--source", "source_id", help="Only this source id.")
@click.option(
    "--dry-run", is_flag=True, help="Fetch, parse and classify, but write nothing and send nothing."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per source.")
def check(config_path: Path, source_id: str | None, dry_run: bool, as_json: bool) -> None:
    """Run one cycle of every source (or one), deliver due alerts, print what changed."""
    from monitor.checking import run_check

    reports = asyncio.run(run_check(config_path, source_id, dry_run=dry_run))
    from monitor.checking import print_reports

    print_reports(reports, as_json=as_json)
    if any(r.failure for r in reports):
        sys.exit(EXIT_FAILED)


@main.command()
@config_option
@click.option("--web", metavar="ADDR", help="Also serve the web pages, e.g. 127.0.0.1:8080.")
def run(config_path: Path, web: str | None) -> None:
    """Run the daemon until SIGTERM/SIGINT. SIGHUP reloads the config."""
    from monitor.daemon import Daemon

    daemon = Daemon(config_path, web=web)
    asyncio.run(daemon.run())


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--tracked", is_flag=True, help="Only tracked cases.")
def cases(config_path: Path, as_json: bool, tracked: bool) -> None:
    """List cases with their current stage (dates in [monitor] timezone)."""
    from monitor import views

    config, db = _config_and_db(config_path)
    rows = views.case_list(db, tracked_only=tracked, tz=config.monitor.timezone)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("no cases yet; run `oversight-monitor check` first")
    for r in rows:
        mark = "*" if r["tracked"] else " "
        since = r["stage_since_day"] or "     -     "
        stage = "no announcement yet" if r["no_announcement"] else r["stage"]
        click.echo(f"{mark} {r['id']:>5}  {since}  {stage:<28} {_plain(r['name'])[:70]}")


@main.command()
@config_option
@click.argument("case")
@click.option("--json", "as_json", is_flag=True)
def history(config_path: Path, case: str, as_json: bool) -> None:
    """A case's timeline: announcements, edits, removals, officers, dates. CASE: name or id."""
    from monitor import views
    from monitor.cases.timeline_text import timeline_lines

    config, db = _config_and_db(config_path)
    found = views.case_history(db, case, config.monitor.timezone)
    if found is None:
        raise ConfigError(f"no case matches {case!r}; see `oversight-monitor cases`")
    if as_json:
        click.echo(json.dumps(found, indent=2, default=str))
        return
    for line in timeline_lines(found, _source_names(config)):
        click.echo(_plain(line))


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--all", "everything", is_flag=True, help="Past dates too.")
def upcoming(config_path: Path, as_json: bool, everything: bool) -> None:
    """Hearings, inquests, court dates and sentencing announced for cases, soonest first."""
    from monitor.cases.hearings import upcoming as upcoming_dates
    from monitor.store.types import utcnow

    config, db = _config_and_db(config_path)
    rows = upcoming_dates(db, config.monitor.timezone, None if everything else utcnow())
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("no hearing dates announced" + ("" if everything else " from now on"))
    for r in rows:
        place = f", {r['place']}" if r["place"] else ""
        click.echo(_plain(f"{r['when']:<22} {r['case_name']}: {r['kind_label']}{place}"))
        click.echo(f"{'':<22} {r['url']}")


@main.command()
@config_option
@click.argument("words")
@click.option("--json", "as_json", is_flag=True)
def search(config_path: Path, words: str, as_json: bool) -> None:
    """Announcements whose title or text contains WORDS, case or not, with the cases they are in."""
    from monitor.views import document_search

    config, db = _config_and_db(config_path)
    rows = document_search(db, words, tz=config.monitor.timezone)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo(f"no announcement mentions {words!r}")
    for r in rows:
        cases = "; ".join(r["cases"]) or "no case"
        click.echo(_plain(f"{r['day'] or '(no date)':<12} [{r['source_id']}] {r['title']}"))
        click.echo(_plain(f"{'':<12} {r['stage']} · {cases} · {r['url']}"))


@main.command("sources")
@config_option
@click.option("--list", "list_plugins", is_flag=True, help="List installed source plugins instead.")
@click.option("--json", "as_json", is_flag=True)
def sources_cmd(config_path: Path, list_plugins: bool, as_json: bool) -> None:
    """Health of each configured source (last success, last error, failures in a row)."""
    from monitor import views

    if list_plugins:
        rows = views.plugin_list()
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        for r in rows:
            click.echo(
                f"{r['id']:<10} every {r['interval']:<8} {r['name']}  "
                f"({', '.join(r['hosts']) or 'hosts from config'})"
            )
        return
    from monitor.config import load_config

    config = load_config(config_path)
    rows = views.source_health(_db(config_path), config)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    click.echo(f"{'source':<14} {'status':<9} {'last success':<17} {'fails':>5}  last error")
    for r in rows:
        ok = r["last_success_at"][:16].replace("T", " ") if r["last_success_at"] else "never"
        err = f"{r['last_error_kind']}: {r['last_error_message']}" if r["last_error_kind"] else ""
        click.echo(
            f"{r['source_id']:<14} {r['status']:<9} {ok:<17} "
            f"{r['consecutive_failures']:>5}  {err[:120]}"
        )


@main.command()
@config_option
@click.option(
    "--release", "release_source", metavar="SOURCE", help="Send the held alerts of SOURCE."
)
@click.option(
    "--discard", "discard_source", metavar="SOURCE", help="Drop the held alerts of SOURCE."
)
def held(config_path: Path, release_source: str | None, discard_source: str | None) -> None:
    """Alerts held by the mass-change guard: list, release or discard them."""
    from monitor import views
    from monitor.config import load_config

    config = load_config(config_path)
    db = _db(config_path)
    if release_source or discard_source:
        count = views.settle_held(
            db, config, release_source or discard_source, release=bool(release_source)
        )
        click.echo(f"{'released' if release_source else 'discarded'} {count} held alert(s)")
        return
    rows = views.held_events(db)
    if not rows:
        click.echo("no held alerts")
    for r in rows:
        click.echo(f"{r['source_id']:<12} {r['kind']:<15} {r['case']}")


def _db(config_path: Path) -> Any:
    return _config_and_db(config_path)[1]


def _config_and_db(config_path: Path) -> tuple[Any, Any]:
    """The config and its database, with every tracked case in it from the start."""
    from monitor.app import database
    from monitor.cases.tracked import ensure_tracked
    from monitor.config import load_config
    from monitor.store.types import utcnow

    config = load_config(config_path)
    db = database(config)
    ensure_tracked(db, config.cases, utcnow())
    return config, db


def _source_names(config: Any) -> dict[str, str]:
    """Source id → the plugin's name ('IOPC website'); the id where the plugin is not known."""
    from sources.registry import installed

    plugins = installed()
    return {
        s.id: plugins[s.plugin_id].name if s.plugin_id in plugins else s.id
        for s in config.sources
    }


def _plain(text: str) -> str:
    """No control characters from page titles reach the terminal (escape sequences)."""
    return "".join(c if c.isprintable() or c == "\t" else " " for c in text)


def _register() -> None:
    from monitor.stages.command import classify, train

    main.add_command(classify)
    main.add_command(train)
    for module, name in (
        ("notifications.command", "notify_test"),
        ("sources.skeleton.command", "new_source"),
        ("monitor.demo.command", "demo"),
        ("monitor.web.command", "serve"),
        ("monitor.corrections_command", "correct"),
        ("monitor.corrections_command", "corrections"),
    ):
        try:
            mod = __import__(module, fromlist=[name])
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue  # that part is not built into this install
            raise
        main.add_command(getattr(mod, name))


_register()
