"""`new-source` writes a plugin whose generated test passes as written."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import sources
from sources.skeleton.command import new_source

PYPROJECT = """[project]
name = "demo"

[project.entry-points."oversight_monitor.sources"]
feed = "sources.feed:FeedSource"

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


async def test_new_source_writes_a_skeleton_whose_test_passes(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    result = CliRunner().invoke(new_source, ["police-ombudsman", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output

    pyproject = (tmp_path / "pyproject.toml").read_text()
    entry = 'police-ombudsman = "sources.police_ombudsman:PoliceOmbudsmanSource"'
    table = pyproject.split("[project.entry-points", 1)[1].split("[tool", 1)[0]
    assert entry in table  # inside the plugin table, not appended after another one

    # Make the generated module importable as sources.police_ombudsman, as in a real checkout.
    monkeypatch.setattr(sources, "__path__", [*sources.__path__, str(tmp_path / "sources")])
    monkeypatch.delitem(sys.modules, "sources.police_ombudsman", raising=False)
    spec = importlib.util.spec_from_file_location(
        "generated_test", tmp_path / "tests" / "test_source_police_ombudsman.py"
    )
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)

    generated.test_police_ombudsman_has_examples()
    assert {case.page.stem for case in generated.CASES} == {"example", "listing"}
    for case in generated.CASES:
        await generated.test_police_ombudsman_example_parses_to_expected(case)


def test_new_source_never_overwrites_and_registers_once(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    runner = CliRunner()
    assert runner.invoke(new_source, ["pirc", "--dir", str(tmp_path)]).exit_code == 0
    again = runner.invoke(new_source, ["pirc", "--dir", str(tmp_path)])
    assert again.exit_code != 0 and "not overwriting" in again.output
    assert (tmp_path / "pyproject.toml").read_text().count('pirc = "sources.pirc:PircSource"') == 1


def test_new_source_rejects_bad_names_and_missing_projects(tmp_path):
    runner = CliRunner()
    assert runner.invoke(new_source, ["Bad Name", "--dir", str(tmp_path)]).exit_code != 0
    missing = runner.invoke(new_source, ["pirc", "--dir", str(tmp_path)])
    assert missing.exit_code != 0 and "pyproject.toml" in missing.output


def test_a_scaffolded_plugin_passes_the_projects_own_fault_tests(tmp_path):
    """Issue 17.7: the skeleton used urljoin, and one malformed href sank its listing."""
    root = Path(__file__).resolve().parent.parent
    skip = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
    for part in ("sources", "tests"):
        shutil.copytree(root / part, tmp_path / part, ignore=skip)
    shutil.copy(root / "pyproject.toml", tmp_path)
    result = CliRunner().invoke(new_source, ["hmicfrs", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    tests = ["tests/faults/test_fuzz.py", "tests/test_sources_fixtures.py",
             "tests/test_source_hmicfrs.py"]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, "-k", "hmicfrs"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "test_malformed_links_are_skipped_not_fatal[hmicfrs/listing]" in _collected(
        tmp_path, tests
    )


def _collected(root: Path, tests: list[str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *tests],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True,
    ).stdout
