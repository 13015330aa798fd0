"""The starter config written by `oversight-monitor init` (same text as config.example.toml)."""

from importlib.resources import files


def starter_config() -> str:
    return files("monitor").joinpath("starter.toml").read_text(encoding="utf-8")
