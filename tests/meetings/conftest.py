import datetime

import pytest

from tests.factories import MeetingFactory, SeatFactory, UserFactory


@pytest.fixture
def body(action):
    """The body whose chair is the `chair` persona and whose member is `member`: the action's lead subgroup."""
    return action.lead


@pytest.fixture
def meeting(body):
    return MeetingFactory(body=body, date=datetime.date(2015, 5, 14))


@pytest.fixture
def seats(body):
    return [SeatFactory(body=body, person_name=f"Member {n}") for n in range(3)]


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)
