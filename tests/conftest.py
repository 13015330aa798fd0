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


@pytest.fixture(autouse=True)
def _no_secrets_from_other_tests():
    """Secrets learnt from one test's config must not mask (or hide leaks in) another's."""
    from monitor import redact

    redact.forget_all()
    yield
    redact.forget_all()
