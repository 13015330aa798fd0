"""The fetcher under hostile or broken servers: bombs, huge bodies, drips, cut-offs, dead hosts."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.errors import Blocked, NetworkError, TooLarge
from monitor.http import Fetcher, HostSettings, HttpSettings
from monitor.http.decode import PIECE, StreamDecoder
from monitor.models import Page
from tests.fakes import FakeTime

HTML = b"<!doctype html><html><head><title>ok</title></head><body>fine</body></html>"
LOCAL = {"localhost"}
MB = 1024 * 1024


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    """A threaded server: slow or blocked handlers do not hold up the other requests."""
    instance = HTTPServer(threaded=True)
    instance.start()
    yield instance
    instance.clear()
    instance.stop()


@pytest.fixture
def srv(server: HTTPServer) -> HTTPServer:
    server.clear()
    return server


def fetcher(fake: FakeTime, **kw: object) -> Fetcher:
    kw.setdefault("respect_robots", False)
    kw.setdefault("min_delay_seconds", 0.0)
    return Fetcher(HttpSettings(**kw), sleep=fake.sleep, clock=fake.clock, rng=lambda: 0.5)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- size caps ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """50 MB of markup that compresses to about 50 KB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b"<html>" + b" " * (MB - 6))]
    parts += [packer.compress(b" " * MB) for _ in range(49)]
    return b"".join([*parts, packer.flush()])


async def test_gzip_bomb_is_too_large_with_bounded_memory(
    srv: HTTPServer, fake: FakeTime, gzip_bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    inflated: list[int] = []
    feed = StreamDecoder.feed

    def counting_feed(self: StreamDecoder, data: bytes) -> Iterator[bytes]:
        for piece in feed(self, data):
            inflated.append(len(piece))
            yield piece

    monkeypatch.setattr(StreamDecoder, "feed", counting_feed)
    srv.expect_request("/bomb").respond_with_data(
        gzip_bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    async with fetcher(fake, max_bytes=1_000_000) as f:
        tracemalloc.start()
        try:
            with pytest.raises(TooLarge, match="1,000,000-byte cap"):
                await f.get(srv.url_for("/bomb"), allowed_hosts=LOCAL)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # Decompression stopped one piece past the cap, and no piece was ever large…
    assert sum(inflated) <= 1_000_000 + PIECE and max(inflated) <= PIECE
    # …so the process never held anything near the 50 MB (tracemalloc sees every thread,
    # hence the loose bound).
    assert peak < 20 * MB, f"peak {peak / MB:.1f} MB while reading a 50 MB bomb"


async def test_huge_streamed_body_is_abandoned_early(srv: HTTPServer, fake: FakeTime) -> None:
    sent: list[int] = []

    def endless(_: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(50):
                sent.append(1)
                yield b"<p>" + b"x" * (MB - 3)

        return Response(chunks(), content_type="text/html")  # no Content-Length

    srv.expect_request("/huge").respond_with_handler(endless)
    started = time.monotonic()
    async with fetcher(fake, max_bytes=2 * MB) as f:
        with pytest.raises(TooLarge):
            await f.get(srv.url_for("/huge"), allowed_hosts=LOCAL)
    assert time.monotonic() - started < 5
    await asyncio.sleep(0.2)  # let the server notice the closed socket
    assert len(sent) < 50, "the whole 50 MB was sent"


async def test_declared_length_over_the_cap_is_refused_up_front(
    srv: HTTPServer, fake: FakeTime
) -> None:
    srv.expect_request("/big").respond_with_data(b"<p>" + b"x" * (3 * MB), content_type="text/html")
    async with fetcher(fake, max_bytes=MB) as f:
        with pytest.raises(TooLarge, match="declares 3,145,731 bytes"):
            await f.get(srv.url_for("/big"), allowed_hosts=LOCAL)
        assert f.stats["bytes"] == 0


# -- broken and slow transfers ------------------------------------------------------------------


async def test_slow_drip_body_times_out_within_the_deadline(
    srv: HTTPServer, fake: FakeTime
) -> None:
    def drip(_: Request) -> Response:
        def trickle() -> Iterator[bytes]:
            yield b"<html>"
            for _ in range(100):
                time.sleep(0.05)
                yield b"."

        return Response(trickle(), content_type="text/html")

    srv.expect_request("/drip").respond_with_handler(drip)
    started = time.monotonic()
    async with fetcher(fake, timeout_seconds=0.5) as f:
        with pytest.raises(NetworkError, match="timed out after 0.5 s"):
            await f.get(srv.url_for("/drip"), allowed_hosts=LOCAL)
    assert time.monotonic() - started < 2


async def raw_server(reply: bytes) -> tuple[asyncio.Server, int]:
    """A server that reads one request, writes `reply` verbatim and hangs up."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply)
        await writer.drain()
        writer.close()

    raw = await asyncio.start_server(answer, "127.0.0.1", 0)
    return raw, raw.sockets[0].getsockname()[1]


@pytest.fixture
async def serve_raw() -> AsyncIterator[object]:
    servers: list[asyncio.Server] = []

    async def start(reply: bytes) -> str:
        raw, port = await raw_server(reply)
        servers.append(raw)
        return f"http://127.0.0.1:{port}/page"

    yield start
    for raw in servers:
        raw.close()
        await raw.wait_closed()


async def test_truncated_body_is_a_network_error(serve_raw, fake: FakeTime) -> None:
    url = await serve_raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html>cut"
    )
    async with fetcher(fake) as f:
        with pytest.raises(NetworkError, match="broke off"):
            await f.get(url, allowed_hosts={"127.0.0.1"})


async def test_truncated_gzip_stream_is_a_network_error(serve_raw, fake: FakeTime) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    cut = (packer.compress(HTML * 50) + packer.flush())[:60]
    url = await serve_raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        b"Connection: close\r\n\r\n" + cut
    )
    async with fetcher(fake) as f:
        with pytest.raises(NetworkError, match="ended early"):
            await f.get(url, allowed_hosts={"127.0.0.1"})


async def test_connection_refused_is_retried_then_a_network_error(fake: FakeTime) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    async with fetcher(fake, retries=2, backoff_seconds=1.0) as f:
        with pytest.raises(NetworkError, match="could not connect .* after 3 attempt"):
            await f.get(url, allowed_hosts={"127.0.0.1"})
    assert fake.sleeps == [1.0, 2.0]


async def test_dns_failure_is_a_network_error(fake: FakeTime) -> None:
    async with fetcher(fake, retries=1, connect_timeout_seconds=3) as f:
        with pytest.raises(NetworkError, match="did not resolve|could not connect|timed out"):
            await f.get("http://nonexistent.invalid/x", allowed_hosts={"nonexistent.invalid"})


async def test_unreachable_robots_txt_means_the_page_is_not_fetched(fake: FakeTime) -> None:
    url = f"http://127.0.0.1:{closed_port()}/case"
    async with fetcher(fake, retries=0, respect_robots=True) as f:
        with pytest.raises(NetworkError, match="robots.txt .* could not be fetched"):
            await f.get(url, allowed_hosts={"127.0.0.1"})
        # Cached for a while: the dead host is not asked again for every URL.
        with pytest.raises(NetworkError, match="robots.txt"):
            await f.get(url + "/2", allowed_hosts={"127.0.0.1"})
        assert f.stats["requests"] == 1


# -- per-host concurrency -----------------------------------------------------------------------


class InFlight:
    """Counts concurrent requests at the server, per Host header."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.peak_total = 0

    def handler(self, request: Request) -> Response:
        host = request.host.split(":")[0]
        with self._lock:
            self.now[host] = self.now.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.now[host])
            self.peak_total = max(self.peak_total, sum(self.now.values()))
        time.sleep(0.05)
        with self._lock:
            self.now[host] -= 1
        return Response(HTML, content_type="text/html")


async def test_per_host_concurrency_is_never_exceeded(srv: HTTPServer, fake: FakeTime) -> None:
    counter = InFlight()
    srv.expect_request("/slow").respond_with_handler(counter.handler)
    local = srv.url_for("/slow")
    other = local.replace("localhost", "127.0.0.1")
    hosts = {"127.0.0.1": HostSettings(concurrency=1)}
    async with fetcher(fake, concurrency_per_host=3, hosts=hosts) as f:
        pages = await asyncio.gather(
            *(f.get(local, allowed_hosts=LOCAL) for _ in range(9)),
            *(f.get(other, allowed_hosts={"127.0.0.1"}) for _ in range(4)),
        )
    assert all(isinstance(p, Page) for p in pages)
    assert counter.peak == {"localhost": 3, "127.0.0.1": 1}
    assert counter.peak_total > 3  # the limit is per host, not global


async def test_robots_txt_is_fetched_once_for_many_concurrent_pages(
    srv: HTTPServer, fake: FakeTime
) -> None:
    srv.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    srv.expect_request("/p").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake, respect_robots=True) as f:
        await asyncio.gather(*(f.get(srv.url_for("/p"), allowed_hosts=LOCAL) for _ in range(6)))
    assert sum(1 for r, _ in srv.log if r.path == "/robots.txt") == 1


async def test_challenge_with_403_is_blocked_even_when_huge_pages_are_capped(
    srv: HTTPServer, fake: FakeTime
) -> None:
    body = b"<html><head><title>Just a moment...</title></head>" + b" " * (3 * MB) + b"</html>"
    srv.expect_request("/cf").respond_with_data(body, status=403, content_type="text/html")
    async with fetcher(fake, max_bytes=MB) as f:
        with pytest.raises(Blocked, match="challenge page"):
            await f.get(srv.url_for("/cf"), allowed_hosts=LOCAL)


async def test_client_survives_a_mock_transport_error(fake: FakeTime) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("stalled", request=request)

    async with Fetcher(
        HttpSettings(respect_robots=False, retries=1, min_delay_seconds=0),
        transport=httpx.MockTransport(handler),
        sleep=fake.sleep,
        clock=fake.clock,
        rng=lambda: 0.5,
    ) as f:
        with pytest.raises(NetworkError, match="timed out fetching"):
            await f.get("http://example.org/", allowed_hosts={"example.org"})
    assert f.stats["retries"] == 1
