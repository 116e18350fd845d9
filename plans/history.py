"""A reporting period's history as the manager reads it: who moved which date or changed its state, and when."""

from django.utils.dateformat import format as format_date

from .models import ReportingPeriod

# The fields people change on the periods page, in their words.
_FIELDS = {
    "deadline": "Updates due by",
    "papers_deadline": "Papers due by",
    "meeting_on": "Safeguarding Executive meeting",
    "state": "State",
}


def _describe(field, value):
    if value is None or value == "":
        return "Not set"
    if field == "state":
        return ReportingPeriod.State(value).label
    return format_date(value, "j F Y")


def period_history(period):
    """Every recorded change to the period's dates and state, newest first, with who made it."""
    records = list(period.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    for previous, record in zip([None, *records], records, strict=False):
        if previous is None:
            changes = []
        else:
            delta = record.diff_against(previous, included_fields=list(_FIELDS))
            changes = [
                {"field": _FIELDS[c.field], "old": _describe(c.field, c.old), "new": _describe(c.field, c.new)}
                for c in delta.changes
            ]
            if not changes:
                continue
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": "Created" if record.history_type == "+" else "Changed",
                "changes": changes,
            }
        )
    return entries[::-1]
