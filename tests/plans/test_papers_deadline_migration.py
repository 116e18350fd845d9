"""Periods that existed before the papers deadline get one, counted back from their meeting in working days."""

import datetime

import pytest

from tests.migrations import migrate

D = datetime.date


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_period_with_a_meeting_gets_its_papers_deadline(migrated_back):
    old = migrate([("plans", "0003_reserve_plan_slugs")])
    plan = old.get_model("plans", "BusinessPlan").objects.create(
        slug="2015-16", title="Plan", year_label="2015/16", starts_on=D(2015, 4, 1), ends_on=D(2016, 3, 31)
    )
    Period = old.get_model("plans", "ReportingPeriod")
    for number, deadline, meeting_on in [
        (1, D(2015, 6, 10), D(2015, 6, 17)),  # a Wednesday: papers on the Monday
        (2, D(2015, 8, 25), D(2015, 9, 1)),  # a Tuesday after the August bank holiday: papers on the Thursday
        (3, D(2015, 10, 16), D(2015, 10, 17)),  # a Saturday the day after the deadline: never before the deadline
        (4, D(2015, 12, 10), None),
    ]:
        Period.objects.create(
            plan=plan, number=number, starts_on=D(2015, 4, 1), ends_on=D(2015, 5, 31), deadline=deadline,
            meeting_on=meeting_on,
        )  # fmt: skip

    new = migrate([("plans", "0005_fill_papers_deadline")])
    papers = dict(new.get_model("plans", "ReportingPeriod").objects.values_list("number", "papers_deadline"))
    assert papers == {1: D(2015, 6, 15), 2: D(2015, 8, 27), 3: D(2015, 10, 16), 4: None}
