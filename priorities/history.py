"""An action's history as people read it: who changed what, and when."""

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from subgroups.models import Subgroup

from .models import ProgressUpdate, Status

# The most changes an action's page shows, the most recent; the admin keeps every one. Each save of an update is a
# change: unbounded, a thousand saves of one update made the page take 200 ms and weigh 700 KB for everyone who
# opened it.
HISTORY_SHOWN = 50

# Bookkeeping fields, and the joint and supporting leads (their changes are kept by the admin's history).
_SKIP = {"id", "version", "created_at", "updated_at", "is_demo", "author", "co_leads", "supporting"}


def _describe(field, value, names):
    if value is None or value == "":
        return "(blank)"
    if field == "status":
        return Status(value).label
    if field == "lead":
        return names.get(value, value)
    return str(value)


def _recent(records, limit):
    """The newest `limit` + 1 records of each object, oldest first (the one more is what the oldest shown is compared
    with), each with `kept`: how many records its object has in all."""
    newest_first = [F("history_date").desc(), F("history_id").desc()]
    return (
        records.annotate(
            recent=Window(RowNumber(), partition_by=[F("id")], order_by=newest_first),
            kept=Window(Count("history_id"), partition_by=[F("id")]),
        )
        .filter(recent__lte=limit + 1)
        .order_by("history_date", "history_id")
    )


def _entries(records, title, fields, names, limit):
    entries = []
    previous_by_object = {}
    for record in records:
        changes = []
        previous = previous_by_object.get(record.id)
        previous_by_object[record.id] = record
        if previous is None and record.kept > limit + 1:
            continue  # its object's earlier records were not read: only what it is compared with
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=_SKIP)
            for change in delta.changes:
                if change.field in _SKIP:
                    continue
                label = fields.get(change.field, change.field.replace("_", " "))
                changes.append(
                    {
                        "field": label,
                        "old": _describe(change.field, change.old, names),
                        "new": _describe(change.field, change.new, names),
                    }
                )
            if not changes and record.history_type == "~":
                continue
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
                "title": title(record),
                "changes": changes,
            }
        )
    return entries


def action_history(action, *, drafts, limit=HISTORY_SHOWN):
    """The most recent `limit` recorded changes to the action and to its progress updates, newest first, and whether
    there are earlier ones not shown: (entries, earlier).

    Without `drafts` (for everyone but the lead subgroups and the board manager), an update's history starts
    when it was first submitted: the versions saved as drafts are left out, and each change shown is against
    the version before it that the reader may see. At most `limit` + 1 records of the action and of each update are
    read, however many there are.
    """
    action_fields = {f.name: f.verbose_name.capitalize() for f in action._meta.fields}
    update_fields = {f.name: f.verbose_name.capitalize() for f in ProgressUpdate._meta.fields}
    action_records = action.history.select_related("history_user")
    update_records = ProgressUpdate.history.filter(action_id=action.pk).select_related("history_user", "period")
    if not drafts:
        update_records = update_records.exclude(state=ProgressUpdate.State.DRAFT)
    names = {subgroup.pk: subgroup.name for subgroup in Subgroup.objects.only("name")}
    action_records, update_records = list(_recent(action_records, limit)), list(_recent(update_records, limit))
    entries = _entries(action_records, lambda record: f"Action {action.code}", action_fields, names, limit)
    entries += _entries(
        update_records, lambda record: f"Progress update for {record.period}", update_fields, names, limit
    )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    cut = any(record.kept > limit + 1 for record in (*action_records, *update_records))
    return entries[:limit], cut or len(entries) > limit
