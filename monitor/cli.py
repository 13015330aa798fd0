"""The `oversight-monitor` command line. Each command lives in the module that owns its job."""

from __future__ import annotations

import click

from monitor import __version__


@click.group()
@click.version_option(__version__, prog_name="oversight-monitor")
def main() -> None:
    """Watch police-oversight bodies and alert when a case moves stage."""


def _register() -> None:
    from monitor.stages.command import classify

    main.add_command(classify)


_register()
