"""The update services on their own: conflicts are refused at the database, not only in the view."""

import pytest

from plans.services import PeriodClosed
from plans.versioning import UpdateConflict
from priorities.models import ProgressUpdate
from priorities.services import update_return, update_save

pytestmark = pytest.mark.django_db

DATA = {"status": "green", "progress": "On track", "impact": "", "next_steps": "", "reason": "", "evidence_links": ""}


def save(action, period, user, version, **changes):
    return update_save(
        action=action, period=period, user=user, data={**DATA, **changes}, expected_version=version, submit=True
    )


def test_a_stale_version_is_refused_and_nothing_is_written(action, period, chair, member):
    first = save(action, period, chair, 0)
    save(action, period, member, 1, progress="Second")
    with pytest.raises(UpdateConflict) as refused:
        save(action, period, chair, 1, progress="Stale")
    assert refused.value.current.progress == "Second"
    assert ProgressUpdate.objects.get(pk=first.pk).version == 2
    assert ProgressUpdate.history.filter(id=first.pk).count() == 2


def test_two_first_saves_make_one_update(action, period, chair, member):
    save(action, period, chair, 0)
    with pytest.raises(UpdateConflict):
        save(action, period, member, 0, progress="Also first")
    assert ProgressUpdate.objects.count() == 1


def test_a_closed_period_refuses_chairs_but_not_the_manager(action, period, chair, manager):
    period.state = "locked"
    period.save()
    with pytest.raises(PeriodClosed):
        save(action, period, chair, 0)
    assert save(action, period, manager, 0).author == manager


def test_returning_records_who_and_why(action, period, chair, manager):
    update = save(action, period, chair, 0)
    returned = update_return(update=update, user=manager, reason="Impact missing")
    assert (returned.state, returned.returned_by, returned.returned_reason) == ("returned", manager, "Impact missing")
    assert returned.history.latest().history_user == manager
    with pytest.raises(ValueError):
        update_return(update=returned, user=manager, reason="Again")


def test_a_draft_of_a_returned_update_stays_returned(action, period, chair, manager):
    update = save(action, period, chair, 0)
    update_return(update=update, user=manager, reason="Impact missing")
    draft = update_save(
        action=action, period=period, user=chair, data=DATA, expected_version=update.version + 1, submit=False
    )
    assert draft.state == "returned"
    assert ProgressUpdate.objects.get().returned_reason == "Impact missing"
