"""Turning response bytes into text: content-encoding, charset, and judging what the body is."""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterator

# Decompressed output is produced in pieces of at most this size, so a gzip bomb never
# expands in memory further than one piece past the size cap.
PIECE = 64 * 1024

ACCEPT_ENCODING = "gzip, deflate"

# WHATWG: these labels mean windows-1252 in practice (servers say latin-1, pages are cp1252).
_LEGACY_SINGLE_BYTE = {"iso8859-1", "ascii", "cp1252"}  # codecs.lookup(...).name spellings
_WIDE = ("utf-16", "utf-32")
# Python codecs that are not web charsets; a page naming one is treated as naming none.
_NOT_CHARSETS = {
    "undefined",
    "unicode-escape",
    "raw-unicode-escape",
    "idna",
    "punycode",
    "utf-7",
    "charmap",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.I)


class UnsupportedEncoding(ValueError):
    """The server used a content-encoding we did not ask for and cannot undo."""


class TruncatedStream(ValueError):
    """A compressed stream ended before its end marker: the transfer was cut short."""


class StreamDecoder:
    """Undoes Content-Encoding incrementally, never producing more than PIECE bytes at once."""

    def __init__(self, content_encoding: str | None) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        names = [n for n in names if n != "identity"]
        if len(names) > 1:
            raise UnsupportedEncoding(f"stacked content-encodings {names!r}")
        self._name = names[0] if names else None
        if self._name not in (None, "gzip", "x-gzip", "deflate"):
            raise UnsupportedEncoding(f"content-encoding {self._name!r}")
        self._zlib: zlib._Decompress | None = self._new_decompressor()
        self._started = False
        self._fed = False  # an empty compressed body is an empty body, not a broken one

    def _new_decompressor(self) -> zlib._Decompress | None:
        if self._name in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._name == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return None

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded bytes of `data` piece by piece; stop iterating to stop the work."""
        if self._zlib is None:
            for i in range(0, len(data), PIECE):
                yield data[i : i + PIECE]
            return
        self._fed = self._fed or bool(data)
        try:
            yield from self._inflate(data)
        except zlib.error as exc:
            raise TruncatedStream(f"corrupt {self._name} stream: {exc}") from exc

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        assert self._zlib is not None
        if not self._started and self._name == "deflate" and data:
            self._started = True
            # "deflate" is often sent as a raw deflate stream without the zlib header.
            if (data[0] & 0x0F) != 8:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        while data:
            piece = self._zlib.decompress(data, PIECE)
            if piece:
                yield piece
            data = self._zlib.unconsumed_tail
            if self._zlib.eof and self._zlib.unused_data.strip(b"\0"):
                # A second gzip member follows (concatenated gzip is legal).
                data = self._zlib.unused_data
                self._zlib = self._new_decompressor()
                assert self._zlib is not None

    def finish(self) -> None:
        """Raise TruncatedStream if a compressed body stopped before its end marker."""
        if self._zlib is not None and self._fed and not self._zlib.eof:
            raise TruncatedStream(f"{self._name} stream ended early")


def _codec(label: str | bytes | None) -> str | None:
    """Python codec name for a charset label, or None if unknown or not a text encoding."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except (LookupError, ValueError):  # unknown name, or junk such as an embedded NUL
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None  # e.g. "base64", "rot13", "undefined"
    return "cp1252" if info.name in _LEGACY_SINGLE_BYTE else info.name


def declared_in_body(head: bytes) -> str | None:
    """The charset an HTML <meta> or the XML declaration in the first 2 KB names, if any."""
    head = head[:2048]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _decode(body: bytes, codec: str, errors: str = "strict") -> str | None:
    """`body` decoded, or None if the codec rejects it (even with errors="replace")."""
    try:
        return body.decode(codec, errors)
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None


def decode_text(body: bytes, header_charset: str | None = None) -> str:
    """Decode a body to text; never raises on bad bytes.

    Order: BOM, a declared UTF-16/32 charset, valid UTF-8 (it beats a declared single-byte
    charset, which is nearly always a server default that is wrong for the page), the header
    charset, the <meta>/XML declaration, cp1252; last resort the declared charset (or cp1252)
    with replacement characters. Unknown or non-text charset names are ignored.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    declared = [c for c in (_codec(header_charset), _codec(declared_in_body(body))) if c]
    wide = next((c for c in declared if c.startswith(_WIDE)), None)
    if wide and (text := _decode(body, wide, "replace")) is not None:
        return text
    for codec in dict.fromkeys(["utf-8", *declared, "cp1252"]):
        if (text := _decode(body, codec)) is not None:
            return text
    for codec in [*declared[:1], "cp1252"]:
        if (text := _decode(body, codec, "replace")) is not None:
            return text
    return body.decode("latin-1")  # unreachable in practice: latin-1 maps every byte


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def looks_binary(text: str, *, sample: int = 8192, share: float = 0.1) -> bool:
    """True if the start of the text is mostly NULs, control characters or replacement marks."""
    head = text[:sample]
    return bool(head) and len(_CONTROL.findall(head)) > share * len(head)


def sniff_type(text: str) -> str | None:
    """Media type of a body sent without Content-Type: markup only, else None."""
    start = text.lstrip()[:200].lower()
    if not start.startswith("<"):
        return None
    if start.startswith(("<?xml", "<rss", "<feed", "<rdf")):
        return "application/xml"
    return "text/html"


# Challenge and block pages. Looked for only in the first few KB, and only on small pages,
# so an ordinary article that mentions Cloudflare is not mistaken for one.
CHALLENGE_SCAN_BYTES = 16 * 1024
CHALLENGE_MAX_PAGE = 256 * 1024
_TITLE = re.compile(r"<title[^>]*>\s*(.*?)\s*</title>", re.I | re.S)
_CHALLENGE_TITLES = {
    "just a moment...": "Cloudflare",
    "attention required! | cloudflare": "Cloudflare",
    "please wait... | cloudflare": "Cloudflare",
    "ddos-guard": "DDoS-Guard",
}
_CHALLENGE_MARKERS = {
    "cf-browser-verification": "Cloudflare",
    "cf-chl-": "Cloudflare",
    "cf_chl_": "Cloudflare",
    "/cdn-cgi/challenge-platform/": "Cloudflare",
    "checking your browser before accessing": "Cloudflare",
    "incapsula incident id": "Incapsula",
    "_incapsula_resource": "Incapsula",
}
_CAPTCHA_TITLE = re.compile(
    r"captcha|are you a (?:robot|human)|human verification|security check|bot protection", re.I
)
_CAPTCHA_WIDGET = ("g-recaptcha", "h-captcha", "cf-turnstile", "px-captcha")
_SMALL_PAGE = 12 * 1024  # a captcha widget alone means little on a real content page


def challenge_vendor(text: str) -> str | None:
    """Who served a bot challenge / block page ("Cloudflare", "Akamai", "captcha"…), else None."""
    if len(text) > CHALLENGE_MAX_PAGE:
        return None
    head = text[:CHALLENGE_SCAN_BYTES]
    lowered = head.lower()
    title_match = _TITLE.search(head)
    title = " ".join(title_match.group(1).split()).lower() if title_match else ""
    if title in _CHALLENGE_TITLES:
        return _CHALLENGE_TITLES[title]
    for marker, vendor in _CHALLENGE_MARKERS.items():
        if marker in lowered:
            return vendor
    if title == "access denied" and "reference #" in lowered:
        return "Akamai"
    if _CAPTCHA_TITLE.search(title):
        return "captcha"
    if len(text) <= _SMALL_PAGE and any(w in lowered for w in _CAPTCHA_WIDGET):
        return "captcha"
    return None
