"""The fetcher's behaviour against a real local HTTP server, with time faked (no real sleeping)."""

from __future__ import annotations

import asyncio
import encodings.aliases
import gzip
import heapq
import itertools
import time
from email.utils import formatdate

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from monitor import __version__
from monitor.errors import BadContent, Blocked, HttpStatusError, NetworkError
from monitor.http import Fetcher, HostSettings, HttpSettings
from monitor.http.decode import challenge_vendor, decode_text
from monitor.http.fetcher import HostSet
from monitor.http.politeness import HostLimiter
from monitor.models import NotModified, Page, Validators

HTML = "<!doctype html><html><head><title>Case update</title></head><body>Hello</body></html>"
LOCAL = {"localhost"}


class FakeTime:
    """A virtual clock: sleeping jumps it forward, earliest wake-up first; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._waiting: list[tuple[float, int]] = []
        self._tickets = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        me = (self.now + max(seconds, 0.0), next(self._tickets))
        heapq.heappush(self._waiting, me)
        await asyncio.sleep(0)
        while self._waiting[0] != me:  # sleepers due earlier wake (and act) first
            await asyncio.sleep(0)
        heapq.heappop(self._waiting)
        self.now = max(self.now, me[0])


class StampingTransport(httpx.AsyncBaseTransport):
    """Records the fake time at which each request leaves the client."""

    def __init__(self, fake: FakeTime) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._fake = fake
        self.starts: list[tuple[str, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.starts.append((request.url.path, self._fake.now))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def fetcher(fake: FakeTime, transport: httpx.AsyncBaseTransport | None = None, **kw) -> Fetcher:
    """A fetcher on fake time, no jitter; robots and the per-host delay off unless asked."""
    kw.setdefault("respect_robots", False)
    kw.setdefault("min_delay_seconds", 0.0)
    return Fetcher(
        HttpSettings(**kw),
        transport=transport,
        sleep=fake.sleep,
        clock=fake.clock,
        rng=lambda: 0.5,
    )


def requests_to(server: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


# -- basics -------------------------------------------------------------------------------------


async def test_page_is_fetched_and_decoded(httpserver: HTTPServer, fake: FakeTime) -> None:
    httpserver.expect_request("/a").respond_with_data(
        HTML, content_type="text/html; charset=utf-8", headers={"ETag": '"v1"'}
    )
    async with fetcher(fake) as f:
        page = await f.get(httpserver.url_for("/a"), allowed_hosts=LOCAL)
    assert isinstance(page, Page)
    assert (page.status, page.content_type, page.text, page.etag) == (
        200,
        "text/html",
        HTML,
        '"v1"',
    )
    assert f.stats["requests"] == 1 and f.stats["bytes"] == len(HTML)


async def test_user_agent_carries_the_contact(httpserver: HTTPServer, fake: FakeTime) -> None:
    expected = f"oversight-monitor/{__version__} (+ops@example.org)"
    httpserver.expect_request("/ua", headers={"User-Agent": expected}).respond_with_data(
        HTML, content_type="text/html"
    )
    async with fetcher(fake, contact="ops@example.org") as f:
        page = await f.get(httpserver.url_for("/ua"), allowed_hosts=LOCAL)
    assert isinstance(page, Page)


async def test_gzip_body_is_decoded(httpserver: HTTPServer, fake: FakeTime) -> None:
    httpserver.expect_request(
        "/gz", headers={"Accept-Encoding": "gzip, deflate"}
    ).respond_with_data(
        gzip.compress(HTML.encode()), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    async with fetcher(fake) as f:
        page = await f.get(httpserver.url_for("/gz"), allowed_hosts=LOCAL)
    assert isinstance(page, Page) and page.text == HTML


async def test_second_check_with_validators_is_not_modified(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    stamp = "Wed, 15 Nov 2023 10:00:00 GMT"
    httpserver.expect_request(
        "/doc", headers={"If-None-Match": '"v1"', "If-Modified-Since": stamp}
    ).respond_with_data("", status=304)
    httpserver.expect_request("/doc").respond_with_data(
        HTML, content_type="text/html", headers={"ETag": '"v1"', "Last-Modified": stamp}
    )
    async with fetcher(fake) as f:
        first = await f.get(httpserver.url_for("/doc"), allowed_hosts=LOCAL)
        assert isinstance(first, Page)
        second = await f.get(
            httpserver.url_for("/doc"), allowed_hosts=LOCAL, validators=first.validators
        )
    assert second == NotModified(httpserver.url_for("/doc"))
    assert f.stats["not_modified"] == 1


# -- the host guard and redirects ---------------------------------------------------------------


async def test_host_not_allowed_is_blocked_without_a_request(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    async with fetcher(fake) as f:
        with pytest.raises(Blocked, match="not on this source's hosts"):
            await f.get(httpserver.url_for("/a"), allowed_hosts={"example.org"})
    assert not httpserver.log


@pytest.mark.parametrize("url", ["ftp://localhost/x", "file:///etc/passwd", "localhost/x"])
async def test_only_http_and_https_are_fetched(fake: FakeTime, url: str) -> None:
    async with fetcher(fake) as f:
        with pytest.raises(Blocked, match="not http"):
            await f.get(url, allowed_hosts=LOCAL)


async def test_allowed_hosts_are_case_insensitive_and_may_pin_a_port(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/a").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake) as f:
        assert isinstance(await f.get(httpserver.url_for("/a"), allowed_hosts={"LocalHost"}), Page)
        pinned = {f"localhost:{httpserver.port}"}
        assert isinstance(await f.get(httpserver.url_for("/a"), allowed_hosts=pinned), Page)
        with pytest.raises(Blocked):
            await f.get(httpserver.url_for("/a"), allowed_hosts={"localhost:1"})


async def test_redirect_within_the_hosts_is_followed(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake) as f:
        page = await f.get(httpserver.url_for("/old"), allowed_hosts=LOCAL)
    assert isinstance(page, Page) and page.url == httpserver.url_for("/new")


async def test_redirect_to_another_host_is_refused_without_contacting_it(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    target = f"http://127.0.0.1:{httpserver.port}/secret"
    httpserver.expect_request("/out").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    async with fetcher(fake) as f:
        with pytest.raises(Blocked) as caught:
            await f.get(httpserver.url_for("/out"), allowed_hosts=LOCAL)
    assert target in str(caught.value)
    assert requests_to(httpserver, "/secret") == 0


async def test_redirect_to_a_file_url_is_refused(httpserver: HTTPServer, fake: FakeTime) -> None:
    httpserver.expect_request("/f").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    async with fetcher(fake) as f:
        with pytest.raises(Blocked, match="file:/+etc/passwd"):
            await f.get(httpserver.url_for("/f"), allowed_hosts=LOCAL)


async def test_redirect_loop_is_an_http_status_error(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    async with fetcher(fake) as f:
        with pytest.raises(HttpStatusError, match="redirect loop"):
            await f.get(httpserver.url_for("/a"), allowed_hosts=LOCAL)
    assert requests_to(httpserver, "/a") == 1


async def test_endless_redirect_chain_stops(httpserver: HTTPServer, fake: FakeTime) -> None:
    def hop(request):
        n = int(request.args.get("n", 0))
        return Response("", status=302, headers={"Location": f"/chain?n={n + 1}"})

    httpserver.expect_request("/chain").respond_with_handler(hop)
    async with fetcher(fake) as f:
        with pytest.raises(HttpStatusError, match="more than 10 redirects"):
            await f.get(httpserver.url_for("/chain"), allowed_hosts=LOCAL)
    assert requests_to(httpserver, "/chain") == 11


async def test_messages_never_show_url_passwords(httpserver: HTTPServer, fake: FakeTime) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    url = httpserver.url_for("/gone").replace("http://", "http://user:s3cret@")
    async with fetcher(fake) as f:
        with pytest.raises(HttpStatusError) as caught:
            await f.get(url, allowed_hosts=LOCAL)
    assert caught.value.status == 404
    assert "s3cret" not in str(caught.value) and "s3cret" not in (caught.value.url or "")
    assert "next cycle" in str(caught.value)


# -- robots.txt ---------------------------------------------------------------------------------


async def test_robots_disallow_blocks_without_requesting_the_page(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nAllow: /\n\nUser-agent: oversight-monitor\nDisallow: /private/\n",
        content_type="text/plain",
    )
    httpserver.expect_request("/public").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake, respect_robots=True) as f:
        assert isinstance(await f.get(httpserver.url_for("/public"), allowed_hosts=LOCAL), Page)
        with pytest.raises(Blocked, match="robots.txt disallows"):
            await f.get(httpserver.url_for("/private/case"), allowed_hosts=LOCAL)
    assert requests_to(httpserver, "/private/case") == 0
    assert requests_to(httpserver, "/robots.txt") == 1  # cached


async def test_robots_server_error_counts_as_disallowed(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=500)
    async with fetcher(fake, respect_robots=True, retries=1) as f:
        with pytest.raises(Blocked, match="robots.txt .* was unavailable"):
            await f.get(httpserver.url_for("/page"), allowed_hosts=LOCAL)
    assert requests_to(httpserver, "/page") == 0
    assert requests_to(httpserver, "/robots.txt") == 2  # retried like any 5xx


async def test_robots_not_found_allows_everything(httpserver: HTTPServer, fake: FakeTime) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("missing", status=404)
    httpserver.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake, respect_robots=True) as f:
        assert isinstance(await f.get(httpserver.url_for("/page"), allowed_hosts=LOCAL), Page)


# -- status codes and retries -------------------------------------------------------------------


async def test_server_errors_are_retried_with_exponential_backoff_then_succeed(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_oneshot_request("/burst").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request("/burst").respond_with_data("busy", status=502)
    httpserver.expect_request("/burst").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake, backoff_seconds=2.0) as f:
        page = await f.get(httpserver.url_for("/burst"), allowed_hosts=LOCAL)
    assert isinstance(page, Page)
    assert fake.sleeps == [2.0, 4.0]  # 2 s × 2^attempt, rng 0.5 = no jitter
    assert f.stats["retries"] == 2


async def test_persistent_server_error_is_typed_after_the_retries(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=500)
    async with fetcher(fake, retries=2) as f:
        with pytest.raises(HttpStatusError) as caught:
            await f.get(httpserver.url_for("/down"), allowed_hosts=LOCAL)
    assert caught.value.status == 500 and requests_to(httpserver, "/down") == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [(404, HttpStatusError), (410, HttpStatusError), (401, Blocked), (403, Blocked)],
)
async def test_client_errors_are_not_retried(
    httpserver: HTTPServer, fake: FakeTime, status: int, error: type[Exception]
) -> None:
    httpserver.expect_request("/x").respond_with_data("no", status=status)
    async with fetcher(fake) as f:
        with pytest.raises(error, match=str(status)):
            await f.get(httpserver.url_for("/x"), allowed_hosts=LOCAL)
    assert requests_to(httpserver, "/x") == 1 and fake.sleeps == []


async def test_retry_after_is_honoured_before_retrying(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_oneshot_request("/a").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/a").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake) as f:
        assert isinstance(await f.get(httpserver.url_for("/a"), allowed_hosts=LOCAL), Page)
    assert fake.sleeps == [7.0]  # the server's wait, not the 2 s backoff
    assert requests_to(httpserver, "/a") == 2


async def test_retry_after_holds_back_the_whole_host_only(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/b").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "30"}
    )
    httpserver.expect_request("/c").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake, retries=0) as f:
        with pytest.raises(Blocked, match="429"):
            await f.get(httpserver.url_for("/b"), allowed_hosts=LOCAL)
        other = httpserver.url_for("/c").replace("localhost", "127.0.0.1")
        assert isinstance(await f.get(other, allowed_hosts={"127.0.0.1"}), Page)
        assert fake.sleeps == []  # another host is not held back…
        assert isinstance(await f.get(httpserver.url_for("/c"), allowed_hosts=LOCAL), Page)
    assert fake.sleeps == [30.0]  # …but a different URL on the paused host waits it out


async def test_retry_after_as_http_date(httpserver: HTTPServer, fake: FakeTime) -> None:
    when = formatdate(time.time() + 60, usegmt=True)
    httpserver.expect_oneshot_request("/d").respond_with_data(
        "busy", status=503, headers={"Retry-After": when}
    )
    httpserver.expect_request("/d").respond_with_data(HTML, content_type="text/html")
    async with fetcher(fake) as f:
        assert isinstance(await f.get(httpserver.url_for("/d"), allowed_hosts=LOCAL), Page)
    assert len(fake.sleeps) == 1 and 55 <= fake.sleeps[0] <= 61


async def test_long_retry_after_gives_up_this_cycle_instead_of_sleeping(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/a").respond_with_data(
        "later", status=429, headers={"Retry-After": "3600"}
    )
    async with fetcher(fake, max_retry_after_seconds=900) as f:
        with pytest.raises(Blocked, match="wait 3600 s"):
            await f.get(httpserver.url_for("/a"), allowed_hosts=LOCAL)
        with pytest.raises(Blocked, match="stay away"):
            await f.get(httpserver.url_for("/b"), allowed_hosts=LOCAL)
    assert fake.sleeps == []
    assert requests_to(httpserver, "/a") == 1 and requests_to(httpserver, "/b") == 0


# -- politeness ---------------------------------------------------------------------------------


async def test_min_delay_between_requests_to_one_host(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/p").respond_with_data(HTML, content_type="text/html")
    stamps = StampingTransport(fake)
    async with fetcher(fake, stamps, min_delay_seconds=1.0, concurrency_per_host=4) as f:
        await asyncio.gather(
            *(f.get(httpserver.url_for("/p"), allowed_hosts=LOCAL) for _ in range(4))
        )
    starts = sorted(t for _, t in stamps.starts)
    assert [round(b - a, 6) for a, b in zip(starts, starts[1:], strict=False)] == [1.0, 1.0, 1.0]


async def test_min_delay_is_per_host_and_overridable(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/p").respond_with_data(HTML, content_type="text/html")
    other = httpserver.url_for("/p").replace("localhost", "127.0.0.1")
    hosts = {"127.0.0.1": HostSettings(min_delay_seconds=5.0)}
    async with fetcher(fake, min_delay_seconds=1.0, hosts=hosts) as f:
        for url, allowed in [(httpserver.url_for("/p"), LOCAL), (other, {"127.0.0.1"})] * 2:
            await f.get(url, allowed_hosts=allowed)
    assert sorted(fake.sleeps) == [1.0, 4.0]  # localhost 1 s after its first; 127.0.0.1 5 s


def test_delay_jitter_stays_within_a_quarter() -> None:
    for rng, expected in [(0.0, 0.75), (1.0, 1.25)]:
        fake = FakeTime()
        limiter = HostLimiter(
            HttpSettings(min_delay_seconds=1.0),
            sleep=fake.sleep,
            clock=fake.clock,
            rng=lambda r=rng: r,
        )

        async def twice(limiter: HostLimiter = limiter) -> None:
            for _ in range(2):
                async with limiter.slot("example.org"):
                    pass

        asyncio.run(twice())
        assert fake.sleeps == [pytest.approx(expected)]


# -- content types, challenge pages, charsets ---------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/octet-stream"]
)
async def test_unwanted_content_type_is_bad_content(
    httpserver: HTTPServer, fake: FakeTime, content_type: str
) -> None:
    httpserver.expect_request("/bin").respond_with_data(b"%PDF-1.4 ...", content_type=content_type)
    async with fetcher(fake) as f:
        with pytest.raises(BadContent, match=content_type):
            await f.get(httpserver.url_for("/bin"), allowed_hosts=LOCAL)


@pytest.mark.parametrize(
    "content_type",
    ["application/rss+xml", "application/atom+xml", "text/xml", "application/json", "text/plain"],
)
async def test_feed_and_text_types_are_accepted(
    httpserver: HTTPServer, fake: FakeTime, content_type: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data("<rss></rss>", content_type=content_type)
    async with fetcher(fake) as f:
        page = await f.get(httpserver.url_for("/feed"), allowed_hosts=LOCAL)
    assert isinstance(page, Page) and page.content_type == content_type


def _untyped(body: bytes) -> Response:
    response = Response(body)
    del response.headers["Content-Type"]
    return response


async def test_missing_content_type_is_sniffed(httpserver: HTTPServer, fake: FakeTime) -> None:
    httpserver.expect_request("/html").respond_with_response(_untyped(HTML.encode()))
    httpserver.expect_request("/xml").respond_with_response(
        _untyped(b"<?xml version='1.0'?><rss/>")
    )
    httpserver.expect_request("/zip").respond_with_response(_untyped(b"just some words"))
    async with fetcher(fake) as f:
        html = await f.get(httpserver.url_for("/html"), allowed_hosts=LOCAL)
        xml = await f.get(httpserver.url_for("/xml"), allowed_hosts=LOCAL)
        with pytest.raises(BadContent, match="no Content-Type"):
            await f.get(httpserver.url_for("/zip"), allowed_hosts=LOCAL)
    assert isinstance(html, Page) and html.content_type == "text/html"
    assert isinstance(xml, Page) and xml.content_type == "application/xml"


async def test_empty_and_binary_bodies_are_bad_content(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/empty").respond_with_data(b"", content_type="text/html")
    httpserver.expect_request("/nul").respond_with_data(b"\0" * 4000, content_type="text/html")
    async with fetcher(fake) as f:
        with pytest.raises(BadContent, match="empty body"):
            await f.get(httpserver.url_for("/empty"), allowed_hosts=LOCAL)
        with pytest.raises(BadContent, match="binary"):
            await f.get(httpserver.url_for("/nul"), allowed_hosts=LOCAL)


CLOUDFLARE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<div id='cf-browser-verification'>Checking your browser before accessing</div></body></html>"
)
AKAMAI = (
    "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have "
    "permission to access this server.<P>Reference #18.6f2e1602.1700000000.1a2b3c</BODY></HTML>"
)
INCAPSULA = "<html><body>Request unsuccessful. Incapsula incident ID: 123-456</body></html>"
CAPTCHA = "<html><head><title>Human verification</title></head><body>prove it</body></html>"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, CLOUDFLARE),
        (403, CLOUDFLARE),
        (503, CLOUDFLARE),
        (403, AKAMAI),
        (200, INCAPSULA),
        (200, CAPTCHA),
    ],
)
async def test_challenge_page_is_blocked_and_not_retried(
    httpserver: HTTPServer, fake: FakeTime, status: int, body: str
) -> None:
    httpserver.expect_request("/c").respond_with_data(body, status=status, content_type="text/html")
    async with fetcher(fake) as f:
        with pytest.raises(Blocked, match="challenge page"):
            await f.get(httpserver.url_for("/c"), allowed_hosts=LOCAL)
    assert requests_to(httpserver, "/c") == 1


def test_article_about_cloudflare_is_not_a_challenge() -> None:
    article = (
        "<html><head><title>Outage report</title></head><body>"
        + "<p>Policing news and analysis.</p>" * 600
        + "<p>Users saw 'Just a moment...' and 'Checking your browser before accessing' "
        "while Cloudflare was down; the captcha (g-recaptcha) failed too.</p></body></html>"
    )
    assert challenge_vendor(article) is None
    assert challenge_vendor(CLOUDFLARE) == "Cloudflare"
    assert challenge_vendor(AKAMAI) == "Akamai"


async def test_cp1252_page_without_charset(httpserver: HTTPServer, fake: FakeTime) -> None:
    body = "<p>Officer’s “gross misconduct” – café</p>".encode("cp1252")
    httpserver.expect_request("/w").respond_with_data(body, content_type="text/html")
    async with fetcher(fake) as f:
        page = await f.get(httpserver.url_for("/w"), allowed_hosts=LOCAL)
    assert isinstance(page, Page) and page.text == "<p>Officer’s “gross misconduct” – café</p>"


async def test_wrong_header_charset_is_overruled_by_the_bytes(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    text = "<p>Officer’s café</p>"
    httpserver.expect_request("/u").respond_with_data(
        text.encode("utf-8"), content_type="text/html; charset=iso-8859-1"
    )
    httpserver.expect_request("/c").respond_with_data(
        text.encode("cp1252"), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/bogus").respond_with_data(
        text.encode("utf-8"), content_type="text/html; charset=x-no-such-charset"
    )
    async with fetcher(fake) as f:
        for path in ("/u", "/c", "/bogus"):
            page = await f.get(httpserver.url_for(path), allowed_hosts=LOCAL)
            assert isinstance(page, Page) and page.text == text, path


@pytest.mark.parametrize(
    ("body", "header", "expected"),
    [
        (b'<meta charset="koi8-r"><p>' + "дело".encode("koi8-r"), None, "дело"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7">'
            + "υπόθεση".encode("iso-8859-7"),
            None,
            "υπόθεση",
        ),
        (
            b'<?xml version="1.0" encoding="shift_jis"?><a>' + "事件".encode("shift_jis"),
            None,
            "事件",
        ),
        ("\ufeff<p>bom</p>".encode("utf-16"), "iso-8859-1", "<p>bom</p>"),
        ("<p>wide</p>".encode("utf-16-le"), "utf-16le", "<p>wide</p>"),
        (b"<p>\x81\x8d bad bytes</p>", "utf-8", "bad bytes"),
    ],
)
def test_charset_detection(body: bytes, header: str | None, expected: str) -> None:
    assert expected in decode_text(body, header)


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=300),
    label=st.one_of(
        st.none(), st.text(max_size=20), st.sampled_from(sorted(set(encodings.aliases.aliases)))
    ),
)
def test_decoding_never_raises(body: bytes, label: str | None) -> None:
    assert isinstance(decode_text(body, label), str)


async def test_respx_style_mock_transports_work(fake: FakeTime) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["If-None-Match"] == '"1"'
        return httpx.Response(200, html=HTML)

    async with fetcher(fake, httpx.MockTransport(handler)) as f:
        page = await f.get(
            "https://example.org/x", allowed_hosts={"example.org"}, validators=Validators('"1"')
        )
    assert isinstance(page, Page) and page.text == HTML


async def test_network_error_is_typed(fake: FakeTime) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with fetcher(fake, httpx.MockTransport(handler), retries=1) as f:
        with pytest.raises(NetworkError, match="could not connect .* after 2 attempt"):
            await f.get("https://example.org/x", allowed_hosts={"example.org"})
    assert fake.sleeps == [2.0]


async def test_too_many_requests_without_retry_after_backs_off_then_blocks(
    httpserver: HTTPServer, fake: FakeTime
) -> None:
    httpserver.expect_request("/busy").respond_with_data("slow down", status=429)
    async with fetcher(fake, retries=2, backoff_seconds=1.0) as f:
        with pytest.raises(Blocked, match="too many requests"):
            await f.get(httpserver.url_for("/busy"), allowed_hosts=LOCAL)
    assert fake.sleeps == [1.0, 2.0] and requests_to(httpserver, "/busy") == 3


async def test_unparseable_url_is_refused(fake: FakeTime) -> None:
    async with fetcher(fake) as f:
        with pytest.raises(Blocked, match="not"):
            await f.get("http://[not-an-ip/x", allowed_hosts=LOCAL)


def test_allowed_hosts_accept_ports_ipv6_and_idna() -> None:
    hosts = HostSet(["::1", "[::2]:8080", "Example.ORG.", "bücher.de"])
    assert hosts.allows(httpx.URL("http://[::1]:9/"))
    assert hosts.allows(httpx.URL("http://[::2]:8080/"))
    assert not hosts.allows(httpx.URL("http://[::2]/"))
    assert hosts.allows(httpx.URL("https://example.org/"))
    assert hosts.allows(httpx.URL("http://xn--bcher-kva.de/"))
    assert not hosts.allows(httpx.URL("http://example.org.evil.com/"))
