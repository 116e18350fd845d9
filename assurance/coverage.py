"""How well each inspection requirement is evidenced as at a date: the rules in one place.

- Only accepted evidence counts; evidence dated after the as-at date does not count (it did not exist then).
- Evidence older than ASSURANCE_STALE_MONTHS months at the as-at date is stale.
- A requirement is a gap when it has no accepted evidence, or only stale accepted evidence.
- A requirement that continues requirements of earlier frameworks (Requirement.carries_from) counts their evidence
  as its own, and theirs in turn.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings


def months_before(day, months):
    """The same day `months` months earlier (the month's last day where that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_before(as_at, months=None):
    """Evidence dated before this day is stale as at `as_at`."""
    return months_before(as_at, settings.ASSURANCE_STALE_MONTHS if months is None else months)


def is_stale(day, as_at, months=None):
    return day < stale_before(as_at, months)


@dataclass(frozen=True)
class Coverage:
    """One requirement's accepted evidence as at a date."""

    count: int  # accepted, dated on or before the as-at date, its own and carried across
    fresh: int
    newest: datetime.date | None

    @property
    def stale(self):
        return self.count - self.fresh

    @property
    def is_gap(self):
        return self.fresh == 0


def carried_sources(requirement_ids, carries):
    """For each requirement, itself and every requirement whose evidence it counts, following `carries` (a dict of
    requirement id -> ids it carries from) through every framework, without looping."""
    found = {}
    for requirement_id in requirement_ids:
        seen = {requirement_id}
        todo = [requirement_id]
        while todo:
            for earlier in carries.get(todo.pop(), ()):
                if earlier not in seen:
                    seen.add(earlier)
                    todo.append(earlier)
        found[requirement_id] = seen
    return found


def coverage(requirement_ids, evidence, carries, as_at, months=None):
    """{requirement id: Coverage} from `evidence`, rows of (requirement id, status, date), and `carries`."""
    cutoff = stale_before(as_at, months)
    counted = {}
    for requirement_id, status, day in evidence:
        if status == "accepted" and day <= as_at:
            counted.setdefault(requirement_id, []).append(day)
    result = {}
    for requirement_id, sources in carried_sources(requirement_ids, carries).items():
        days = [day for source in sources for day in counted.get(source, ())]
        result[requirement_id] = Coverage(
            count=len(days), fresh=sum(1 for day in days if day >= cutoff), newest=max(days, default=None)
        )
    return result
