"""The migrations that turn numbers into references keep every reference as it showed, and its order."""

import datetime

import pytest

from tests.migrations import migrate

# The plans table as these migrations knew it, before the working-day deadlines (plans 0004).
PLANS = ("plans", "0003_reserve_plan_slugs")
BEFORE = [("priorities", "0003_add_action_carry_over_and_archive"), ("kpis", "0002_add_kpi_archived"), PLANS]
AFTER = [("priorities", "0006_remove_number"), ("kpis", "0005_remove_kpi_number"), PLANS]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_become_the_references_they_showed_and_the_positions(migrated_back):
    old = migrate(BEFORE)
    plan = old.get_model("plans", "BusinessPlan").objects.create(
        slug="2015-16", title="Plan", year_label="2015/16", starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2016, 3, 31),
    )  # fmt: skip
    lead = old.get_model("subgroups", "Subgroup").objects.create(name="QA sub", slug="qa")
    priority = old.get_model("priorities", "StrategicPriority").objects.create(plan=plan, number=2, title="P")
    objective = old.get_model("priorities", "Objective").objects.create(priority=priority, number=3, title="O")
    Action = old.get_model("priorities", "Action")
    Action.objects.create(objective=objective, number=5, text="Fifth", lead=lead)
    Action.objects.create(objective=objective, number=4, text="Fourth", lead=lead)
    old.get_model("kpis", "KPI").objects.create(objective=objective, number=1, name="K", kind="count", owner=lead)
    old.get_model("priorities", "HistoricalObjective").objects.create(
        id=objective.pk, priority_id=priority.pk, number=3, title="O", history_date=datetime.datetime.now(datetime.UTC)
    )

    new = migrate(AFTER)
    assert new.get_model("priorities", "StrategicPriority").objects.values_list("ref", "position").get() == ("2", 2)
    assert new.get_model("priorities", "Objective").objects.values_list("ref", "position").get() == ("2.3", 3)
    actions = new.get_model("priorities", "Action").objects.order_by("position")
    assert list(actions.values_list("ref", "position", "text")) == [("2.3.4", 4, "Fourth"), ("2.3.5", 5, "Fifth")]
    assert new.get_model("kpis", "KPI").objects.values_list("ref", "position").get() == ("2.3.K1", 1)
    assert new.get_model("priorities", "HistoricalObjective").objects.values_list("ref", "position").get() == (
        "2.3",
        3,
    )
