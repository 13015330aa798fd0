"""The `oversight-monitor` command line.

Exit codes: 0 success; 1 something checked failed (a source, a channel); 2 bad usage, bad
config or bad input; 3 the database cannot be used; 4 the database is unreachable or locked for
now (a supervisor should try again); 130 interrupted (Ctrl-C). Output cut short by its reader
(`| head`) ends quietly with 0.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from monitor import __version__
from monitor.errors import ConfigError, MonitorError, StoreError
from monitor.redact import redact
from monitor.report import without_next_step
from monitor.terminal import say

EXIT_FAILED, EXIT_CONFIG, EXIT_STORE, EXIT_STORE_FOR_NOW = 1, 2, 3, 4
EXIT_INTERRUPTED = 130

CREATE_DB_HELP = (
    "Make the database even in an empty (0-byte) file or beside another program's tables "
    "(refused otherwise, so a truncated file never silently becomes a new database)."
)

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


# Commands that live in other packages, imported only when invoked: `check` on an unchanged
# source then loads neither the reader's model, apprise nor jinja2 (start-up time, memory).
# To add one: a line here, "name": "package.module:function".
LAZY_COMMANDS = {
    "classify": "monitor.stages.command:classify",
    "train": "monitor.stages.command:train",
    "notify-test": "notifications.command:notify_test",
    "new-source": "sources.skeleton.command:new_source",
    "demo": "monitor.demo.command:demo",
    "serve": "monitor.web.command:serve",
    "correct": "monitor.corrections_command:correct",
    "corrections": "monitor.corrections_command:corrections",
    "outbox": "notifications.outbox_command:outbox",
}
# Options of the group that may also be written after the subcommand (`run --log-level debug`).
GLOBAL_OPTIONS = ("--log-level", "--log-format")


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of text (for scripts)."
)


class Group(click.Group):
    """Lazy subcommands, global options anywhere, and our own errors as one clear line with a
    documented exit code, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in LAZY_COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, _, name = LAZY_COMMANDS[cmd_name].partition(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                return None  # that part is not built into this install
            raise
        command: click.Command = getattr(mod, name)
        return command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        finally:
            try:
                sys.stdout.flush()  # here, not at exit, where a closed pipe prints a traceback
            except BrokenPipeError:
                _quiet_stdout()

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _global_options_first(args))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            say(f"config error: {exc}", err=True)
            ctx.exit(EXIT_CONFIG)
        except StoreError as exc:
            say(f"database error: {without_next_step(str(exc))}", err=True)
            ctx.exit(EXIT_STORE_FOR_NOW if exc.transient else EXIT_STORE)
        except MonitorError as exc:
            say(f"error: {exc}", err=True)
            ctx.exit(EXIT_FAILED)
        except KeyboardInterrupt:
            say("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`| head`): stop writing, and keep Python's exit-time flush
            # of stdout from printing a BrokenPipeError of its own.
            _quiet_stdout()
            ctx.exit(0)


def _quiet_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _global_options_first(args: list[str]) -> list[str]:
    """Move `--log-level X` / `--log-format=X` written after the subcommand to the front."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            take = 1 if "=" in arg else 2
            front.extend(args[i : i + take])
            i += take
            continue
        rest.append(arg)
        i += 1
    return front + rest


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
    say(
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
@click.option("--create-db", is_flag=True, help=CREATE_DB_HELP)
def check(
    config_path: Path, source_id: str | None, dry_run: bool, as_json: bool, create_db: bool
) -> None:
    """Run one cycle of every source (or one), deliver due alerts, print what changed."""
    import logging

    from monitor.checking import print_reports, run_check

    engine_log = logging.getLogger("monitor.engine")
    level = engine_log.level
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # The report below says what each cycle did, each failure once; the engine's own
        # lines would say it all again on stderr.
        engine_log.setLevel(logging.ERROR)
    try:
        reports = asyncio.run(
            run_check(config_path, source_id, dry_run=dry_run, create_db=create_db)
        )
    finally:
        engine_log.setLevel(level)
    print_reports(reports, as_json=as_json)
    if any(r.failure for r in reports):
        sys.exit(EXIT_FAILED)


@main.command()
@config_option
@click.option("--web", metavar="ADDR", help="Also serve the web pages, e.g. 127.0.0.1:8080.")
@click.option("--create-db", is_flag=True, help=CREATE_DB_HELP)
def run(config_path: Path, web: str | None, create_db: bool) -> None:
    """Run the daemon until SIGTERM/SIGINT. SIGHUP reloads the config."""
    from monitor.daemon import Daemon, exit_now_if_sends_in_flight

    daemon = Daemon(config_path, web=web, create_db=create_db)
    asyncio.run(daemon.run())
    exit_now_if_sends_in_flight()


@main.command()
@config_option
@json_option
@click.option("--tracked", is_flag=True, help="Only tracked cases.")
def cases(config_path: Path, as_json: bool, tracked: bool) -> None:
    """List cases with their current stage (dates in [monitor] timezone)."""
    from monitor import views

    config, db = _config_and_db(config_path)
    rows = views.case_list(db, tracked_only=tracked, tz=config.monitor.timezone)
    rows = views.with_configured_cases(rows, config.cases)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("no cases yet; run `oversight-monitor check` first")
    for r in rows:
        mark = "*" if r["tracked"] else " "
        since = r["stage_since_day"] or "     -     "
        stage = "no announcement yet" if r["no_announcement"] else r["stage"]
        say(f"{mark} {r['id'] or '-':>5}  {since}  {stage:<28} {r['name'][:70]}")


@main.command()
@config_option
@click.argument("case")
@json_option
def history(config_path: Path, case: str, as_json: bool) -> None:
    """A case's timeline: announcements, edits, removals, officers, dates. CASE: name or id."""
    from monitor import views
    from monitor.cases.timeline_text import timeline_lines

    config, db = _config_and_db(config_path)
    found = views.case_history(db, case, config.monitor.timezone)
    if found is None and (tracked := config.case(case)):  # not yet recorded by a check
        found = views.configured_case(tracked)
    if found is None:
        from monitor.config_checks import did_you_mean

        names = [r["name"] for r in views.with_configured_cases(
            views.case_list(db, tz=config.monitor.timezone), config.cases)]
        raise click.UsageError(
            f"no case matches {case!r}{did_you_mean(case, names)} (see `oversight-monitor cases`)"
        )
    if as_json:
        _print_json(found)
        return
    for line in timeline_lines(found, _source_names(config)):
        say(line)


@main.command()
@config_option
@json_option
@click.option("--all", "everything", is_flag=True, help="Past dates too.")
def upcoming(config_path: Path, as_json: bool, everything: bool) -> None:
    """Hearings, inquests, court dates and sentencing announced for cases, soonest first."""
    from monitor.cases.hearings import upcoming as upcoming_dates
    from monitor.store.types import utcnow

    config, db = _config_and_db(config_path)
    rows = upcoming_dates(db, config.monitor.timezone, None if everything else utcnow())
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("no hearing dates announced" + ("" if everything else " from now on"))
    for r in rows:
        place = f", {r['place']}" if r["place"] else ""
        say(f"{r['when']:<22} {r['case_name']}: {r['kind_label']}{place}")
        say(f"{'':<22} {r['url']}")


@main.command()
@config_option
@click.argument("words")
@click.option("--source", help="Only announcements of this source id.")
@click.option("--force", help="Only announcements naming this force (its official name).")
@click.option("--stage", help="Only announcements read as this stage id.")
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), help="From this date on.")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this date.")
@json_option
def search(
    config_path: Path, words: str, source: str | None, force: str | None, stage: str | None,
    since: Any, until: Any, as_json: bool,
) -> None:
    """Announcements matching WORDS, best first, case or not, with the cases they are in.

    Every word must appear (stemmed: 'investigating' finds 'investigation'); quote a phrase.
    The same full-text search as the web page's /search (monitor/search.py).
    """
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from monitor.search import Filters
    from monitor.views import document_search

    config, db = _config_and_db(config_path)
    _check_search_filters(config, db, source, stage)
    zone = ZoneInfo(config.monitor.timezone)
    filters = Filters(
        source=source, force=force, stage=stage,
        since=since.replace(tzinfo=zone) if since else None,
        until=until.replace(tzinfo=zone) + timedelta(days=1) if until else None,
    )
    rows = document_search(db, words, tz=config.monitor.timezone, filters=filters)
    if as_json:
        _print_json([{k: _bracketed(v) for k, v in r.items()} for r in rows])
        return
    if not rows:
        say(f"no announcement mentions {words!r}")
    for r in rows:
        cases = "; ".join(r["cases"]) or "no case"
        snippet = _bracketed(r["snippet"])
        say(f"{r['day'] or '(no date)':<12} #{r['id']} [{r['source_id']}] {r['title']}")
        say(f"{'':<12} {r['stage']} · {cases} · {r['url']}")
        if snippet:
            say(f"{'':<12} {' '.join(snippet.split())[:200]}")


def _bracketed(value: Any) -> Any:
    """Search highlights as [ ]: the markers are private-use characters for the web page."""
    from monitor.search import MARK_END, MARK_START

    if not isinstance(value, str):
        return value
    return value.replace(MARK_START, "[").replace(MARK_END, "]")


def _check_search_filters(config: Any, db: Any, source: str | None, stage: str | None) -> None:
    """A filter naming no stage or source would only ever answer "nothing found"."""
    from sqlalchemy import text

    from monitor.config_checks import did_you_mean
    from monitor.stages.vocabulary import STAGES

    if stage and stage not in STAGES:
        raise click.UsageError(
            f"--stage: {stage!r} is not a stage id{did_you_mean(stage, STAGES)} "
            "(the ids are listed in docs/stages.md)"
        )
    ids = [s.id for s in config.sources]
    if source and source not in ids:
        # A source taken out of the config keeps its announcements: those can still be searched.
        with db.connect() as conn:
            stored = conn.execute(text("SELECT 1 FROM document WHERE source_id = :s LIMIT 1"),
                                  {"s": source}).first()
        if stored:
            return
        raise click.UsageError(
            f"--source: no source {source!r} in the config{did_you_mean(source, ids)} "
            f"(configured: {', '.join(ids) or 'none'})"
        )


@main.command("sources")
@config_option
@click.option("--list", "list_plugins", is_flag=True, help="List installed source plugins instead.")
@json_option
def sources_cmd(config_path: Path, list_plugins: bool, as_json: bool) -> None:
    """Health of each configured source (last success, last error, failures in a row)."""
    from monitor import views
    from monitor.report import cause_first

    if list_plugins:
        rows = views.plugin_list()
        if as_json:
            _print_json(rows)
            return
        width = max((len(r["id"]) for r in rows), default=0)
        for r in rows:
            say(
                f"{r['id']:<{width}} every {r['interval']:<8} {r['name']}  "
                f"({', '.join(r['hosts']) or 'hosts from config'})"
            )
        return
    config, db = _config_and_db(config_path)
    rows = views.source_health(db, config)
    if as_json:
        _print_json(rows)
        return
    width = max([14, *(len(r["source_id"]) + 1 for r in rows)])
    say(f"{'source':<{width}} {'status':<9} {'last success':<17} {'next run':<17} {'fails':>5}  "
        "last error")
    tz = config.monitor.timezone
    for r in rows:
        err = f"{r['last_error_kind']}: {cause_first(r['last_error_message'] or '')}"
        say(
            f"{r['source_id']:<{width}} {r['status']:<9} "
            f"{_when(r['last_success_at'], 'never', tz):<17} "
            f"{_when(r['next_run_at'], '-', tz):<17} {r['consecutive_failures']:>5}  "
            f"{err[:120] if r['last_error_kind'] else ''}"
        )
        if r["baseline"]:  # a first listing still being absorbed
            from monitor.baseline import describe

            say(f"{'':<{width}} {describe(r['baseline'])}")


def _when(iso: str | None, missing: str, tz: str) -> str:
    """A stored UTC time as local 'YYYY-MM-DD HH:MM' ([monitor] timezone)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not iso:
        return missing
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


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

    settling = release_source or discard_source
    config, db = _config_and_db(config_path, writes=bool(settling))
    if settling and settling not in {s.id for s in config.sources}:
        known = ", ".join(s.id for s in config.sources) or "none"
        raise click.UsageError(f"no source with id {settling!r} in the config (known: {known})")
    if settling:
        count = views.settle_held(db, config, settling, release=bool(release_source))
        say(f"{'released' if release_source else 'discarded'} {count} held alert(s)")
        return
    rows = views.held_events(db)
    if not rows:
        say("no held alerts")
    for r in rows:
        say(f"{r['source_id']:<12} {r['kind']:<15} {r['case']}")


def _config_and_db(config_path: Path, *, writes: bool = False) -> tuple[Any, Any]:
    """The config and its database. Only commands that write (check, run, held --release) may
    create it; the others refuse a missing one and write nothing, tracked cases included (they
    are shown from the config until the first check records them)."""
    from monitor.app import database
    from monitor.config import load_config

    config = load_config(config_path)
    return config, database(config, create=writes)


def _source_names(config: Any) -> dict[str, str]:
    """Source id → the plugin's name ('IOPC website'); the id where the plugin is not known."""
    from sources.registry import installed

    plugins = installed()
    return {
        s.id: plugins[s.plugin_id].name if s.plugin_id in plugins else s.id
        for s in config.sources
    }


def _print_json(rows: Any) -> None:
    """JSON for machines; secrets masked (json.dumps escapes control characters itself)."""
    click.echo(redact(json.dumps(rows, indent=2, default=str)))
