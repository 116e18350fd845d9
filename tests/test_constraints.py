"""Rules the database itself enforces, whatever code writes to it."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from kpis.models import KPI
from plans.models import BusinessPlan
from priorities.models import Status
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    StrategicPriorityFactory,
)

pytestmark = pytest.mark.django_db


def refused(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_factories_make_valid_objects_with_a_chaired_lead():
    action = ActionFactory()
    assert action.lead.memberships.filter(role="chair").count() == 1
    update = ProgressUpdateFactory()
    assert update.period.plan == update.action.objective.priority.plan
    assert KPIValueFactory().kpi.owner.memberships.exists()


def test_references_are_unique_within_their_parent():
    plan = BusinessPlanFactory()
    priority = StrategicPriorityFactory(plan=plan, ref="1a")
    refused(StrategicPriorityFactory, plan=plan, ref="1a")
    refused(StrategicPriorityFactory, plan=plan, ref="")
    objective = ObjectiveFactory(priority=priority, ref="1a.1")
    refused(ObjectiveFactory, priority=priority, ref="1a.1")
    ObjectiveFactory(priority=StrategicPriorityFactory(plan=plan, ref="1b"), ref="1")  # "1" beside "1a.1" is fine
    ActionFactory(objective=objective, ref="A1")
    refused(ActionFactory, objective=objective, ref="A1")
    KPIFactory(objective=objective, ref="K1")
    refused(KPIFactory, objective=objective, ref="K1")
    refused(ReportingPeriodFactory, plan=plan, number=1)  # the plan has its periods 1 to 6 already


def test_one_update_per_action_per_period():
    update = ProgressUpdateFactory()
    refused(ProgressUpdateFactory, action=update.action, period=update.period)


@pytest.mark.parametrize("status", [Status.AMBER, Status.RED])
def test_amber_and_red_need_a_reason(status):
    refused(ProgressUpdateFactory, status=status, reason="")
    assert ProgressUpdateFactory(status=status, reason="Staff shortage").reason


def test_no_update_is_never_stored():
    refused(ProgressUpdateFactory, status=Status.NO_UPDATE)
    refused(ProgressUpdateFactory, status="blue")


def test_one_active_plan_at_a_time():
    BusinessPlanFactory(status=BusinessPlan.Status.ACTIVE)
    refused(BusinessPlanFactory, status=BusinessPlan.Status.ACTIVE)
    BusinessPlanFactory(status=BusinessPlan.Status.DRAFT)


def test_plan_and_period_dates_make_sense():
    refused(BusinessPlanFactory, starts_on=datetime.date(2016, 4, 1), ends_on=datetime.date(2015, 4, 1))
    refused(ReportingPeriodFactory, starts_on=datetime.date(2015, 6, 1), ends_on=datetime.date(2015, 5, 1))


@pytest.mark.parametrize(
    "fields",
    [
        {"numerator": 5, "denominator": 4},
        {"numerator": 1, "denominator": 0},
        {"value": -1, "numerator": None, "denominator": None},
    ],
)
def test_kpi_values_stay_sensible(fields):
    refused(KPIValueFactory, **fields)


def test_percentage_targets_are_within_0_and_100():
    refused(KPIFactory, kind=KPI.Kind.PERCENTAGE, target=101)
    assert KPIFactory(kind=KPI.Kind.COUNT, target=250).target == 250


def test_history_keeps_every_version_with_its_author():
    update = ProgressUpdateFactory(status=Status.GREEN)
    update.status = Status.AMBER
    update.reason = "Delayed by staff changes"
    update._history_user = update.author
    update.save()
    statuses = list(update.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["green", "amber"]
    assert update.history.latest().history_user == update.author


def test_deleting_an_action_with_progress_is_refused():
    update = ProgressUpdateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        update.action.delete()
