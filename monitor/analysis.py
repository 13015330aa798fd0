"""Turning a fetched page into what gets recorded: its document, its hash and its reading.

All of it is pure CPU work on data. A big cycle (a first run of thousands of pages) runs it in
one worker process, so fetching and recording here overlap with parsing and reading there and
both cores are used; a small cycle runs it in this process, where starting a worker would cost
more than it saves. Analysis is parsing, hashing and classifying; the clues and hearing dates of
a page are found where it is recorded (engine, recorder): in a first run the worker had the
larger share (measured in benchmarks/README.md), and both processes should finish together.
"""

from __future__ import annotations

import asyncio
import dataclasses
import pickle
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.errors import FetchError, HttpStatusError, ParseError
from monitor.models import Document, DocumentRef, Page
from monitor.text import content_hash
from sources.base import Source

if TYPE_CHECKING:
    from monitor.cases.clues import Clue
    from monitor.stages.reader import Classification

Classifier = Callable[[str, str], "Classification"]

# A worker pays for itself only when there are many pages to read (it needs ~1 s to start).
WORKER_MIN_PAGES = 100


class Verdict:
    """A Classification's fields, read like one, that unpickles without importing the reader:
    the worker's readings must not load numpy and the model into this process too."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, object]) -> None:
        self._fields = fields

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __reduce__(self) -> tuple[type[Verdict], tuple[dict[str, object]]]:
        return Verdict, (self._fields,)


@dataclass(frozen=True, slots=True)
class Analysed:
    document: Document
    digest: str  # content_hash of the document
    # only when asked for (new pages; changed ones are read later); Verdict: read in the worker
    reading: Classification | Verdict | None


def parse(source: Source, ref: DocumentRef, page: Page) -> Document:
    """The source's parse(), its failures typed and placed; a page with no title or body
    text is a parse failure (the layout probably changed), never an empty document."""
    try:
        doc = source.parse(ref, page)
    except FetchError:
        raise
    except Exception as exc:  # the parser raised: typed, with where it happened
        raise ParseError(f"{source.instance_id}: parser raised {exc!r}", url=ref.url) from exc
    if not doc.title.strip() or not doc.text.strip():
        raise ParseError(
            f"{source.instance_id}: page has no {'title' if not doc.title.strip() else 'body'}; "
            "the layout may have changed",
            url=ref.url,
        )
    return doc


def clues_of(doc: Document, url: str, classification: Classification | Verdict) -> list[Clue]:
    from monitor.cases.clues import find_clues

    return find_clues(
        title=doc.title,
        text=doc.text,
        fields=doc.fields,
        force=classification.force or doc.force,  # type: ignore[arg-type]
        case_key=doc.case_key,
        url=url,
        published_at=doc.published_at,
    )


def analyse(
    source: Source, ref: DocumentRef, page: Page, want_reading: bool, classify: Classifier
) -> Analysed:
    doc = parse(source, ref, page)
    digest = content_hash(doc.title, doc.text, doc.fields)
    reading = classify(doc.title, doc.text) if want_reading else None
    return Analysed(doc, digest, reading)


class Analyser:
    """Runs `analyse` here, or in a worker process once `start_worker()` was called."""

    def __init__(self, classify: Callable[[], Classifier]) -> None:
        self._classify = classify  # called only when a page is read here
        self._pool: Executor | None = None
        self._source: Source | None = None  # the worker's own copy, if it has one

    def start_worker(self, source: Source) -> bool:
        """Read in a worker from now on, if `source` can be sent there (a plugin holding, say,
        a lambda cannot: it is then read here, as before)."""
        try:
            pickle.dumps(source)
        except (pickle.PicklingError, TypeError, AttributeError):
            return False
        # Imported here: a quiet cycle never starts a worker (multiprocessing is ~10 ms).
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: the worker must not inherit this process's threads and locks. The
        # source goes over once, not with every page (a `page` source holds all its URLs).
        self._pool = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_keep_source,
            initargs=(source,),
        )
        self._source = source
        return True

    async def analyse(
        self, source: Source, ref: DocumentRef, page: Page, want_reading: bool
    ) -> Analysed:
        if self._pool is None:
            return analyse(source, ref, page, want_reading, self._classify())
        sent = None if source is self._source else source
        future = self._pool.submit(_in_worker, sent, ref, page, want_reading)
        result = await asyncio.wrap_future(future)
        if isinstance(result, _Failure):
            raise result.error()
        return result

    def close(self) -> float | None:
        """Stop the worker, if any; its peak memory in MB (the benchmarks report it)."""
        if self._pool is None:
            return None
        try:
            peak = self._pool.submit(_peak_rss_mb).result(timeout=30)
        except Exception:  # a broken worker has no figure to give; it is stopped all the same
            peak = None
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        return peak


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True, slots=True)
class _Failure:
    """A FetchError crossing the process boundary (its keyword arguments do not pickle)."""

    kind: type[FetchError]
    message: str
    url: str | None
    status: int

    def error(self) -> FetchError:
        if issubclass(self.kind, HttpStatusError):
            return self.kind(self.message, url=self.url, status=self.status)
        return self.kind(self.message, url=self.url)


_kept: list[Source] = []  # in the worker: the source it was started for


def _keep_source(source: Source) -> None:
    _kept.append(source)


def _in_worker(
    source: Source | None, ref: DocumentRef, page: Page, want_reading: bool
) -> Analysed | _Failure:
    """The analysis, in the worker; `source` None: the one the worker was started for."""
    from monitor.stages.reader import classify

    source = _kept[0] if source is None else source
    try:
        result = analyse(source, ref, page, want_reading, classify)
    except FetchError as exc:
        return _Failure(type(exc), exc.args[0], exc.url, getattr(exc, "status", 0))
    if result.reading is None:
        return result
    fields = {f.name: getattr(result.reading, f.name) for f in dataclasses.fields(result.reading)}
    return dataclasses.replace(result, reading=Verdict(fields))
