"""Atom 1.0 feeds of case events, with validators so feed readers can poll cheaply."""

from __future__ import annotations

import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from monitor.redact import redact

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)
# Ids are derived from stable facts, so they survive a change of host name or a re-run.
_ID_SPACE = uuid.UUID("5d0f6f1e-9c1b-4f54-9a57-3f7c2f0b6c1e")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom_feed(
    *, title: str, feed_key: str, self_url: str, page_url: str,
    entries: Iterable[dict[str, Any]], case_url: Callable[[int], str],
    announcement_url: Callable[[int], str] | None = None,
) -> tuple[bytes, datetime]:
    """The feed document and its last-updated time.

    `entries` are event dicts from `monitor.views.recent_events`; `case_url(id)` gives the
    address of a case's page, which each entry links to; `announcement_url(id)` that of our copy
    of the announcement (a `via` link).
    """
    entries = list(entries)
    updated = max((_date(e["created_at"]) for e in entries), default=EMPTY_FEED_DATE)
    feed = ET.Element("feed", xmlns=ATOM)
    _text(feed, "id", _urn(f"feed:{feed_key}"))
    _text(feed, "title", title)
    _text(feed, "updated", _rfc3339(updated))
    _text(ET.SubElement(feed, "author"), "name", "oversight-monitor")
    ET.SubElement(feed, "link", rel="self", type=MEDIA_TYPE, href=self_url)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=page_url)
    _text(feed, "generator", "oversight-monitor")
    for event in entries:
        ours = (announcement_url(event["document_id"])
                if announcement_url and event.get("document_id") else None)
        _entry(feed, event, case_url(event["case_id"]), ours)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body, updated


def _entry(feed: ET.Element, event: dict[str, Any], page: str, ours: str | None) -> None:
    entry = ET.SubElement(feed, "entry")
    _text(entry, "id", _urn(f"event:{event['key']}"))
    _text(entry, "title", event["headline"])
    _text(entry, "updated", _rfc3339(_date(event["created_at"])))
    if event.get("published_at"):
        _text(entry, "published", _rfc3339(_date(event["published_at"])))
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=page)
    if (event.get("url") or "").startswith(("https://", "http://")):
        ET.SubElement(entry, "link", rel="related", type="text/html", href=event["url"])
    if ours:
        ET.SubElement(entry, "link", rel="via", type="text/html", href=ours)
    _text(entry, "summary", _summary(event))


def _summary(event: dict[str, Any]) -> str:
    parts = []
    if event.get("evidence"):
        parts.append(f"“{event['evidence']}”")
    if event.get("officers"):
        severity = (event.get("severity") or "").replace("_", " ")
        parts.append(f"Officers: {event['officers']}{f' ({severity})' if severity else ''}.")
    source = event.get("source_name") or event.get("source_id")
    if event.get("title"):
        parts.append(f"Source: {event['title']}{f' ({source})' if source else ''}.")
    if event.get("url"):
        parts.append(event["url"])
    return "\n".join(parts) or event["headline"]


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = _NOT_XML.sub("", value)


def _urn(key: str) -> str:
    return uuid.uuid5(_ID_SPACE, key).urn


def _date(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def feed_response(request: Request, body: bytes, updated: datetime) -> Response:
    """The feed, or 304 Not Modified when the reader's ETag / date still matches."""
    body = redact(body.decode("utf-8")).encode("utf-8")  # no configured secret in a feed
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(updated.astimezone(UTC), usegmt=True),
        "Cache-Control": "no-cache",
    }
    if _not_modified(request, etag, updated):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=f"{MEDIA_TYPE}; charset=utf-8", headers=headers)


def _not_modified(request: Request, etag: str, updated: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:  # it wins over If-Modified-Since (RFC 9110 13.1.3)
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    return updated.replace(microsecond=0) <= since
