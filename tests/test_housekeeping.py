"""Issue 17.8: the repository as a new user meets it: trial runs change no tracked file, the
config (secrets) is never committed, the linter passes as documented."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_a_trial_benchmark_run_leaves_the_tracked_results_alone():
    results = ROOT / "benchmarks" / "results"
    before = {p.name: p.read_bytes() for p in results.iterdir()}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "", "--no-install"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Command:" in done.stdout  # the results were printed…
    assert {p.name: p.read_bytes() for p in results.iterdir()} == before  # …and not written


def test_the_config_file_with_its_secrets_is_never_committed():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "config.toml" in ignored


def test_aiosmtpd_is_documented_as_the_core_dependency_it_is():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("aiosmtpd") for d in project["dependencies"])
    demo = (ROOT / "docs" / "demo.md").read_text()
    assert "installed with the test extras" not in demo.replace("\n", " ")


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff")
                    .exists(), reason="ruff is not installed")
def test_ruff_passes_on_the_documented_paths():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    done = subprocess.run([ruff, "check", "sources", "tests", "monitor", "notifications"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]
