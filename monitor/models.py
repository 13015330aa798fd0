"""Typed values passed between the parts: discovery → fetch → parse → classify."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document a source found: where it is and what the site keeps stable about it."""

    url: str
    external_id: str
    title: str | None = None
    published_at: datetime | None = None
    # Hints from discovery a parser may use (feed summary, tags, listing teaser).
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back to the server."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched, decoded response."""

    url: str  # final URL, after redirects
    status: int
    content_type: str  # lower-case media type without parameters, e.g. "text/html"
    text: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered 304: nothing downstream needs to run."""

    url: str


@dataclass(frozen=True, slots=True)
class Document:
    """What a source's parser extracted from one page. Pure data, no HTML."""

    title: str
    text: str
    published_at: datetime | None = None  # timezone-aware UTC
    fields: dict[str, str] = field(default_factory=dict)  # labelled fields, e.g. {"Status": ...}
    force: str | None = None
    case_key: str | None = None  # a reference the source prints (IOPC reference, log number)
    tags: tuple[str, ...] = ()
    # Why the date is uncertain, if it is: "missing" or "relative". Never guessed silently.
    date_note: str | None = None
