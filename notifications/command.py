"""`oversight-monitor notify-test`: prove every configured channel works before it matters."""

from __future__ import annotations

import sys
from dataclasses import replace

import click

from monitor.config import Config, load_config
from monitor.terminal import say
from notifications import channels
from notifications.outbox import HEALTH_WHY
from notifications.render import reader_for, render_event
from notifications.subscriptions import MAINTAINERS

NOTE = (
    "TEST MESSAGE from `oversight-monitor notify-test`. It is not about a real case and "
    "nothing has changed; it shows what an alert will look like on this channel."
)
SUBJECT = "[test] oversight-monitor test message (not a real alert)"
# Made up on purpose: a test must not read like news about a real case.
SAMPLE = {
    "case_name": "Example case (test)",
    "tracked": True,
    "title": "Test announcement: no such announcement was published",
    "url": None,
    "source_id": "notify-test",
    "source_name": "oversight-monitor notify-test",
    "published_at": None,
    "from_stage": "investigation_opened",
    "to_stage": "case_to_answer",
    "from_severity": "misconduct",
    "severity": "misconduct",
    "evidence": "This sentence stands where an alert quotes the announcement it was read from.",
    "officers": None,
    "force": None,
}


@click.command("notify-test")
@click.argument("subscriber", required=False)
@click.option(
    "--config",
    "-c",
    "config_path",
    default="config.toml",
    show_default=True,
    envvar="OVERSIGHT_MONITOR_CONFIG",
    type=click.Path(dir_okay=False),
    help="The configuration file.",
)
def notify_test(subscriber: str | None, config_path: str) -> None:
    """Send a sample stage-change alert to each channel and say which ones worked.

    With SUBSCRIBER, only that subscriber's channels ('maintainers' for the [health] urls);
    without, every subscriber and the health URLs. Exits 1 if any channel failed.
    """
    config = load_config(config_path)  # a bad config is exit 2, like every command
    targets = _targets(config, subscriber)
    if not targets:
        click.echo("No channels configured: add [[subscribers]] or [health] urls.")
        sys.exit(1)
    failed = 0
    for name, url, why in targets:
        result = _send_sample(config, name, url, why)
        if result.ok:
            say(f"{name}: {result.url}  OK")
        else:
            failed += 1
            say(f"{name}: {result.url}  FAILED: {result.error}")
    click.echo(f"{len(targets) - failed} of {len(targets)} channel(s) OK")
    if failed:
        sys.exit(1)


def _targets(config: Config, only: str | None) -> list[tuple[str, str, tuple[str, ...]]]:
    targets = [
        (sub.name, url, ("this test",))
        for sub in config.subscribers
        if only in (None, sub.name)
        for url in dict.fromkeys(sub.urls)
    ]
    if only in (None, MAINTAINERS):
        targets += [(MAINTAINERS, url, HEALTH_WHY) for url in dict.fromkeys(config.health.urls)]
    if only == MAINTAINERS and not targets:
        raise click.UsageError("'maintainers' has no channels: [health] urls is empty")
    if only is not None and not targets:
        known = [s.name for s in config.subscribers] + ([MAINTAINERS] if config.health.urls else [])
        raise click.UsageError(
            f"no subscriber named {only!r}; known: {', '.join(known) or 'none'}"
        )
    return targets


def _send_sample(
    config: Config, name: str, url: str, why: tuple[str, ...]
) -> channels.SendResult:
    plugin = channels.load(url)
    if plugin is None:
        return channels.SendResult(
            False, channels.privacy_url(url), "apprise does not understand this URL"
        )
    message = render_event(
        "stage_changed", SAMPLE, channels.target(plugin), reader_for(config, name, why), note=NOTE
    )
    if message.title:
        message = replace(message, title=SUBJECT)
    return channels.send(url, message)
