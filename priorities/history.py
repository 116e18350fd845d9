"""An action's history as people read it: who changed what, and when."""

from dscb.history import HISTORY_SHOWN, newest_entries, recent_records, with_previous
from subgroups.models import Subgroup

from .models import ProgressUpdate, Status

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


def _entries(records, title, fields, names):
    entries = []
    for record, previous in with_previous(records):
        changes = []
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
    there are earlier ones not shown, as the page's history context (dscb.history.newest_entries).

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
    action_records, update_records = recent_records(action_records, limit), recent_records(update_records, limit)
    entries = _entries(action_records, lambda record: f"Action {action.code}", action_fields, names)
    entries += _entries(update_records, lambda record: f"Progress update for {record.period}", update_fields, names)
    return newest_entries(entries, [*action_records, *update_records], limit)
