"""A channel down for hours: retried with growing gaps, delivered once when it is back.

The permanent-failure path (dead letter + one maintainers' note) is proven in
tests/test_notifications_outbox.py::test_permanent_failure_goes_dead_and_maintainers_get_one_note.
"""

from __future__ import annotations

import json
from datetime import timedelta

from pytest_httpserver import HTTPServer

from tests.faults.rig import Rig, case_fields, page_source
from tests.servers import CaseSite, free_port


async def test_webhook_down_for_hours_is_retried_with_backoff_and_delivered_once(
    tmp_path, httpserver
):
    site = CaseSite(httpserver)
    url = site.add("a", **case_fields(1))
    port = free_port()  # the subscriber's webhook: nothing listens there yet
    rig = Rig(
        tmp_path,
        httpserver,
        page_source("cases", url),
        subscribers=f'[[subscribers]]\nname = "newsroom"\nurls = ["json://127.0.0.1:{port}/in"]\n',
        outbox={"first_retry_seconds": 60, "max_retry_seconds": 3600, "max_attempts": 30},
    )
    await rig.cycle()
    site.pages["a"]["status"] = "Misconduct hearing arranged"
    await rig.cycle()  # the event, and a first failed send

    gaps, last = [], None
    outage_end = rig.now + timedelta(hours=7)
    while rig.now < outage_end:  # the daemon's outbox job, every 5 minutes, for 7 hours
        rig.now += timedelta(minutes=5)
        rig.deliver()
        (row,) = rig.deliveries()
        if last is not None and row.attempts != last[0]:
            gaps.append((row.next_attempt_at - last[1]).total_seconds())
        last = (row.attempts, row.next_attempt_at)
    (row,) = rig.deliveries()
    assert row.status == "pending" and 8 <= row.attempts <= 14, row.attempts
    assert gaps[0] < gaps[3] < gaps[-1] <= 3600 * 1.3  # backoff grows, capped at an hour
    assert "127.0.0.1" in row.last_error

    receiver = HTTPServer(host="127.0.0.1", port=port)
    receiver.expect_request("/in", method="POST").respond_with_data("ok")
    receiver.start()
    try:
        for _ in range(24):  # the next two hours
            rig.now += timedelta(minutes=5)
            rig.deliver()
        bodies = [json.loads(r.get_data()) for r, _ in receiver.log]
    finally:
        receiver.stop()
    assert len(bodies) == 1 and "Misconduct hearing arranged" in bodies[0]["message"]
    (row,) = rig.deliveries()
    assert row.status == "sent"
