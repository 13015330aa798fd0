"""`iopc_investigations`: the IOPC's per-investigation pages (status, force, dates, reference).

Same Drupal site and rules as `iopc` (node id as identity, aliases, pager); only the listing
(/investigations) and the item paths (/investigations/<slug>) differ. The page's IOPC reference
is the case key, and `iopc` gives a news release that prints the same reference the same key,
so summary and news join one case. Status and dates are copied to plain keys: `status`,
`incident_date`, `investigation_started`, `investigation_completed` (ISO dates).
"""

from __future__ import annotations

import dataclasses
import re
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from monitor.errors import ParseError
from monitor.models import Document, DocumentRef, Page
from sources import html
from sources.dates import read_date
from sources.iopc import IopcSource

DATES = {
    "incident_date": ("Date of incident", "Incident date"),
    "investigation_started": ("Investigation started", "Investigation start date", "Started"),
    "investigation_completed": ("Investigation completed", "Investigation concluded",
                                "Completed"),
}  # fmt: skip


class IopcInvestigationsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    listings: list[str] = ["/investigations"]
    max_pages: int = Field(1, ge=1)  # Drupal ?page=N pages per cycle (raise to backfill)


class IopcInvestigationsSource(IopcSource):
    id = "iopc_investigations"
    name = "IOPC investigation pages"
    Options = IopcInvestigationsOptions
    article = re.compile(r"^/investigations/[^/]+/?$")

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        doc = super().parse(ref, page)
        if not doc.case_key:  # every investigation page prints its reference
            raise ParseError("investigation page has no IOPC reference; the layout may have "
                             "changed", url=ref.url)  # fmt: skip
        found = dict(doc.fields)
        if status := html.field(found, "Status") or html.field(found, "Investigation status"):
            found["status"] = status
        for key, labels in DATES.items():
            printed = next((v for label in labels if (v := html.field(found, label))), None)
            if printed and (when := read_date(printed, self.timezone).value):
                # the local calendar day: read_date gives UTC, local midnight in BST is 23:00
                found[key] = when.astimezone(ZoneInfo(self.timezone)).date().isoformat()
        return dataclasses.replace(doc, fields=found)
