"""Finding a source plugin by its id through the entry points of installed distributions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

LOOK_UP = """
import json, sys
from sources.registry import plugin
found = {pid: plugin(pid).__module__ for pid in sys.argv[1:]}
loaded = sorted(m for m in sys.modules if m.startswith("sources."))
print(json.dumps({"found": found, "loaded": loaded}))
"""


def look_up(*plugin_ids: str, extra_path: Path | None = None) -> dict:
    """plugin() in a fresh interpreter: which module each id came from, which plugins loaded."""
    env_path = [str(REPO)] + ([str(extra_path)] if extra_path else [])
    out = subprocess.run(
        [sys.executable, "-c", LOOK_UP, *plugin_ids],
        capture_output=True, text=True, cwd=REPO, timeout=60, check=True,
        env={"PYTHONPATH": ":".join(env_path), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(out.stdout)


def install_plugin(site: Path, entry_name: str, plugin_id: str) -> None:
    """A distribution on `site` whose entry point `entry_name` is a Source with id `plugin_id`."""
    (site / "third_party_source.py").write_text(
        "from sources.base import Source\n\n"
        f"class ThirdParty(Source):\n    id = {plugin_id!r}\n    name = 'Third party'\n"
    )
    dist = site / "third_party_source-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: third-party-source\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(
        f"[oversight_monitor.sources]\n{entry_name} = third_party_source:ThirdParty\n"
    )


def test_a_built_in_plugin_is_found_without_importing_the_others():
    result = look_up("page")

    assert result["found"] == {"page": "sources.page"}
    assert "sources.feed" not in result["loaded"] and "sources.iopc" not in result["loaded"]


def test_a_plugin_whose_entry_point_has_another_name_is_still_found_by_its_id(tmp_path):
    install_plugin(tmp_path, entry_name="thirdparty_v2", plugin_id="thirdparty")

    result = look_up("thirdparty", "page", extra_path=tmp_path)

    assert result["found"] == {"thirdparty": "third_party_source", "page": "sources.page"}


def test_an_entry_point_named_like_a_plugin_but_declaring_another_id_is_not_taken_for_it(
    tmp_path,
):
    # Its name says "feed", its class says otherwise: the real feed plugin is the answer.
    install_plugin(tmp_path, entry_name="feed", plugin_id="not_the_feed")

    result = look_up("feed", "not_the_feed", extra_path=tmp_path)

    assert result["found"] == {"feed": "sources.feed", "not_the_feed": "third_party_source"}
