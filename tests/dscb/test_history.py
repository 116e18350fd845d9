"""dscb.history: a write saved with who made it, and why, in its history."""

import pytest

from dscb.history import REASON_LENGTH, attributed_save
from tests.factories import SubgroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_history_row_names_who_saved_and_why_cut_to_what_history_keeps():
    subgroup, user = SubgroupFactory(name="Before"), UserFactory()
    subgroup.name = "After"
    assert attributed_save(subgroup, user, "x" * (REASON_LENGTH + 50)) is subgroup
    latest = subgroup.history.latest()
    assert (latest.name, latest.history_user, latest.history_change_reason) == ("After", user, "x" * REASON_LENGTH)


def test_without_a_reason_none_is_recorded():
    subgroup, user = SubgroupFactory(), UserFactory()
    attributed_save(subgroup, user)
    latest = subgroup.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (user, None)
