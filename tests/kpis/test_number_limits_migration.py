"""The migration that bounds KPI numbers clears the ones no page could read back, and keeps the rest."""

import pytest
from django.db import connection

from tests.migrations import migrate, plan_with_objective

# The plans table as these migrations knew it, before the working-day deadlines (plans 0004).
PLANS = ("plans", "0003_reserve_plan_slugs")
BEFORE = [("kpis", "0005_remove_kpi_number"), PLANS]
AFTER = [("kpis", "0006_check_numbers_fit_their_columns"), PLANS]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_infinite_or_huge_target_is_cleared_and_a_real_one_kept(migrated_back):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite ever stored such numbers; PostgreSQL refused them with numeric overflow")
    old = migrate(BEFORE)
    _, lead, objective = plan_with_objective(old)
    KPI = old.get_model("kpis", "KPI")
    for ref, target in [("1.1.K1", "12.5"), ("1.1.K2", "1"), ("1.1.K3", "1")]:
        KPI.objects.create(objective=objective, ref=ref, position=1, name=ref, kind="count", owner=lead, target=target)
    with connection.cursor() as cursor:  # as the importer once stored them on SQLite
        cursor.execute("UPDATE kpis_kpi SET target = 9e999 WHERE ref = '1.1.K2'")
        cursor.execute("UPDATE kpis_kpi SET target = 1.23456789012346e+29 WHERE ref = '1.1.K3'")

    new = migrate(AFTER)
    targets = dict(new.get_model("kpis", "KPI").objects.values_list("ref", "target"))
    assert targets == {"1.1.K1": pytest.approx(12.5), "1.1.K2": None, "1.1.K3": None}
