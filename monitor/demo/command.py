"""`oversight-monitor demo`: replay the Stephen Port case offline, end to end."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import click

PAUSE_SECONDS = 1.0
EXIT_INTERRUPTED = 130


@click.command()
@click.option("--fast", is_flag=True, help="No pauses between steps (for scripts and tests).")
@click.option("--keep", "keep_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the database, the config and each delivered message "
                   "(DIR/messages/NN.eml).")
@click.option("--no-color", is_flag=True, help="Plain output even on a terminal.")
@click.option("--verbose", is_flag=True, help="Also show the engine's own log lines.")
def demo(fast: bool, keep_dir: Path | None, no_color: bool, verbose: bool) -> None:
    """Replay the Stephen Port case (2015-2023) through local copies of the IOPC and Met sites.

    Runs the real engine, classifier, plugins, database and email outbox; shows what each
    release said, what the monitor concluded, and every alert exactly as it was delivered to
    a local mail server. Nothing leaves 127.0.0.1. Without --keep nothing is left behind.
    """
    from monitor.demo.mailbox import MissingMailServer
    from monitor.demo.replay import run
    from monitor.demo.show import Terminal

    pause = 0.0 if fast else PAUSE_SECONDS
    terminal = Terminal(color=False if no_color else None)
    try:
        with _workdir(keep_dir) as workdir, _quiet_logs(verbose):
            outcome = run(workdir, terminal, pause=pause)
            terminal.timeline(outcome)
            if keep_dir is not None:
                _save_messages(outcome.messages, workdir / "messages")
                terminal.kept(workdir, len(outcome.messages))
    except MissingMailServer as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        terminal.interrupted()
        sys.exit(EXIT_INTERRUPTED)


@contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    """The kept directory, or a temporary one removed on the way out, whatever happens."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        for stale in ("demo.db", "demo.db-wal", "demo.db-shm"):
            (keep / stale).unlink(missing_ok=True)  # a fresh replay, not a continuation
        shutil.rmtree(keep / "messages", ignore_errors=True)
        yield keep
        return
    path = Path(tempfile.mkdtemp(prefix="oversight-demo-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _quiet_logs(verbose: bool) -> Iterator[None]:
    """The story is the output; the engine's info lines would drown it. Warnings still show."""
    if verbose:
        yield
        return
    names = ("monitor", "notifications", "sources", "httpx", "apprise", "mail.log")
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _save_messages(messages: list[EmailMessage], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, msg in enumerate(messages, 1):
        (folder / f"{number:02d}.eml").write_bytes(bytes(msg))
