"""`oversight-monitor new-source NAME`: write a plugin skeleton whose own test passes as written.

It writes sources/<module>.py, tests/sources/<id>/{example,listing}.{html,json},
tests/test_source_<module>.py, and registers the entry point in pyproject.toml. Existing files
are never overwritten.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from string import Template

import click

TABLE = '[project.entry-points."oversight_monitor.sources"]'
NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def render(template: str, **values: str) -> str:
    return Template(files(__package__).joinpath(template).read_text("utf-8")).substitute(values)


def register(pyproject: Path, line: str) -> bool:
    """Add the entry-point line to the plugin table (creating it); False if already there."""
    text = pyproject.read_text("utf-8")
    if line in text.splitlines():
        return False
    lines = text.splitlines()
    if TABLE not in lines:
        lines += ["", TABLE, line]
    else:
        end = lines.index(TABLE) + 1
        while end < len(lines) and lines[end].strip() and not lines[end].startswith("["):
            end += 1
        lines.insert(end, line)
    pyproject.write_text("\n".join(lines) + "\n", "utf-8")
    return True


@click.command("new-source")
@click.argument("name")
@click.option(
    "--dir",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project directory (the one holding pyproject.toml).",
)
def new_source(name: str, root: Path) -> None:
    """Write a working skeleton for a new source plugin called NAME (e.g. hmicfrs)."""
    if not NAME.match(name):
        raise click.BadParameter(
            "use 2-40 lower-case letters, digits or hyphens", param_hint="NAME"
        )
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        raise click.ClickException(f"no pyproject.toml in {root.resolve()}; pass --dir PROJECT")
    module = name.replace("-", "_")
    values = {"id": name, "module": module, "title": name.replace("-", " ").title(),
              "cls": "".join(part.title() for part in name.split("-"))}  # fmt: skip
    targets = {
        root / "sources" / f"{module}.py": "plugin.py.txt",
        root / "tests" / f"test_source_{module}.py": "test.py.txt",
        root / "tests" / "sources" / name / "example.html": "example.html.txt",
        root / "tests" / "sources" / name / "example.json": "example.json.txt",
        root / "tests" / "sources" / name / "listing.html": "listing.html.txt",
        root / "tests" / "sources" / name / "listing.json": "listing.json.txt",
    }
    if existing := [str(p) for p in targets if p.exists()]:
        raise click.ClickException(f"not overwriting existing files: {', '.join(existing)}")
    for path, template in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, **values), "utf-8")
        click.echo(f"wrote {path}")
    entry = f'{name} = "sources.{module}:{values["cls"]}Source"'
    if register(pyproject, entry):
        click.echo(f"registered {entry} in {pyproject}")
    click.echo(
        f"\nNext: pip install -e . (so the entry point is seen), then"
        f" pytest tests/test_source_{module}.py\nThen edit ITEM_LINKS, BODY, hosts and base_url"
        f" in sources/{module}.py, save real pages into tests/sources/{name}/ and run"
        f" python -m sources.fixtures regen {name}"
    )


if __name__ == "__main__":  # python -m sources.skeleton.command NAME, before the CLI has it
    new_source()
