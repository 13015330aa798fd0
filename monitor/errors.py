"""One error hierarchy for the whole project, so callers catch at the right level."""

from __future__ import annotations

from typing import ClassVar


class MonitorError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(MonitorError):
    """The configuration file is missing, unreadable or invalid."""


class StoreError(MonitorError):
    """The database cannot be opened or used; `kind` says why, for the health table and notes.

    `transient` faults (a lock held too long, a database server that cannot be reached) may
    clear by themselves: `run` exits 4 for them, so a supervisor restarts it (exit 3 otherwise).
    """

    kind: ClassVar[str] = "storage"
    transient: ClassVar[bool] = False


class DatabaseLocked(StoreError):
    """Another process held a write lock on the SQLite file past the busy timeout."""

    kind = "locked"
    transient = True


class DiskFull(StoreError):
    """The disk (or the database's size limit) is full: nothing more can be written."""

    kind = "disk_full"


class ReadOnlyStorage(StoreError):
    """The database file, its folder or the whole filesystem cannot be written."""

    kind = "read_only"


class CorruptDatabase(StoreError):
    """The file is damaged (malformed pages) or is not a database at all."""

    kind = "corrupt"


class DatabaseUnreachable(StoreError):
    """The database server refused or lost the connection."""

    kind = "unreachable"
    transient = True


class FetchError(MonitorError):
    """A typed failure while getting or reading one URL; `kind` goes into the health table."""

    kind: ClassVar[str] = "network"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.url})" if self.url and self.url not in base else base


class NetworkError(FetchError):
    """Connection refused, DNS failure, timeout, broken transfer."""

    kind = "network"


class HttpStatusError(FetchError):
    """The server answered with an error status (other than 403/429)."""

    kind = "http_status"

    def __init__(self, message: str, *, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url=url)
        self.status = status


class Blocked(FetchError):
    """Robots.txt forbids it, 403/429, a challenge page, or a redirect off the source's hosts."""

    kind = "blocked"


class TooLarge(FetchError):
    """The body went past the size cap and was abandoned."""

    kind = "too_large"


class BadContent(FetchError):
    """Wrong content type, undecodable bytes, or an empty body."""

    kind = "bad_content"


class ParseError(FetchError):
    """The parser raised, or found nothing where it always finds something."""

    kind = "parse"


ERROR_KINDS = ("network", "http_status", "blocked", "too_large", "bad_content", "parse")
