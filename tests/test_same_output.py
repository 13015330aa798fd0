"""The hot path's output, pinned: what html.lines/read/fields, content_hash, the clue finder and
the hearing-date finder make of every example page in tests/sources, of generated case pages
and of hand-made awkward ones, against digests recorded before they were made faster.

Regenerate only after a deliberate change of output, and say so in the commit:

    python tests/test_same_output.py regen
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from monitor.cases.clues import find_clues  # noqa: E402
from monitor.cases.hearings import hearings_in  # noqa: E402
from monitor.errors import Blocked  # noqa: E402
from monitor.models import DocumentRef, Page  # noqa: E402
from monitor.text import content_hash, normalise  # noqa: E402
from sources import fixtures, html  # noqa: E402
from sources.page import PageOptions, PageSource  # noqa: E402

GOLDEN = ROOT / "data" / "same_output.json"

AWKWARD = {
    "nested": "<html><body>"
    + "<div><span>deep " * 3000
    + "end"
    + "</span></div>" * 3000
    + "</body></html>",
    "headings": "<body><main><h2>Status: not a field</h2><p>Status: Open</p>"
    "<h3>Force<span>: Kent</span></h3><p>Reference : AB/1</p></main></body>",
    "region-in-heading": "<body><h1>Title <em id=r>inside</em> more</h1><p>Body</p></body>",
    "hidden": "<body><nav>menu</nav><header>Banner</header><header><h1>Head</h1>sub</header>"
    "<div hidden>gone</div><p aria-hidden=true>gone</p><div class=cookie-bar>c</div>"
    "<p>Kept\r\ntext&nbsp;here</p><script>x=1</script><!-- comment --><p>Last: 10:30 am"
    "</p><footer>foot</footer></body>",
    "no-body-text": "<html><head><title>Only a title</title></head><body></body></html>",
    "text-only": "plain words, no tags: Status: Closed",
    "tables": "<body><table><tr><th>Status</th><td>Closed <b>now</b></td></tr>"
    "<tr><td>x</td></tr></table><dl><dt>Force</dt><!--c--><dd>Kent</dd><dt>Empty</dt></dl>"
    "<pre>a\n  b</pre><br>after<hr>rule<li>item</li></body>",
    "unicode": "<body><article><p>Kovári’s “case” ﬁle — ２０２４ 12:05:33 GMT</p>"
    "<p>Page generated in 0.2s. csrf=abc123 token: x</p><p>\u00a0\u2003</p></article></body>",
    "hidden-body": "<body class=has-cookie-bar><main><p>x</p></main><p>y</p></body>",
    "hidden-main": "<body><main hidden><p>x</p></main><article><template>t</template><p>y"
    "</p></article></body>",
    "all-hidden": "<body><main><nav><p>x</p></nav><div class=cookie> <p>z</p></div> </main>"
    "<div role=main><aside>a</aside>b</div></body>",
    "inline": "<body><p>a<b>b</b><i>c</i> d<span> </span>e</p><div>x<div>y</div>z</div></body>",
}
HASH_TEXTS = [
    "",
    " ",
    "Plain text.",
    "at 9:05 and 10:30:15 pm, 11:00 GMT, 1:2 3:45",
    "ratio 3:4:",
    "Generated at noon. Page generated in 3 ms. kept",
    "CSRF: abc Token=def nonce: q SESSION=1",
    "Kovári’s “quoted” ‘single’ ﬁ ２ \u00a0 nbsp\u2003em",
    "trailing :",
    ":09 start",
    "x" * 9000,
]


def _sha(value: object) -> str:
    return hashlib.sha256(json.dumps(value, default=repr, ensure_ascii=False).encode()).hexdigest()


def _tree_outputs(text: str) -> dict[str, object]:
    try:
        tree = html.parse(text)
    except Blocked:
        return {"blocked": True}
    body = html._body(tree)
    out: dict[str, object] = {
        "lines(body)": html.lines(body) if body is not None else None,
        "lines(root)": html.lines(tree.root),
        "lines(body, no headings)": html.lines(body, html.HIDDEN + ", h1, h2, h3, h4, h5, h6")
        if body is not None
        else None,
        "fields": html.fields(tree),
        "read(region)": html.read(tree, html.region(tree)),
        "links": html.links(tree, "https://example.org/a/"),
    }
    for selector in ("main", "article", "div", "section", "h1", "p", "em", "table"):
        for i, node in enumerate(tree.css(selector)[:3]):
            out[f"read({selector}#{i})"] = html.read(tree, node)
            out[f"lines({selector}#{i})"] = html.lines(node)
    return out


def _document_outputs(doc, url: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "document": fixtures.plain(doc),
        "digest": content_hash(doc.title, doc.text, doc.fields),
        "clues": find_clues(
            title=doc.title, text=doc.text, fields=doc.fields, force=doc.force,
            case_key=doc.case_key, url=url, published_at=doc.published_at,
        ),
        "hearings": hearings_in(doc, "Europe/London", url),
    }  # fmt: skip


def _generated_pages() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT.parent / "benchmarks"))
    from pageserver import make_page

    return [(f"generated/{i}/{gen}", make_page(i, gen)) for i in range(12) for gen in (0, 1)]


def outputs() -> dict[str, str]:
    """Name -> digest of everything this test pins."""
    found: dict[str, str] = {}
    for fx in fixtures.find(ROOT / "sources"):
        text = fx.page.read_text("utf-8")
        if fx.page.suffix == ".html":
            for key, value in _tree_outputs(text).items():
                found[f"{fx.name} {key}"] = _sha(value)
        if "document" in fx.spec:
            import asyncio

            cls, spec = fixtures.plugin_class(fx.plugin), fx.spec
            source = cls(spec.get("instance", fx.plugin), cls.Options(**spec.get("options", {})),
                         spec.get("base_url"))  # fmt: skip
            page = Page(spec["url"], 200, fixtures.TYPES[fx.page.suffix], text)
            hints = dict(spec.get("ref", {}))
            hints.pop("published_at", None)
            asyncio.run(fixtures.run(fx))  # the fixture still parses
            doc = source.parse(DocumentRef(url=page.url, external_id=page.url, **hints), page)
            for key, value in _document_outputs(doc, page.url).items():
                found[f"{fx.name} {key}"] = _sha(value)
    pages = [*_generated_pages(), *(("awkward/" + k, v) for k, v in AWKWARD.items())]
    source = PageSource("same", PageOptions(urls=["http://127.0.0.1/case/0"]))
    for name, text in pages:
        for key, value in _tree_outputs(text).items():
            found[f"{name} {key}"] = _sha(value)
        url = f"http://127.0.0.1/{name}"
        try:
            doc = source.parse(
                DocumentRef(url=url, external_id=url), Page(url, 200, "text/html", text)
            )
        except Exception as exc:  # noqa: BLE001 - the failure is pinned too
            found[f"{name} parse"] = _sha(repr(exc))
            continue
        for key, value in _document_outputs(doc, url).items():
            found[f"{name} {key}"] = _sha(value)
    for i, text in enumerate(HASH_TEXTS):
        found[f"hash/{i}"] = content_hash(text, text, {"Status": text, "A": "b"})
        found[f"normalise/{i}"] = _sha(normalise(text))
    return found


@pytest.fixture(scope="module")
def now() -> dict[str, str]:
    return outputs()


def test_every_pinned_output_is_the_same(now: dict[str, str]) -> None:
    golden = json.loads(GOLDEN.read_text("utf-8"))
    assert sorted(now) == sorted(golden)
    assert [k for k in golden if golden[k] != now[k]] == []


def test_it_pins_enough() -> None:
    golden = json.loads(GOLDEN.read_text("utf-8"))
    assert sum(" digest" in k for k in golden) >= 50
    assert sum(" clues" in k for k in golden) >= 50
    assert sum("read(" in k for k in golden) >= 200


if __name__ == "__main__" and sys.argv[1:] == ["regen"]:
    GOLDEN.write_text(json.dumps(outputs(), indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {GOLDEN}")


def test_the_shortcuts_give_what_they_replace() -> None:
    """squash, _without_clocks and the token test against the plain code, on random text."""
    import random

    from monitor import text as t

    assert not [c for c in range(0x110000) if chr(c).isspace() and c != 32 and chr(c).isprintable()]
    r = random.Random(19)
    alphabet = ["1", "2", "0", ":", " ", "  ", "\n", "\t", "am", "PM", "GMT", "x", "=", "\u00a0",
                "csrf", "Token", "nonce", "SESSION", "é", "\x01", ".", "enerated at "]  # fmt: skip
    for _ in range(20000):
        s = "".join(r.choices(alphabet, k=r.randint(0, 14)))
        assert t.squash(s) == " ".join(s.split()), repr(s)
        assert t._without_clocks(s) == t._CLOCK.sub("", s), repr(s)
        if t._TOKEN.search(s):
            assert t._could_hold_token(s), repr(s)
    from monitor.cases import hearings

    words = ["will", "WILL", "is", "are", "due", "to", "set", "listed", "Scheduled", " ", "x",
             "expected", "é", "ſ"]  # fmt: skip
    for _ in range(20000):
        s = " ".join(r.choices(words, k=r.randint(0, 8)))
        assert hearings._says_future(s) == bool(hearings._FUTURE.search(s)), repr(s)
    from monitor.cases import clues

    words = ["death", "of", "family", "complaint", "complaints", "made", "by", "from", "Mr",
             "Dr.", "Chris", "Kaba", "McAdam", "O'Neil", "stop", "Of", " ", ","]  # fmt: skip
    for _ in range(20000):
        s = " ".join(r.choices(words, k=r.randint(0, 9)))
        if clues._CUE_THEN_NAME.search(s):
            assert clues._OF_CAPITAL.search(s) or clues._COMPLAINT_BY.search(s), repr(s)
    words = ["Chris", "Kaba,", "32,", "aged", "7", "died", "was", "fatally", "shot", "who", "PC",
             "Sgt.", "Officer", "Police", "Constable", "Ann", "Lee", "McAdam", "found"]  # fmt: skip
    for _ in range(30000):
        s = " ".join(r.choices(words, k=r.randint(0, 9)))
        if clues._THEN_WHAT.search(s):
            assert "died" in s or clues._WAS_WHAT.search(s) or clues._AGE_WHAT.search(s), repr(s)
        if clues._OFFICER.search(s):
            assert clues._RANK_THEN_CAPITAL.search(s), repr(s)
