"""A save that races the manager locking its period: it lands before the lock, or it is refused. Never after."""

import threading

import pytest
from django.db import connection, transaction

from plans.services import PeriodClosed, period_lock
from priorities.models import ProgressUpdate
from priorities.services import update_save
from tests.factories import ActionFactory, ReportingPeriodFactory, make_manager

from .conftest import require_postgresql

DATA = {"status": "green", "progress": "Saved while the period was being locked"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_that_starts_while_the_period_is_being_locked_is_refused():
    require_postgresql()
    action = ActionFactory(objective__priority__plan__status="active")
    period = ReportingPeriodFactory(plan=action.objective.priority.plan, number=1, state="open")
    chair = action.lead.memberships.get(role="chair").user
    manager = make_manager(username="locking-manager")
    locked, release = threading.Event(), threading.Event()
    outcome = {}

    def manager_locks():
        try:
            with transaction.atomic():
                period_lock(period=period, user=manager)
                locked.set()
                release.wait(10)  # the lock is made but not yet committed while the chair saves
        finally:
            connection.close()

    def chair_saves():
        try:
            update_save(action=action, period=period, user=chair, data=DATA, expected_version=0, submit=True)
            outcome["saved"] = True
        except PeriodClosed as refused:
            outcome["refused"] = str(refused)
        finally:
            connection.close()

    manager_thread = threading.Thread(target=manager_locks)
    manager_thread.start()
    assert locked.wait(10)
    chair_thread = threading.Thread(target=chair_saves)
    chair_thread.start()
    chair_thread.join(1)
    assert chair_thread.is_alive(), "the save waits for the period's lock to be decided"
    release.set()
    manager_thread.join(10)
    chair_thread.join(10)

    assert "refused" in outcome and "locked" in outcome["refused"]
    assert not ProgressUpdate.objects.filter(action=action).exists()
    period.refresh_from_db()
    assert period.state == "locked"
