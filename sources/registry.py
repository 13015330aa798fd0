"""Find installed source plugins through the `oversight_monitor.sources` entry-point group."""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from monitor.errors import ConfigError
from sources.base import Source

GROUP = "oversight_monitor.sources"


@cache
def installed() -> dict[str, type[Source]]:
    """Plugin id → class, for every installed plugin (built-ins register the same way)."""
    found: dict[str, type[Source]] = {}
    for ep in entry_points(group=GROUP):
        cls = _load(ep)
        found[cls.id] = cls
    return found


def plugin(plugin_id: str) -> type[Source]:
    """The class for a plugin id, or a ConfigError that lists what is installed.

    An entry point named after the id (the built-ins' are) is imported alone, so a `check` of
    one page source does not import every plugin (the feed plugin's feedparser, …); the rest
    are looked through only when it is missing or declares another id.
    """
    for ep in entry_points(group=GROUP, name=plugin_id):
        cls = _load(ep)
        if cls.id == plugin_id:
            return cls
    plugins = installed()
    try:
        return plugins[plugin_id]
    except KeyError:
        from monitor.config_checks import did_you_mean

        known = ", ".join(sorted(plugins)) or "none"
        raise ConfigError(
            f"no source plugin called {plugin_id!r} is installed"
            f"{did_you_mean(plugin_id, plugins)} (installed: {known})"
        ) from None


def _load(ep: EntryPoint) -> type[Source]:
    cls = ep.load()
    if not (isinstance(cls, type) and issubclass(cls, Source)):
        raise ConfigError(f"entry point {ep.name!r} in {GROUP} is not a Source subclass")
    return cls
