"""Every write is attributed: the row saved with who changed it (and why, when a reason is given) in its history."""

# simple_history keeps a change reason of at most 100 characters.
REASON_LENGTH = 100


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
