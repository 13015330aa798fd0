"""Example pages and their expected output: load, run, and regenerate them.

Layout: tests/sources/<plugin-id>/<name>.html (or .xml) next to <name>.json, where the JSON says
how to run the page and what must come out:

    {"url": ..., "options": {...}, "instance": "kent",     # how to run it
     "ref": {"title": ..., "extra": {...}},               # optional discovery hints for parse
     "document": {...}}  or  {"refs": [...]}              # expected parse, or expected discover

Regenerate after a deliberate parser change, then review the printed diff before committing:

    python -m sources.fixtures regen <plugin-id> [--dry-run] [--root tests/sources]

Tests never regenerate; they only compare.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import difflib
import importlib
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.models import DocumentRef, Page
from sources import registry, urls
from sources.base import Source, SourceContext

TYPES = {".html": "text/html", ".xml": "application/rss+xml"}


@dataclass(frozen=True)
class Fixture:
    plugin: str
    page: Path  # the .html / .xml file
    spec: dict[str, Any]  # the .json file

    @property
    def name(self) -> str:
        return f"{self.plugin}/{self.page.stem}"

    @property
    def expected(self) -> Any:
        return self.spec["refs"] if "refs" in self.spec else self.spec.get("document")


def find(root: Path, plugin: str | None = None) -> list[Fixture]:
    """Every page with a JSON spec beside it under root (one plugin's, or all)."""
    found = []
    for page in sorted(root.glob(f"{plugin or '*'}/*")):
        spec = page.with_suffix(".json")
        if page.suffix in TYPES and spec.exists():
            found.append(Fixture(page.parent.name, page, json.loads(spec.read_text("utf-8"))))
    return found


def plugin_class(plugin_id: str) -> type[Source]:
    """The installed plugin, or sources.<id> when a new one is not yet installed."""
    if plugin_id in registry.installed():
        return registry.plugin(plugin_id)
    module = importlib.import_module(f"sources.{plugin_id.replace('-', '_')}")
    return next(
        v for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, Source) and getattr(v, "id", None) == plugin_id
    )  # fmt: skip


async def run(fx: Fixture) -> Any:
    """What the plugin makes of the fixture now: a list of refs or a document, as JSON values."""
    cls, spec = plugin_class(fx.plugin), fx.spec
    source = cls(spec.get("instance", fx.plugin), cls.Options(**spec.get("options", {})),
                 spec.get("base_url"))  # fmt: skip
    page = Page(spec["url"], 200, TYPES[fx.page.suffix], fx.page.read_text("utf-8"))
    if "refs" in spec:

        async def fetch(url: str, conditional: bool = True) -> Page:
            if urls.canonical(url) != urls.canonical(page.url):
                raise AssertionError(f"{fx.name} has no page for {url}")
            return page

        ctx = SourceContext(fetch=fetch, state=dict(spec.get("state", {})))
        return [plain(ref) async for ref in source.discover(ctx)]
    hints = dict(spec.get("ref", {}))
    if hints.get("published_at"):
        hints["published_at"] = datetime.fromisoformat(hints["published_at"])
    ref = DocumentRef(url=page.url, external_id=spec.get("external_id", page.url), **hints)
    return plain(source.parse(ref, page))


def plain(value: Any) -> Any:
    """Dataclasses, tuples and datetimes as JSON values."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, datetime) else value


def regen(root: Path, plugin: str, dry_run: bool = False) -> int:
    """Rewrite one plugin's expected JSON from the current parser, printing the diff."""
    changed = 0
    for fx in find(root, plugin):
        spec = dict(fx.spec)
        spec["refs" if "refs" in spec else "document"] = asyncio.run(run(fx))
        path = fx.page.with_suffix(".json")
        old, new = path.read_text("utf-8"), json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
        if old != new:
            changed += 1
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}"))  # fmt: skip
            if not dry_run:
                path.write_text(new, "utf-8")
    print(f"{changed} fixture(s) {'would change' if dry_run else 'changed'} for {plugin}")
    return changed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sources.fixtures")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("regen", help="rewrite expected JSON for one plugin, printing the diff")
    cmd.add_argument("plugin")
    cmd.add_argument("--root", type=Path, default=Path("tests/sources"))
    cmd.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    args = parser.parse_args(argv)
    regen(args.root, args.plugin, args.dry_run)


if __name__ == "__main__":
    main()
