"""Optimistic locking for rows written per reporting period (progress updates, KPI values).

Two people may open the same form; a compare-and-set on the row's `version` makes sure the second save
never silently overwrites the first.
"""

from django.db import IntegrityError, transaction


class UpdateConflict(Exception):
    """Someone else saved this update after the form was opened."""

    def __init__(self, current):
        super().__init__("The update was saved by someone else since you opened it.")
        self.current = current


def versioned_row(model, lookup, expected_version):
    """The row to write at its next version; UpdateConflict if anyone saved it since `expected_version`.

    A compare-and-set on the version: of two saves from the same version, only one moves it on.
    """
    # Only this row is locked: the model's default order joins the period, whose row saves hold FOR SHARE
    # (plans.services.period_for_writing); locking it FOR UPDATE as well would make two saves deadlock.
    row = model.objects.select_for_update(of=("self",)).filter(**lookup).order_by("pk").first()
    if row is None:
        if expected_version != 0:
            raise UpdateConflict(None)
        return model(**lookup, version=1)
    moved = model.objects.filter(pk=row.pk, version=expected_version).update(version=expected_version + 1)
    if not moved:
        row.refresh_from_db()
        raise UpdateConflict(row)
    row.version = expected_version + 1
    return row


def save_versioned(row, lookup, user):
    """Save a row from versioned_row, attributed to `user`; two first saves at once make one row and a conflict."""
    row._history_user = user
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise UpdateConflict(type(row).objects.filter(**lookup).first()) from None
    return row


# The messages of a form's hidden version when it is missing or not a number: the page was not sent as it was shown
# (an altered or cut-off copy). Shown at the top of the form, as the field itself cannot be seen.
STALE_PAGE = dict.fromkeys(
    ("required", "invalid", "min_value"),
    "This page could not be saved as it was sent: open it again and make the change",
)
