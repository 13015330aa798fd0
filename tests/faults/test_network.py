"""Broken and hostile servers, through the whole engine: what lands in the health table.

The fetcher's own tests (tests/test_fetcher.py, tests/test_fetcher_faults.py) prove each fault
on one request; these prove the engine turns it into the right typed health row, keeps the
other sources running, and that the source recovers by itself.
"""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest
from werkzeug import Response

from tests.faults.rig import Rig, case_fields, on_host, page_source
from tests.servers import CaseSite

MB = 1024 * 1024


@pytest.fixture
def site(httpserver):
    return CaseSite(httpserver)


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_waited_out_for_that_host_only(tmp_path, httpserver, site, status):
    busy = on_host(site.add("busy", **case_fields(1)), "127.0.0.1")
    calm = on_host(site.add("calm", **case_fields(2)), "localhost")
    rig = Rig(
        tmp_path,
        httpserver,
        page_source("busy", busy) + page_source("calm", calm),
        http={"retries": 2},
    )
    httpserver.expect_oneshot_request("/case/busy").respond_with_data(
        "slow down", status=status, headers={"Retry-After": "120"}
    )
    reports = await rig.cycle()
    assert reports["busy"].ok and reports["calm"].ok
    assert rig.fake.sleeps == [pytest.approx(120, abs=1)]  # one wait, for the busy host only
    assert site.hits == {"busy": 1, "calm": 1}  # served once each after the 429/503


@pytest.mark.parametrize(("status", "kind"), [(429, "blocked"), (503, "http_status")])
async def test_retry_after_beyond_the_limit_fails_the_cycle_not_the_daemon(
    tmp_path, httpserver, site, status, kind
):
    busy = on_host(site.add("busy", **case_fields(1)), "127.0.0.1")
    calm = on_host(site.add("calm", **case_fields(2)), "localhost")
    rig = Rig(
        tmp_path,
        httpserver,
        page_source("busy", busy) + page_source("calm", calm),
        http={"retries": 2, "max_retry_after_seconds": 600},
    )
    httpserver.expect_oneshot_request("/case/busy").respond_with_data(
        "come back tomorrow", status=status, headers={"Retry-After": "86400"}
    )
    reports = await rig.cycle()
    assert rig.fake.sleeps == []  # never sleeps a day inside a cycle
    assert reports["calm"].ok and not reports["busy"].ok
    health = rig.health()
    assert health["busy"]["last_error_kind"] == kind
    assert "Retry-After" in health["busy"]["last_error_message"]
    assert health["calm"]["status"] == "ok"


async def test_server_error_burst_alerts_maintainers_once_then_recovers(tmp_path, httpserver, site):
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url))
    await rig.cycle()  # baseline
    for _ in range(5):  # five cycles of 502s; N = 3
        httpserver.expect_oneshot_request("/case/a").respond_with_data("bad gateway", status=502)
    for _ in range(5):
        await rig.cycle()
    health = rig.health()["cases"]
    assert (health["status"], health["last_error_kind"]) == ("FAILING", "http_status")
    assert health["consecutive_failures"] == 5

    await rig.cycle()  # the site is back
    assert rig.health()["cases"]["status"] == "ok"
    notes = [m["title"] for m in rig.posted("/ops")]
    assert len(notes) == 2, notes  # one "failing", one "recovered"; never one per failure
    assert [e.kind for e in rig.events("source_failing", "source_recovered")] == [
        "source_failing",
        "source_recovered",
    ]
    assert rig.posted("/hook") == []  # subscribers are not told about plumbing


@pytest.mark.parametrize(
    "target",
    ["http://localhost:{port}/case/b", "file:///etc/passwd", "ftp://127.0.0.1:{port}/x"],
    ids=["other-host", "file", "ftp"],
)
async def test_redirect_off_the_source_is_refused_and_shows_as_blocked(
    tmp_path, httpserver, site, target
):
    site.add("b", **case_fields(2))
    httpserver.expect_request("/case/moved").respond_with_data(
        "", status=302, headers={"Location": target.format(port=httpserver.port)}
    )
    moved = on_host(httpserver.url_for("/case/moved"), "127.0.0.1")
    rig = Rig(tmp_path, httpserver, page_source("cases", moved))
    reports = await rig.cycle()
    assert reports["cases"].failure is not None
    assert rig.health()["cases"]["last_error_kind"] == "blocked"
    assert site.hits.get("b") is None  # the other host was never contacted


async def test_challenge_page_with_200_is_blocked_not_news(tmp_path, httpserver, site):
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url))
    await rig.cycle()
    challenge = (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        "<div id='cf-browser-verification'>Checking your browser before accessing.</div>"
        "<script>window._cf_chl_opt={cType:'managed'};</script></body></html>"
    )
    httpserver.expect_oneshot_request("/case/a").respond_with_data(
        challenge, content_type="text/html"
    )
    reports = await rig.cycle()
    assert reports["cases"].failure is not None and reports["cases"].failure.kind == "blocked"
    assert rig.health()["cases"]["last_error_kind"] == "blocked"
    assert rig.events("stage_changed", "document_changed", "document_removed") == []
    assert len(rig.versions()[url]) == 1  # the challenge was not stored as a new version


async def test_fifty_megabyte_page_is_too_large_with_bounded_memory(tmp_path, httpserver, site):
    chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"

    def huge(_request):
        return Response(
            (chunk for _ in range(50 * MB // len(chunk))), content_type="text/html; charset=utf-8"
        )

    httpserver.expect_request("/case/huge").respond_with_handler(huge)
    small = site.add("small", **case_fields(1))
    rig = Rig(
        tmp_path,
        httpserver,
        page_source("huge", httpserver.url_for("/case/huge")) + page_source("small", small),
    )
    tracemalloc.start()
    try:
        reports = await rig.cycle()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reports["huge"].failure is not None and reports["huge"].failure.kind == "too_large"
    assert reports["small"].ok
    assert peak < 25 * MB, f"peak {peak / MB:.1f} MB while refusing a 50 MB page (cap 5 MB)"
    assert rig.health()["huge"]["last_error_kind"] == "too_large"


async def test_truncated_body_is_a_network_failure_and_the_next_cycle_reads_it(
    tmp_path, httpserver
):
    body = b"<html><head><title>Custody death</title></head><body><h1>Custody death - Kent</h1>"
    body += b"<main><p>An independent investigation has begun.</p></main></body></html>"
    replies = [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n" + body[:60],
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)
        + body,
    ]

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        if request.startswith(b"GET /robots.txt"):
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        else:
            writer.write(replies.pop(0) if len(replies) > 1 else replies[0])
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        rig = Rig(tmp_path, httpserver, page_source("cut", f"http://127.0.0.1:{port}/case"))
        first = await rig.cycle()
        assert first["cut"].failure is not None and first["cut"].failure.kind == "network"
        assert rig.versions() == {}  # half a page is never recorded
        second = await rig.cycle()
        assert second["cut"].ok and second["cut"].new == 1
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Officer’s “misconduct” – Seán".encode("cp1252"), "text/html; charset=utf-8", "Seán"),
        ("Officer’s café – Seán".encode("cp1252"), "text/html", "Seán"),
        ("Officer’s café – Seán".encode(), "text/html; charset=x-no-such-charset", "Seán"),
        ("Officer’s café – Seán".encode("utf-16"), "text/html; charset=utf-16", "Seán"),
        (b"Officer \xff\xfe\xc3\x28 caf\xe9 \x80 Se\xe1n", "text/html; charset=utf-8", "Officer"),
    ],
    ids=["cp1252-as-utf8", "no-charset", "unknown-charset", "utf16", "broken-bytes"],
)
async def test_wrong_or_missing_charset_is_decoded_without_a_crash(
    tmp_path, httpserver, body, content_type, expected
):
    head = b"<html><head><title>t</title></head><body><h1>Case update</h1><main><p>"
    page = head + body + b"</p></main></body></html>"
    if content_type.endswith("utf-16"):
        page = ("<html><body><h1>Case update</h1><main><p>" + body.decode("utf-16")).encode(
            "utf-16"
        )
    httpserver.expect_request("/case/enc").respond_with_data(page, content_type=content_type)
    rig = Rig(tmp_path, httpserver, page_source("enc", httpserver.url_for("/case/enc")))
    reports = await rig.cycle()
    assert reports["enc"].ok, reports["enc"].failure
    (texts,) = rig.versions().values()
    assert expected in texts[0]
