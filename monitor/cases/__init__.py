"""The case model: one matter across every source, its history, its officers, its hearings.

- `tracked`  tracked cases from the config: aliases that always win
- `clues`    what an announcement says that identifies its matter (pure)
- `linking`  which cases a recorded announcement joins, and why (in the recording transaction)
- `history`  a case's timeline from every version of every announcement, in local time
- `officers` who faced what within a case
- `hearings` dates announced for hearings, inquests, court; reminders; iCalendar feeds
"""

from monitor.cases.tracked import CaseLink, CaseMatcher

__all__ = ["CaseLink", "CaseMatcher"]
