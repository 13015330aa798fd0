"""`oversight-monitor classify`: the classifier's command-line contract (DESIGN.md).

Text mode reads one announcement (first line = title) and prints a readable result; --jsonl
reads one {"title", "text"} object per line and writes one JSON result per line, in order.
Bad input stops with exit code 2 and a message naming the line, so pipelines fail loudly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

import click

from monitor.stages.reader import Classification
from monitor.stages.reader import classify as classify_announcement

BAD_INPUT_EXIT = 2


class _BadInput(Exception):
    """Input the command cannot read; the message names where."""


@click.command("classify")
@click.argument("source", type=click.File("rb"), default="-", metavar="[FILE|-]")
@click.option("--jsonl", is_flag=True, help="One JSON object per line in and out.")
def classify(source: IO[bytes], jsonl: bool) -> None:
    """Say which investigation stage an announcement reports, and the sentence that says so.

    Reads FILE, or standard input when FILE is - or omitted.
    """
    if source.isatty():  # someone typed the command alone: say what it is waiting for
        click.echo(
            "classify: waiting for an announcement on standard input (title on the first line, "
            "then the text; " + ("one JSON object per line; " if jsonl else "")
            + "end with Ctrl-D)", err=True,
        )
    try:
        if jsonl:
            _classify_lines(source)
        else:
            _classify_document(_decode(source.read(), "input"))
    except _BadInput as problem:
        click.echo(f"classify: {problem}", err=True)
        sys.exit(BAD_INPUT_EXIT)


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig" if where in ("input", "line 1") else "utf-8")
    except UnicodeDecodeError as error:
        raise _BadInput(f"{where}: not valid UTF-8 (byte {error.start})") from None


def _classify_document(document: str) -> None:
    title, _, text = document.partition("\n")
    _print_readably(classify_announcement(title.strip(), text))


def _classify_lines(source: IO[bytes]) -> None:
    for number, raw in enumerate(source, start=1):
        line = _decode(raw, f"line {number}")
        if not line.strip():
            continue
        title, text = _announcement(line, number)
        result = classify_announcement(title, text)
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))


def _announcement(line: str, number: int) -> tuple[str, str]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise _BadInput(f"line {number}: invalid JSON ({error.msg})") from None
    if not isinstance(item, dict):
        raise _BadInput(f"line {number}: expected a JSON object with title and text")
    title, text = item.get("title") or "", item.get("text") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        raise _BadInput(f"line {number}: title and text must be strings")
    return title, text


def _print_readably(result: Classification) -> None:
    click.echo(f"stage:     {result.stage}")
    click.echo(f"meaning:   {result.label}")
    sure = "uncertain, check the quote" if result.uncertain else "sure"
    click.echo(f"confidence: {result.confidence:.0%} ({sure}); second reading: {result.runner_up}")
    click.echo(f"evidence:  {result.evidence if result.evidence else '(none)'}")
    if result.evidence_in == "title":
        click.echo("           (from the headline: no sentence of the body could be quoted)")
    click.echo(f"officers:  {_or_unknown(result.officers)}")
    click.echo(f"severity:  {_or_unknown(result.severity)}")
    click.echo(f"route:     {_or_unknown(result.route)}")
    click.echo(f"force:     {_or_unknown(result.force)}")
    click.echo(f"flags:     {', '.join(sorted(result.flags)) or '(none)'}")


@click.command("train")
@click.option("--corrections", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A corrections export (JSON Lines) to train on as well.")
def train(corrections: Path | None) -> None:
    """Rebuild the reader's model from the corpus (and maintainers' corrections).

    Writes monitor/stages/model/ (needs the training extra: pip install '.[train]').
    """
    try:
        from monitor.stages import train as training
    except ModuleNotFoundError as exc:
        click.echo(f"train: {exc.name} is missing; install it with: pip install '.[train]'",
                   err=True)
        sys.exit(BAD_INPUT_EXIT)
    try:
        reader = training.build(corrections)
    except ValueError as problem:  # a corrections line that is not a corpus item
        click.echo(f"train: {problem}", err=True)
        sys.exit(BAD_INPUT_EXIT)
    reader.save(training.MODEL_DIR)
    meta = reader.meta
    click.echo(f"trained on {meta['items']} items in {meta['batches']} batches; "
               f"uncertain below {meta['uncertain_below']:.0%}; written to {training.MODEL_DIR}")


def _or_unknown(value: object) -> str:
    return "(not stated)" if value is None else str(value)
