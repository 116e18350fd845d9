"""Personas and shared fixtures. The demo plan is loaded through the real importer where a test needs it."""

import pytest

from plans.demo import demo_load
from tests.factories import ActionFactory, MembershipFactory, SubgroupFactory, UserFactory, make_manager, make_viewer


@pytest.fixture
def action(db):
    """An action in the active plan, led by a subgroup with a chair and a member."""
    created = ActionFactory(objective__priority__plan__status="active")
    return created


@pytest.fixture
def chair(action):
    return action.lead.memberships.get(role="chair").user


@pytest.fixture
def member(action):
    return MembershipFactory(subgroup=action.lead, user=UserFactory(username="member")).user


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


PERSONAS = ["chair", "member", "other_chair", "manager", "viewer", "anon"]


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
