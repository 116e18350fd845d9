import pytest

from tests.factories import RiskFactory, UserFactory


@pytest.fixture
def body(action):
    """The risk's lead body: the action's lead subgroup, whose chair is the `chair` persona."""
    return action.lead


@pytest.fixture
def risk(body):
    return RiskFactory(reference="R3", lead_body=body)


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)
