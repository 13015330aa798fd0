"""Fixtures shared by the end-to-end tests: a local SMTP sink and a local case-page site."""

from __future__ import annotations

import pytest

from tests.servers import CaseSite, start_smtp


@pytest.fixture
def smtp():
    """(controller, sink): messages sent to 127.0.0.1:controller.port land in sink.messages."""
    controller, sink = start_smtp()
    yield controller, sink
    controller.stop()


@pytest.fixture
def site(httpserver):
    return CaseSite(httpserver)
