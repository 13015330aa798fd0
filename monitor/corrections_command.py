"""`oversight-monitor correct ...` and `oversight-monitor corrections`: the CLI of corrections.

The same corrections as the web page's maintainer forms (monitor/corrections.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from monitor.cli import _config_and_db, _print_json, config_option, json_option
from monitor.terminal import say

by_option = click.option(
    "--by", "who", required=True, envvar="OVERSIGHT_MONITOR_MAINTAINER", show_envvar=True,
    help="Who makes the correction (kept with it).",
)
why_option = click.option("--why", required=True, help="Why: kept with the correction.")


@click.group()
def correct() -> None:
    """Correct what the monitor read: a stage, a case's announcements, a case that is none."""


def correction(name: str, **arguments: type) -> Callable[[Callable[..., None]], click.Command]:
    """A `correct NAME` subcommand: --config, then ARGUMENTS (name → type) in order, --by, --why."""

    def command(run: Callable[..., None]) -> click.Command:
        run = by_option(why_option(run))
        for argument, kind in reversed(arguments.items()):
            run = click.argument(argument, type=kind)(run)
        return correct.command(name)(config_option(run))

    return command


@correction("stage", document=int, stage=str)
def correct_stage(config_path: Path, document: int, stage: str, who: str, why: str) -> None:
    """Set the stage of announcement DOCUMENT (its number) to STAGE (a stage id)."""
    from monitor.corrections import correct_stage as run

    _run(run, config_path, document_id=document, stage=stage, who=who, why=why)


@correction("detach", document=int, case=int)
def correct_detach(config_path: Path, document: int, case: int, who: str, why: str) -> None:
    """Take announcement DOCUMENT out of case CASE; no later reading puts it back."""
    from monitor.corrections import detach

    _run(detach, config_path, document_id=document, case_id=case, who=who, why=why)


@correction("attach", document=int, case=int)
def correct_attach(config_path: Path, document: int, case: int, who: str, why: str) -> None:
    """Put announcement DOCUMENT in case CASE."""
    from monitor.corrections import attach

    _run(attach, config_path, document_id=document, case_id=case, who=who, why=why)


@correction("not-a-case", case=int)
def correct_not_a_case(config_path: Path, case: int, who: str, why: str) -> None:
    """Mark case CASE as no case: it leaves the lists and never alerts."""
    from monitor.corrections import mark_not_a_case

    _run(mark_not_a_case, config_path, case_id=case, who=who, why=why)


@click.command()
@config_option
@click.option("--export", "export_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the stage corrections as reader training data (JSON Lines) to FILE, "
                   "for `oversight-monitor train --corrections FILE`.")
@json_option
def corrections(config_path: Path, export_path: Path | None, as_json: bool) -> None:
    """List maintainers' corrections, newest first, or export them for training."""
    from monitor.corrections import corrections_list, export_file

    _config, db = _config_and_db(config_path)
    if export_path is not None:
        count = export_file(db, export_path)
        say(f"wrote {count} corrected reading(s) to {export_path}; train on them with "
                   f"`oversight-monitor train --corrections {export_path}`")
        return
    rows = corrections_list(db)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("no corrections yet")
    for r in rows:
        what = {
            "stage": f"announcement {r['document_id']}: {r['old_label']} → {r['new_label']}",
            "detach": f"announcement {r['document_id']} taken out of case {r['case_id']}",
            "attach": f"announcement {r['document_id']} put in case {r['case_id']}",
            "not_a_case": f"case {r['case_id']} is no case",
        }[r["kind"]]
        say(f"{r['created_at'][:16].replace('T', ' ')}  {r['who']}: {what} ({r['why']})")


def _run(correction: Any, config_path: Path, **fields: Any) -> None:
    from monitor.corrections import CorrectionError

    config, db = _config_and_db(config_path)
    try:
        done = correction(db, config, **fields)
    except CorrectionError as exc:
        raise click.UsageError(str(exc)) from None  # bad input: exit 2, one line
    _report(done)


def _report(done: Any) -> None:
    say(f"correction {done.correction_id} recorded")
    for subject in done.withdrawn:
        say(f"follow-up alert withdrawn before it was sent: {subject}")
    for subject in done.alerts:
        say(f"follow-up alert queued: {subject}")
    if done.withdrawn and not done.alerts:
        say("the case is back where its followers last heard it was, so no follow-up alert")
    elif not done.alerts:
        say("no case changed stage, so no follow-up alert")
