"""`oversight-monitor serve`: the web pages and feeds, without the daemon."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli import config_option


@click.command()
@config_option
@click.option("--listen", metavar="ADDR",
              help="Address to bind, e.g. 127.0.0.1:8080 (default: [web] listen in the config).")
def serve(config_path: Path, listen: str | None) -> None:
    """Serve the web pages and feeds (maintainers sign in to correct). Stop with Ctrl-C."""
    from monitor.app import database
    from monitor.config import load_config
    from monitor.web.server import check_listen, serve_forever

    config = load_config(config_path)
    check_listen(listen or config.web.listen, config)  # refuse before opening anything
    serve_forever(config, database(config, create=False), listen)  # read-only: never creates
