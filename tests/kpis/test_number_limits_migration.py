"""The migration that bounds KPI numbers clears the ones no page could read back, and keeps the rest."""

import datetime

import pytest
from django.db import connection

from tests.migrations import migrate

BEFORE = [("kpis", "0005_remove_kpi_number")]
AFTER = [("kpis", "0006_check_numbers_fit_their_columns")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_infinite_or_huge_target_is_cleared_and_a_real_one_kept(migrated_back):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite ever stored such numbers; PostgreSQL refused them with numeric overflow")
    old = migrate(BEFORE)
    plan = old.get_model("plans", "BusinessPlan").objects.create(
        slug="2015-16", title="Plan", year_label="2015/16", starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2016, 3, 31),
    )  # fmt: skip
    lead = old.get_model("subgroups", "Subgroup").objects.create(name="QA sub", slug="qa")
    priority = old.get_model("priorities", "StrategicPriority").objects.create(
        plan=plan, ref="1", position=1, title="P"
    )
    objective = old.get_model("priorities", "Objective").objects.create(priority=priority, ref="1.1", position=1)
    KPI = old.get_model("kpis", "KPI")
    for ref, target in [("1.1.K1", "12.5"), ("1.1.K2", "1"), ("1.1.K3", "1")]:
        KPI.objects.create(objective=objective, ref=ref, position=1, name=ref, kind="count", owner=lead, target=target)
    with connection.cursor() as cursor:  # as the importer once stored them on SQLite
        cursor.execute("UPDATE kpis_kpi SET target = 9e999 WHERE ref = '1.1.K2'")
        cursor.execute("UPDATE kpis_kpi SET target = 1.23456789012346e+29 WHERE ref = '1.1.K3'")

    new = migrate(AFTER)
    targets = dict(new.get_model("kpis", "KPI").objects.values_list("ref", "target"))
    assert targets == {"1.1.K1": pytest.approx(12.5), "1.1.K2": None, "1.1.K3": None}
