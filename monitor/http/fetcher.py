"""The only code that talks to the network: polite, bounded, typed GETs of allowed hosts."""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from monitor.errors import (
    BadContent,
    Blocked,
    FetchError,
    HttpStatusError,
    NetworkError,
    TooLarge,
)
from monitor.http.decode import (
    ACCEPT_ENCODING,
    CHALLENGE_SCAN_BYTES,
    StreamDecoder,
    TruncatedStream,
    UnsupportedEncoding,
    challenge_vendor,
    decode_text,
    looks_binary,
    sniff_type,
)
from monitor.http.politeness import Clock, HostLimiter, HostPaused, Random, Sleep
from monitor.http.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsPolicy
from monitor.http.settings import HttpSettings
from monitor.models import NotModified, Page, Validators

log = logging.getLogger(__name__)

MAX_REDIRECTS = 10
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})  # plus any other 5xx
BLOCKED_STATUSES = frozenset({401, 403, 429})
# Bodies of these statuses are read (a little) to tell a bot challenge from a plain refusal.
CHALLENGE_STATUSES = frozenset({401, 403, 429, 503})
ACCEPTED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/plain",
        "application/json",
    }
)
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,application/json;q=0.8,*/*;q=0.1"
)
NEXT = "will retry next cycle"


def public(url: httpx.URL | str) -> str:
    """The URL as it may appear in messages and logs: without user:password@."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
        return str(parsed.copy_with(username=None, password=None))
    except (httpx.InvalidURL, TypeError, ValueError):
        return "<unparseable URL>"


class HostSet:
    """The hosts one source may reach: `host` allows any port, `host:port` only that port."""

    def __init__(self, entries: Collection[str]) -> None:
        self._any_port: set[str] = set()
        self._with_port: set[tuple[str, int]] = set()
        for entry in entries:
            self._add(entry.strip().lower().rstrip("."))

    def _add(self, entry: str) -> None:
        host, sep, port = entry.rpartition(":")
        bare_ipv6 = entry.count(":") > 1 and not entry.startswith("[")
        if sep and port.isdigit() and not bare_ipv6:
            self._with_port.add((_ascii_host(host.strip("[]")), int(port)))
        else:
            self._any_port.add(_ascii_host(entry.strip("[]")))

    def allows(self, url: httpx.URL) -> bool:
        host = url.raw_host.decode("ascii").lower().rstrip(".")
        port = url.port or (443 if url.scheme == "https" else 80)
        return host in self._any_port or (host, port) in self._with_port


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


@dataclass(frozen=True)
class _Read:
    """How much of a body to read and what to do past the cap."""

    limit: int
    truncate: bool  # False: past the cap is TooLarge; True: keep the first `limit` bytes
    check_type: bool  # refuse unwanted content types before downloading


@dataclass(frozen=True)
class _Reply:
    url: httpx.URL
    status: int
    headers: httpx.Headers
    body: bytes


class Fetcher:
    """Polite HTTP GETs for sources, through one shared keep-alive client.

    Per host: a concurrency cap, a jittered minimum gap between request starts and Retry-After
    pauses; robots.txt honoured; redirects only within `allowed_hosts`; bodies streamed under a
    size cap and one deadline per attempt; every failure a typed FetchError.
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        rng: Random = random.random,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._hosts = HostLimiter(settings, sleep=sleep, clock=clock, rng=rng)
        self._robots = RobotsCache(clock)
        self.stats: dict[str, int] = {"requests": 0, "not_modified": 0, "bytes": 0, "retries": 0}
        self._client = httpx.AsyncClient(
            transport=transport,
            http1=True,
            http2=False,
            follow_redirects=False,  # followed by hand, so every hop passes the host check
            trust_env=False,  # no proxy from the environment may see or reroute our requests
            timeout=httpx.Timeout(
                settings.timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_connections,
            ),
            headers={
                "User-Agent": settings.user_agent_header,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the shared client and its pooled connections."""
        await self._client.aclose()

    # -- public entry point ------------------------------------------------------------------

    async def get(
        self,
        url: str,
        *,
        allowed_hosts: Collection[str],
        validators: Validators | None = None,
    ) -> Page | NotModified:
        """GET `url`, following redirects within `allowed_hosts`.

        Returns a decoded Page, or NotModified when the validators still match (304).
        Raises a FetchError subclass (NetworkError, HttpStatusError, Blocked, TooLarge,
        BadContent) whose message says what happened, to which URL, and what happens next.
        """
        hosts = HostSet(allowed_hosts)
        current = _checked_url(url, hosts, context="URL")
        headers = _conditional_headers(validators)
        seen: set[httpx.URL] = set()
        for _ in range(MAX_REDIRECTS + 1):
            await self._check_robots(current, hosts)
            reply = await self._exchange(current, headers, self._page_read())
            if reply.status not in REDIRECT_STATUSES:
                return self._result(reply)
            seen.add(current)
            current = _redirect_target(reply, hosts)
            if current in seen:
                raise HttpStatusError(
                    f"redirect loop at {public(reply.url)} (back to {public(current)}); "
                    f"the site is misconfigured, {NEXT}",
                    url=public(url),
                    status=reply.status,
                )
        raise HttpStatusError(
            f"more than {MAX_REDIRECTS} redirects starting from {public(url)}; {NEXT}",
            url=public(url),
            status=reply.status,
        )

    def _page_read(self) -> _Read:
        return _Read(self._settings.max_bytes, truncate=False, check_type=True)

    # -- turning a final reply into a result -------------------------------------------------

    def _result(self, reply: _Reply) -> Page | NotModified:
        if reply.status == 304:
            self.stats["not_modified"] += 1
            return NotModified(str(reply.url))
        url = public(reply.url)
        if not 200 <= reply.status < 300:
            raise _status_error(reply)
        declared = _media_type(reply.headers)
        text = decode_text(reply.body, _charset(reply.headers))
        if not text.strip():
            raise BadContent(f"{url} answered {reply.status} with an empty body; {NEXT}", url=url)
        if looks_binary(text):
            raise BadContent(
                f"{url} sent binary data (declared {declared or 'no type'}), not text; {NEXT}",
                url=url,
            )
        content_type = declared or sniff_type(text)
        if content_type is None:
            raise BadContent(
                f"{url} sent no Content-Type and the body is not HTML or XML; {NEXT}", url=url
            )
        _refuse_challenge(reply, text)
        return Page(
            url=str(reply.url),
            status=reply.status,
            content_type=content_type,
            text=text,
            etag=reply.headers.get("etag"),
            last_modified=reply.headers.get("last-modified"),
        )

    # -- robots.txt ----------------------------------------------------------------------------

    async def _check_robots(self, url: httpx.URL, hosts: HostSet) -> None:
        if not self._settings.respect_robots:
            return
        # netloc is host[:port] without user:password, so the key is cheap and secret-free.
        key = f"{url.scheme}://{url.netloc.decode('ascii')}/robots.txt"
        policy = await self._robots.policy(key, lambda: self._load_robots(httpx.URL(key), hosts))
        if policy.failure is not None:
            failure = policy.failure
            kind = NetworkError if isinstance(failure, NetworkError) else Blocked
            raise kind(f"{public(url)} not fetched: {failure.args[0]}", url=public(url))
        if not policy.allows(self._settings.robots_token, str(url)):
            raise Blocked(
                f"robots.txt disallows {public(url)} for {self._settings.robots_token}; "
                "skipped (checked again when robots.txt is refreshed)",
                url=public(url),
            )

    async def _load_robots(self, robots_url: httpx.URL, hosts: HostSet) -> RobotsPolicy:
        """Fetch and parse robots.txt; raise Blocked/NetworkError when it is unreachable."""
        read = _Read(ROBOTS_MAX_BYTES, truncate=True, check_type=False)
        current = robots_url
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            try:
                reply = await self._exchange(current, {}, read)
            except NetworkError as exc:
                raise NetworkError(
                    f"robots.txt at {public(robots_url)} could not be fetched "
                    f"({exc.args[0].removesuffix(f'; {NEXT}')}); "
                    f"{NEXT}",
                    url=public(robots_url),
                ) from exc
            if reply.status not in REDIRECT_STATUSES:
                return self._robots_policy(reply, robots_url)
            try:
                current = _redirect_target(reply, hosts)
            except (Blocked, HttpStatusError) as exc:
                # RFC 9309 lets an unfollowable robots redirect count as "unavailable".
                log.warning("%s; treating robots.txt as absent (allow all)", exc.args[0])
                return RobotsPolicy()
        return RobotsPolicy()

    @staticmethod
    def _robots_policy(reply: _Reply, robots_url: httpx.URL) -> RobotsPolicy:
        if 200 <= reply.status < 300:
            return RobotsPolicy.from_text(reply.body.decode("utf-8", errors="replace"))
        if 400 <= reply.status < 500 and reply.status != 429:
            return RobotsPolicy()  # RFC 9309 "unavailable": no rules, crawl allowed
        raise Blocked(
            f"robots.txt at {public(robots_url)} was unavailable (HTTP {reply.status}), so "
            f"the site counts as disallowed for now (RFC 9309); {NEXT}",
            url=public(robots_url),
        )

    # -- one URL, with retries ---------------------------------------------------------------

    async def _exchange(self, url: httpx.URL, headers: dict[str, str], read: _Read) -> _Reply:
        """One GET of `url` (no redirects), retried on connect errors, timeouts, 5xx and 429."""
        retries = self._settings.retries
        for attempt in range(retries + 1):
            last = attempt == retries
            try:
                reply = await self._attempt(url, headers, read)
            except (httpx.ConnectError, httpx.TimeoutException) as exc:
                if last:
                    raise _network_error(exc, url, attempts=attempt + 1) from exc
                await self._retry_later(url, attempt, _describe(exc), paused=False)
                continue
            if not _retryable(reply) or challenge_vendor(_peek(reply)):
                return reply
            paused = self._honour_retry_after(reply)
            if last:
                return reply
            await self._retry_later(url, attempt, f"HTTP {reply.status}", paused=paused)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _retry_later(self, url: httpx.URL, attempt: int, why: str, *, paused: bool) -> None:
        """Back off exponentially with jitter, unless a Retry-After pause already spaces us."""
        self.stats["retries"] += 1
        total = self._settings.retries + 1
        if paused:
            log.info(
                "%s: %s; retrying after the server's Retry-After (attempt %d of %d)",
                public(url),
                why,
                attempt + 2,
                total,
            )
            return
        delay = self._settings.backoff_seconds * 2**attempt * (0.75 + 0.5 * self._rng())
        log.info(
            "%s: %s; retrying in %.1f s (attempt %d of %d)",
            public(url),
            why,
            delay,
            attempt + 2,
            total,
        )
        await self._sleep(delay)

    def _honour_retry_after(self, reply: _Reply) -> bool:
        """Pause the host for Retry-After; True if the next attempt will wait for it."""
        seconds = _retry_after_seconds(reply.headers.get("retry-after"))
        if seconds is None:
            return False
        host = _host_key(reply.url)
        self._hosts.pause(host, seconds, status=reply.status)
        limit = self._settings.max_retry_after_seconds
        if seconds > limit:
            raise _paused_error(
                reply.status,
                f"{public(reply.url)} answered {reply.status} asking us to wait {seconds:.0f} s "
                f"(Retry-After), more than max_retry_after_seconds={limit:.0f}; "
                f"{host} is skipped, {NEXT}",
                reply.url,
            )
        return True

    # -- one attempt ---------------------------------------------------------------------------

    async def _attempt(self, url: httpx.URL, headers: dict[str, str], read: _Read) -> _Reply:
        host = _host_key(url)
        request = self._client.build_request("GET", url, headers=headers)
        try:
            async with self._hosts.slot(host):
                self.stats["requests"] += 1
                return await self._send(request, read)
        except HostPaused as exc:
            raise _paused_error(
                exc.status,
                f"{public(url)} not requested: {host} asked us to stay away for "
                f"{exc.remaining:.0f} s more (Retry-After); {NEXT}",
                url,
            ) from exc

    async def _send(self, request: httpx.Request, read: _Read) -> _Reply:
        url = request.url
        deadline = self._settings.timeout_seconds
        try:
            # One deadline for the whole exchange, so a server dripping a byte a second
            # cannot hold a worker for ever (httpx's timeouts are per read).
            async with asyncio.timeout(deadline):
                response = await self._client.send(request, stream=True)
                try:
                    body = await self._read_body(response, read)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise NetworkError(
                f"timed out after {deadline:g} s fetching {public(url)}; {NEXT}", url=public(url)
            ) from exc
        except (httpx.ConnectError, httpx.TimeoutException):
            raise  # retryable: the caller decides
        except (httpx.HTTPError, TruncatedStream) as exc:
            raise NetworkError(
                f"transfer of {public(url)} broke off ({_describe(exc)}); {NEXT}",
                url=public(url),
            ) from exc
        return _Reply(url, response.status_code, response.headers, body)

    async def _read_body(self, response: httpx.Response, read: _Read) -> bytes:
        status = response.status_code
        if 200 <= status < 300:
            if read.check_type:
                _refuse_content_type(response)
            limit, truncate = read.limit, read.truncate
        elif status in CHALLENGE_STATUSES:
            limit, truncate = CHALLENGE_SCAN_BYTES, True
        else:
            # Redirects, 304 and plain errors: the body tells us nothing we use, but a short
            # one is drained so the connection goes back to the pool instead of being closed.
            length = response.headers.get("content-length", "")
            if status == 304 or (length.isdigit() and int(length) <= 64_000):
                async for _ in response.aiter_raw():
                    pass
            return b""
        if not truncate:
            _refuse_declared_length(response, limit)
        encoding = None if response.is_stream_consumed else response.headers.get("content-encoding")
        try:
            decoder = StreamDecoder(encoding)
        except UnsupportedEncoding as exc:
            raise BadContent(
                f"{public(response.url)} used {exc}, which we did not ask for; {NEXT}",
                url=public(response.url),
            ) from exc
        body = await _read_capped(response, decoder, limit, truncate)
        self.stats["bytes"] += len(body)
        return body


async def _read_capped(
    response: httpx.Response, decoder: StreamDecoder, limit: int, truncate: bool
) -> bytes:
    """Stream and decode the body, stopping as soon as more than `limit` bytes come out."""
    body = bytearray()
    async for raw in _raw_chunks(response):
        for piece in decoder.feed(raw):
            body += piece
            if len(body) > limit:
                if truncate:
                    return bytes(body[:limit])
                url = public(response.url)
                raise TooLarge(
                    f"{url} is larger than the {limit:,}-byte cap (max_bytes); download "
                    f"abandoned, {NEXT} (raise max_bytes for this source if the page is real)",
                    url=url,
                )
    decoder.finish()
    return bytes(body)


async def _raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    if response.is_stream_consumed:
        # Mock transports (httpx.MockTransport, respx) hand over a body httpx already read
        # and decoded; real network responses always arrive as an unread stream.
        yield response.content
        return
    async for raw in response.aiter_raw():
        yield raw


# -- small pure helpers ----------------------------------------------------------------------


def _checked_url(url: str, hosts: HostSet, *, context: str) -> httpx.URL:
    """Parse `url` and refuse anything that is not http(s) on an allowed host (SSRF guard)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise Blocked(f"{context} {public(url)} is not a valid URL; not fetched", url=None) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise Blocked(f"{context} {public(parsed)} is not http(s); not fetched", url=public(parsed))
    if not hosts.allows(parsed):
        raise Blocked(
            f"{context} {public(parsed)} is not on this source's hosts; not fetched "
            "(add the host to the source's hosts if it is legitimate)",
            url=public(parsed),
        )
    return parsed


def _redirect_target(reply: _Reply, hosts: HostSet) -> httpx.URL:
    location = reply.headers.get("location")
    if not location:
        raise HttpStatusError(
            f"{public(reply.url)} answered {reply.status} without a Location header; {NEXT}",
            url=public(reply.url),
            status=reply.status,
        )
    try:
        target = reply.url.join(location)
    except (httpx.InvalidURL, ValueError) as exc:
        raise HttpStatusError(
            f"{public(reply.url)} redirected to an invalid URL; {NEXT}",
            url=public(reply.url),
            status=reply.status,
        ) from exc
    return _checked_url(str(target), hosts, context=f"redirect from {public(reply.url)} to")


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _host_key(url: httpx.URL) -> str:
    return url.raw_host.decode("ascii").lower().rstrip(".")


def _media_type(headers: httpx.Headers) -> str | None:
    value = headers.get("content-type", "").split(";")[0].strip().lower()
    return value or None


def _charset(headers: httpx.Headers) -> str | None:
    for param in headers.get("content-type", "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _refuse_content_type(response: httpx.Response) -> None:
    media_type = _media_type(response.headers)
    if media_type is not None and media_type not in ACCEPTED_TYPES:
        url = public(response.url)
        raise BadContent(
            f"{url} is {media_type}, not HTML, a feed, XML, JSON or text; not downloaded, {NEXT}",
            url=url,
        )


def _refuse_declared_length(response: httpx.Response, limit: int) -> None:
    length = response.headers.get("content-length", "")
    # With a content-encoding the header counts compressed bytes; the streamed cap handles it.
    if length.isdigit() and int(length) > limit and not response.headers.get("content-encoding"):
        url = public(response.url)
        raise TooLarge(
            f"{url} declares {int(length):,} bytes, more than the {limit:,}-byte cap "
            f"(max_bytes); not downloaded, {NEXT}",
            url=url,
        )


def _retryable(reply: _Reply) -> bool:
    return reply.status in RETRY_STATUSES or reply.status >= 500


def _peek(reply: _Reply) -> str:
    if reply.status not in CHALLENGE_STATUSES or not reply.body:
        return ""
    return reply.body.decode("utf-8", errors="replace")


def _refuse_challenge(reply: _Reply, text: str) -> None:
    vendor = challenge_vendor(text)
    if vendor:
        url = public(reply.url)
        raise Blocked(
            f"challenge page ({vendor}) instead of {url} (HTTP {reply.status}): the site is "
            f"screening bots; {NEXT}, and a persistent block needs the site's permission",
            url=url,
        )


def _status_error(reply: _Reply) -> FetchError:
    url = public(reply.url)
    text = decode_text(reply.body, _charset(reply.headers)) if reply.body else ""
    _refuse_challenge(reply, text)
    if reply.status in BLOCKED_STATUSES:
        reason = {401: "needs authentication", 403: "refused us", 429: "says too many requests"}
        return Blocked(f"{url} {reason[reply.status]} (HTTP {reply.status}); {NEXT}", url=url)
    return HttpStatusError(
        f"{url} answered HTTP {reply.status}; {NEXT}", url=url, status=reply.status
    )


def _paused_error(status: int, message: str, url: httpx.URL) -> FetchError:
    if status == 429:
        return Blocked(message, url=public(url))
    return HttpStatusError(message, url=public(url), status=status)


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _network_error(exc: httpx.HTTPError, url: httpx.URL, *, attempts: int) -> NetworkError:
    if isinstance(exc, httpx.TimeoutException):
        what = "timed out"
    elif _caused_by(exc, socket.gaierror):
        what = "host name did not resolve"
    else:
        what = "could not connect"
    return NetworkError(
        f"{what} fetching {public(url)} ({_describe(exc)}) after {attempts} attempt(s); {NEXT}",
        url=public(url),
    )


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
