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
