"""Messages from event payloads: one Jinja template per format, all fed the same data.

The engine writes everything a message needs into the event's payload, so a message can be
rendered days later (a retry, a digest) without joining tables that may have moved on.
Page-derived values are escaped by the template environment itself (see escape.py). A message
longer than the channel allows is shortened by trimming the quoted evidence first, then the
title, then (in a digest) whole items; the link and the unsubscribe line are never cut.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from notifications import escape
from notifications.channels import HTML, MARKDOWN, SLACK, TEXT, Message, Target
from notifications.subscriptions import HEALTH_KINDS, MAINTAINERS

log = logging.getLogger(__name__)

NOT_A_CASE_UPDATE = "not_a_case_update"

_EXTENSION = {TEXT: "txt", HTML: "html", MARKDOWN: "md", SLACK: "md"}
_ESCAPE = {TEXT: escape.plain, HTML: escape.neutral, MARKDOWN: escape.markdown, SLACK: escape.slack}
# Page text that may be shortened to fit a channel, longest-lived first.
_TRIMMABLE = ("evidence", "error_message", "title", "from_status", "to_status")
_SUBJECT_CASE_MAX = 80
_ROUTES = {
    "meeting": "misconduct meeting",
    "hearing": "misconduct hearing",
    "accelerated": "accelerated (fast-track) hearing",
    "rprp": "reflective practice review process",
}


@dataclass(frozen=True)
class Reader:
    """Who a message is for, and why, for the footer.

    `contact` is who runs the monitor ([monitor] operator_contact); `site` the public address
    of the web interface ([web] public_url), if it has one.
    """

    name: str
    why: Sequence[str]
    contact: str | None = None
    site: str | None = None

    @property
    def maintainers(self) -> bool:
        return self.name == MAINTAINERS


def reader_for(config: Any, name: str, why: Sequence[str]) -> Reader:
    """A Reader with the footer facts from the config (operator contact, public web address)."""
    return Reader(name, why, config.monitor.operator_contact, config.web.public_url)


def render_event(
    kind: str,
    payload: Mapping[str, Any],
    target: Target,
    reader: Reader,
    *,
    note: str | None = None,
) -> Message:
    """One event as one message for one channel; `note` is a line shown above it (tests)."""
    if kind in HEALTH_KINDS:
        item = _health_item(kind, payload)
        return _fit("health", [item], item["subject"], target, reader, digest=False, note=note)[0]
    item = _case_item(kind, payload, reader.site)
    return _fit("cases", [item], item["subject"], target, reader, digest=False, note=note)[0]


def render_digest(
    events: Sequence[tuple[str, Mapping[str, Any]]],
    target: Target,
    reader: Reader,
    *,
    period: str,
    part: int = 1,
) -> tuple[Message, int]:
    """Case events as one digest message; also returns how many of them fitted.

    `period` is 'daily' or 'weekly'. Events that do not fit the channel are left for the
    caller to send in a further part.
    """
    items = [_case_item(kind, payload, reader.site) for kind, payload in events]
    count = len(items)
    subject = f"Your {period} oversight digest: {count} update{'s' if count != 1 else ''}"
    if part > 1:
        subject += f" (part {part})"
    return _fit("cases", items, subject, target, reader, digest=True)


def subject_for(kind: str, payload: Mapping[str, Any]) -> str:
    """Short and specific: 'Stephen Port: gross misconduct notices served to 8 officers'."""
    if kind in HEALTH_KINDS:
        return _health_item(kind, payload)["subject"]
    return _case_item(kind, payload)["subject"]


# ---- stage words ---------------------------------------------------------------------------


def stage_label(stage: str | None, severity: str | None = None) -> str | None:
    """The plain-English sentence for a stage; the bare id if the vocabulary does not know it."""
    return _vocabulary_word("label", stage, severity)


def stage_short_label(stage: str | None, severity: str | None = None) -> str | None:
    return _vocabulary_word("short_label", stage, severity)


def _vocabulary_word(function: str, stage: str | None, severity: str | None) -> str | None:
    if not stage:
        return None
    try:
        from monitor.stages import vocabulary

        return getattr(vocabulary, function)(stage, severity)
    except (ImportError, AttributeError, ValueError):
        # The vocabulary is optional at import time and may not know a stage a newer engine
        # wrote; the id still tells a reader more than nothing.
        return stage.replace("_", " ")


# ---- the data each template sees ------------------------------------------------------------


def _case_item(kind: str, p: Mapping[str, Any], site: str | None = None) -> dict[str, Any]:
    case = _one_line(p.get("case_name") or p.get("title") or "A case")
    severity = p.get("severity")
    from_stage, to_stage = p.get("from_stage"), p.get("to_stage")
    # The earlier stage is worded with the severity it had, not this announcement's.
    from_severity = p["from_severity"] if "from_severity" in p else severity
    from_label, to_label = stage_label(from_stage, from_severity), stage_label(to_stage, severity)
    if from_label == to_label:
        from_label = None
    reading = p.get("reading") or to_stage
    reading_label = stage_label(reading, severity) if kind == "announcement" else None
    source = _one_line(p.get("source_name") or p.get("source_id") or "the source")
    officers = p.get("officers")
    return {
        "kind": kind,
        "subject": _case_subject(kind, case, p),
        "headline": _headline_for(kind, case, source, p),
        "case": case,
        "title": _one_line(p.get("title")),
        "from_label": from_label if kind in ("stage_changed", "document_changed") else None,
        "to_label": to_label,
        "stage_word": "Case stage" if kind == "announcement" else "Stage",
        "reading_label": reading_label if reading_label != to_label else None,
        "unsure": _unsure(kind, p),
        "case_page": _case_page(site, p.get("case_id")),
        "from_status": _one_line(p.get("from_status")),
        "to_status": _one_line(p.get("to_status")),
        "date": _date(p.get("published_at"), p.get("date_note")),
        "source_name": source,
        "force": _one_line(p.get("force")),
        "officers": _officers(officers, severity if _worded_by_severity(reading) else None),
        "route": _ROUTES.get(p.get("route") or "", p.get("route")),
        "evidence": _one_line(p.get("evidence")),
        "edited": bool(p.get("edited")),
        "url": escape.safe_url(p.get("url")),
        "hearing": _hearing(p),
    }


def _hearing(p: Mapping[str, Any]) -> str | None:
    """'misconduct hearing, Friday 6 March 2023 at 10:00, Empress State Building'."""
    if not p.get("hearing_when"):
        return None
    parts = [p.get("hearing_kind") or "hearing", p.get("hearing_when"), p.get("hearing_place")]
    return _one_line(", ".join(str(x) for x in parts if x))


def _unsure(kind: str, p: Mapping[str, Any]) -> str | None:
    """'reads as re-investigation, possibly not a case update — check the quote', or None."""
    if not p.get("uncertain") or kind in ("document_removed", "document_restored"):
        return None
    reading = stage_short_label(p.get("reading") or p.get("to_stage"), p.get("severity"))
    second = p.get("runner_up")
    if second == NOT_A_CASE_UPDATE:
        other = "possibly not a case update"
    elif second:
        other = f"possibly {stage_short_label(second, p.get('severity'))}"
    else:
        other = "possibly something else"
    return f"reads as {reading or 'an update'}, {other} — check the quote"


def _worded_by_severity(stage: str | None) -> bool:
    """Stages whose own words carry the severity (notices served, case to answer)."""
    if not stage:
        return False
    return stage_label(stage, "misconduct") != stage_label(stage, "gross_misconduct")


def _case_page(site: str | None, case_id: object) -> str | None:
    if not site or not isinstance(case_id, int):
        return None
    return escape.safe_url(f"{site.rstrip('/')}/cases/{case_id}")


def _case_subject(kind: str, case: str, p: Mapping[str, Any]) -> str:
    case = _clip(case, _SUBJECT_CASE_MAX)
    if p.get("correction"):
        return f"correction: {_corrected(case, p)}"
    unsure = " (uncertain reading)" if _unsure(kind, p) else ""
    if kind == "announcement":
        return f"New announcement about {case}{unsure}"
    if kind == "hearing_reminder":
        return f"{case}: {p.get('hearing_kind') or 'hearing'} on {p.get('hearing_when')}"
    if _status_only(kind, p):
        return f"{case}: status on the source's page now {_one_line(p['to_status'])}{unsure}"
    short = stage_short_label(p.get("to_stage"), p.get("severity")) or "update"
    officers = p.get("officers")
    if isinstance(officers, int) and officers > 0:
        noun = "officer" if officers == 1 else "officers"
        short += f" to {officers} {noun}" if short.endswith("served") else f" ({officers} {noun})"
    return _kind_subject(kind, case, short) + unsure


def _kind_subject(kind: str, case: str, short: str) -> str:
    if kind == "document_changed":
        return f"{case}: announcement edited, now reads {short}"
    if kind == "document_removed":
        return f"{case}: announcement removed from the source's website"
    if kind == "document_restored":
        return f"{case}: announcement restored on the source's website"
    if kind == "new_case":
        return f"New case, {case}: {short}"
    return f"{case}: {short}"


def _corrected(case: str, p: Mapping[str, Any]) -> str:
    """'Stephen Port is at inquest findings, not re-investigation' (monitor/corrections.py)."""
    was = stage_short_label(p.get("from_stage"), p.get("from_severity")) or "unknown"
    if p.get("to_stage") == NOT_A_CASE_UPDATE:
        return f"{case} is not a case (it was listed as {was})"
    now = stage_short_label(p.get("to_stage"), p.get("severity")) or "unknown"
    if p.get("from_stage") == NOT_A_CASE_UPDATE:  # general news a maintainer made a case of
        return f"{case} is a case, at {now}"
    return f"{case} is at {now}, not {was}"


def _correction(case: str, p: Mapping[str, Any]) -> str:
    why = _one_line(p.get("correction_why"))
    by = _one_line(p.get("corrected_by")) or "a maintainer"
    return f"A correction: {_corrected(case, p)}. Corrected by {by}" + (f": {why}" if why else ".")


def _headline_for(kind: str, case: str, source: str, p: Mapping[str, Any]) -> str:
    if p.get("correction"):
        return _correction(case, p)
    if _status_only(kind, p):
        return _status_headline(case, source)
    return _headline(kind, case, source)


def _status_only(kind: str, p: Mapping[str, Any]) -> bool:
    """The source's own "Status:" field moved while our reading of the stage did not."""
    return kind == "stage_changed" and p.get("from_stage") == p.get("to_stage") and bool(
        p.get("to_status")
    )


def _status_headline(case: str, source: str) -> str:
    return (
        f"The status {source} prints for {case} has changed; the stage read from its "
        "announcements has not."
    )


def _headline(kind: str, case: str, source: str) -> str:
    return {
        "stage_changed": f"{case} has moved to a new stage.",
        "new_case": f"A new case: {case}.",
        "case_update": f"A new announcement on {case}; its stage is unchanged.",
        "announcement": f"New announcement about {case}. It does not move the case's stage.",
        "document_changed": f"An announcement on {case} was edited and now reads differently.",
        "hearing_reminder": f"Reminder: a date in {case} is coming up.",
        "document_removed": (
            f"An announcement on {case} has been removed from the website of {source}. We keep "
            "our copy; the link may no longer work."
        ),
        "document_restored": (
            f"An announcement on {case} that had been removed from the website of {source} is "
            "back; the link works again."
        ),
    }.get(kind, f"An update on {case}.")


def _held_line(held: object) -> str:
    """What the mass-change note says was held: never 'alerts held' when none were."""
    if held == 0:
        return "No alert came of these changes, so nothing is held."
    if held == 1:
        return "The one alert of this check is held, not sent."
    if isinstance(held, int):
        return f"The {held} alerts of this check are held, not sent."
    return "The alerts of this check are held, not sent."


def _health_item(kind: str, p: Mapping[str, Any]) -> dict[str, Any]:
    source = _one_line(p.get("source_name") or p.get("source_id") or "a source")
    count = int(p.get("count") or 0)
    held = p.get("held_alerts")  # None in notes written before it was counted
    prefix = "Alerts held for " if held != 0 else ""
    subjects = {
        "source_failing": f"Source failing: {source}",
        "source_recovered": f"Source working again: {source}",
        "mass_change_held": (
            f"{prefix}{source}: its listing is empty" if p.get("reason") == "emptied"
            else f"{prefix}{source}: {p.get('changed')} known documents changed at once"
        ),
        "dead_letters": f"{count} notification{'s' if count != 1 else ''} could not be delivered",
    }
    return {
        "kind": kind,
        "subject": subjects[kind],
        "source_name": source,
        "source_id": p.get("source_id") or "SOURCE",
        "error_kind": p.get("error_kind"),
        "error_message": _one_line(p.get("error_message")),
        "failures": p.get("failures"),
        "since": _date(p.get("since"), None, with_time=True),
        "changed": p.get("changed"),
        "known": p.get("known"),
        "held_alerts": held,
        "held_line": _held_line(held),
        "reason": p.get("reason"),
        "documents": [
            {"title": _one_line(d.get("title")) or "(no title)", "how": d.get("how"),
             "url": escape.safe_url(d.get("url"))}
            for d in p.get("documents") or [] if isinstance(d, dict)
        ],
        "unlisted": max(0, int(p.get("changed") or 0) - len(p.get("documents") or [])),
        "count": count,
        "max_attempts": p.get("max_attempts"),
        "letters": [
            {k: _one_line(v) if isinstance(v, str) else v for k, v in letter.items()}
            for letter in p.get("items") or []
        ],
        "more": max(0, count - len(p.get("items") or [])),
    }


def _officers(officers: object, severity: str | None) -> str | None:
    words = severity.replace("_", " ") if isinstance(severity, str) and severity else None
    if isinstance(officers, int) and officers > 0:
        text = f"{officers} officer{'s' if officers != 1 else ''}"
        return f"{text} ({words})" if words else text
    return f"not stated ({words})" if words else None


def _date(value: object, note: object, *, with_time: bool = False) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return _one_line(value)
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo("Europe/London"))
    text = f"{when.day} {when:%B %Y}"
    if with_time:
        text += f", {when:%H:%M}"
    if isinstance(note, str) and note:
        text += f" ({note})"
    return text


def _one_line(value: object) -> str | None:
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def _clip(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


# ---- rendering and fitting ------------------------------------------------------------------


@cache
def _environment(flavour: str) -> Environment:
    return Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=flavour == HTML,
        finalize=escape.finalizer(_ESCAPE[flavour]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _fit(
    template: str,
    items: list[dict[str, Any]],
    subject: str,
    target: Target,
    reader: Reader,
    *,
    digest: bool,
    note: str | None = None,
) -> tuple[Message, int]:
    """Render, shortening page text until the body fits; returns the message and items shown."""
    why = " and ".join(reader.why) or "this channel"
    if reader.maintainers:
        stop = "remove this address from [health] urls in the config"
    elif reader.contact:
        stop = f"write to {reader.contact}, who runs this monitor"
    else:
        stop = "ask the people who run this monitor (they set who gets these alerts)"
    context = dict(
        digest=digest, subject=subject, why=why, stop=stop, note=note,
    )

    def renderer(flavour: str, in_body: bool) -> Callable[[list[dict[str, Any]], int], str]:
        env = _environment(flavour)
        page = env.get_template(f"{template}.{_EXTENSION[flavour]}.j2")

        def render(shown: list[dict[str, Any]], more: int) -> str:
            body = page.render(
                items=shown, more=more, subject_in_body=in_body, link=_link_builder(flavour),
                **context,
            )
            return body.strip() + "\n"

        return render

    body, shown = _shrink(renderer(target.flavour, not target.has_title), items, target)
    # Email: the plain-text part is written from its own template, not converted from HTML.
    text = None
    if target.flavour == HTML:
        text = renderer(TEXT, False)(items[:shown], len(items) - shown)
    title = escape.neutral(subject) if target.has_title else ""
    return Message(title=title, body=body, body_format=target.body_format, text=text), shown


def _shrink(
    render: Callable[[list[dict[str, Any]], int], str],
    items: list[dict[str, Any]],
    target: Target,
) -> tuple[str, int]:
    body = render(items, 0)
    over = target.measure(body) - target.max_body
    if over <= 0:
        return body, len(items)
    cap = max((len(i.get(f) or "") for i in items for f in _TRIMMABLE), default=0)
    shown = items
    while over > 0 and cap > 0:
        # Escaping can make the text longer than the characters removed, hence the loop.
        cap = max(0, cap - over - 16)
        shown = [_trimmed(item, cap) for item in items]
        body = render(shown, 0)
        over = target.measure(body) - target.max_body
    keep = len(shown)
    while over > 0 and keep > 1:
        keep -= 1
        body = render(shown[:keep], len(items) - keep)
        over = target.measure(body) - target.max_body
    if over > 0:
        log.warning(
            "a message is still %d characters over the channel limit after trimming; "
            "sending it whole and letting the service decide", over,
        )
    return body, keep


def _trimmed(item: dict[str, Any], cap: int) -> dict[str, Any]:
    copy = dict(item)
    for field in _TRIMMABLE:
        value = copy.get(field)
        if isinstance(value, str) and len(value) > cap:
            copy[field] = _clip(value, cap) if cap > 0 else None
    if copy.get("letters"):
        # A long dead-letter list shrinks with the cap: about one entry per 40 characters.
        copy["letters"] = copy["letters"][: max(1, cap // 40)]
        copy["more"] = item["count"] - len(copy["letters"])
    return copy


def _link_builder(flavour: str) -> Callable[[str | None], str]:
    """A template helper: the URL as a clickable link in the target format, never escaped."""

    def link(url: str | None) -> str:
        if not url:
            return ""
        if flavour in (MARKDOWN, SLACK):
            # A CommonMark autolink; apprise turns it into <url> for Slack.
            return escape.Raw(f"<{url}>")
        return url  # text: printed as is; html: autoescaped into href and text

    return link
