"""Every write is attributed: the row saved with who changed it (and why, when a reason is given) in its history."""

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

# simple_history keeps a change reason of at most 100 characters.
REASON_LENGTH = 100
# The most changes a page's history shows, the most recent; the admin keeps every one. Each save is a change:
# unbounded, a thousand saves of one update made its action's page take 200 ms and weigh 737 KB for every reader.
HISTORY_SHOWN = 50


def recent_records(records, limit=HISTORY_SHOWN):
    """The newest `limit` + 1 of `records` (a simple_history queryset) for each object, oldest first: the one more is
    what the oldest shown is compared with. Each has `recent` (1 for its object's newest) and `kept` (how many its
    object has in all), so that with_previous() and newest_entries() tell which objects had older ones left unread."""
    newest_first = [F("history_date").desc(), F("history_id").desc()]
    return list(
        records.annotate(
            recent=Window(RowNumber(), partition_by=[F("id")], order_by=newest_first),
            kept=Window(Count("history_id"), partition_by=[F("id")]),
        )
        .filter(recent__lte=limit + 1)
        .order_by("history_date", "history_id")
    )


def _older_unread(record):
    """For the oldest record read of its object by recent_records: whether the object has older ones, left unread."""
    return record.kept > record.recent


def with_previous(records):
    """(record, the record before it of the same object, or None) for recent_records' records, oldest first. The
    oldest record read of an object that has older ones, left unread, is given only as the next one's previous: it
    cannot be compared with anything, and is not its object's first."""
    previous_by_object = {}
    for record in records:
        previous = previous_by_object.get(record.id)
        previous_by_object[record.id] = record
        if previous is None and _older_unread(record):
            continue
        yield record, previous


def newest_entries(entries, records, limit=HISTORY_SHOWN):
    """The context a page's history is drawn with (includes/history_shown.html, includes/history_list.html): the
    `limit` newest of its entries, whether there are earlier changes not shown, and `limit`; from the entries made of
    recent_records' records."""
    oldest_read = {}
    for record in records:
        oldest_read.setdefault((type(record), record.id), record)
    entries = sorted(entries, key=lambda entry: entry["when"], reverse=True)
    earlier = len(entries) > limit or any(_older_unread(record) for record in oldest_read.values())
    return {"history": entries[:limit], "earlier_history": earlier, "history_shown": limit}


def attributed_save(row, user, reason=None):
    """Save `row` with its history row naming `user` (and `reason`, cut to what history keeps); return the row."""
    row._history_user = user
    if reason:
        row._change_reason = reason[:REASON_LENGTH]
    row.save()
    return row


def links_set(row, links):
    """Set `row`'s many-to-many links, {field name: rows}, without the history record simple_history makes for each
    change of links: the row's next record (attributed_save) holds them all, or for a row just added, its first
    (links_recorded)."""
    row.skip_history_when_saving = True
    try:
        for name, rows in links.items():
            getattr(row, name).set(rows)
    finally:
        del row.skip_history_when_saving


def links_recorded(row):
    """Put `row`'s many-to-many links, as they are now, into its newest history record.

    simple_history copies a row's links when it makes the record, which for a row just added is before its links
    can be set; a service that adds a row with links calls this once they are set, so that the "added" record holds
    them."""
    record = row.history.order_by("-history_id").first()
    for field in record._history_m2m_fields:
        kept = getattr(type(record), field.name).model
        through = field.remote_field.through
        columns = [column.attname for column in through._meta.fields]
        links = through.objects.filter(**{field.m2m_field_name(): row}).values(*columns)
        kept.objects.bulk_create(kept(history=record, **link) for link in links)
