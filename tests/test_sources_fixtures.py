"""Every example page under tests/sources/<plugin>/ still parses to its expected JSON.

Adding a source or a case means adding files, never editing this test. After a deliberate
parser change: `python -m sources.fixtures regen <plugin>`, then review the printed diff.
"""

from pathlib import Path

import pytest

from sources import fixtures

CASES = fixtures.find(Path(__file__).parent / "sources")


def test_every_fixture_says_where_it_came_from():
    for case in CASES:
        head = case.page.read_text("utf-8")[:400]
        assert "RECONSTRUCTED" in head or "CAPTURED" in head, f"{case.name} has no provenance"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_fixture_parses_to_expected(case):
    assert case.expected is not None, f"{case.name} has no expected output; run regen"
    assert await fixtures.run(case) == case.expected
