"""Fields a form does not offer cannot be set by posting them anyway."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, KPIValue
from plans.models import ReportingPeriod
from priorities.models import Action, ProgressUpdate

from .snapshot import changed_tables, database_snapshot

pytestmark = pytest.mark.django_db

LONG_AGO = "2001-01-01T00:00:00Z"


def extras(site, other_action, **more):
    """Everything a curious person might add to the form's own fields."""
    manager = site.users["manager"]
    return {
        "id": "99999",
        "pk": "99999",
        "action": other_action.pk,
        "action_id": other_action.pk,
        "period": "1",
        "period_id": "1",
        "author": manager.pk,
        "author_id": manager.pk,
        "state": "returned",
        "returned_reason": "planted",
        "returned_by": manager.pk,
        "returned_at": LONG_AGO,
        "submitted_at": LONG_AGO,
        "created_at": LONG_AGO,
        "updated_at": LONG_AGO,
        "is_demo": "on",
        **more,
    }


def only_these_tables_changed(before, *labels):
    changed = set(changed_tables(before, database_snapshot()))
    assert changed <= set(labels), f"unexpected changes in {sorted(changed - set(labels))}"


def test_the_update_form_sets_only_its_own_fields(client, site):
    chair, action, period = site.users["chair"], site.action, site.open_period
    other_action = Action.objects.in_plan(site.plan).exclude(pk=action.pk).first()
    client.force_login(chair)
    before = database_snapshot()
    form = {"status": "green", "progress": "Done this period", "version": "0", "next_steps": "", "impact": ""}
    response = client.post(
        reverse("priorities:update-edit", args=[action.pk, period.number]),
        {**form, "reason": "", "evidence_links": "", **extras(site, other_action)},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action, period=period)
    assert update.author == chair and update.state == ProgressUpdate.State.SUBMITTED
    assert update.version == 1 and not update.is_demo
    assert update.returned_reason == "" and update.returned_by is None and update.returned_at is None
    assert timezone.now() - update.submitted_at < datetime.timedelta(minutes=1)
    assert timezone.now() - update.created_at < datetime.timedelta(minutes=1)
    assert not ProgressUpdate.objects.filter(pk=99999).exists()
    assert ProgressUpdate.objects.filter(action=other_action, period=period).count() == 0
    only_these_tables_changed(before, "priorities.ProgressUpdate", "priorities.HistoricalProgressUpdate")


@pytest.mark.parametrize("kind", ["percentage", "yes_no"])
def test_the_kpi_value_form_sets_only_the_fields_of_its_kind(client, site, kind):
    chair, period = site.users["chair"], site.open_period
    kpi = KPI.objects.filter(owner__slug="quality-assurance", objective__priority__plan=site.plan).first()
    KPI.objects.filter(pk=kpi.pk).update(kind=kind)
    other_kpi = KPI.objects.exclude(pk=kpi.pk).first()
    client.force_login(chair)
    before = database_snapshot()
    own = {"numerator": "1", "denominator": "2"} if kind == "percentage" else {"answer": "yes"}
    planted = {
        "kpi": other_kpi.pk,
        "entered_by": site.users["manager"].pk,
        "value": "99",
        "received": "on" if kind == "percentage" else "",
        "numerator": own.get("numerator", "5"),
        "denominator": own.get("denominator", "10"),
        "percentage": "" if kind == "percentage" else "77",
        "count": "12",
        "version": "0",
    }
    response = client.post(
        reverse("kpis:value-edit", args=[kpi.pk, period.number]),
        {**extras(site, site.action), **planted, **own, "note": "Entered"},
    )
    assert response.status_code == 302
    value = KPIValue.objects.get(kpi=kpi, period=period)
    assert value.entered_by == chair and value.version == 1 and not value.is_demo
    if kind == "percentage":
        assert (value.numerator, value.denominator, str(value.value), value.received) == (1, 2, "50.00", None)
    else:
        assert (value.numerator, value.denominator, value.value, value.received) == (None, None, None, True)
    assert not KPIValue.objects.filter(kpi=other_kpi, period=period).exists()
    only_these_tables_changed(before, "kpis.KPI", "kpis.KPIValue", "kpis.HistoricalKPIValue")


def test_the_return_form_sets_only_the_reason(client, site):
    manager, update = site.users["manager"], site.submitted
    ReportingPeriod.objects.filter(pk=update.period_id).update(state=ReportingPeriod.State.OPEN)  # returnable
    original = {field: getattr(update, field) for field in ["status", "progress", "impact", "author_id", "action_id"]}
    client.force_login(manager)
    before = database_snapshot()
    response = client.post(
        reverse("priorities:update-return", args=[update.action_id, update.period.number]),
        {
            "reason": "Say more about impact",
            **extras(site, site.action),
            "status": "red",
            "progress": "Rewritten by the manager",
            "impact": "Rewritten",
            "author": manager.pk,
            "returned_by": site.users["chair"].pk,
            "state": "draft",
            "version": "1",
        },
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert {field: getattr(update, field) for field in original} == original
    assert update.state == ProgressUpdate.State.RETURNED and update.returned_by == manager
    assert update.returned_reason == "Say more about impact"
    only_these_tables_changed(before, "priorities.ProgressUpdate", "priorities.HistoricalProgressUpdate")
