"""Personas and shared fixtures. The demo plan is loaded through the real importer where a test needs it."""

import pytest
from django.test import override_settings

from planfile.demo import demo_load
from tests.factories import (
    ActionFactory,
    KPIFactory,
    MembershipFactory,
    ReportingPeriodFactory,
    SubgroupFactory,
    UserFactory,
    make_manager,
    make_viewer,
)
from tests.migrations import migrate_to_latest
from tests.tasks.jobs import DATABASE


@pytest.fixture
def action(db):
    """An action in the active plan, led by a subgroup with a chair and a member."""
    return ActionFactory(objective__priority__plan__status="active")


@pytest.fixture
def chair(action):
    return action.lead.memberships.get(role="chair").user


@pytest.fixture
def member(action):
    return MembershipFactory(subgroup=action.lead, user=UserFactory(username="member")).user


@pytest.fixture
def supporter(action):
    """A member of a subgroup that supports the action (and leads nothing)."""
    subgroup = SubgroupFactory()
    action.supporting.add(subgroup)
    return MembershipFactory(subgroup=subgroup, user=UserFactory(username="supporter")).user


@pytest.fixture
def period(action):
    """Period 1 of the action's plan, open for updates."""
    return ReportingPeriodFactory(plan=action.objective.priority.plan, number=1, state="open")


@pytest.fixture
def kpi(action):
    """A percentage KPI on the action's objective, owned by the action's lead subgroup, target 80%."""
    return KPIFactory(objective=action.objective, owner=action.lead, target=80, amber_tolerance=5)


@pytest.fixture
def other_chair(db):
    return SubgroupFactory(chair=UserFactory(username="other-chair")).memberships.get().user


@pytest.fixture
def manager(db):
    return make_manager(username="manager")


@pytest.fixture
def viewer(db):
    return make_viewer(username="viewer")


@pytest.fixture
def anon():
    return None


PERSONAS = ["chair", "member", "supporter", "other_chair", "manager", "viewer", "anon"]


@pytest.fixture
def persona(request):
    """Resolve a persona name (from a parametrised table) to its user, or None for anonymous."""

    def resolve(name):
        return request.getfixturevalue(name)

    return resolve


@pytest.fixture
def demo(db):
    """The DSCB 2015/16 demo plan with its accounts and illustrative progress."""
    plan, users = demo_load(password="demo-password-for-tests")
    return plan, users


@pytest.fixture
def database_queue():
    """Tasks enqueued in the database, as in production, and run by tests.tasks.jobs.run_worker_batch."""
    with override_settings(TASKS=DATABASE):
        yield


@pytest.fixture
def migrated_back():
    """For a test that migrates the database back: the latest migrations again after it, for the tests after."""
    yield
    migrate_to_latest()


def pytest_collection_modifyitems(items):
    """Every test that commits (transaction=True) restores the serialized database after it.

    Such a test empties the database when it ends; one that does so without serialized rollback brings the
    content types back with new ids, and the next test that restores the serialized copy fails on them.
    """
    wrong = [
        item.nodeid
        for item in items
        for marker in item.iter_markers("django_db")
        if marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback")
    ]
    if wrong:
        raise pytest.UsageError(
            "Use @pytest.mark.django_db(transaction=True, serialized_rollback=True): " + ", ".join(wrong)
        )
