import click


@click.command("classify")
def classify() -> None:
    """(being built) Classify an announcement."""
    raise click.ClickException("classify is not built yet")
