"""A KPI's history as people read it: who entered or changed which value, and when."""

from decimal import Decimal

from dscb.history import HISTORY_SHOWN, newest_entries, recent_records, with_previous

from .models import KPI, KPIValue

# What a value's record says, in the order a change lists it; the rest is bookkeeping.
VALUE_FIELDS = {
    "value": "Value",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "received": "Answer",
    "note": "Note",
}
# The KPI's own fields whose changes a reader of its values needs to know: the target moves the RAG.
KPI_FIELDS = {
    "name": "Name",
    "definition": "Definition",
    "target": "Target",
    "direction": "Direction",
    "amber_tolerance": "Amber tolerance",
}


def _words(kpi, field, value):
    """A recorded field's value as the KPI's pages write it."""
    if value is None or value == "":
        return "(blank)"
    if field == "received":
        if kpi.kind == KPI.Kind.REPORT:
            return "Received" if value else "Not received"
        return "Yes" if value else "No"
    if field in ("value", "target", "amber_tolerance"):
        number = f"{Decimal(value).normalize():f}"
        return f"{number}%" if kpi.kind == KPI.Kind.PERCENTAGE and field != "amber_tolerance" else number
    if field == "direction":
        return KPI.Direction(value).label
    return str(value)


def _entries(kpi, records, fields, title):
    """An entry per record that created, changed or deleted something, with what changed against the record before."""
    entries = []
    for record, previous in with_previous(records):
        changes = []
        for field, label in fields.items():
            old = getattr(previous, field) if previous is not None else None
            new = getattr(record, field)
            if previous is None and record.history_type == "+":
                if new is not None and new != "":
                    changes.append({"field": label, "old": None, "new": _words(kpi, field, new)})
            elif old != new:
                changes.append({"field": label, "old": _words(kpi, field, old), "new": _words(kpi, field, new)})
        if not changes and record.history_type == "~":
            continue
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": {"+": "Entered" if fields is VALUE_FIELDS else "Created", "~": "Changed", "-": "Deleted"}[
                    record.history_type
                ],
                "title": title(record),
                "changes": changes,
            }
        )
    return entries


def kpi_history(kpi, *, periods, limit=HISTORY_SHOWN):
    """The most recent `limit` recorded changes to the KPI's values and to its target and wording, newest first, and
    whether there are earlier ones not shown, as the page's history context (dscb.history.newest_entries). Two
    queries, each reading at most `limit` + 1 records of the KPI and of each value, however many there are.

    `periods` are the plan's periods by id, for naming the period of each value.
    """
    value_records = recent_records(KPIValue.history.filter(kpi_id=kpi.pk).select_related("history_user"), limit)
    kpi_records = recent_records(kpi.history.select_related("history_user"), limit)
    entries = _entries(
        kpi,
        value_records,
        VALUE_FIELDS,
        lambda record: f"Value for {periods[record.period_id]}" if record.period_id in periods else "Value",
    )
    entries += _entries(kpi, kpi_records, KPI_FIELDS, lambda record: f"KPI {kpi.code}")
    return newest_entries(entries, [*value_records, *kpi_records], limit)
