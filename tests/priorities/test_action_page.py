"""Who reads an action's page, with the plan's status as it is; and addresses that name no action."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from plans.models import BusinessPlan
from priorities.models import Status
from tests.factories import ActionFactory, KPIFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "chair", "member", "supporter", "other_chair", "viewer"]


@pytest.mark.parametrize(
    ("plan_status", "persona_name", "expected"),
    [
        *(("active", name, 200) for name in PERSONAS),
        *(("closed", name, 200) for name in PERSONAS),
        ("draft", "manager", 200),
        *(("draft", name, 404) for name in PERSONAS if name != "manager"),
        ("active", "anon", 302),
        ("draft", "anon", 302),
    ],
)
def test_who_reads_an_action(client, persona, action, period, plan_status, persona_name, expected):
    BusinessPlan.objects.filter(pk=period.plan_id).update(status=plan_status)
    user = persona(persona_name)
    if user:
        client.force_login(user)
    response = client.get(action.get_absolute_url())
    assert response.status_code == expected
    if expected == 200:
        text = response.content.decode()
        assert escape(action.text) in text and escape(action.lead.name) in text


def test_the_page_shows_its_updates_kpis_and_where_it_was_carried_into(client, manager, chair, viewer, action, period):
    kpi = KPIFactory(objective=action.objective, name="Children seen within a day")
    archived = KPIFactory(objective=action.objective, name="No longer counted", archived=True)
    ProgressUpdateFactory(action=action, period=period, status=Status.AMBER, reason="Reported words")
    later = ActionFactory(carried_over_from=action)
    BusinessPlan.objects.filter(pk=later.objective.priority.plan_id).update(status="draft")
    for user, sees_into in ((manager, True), (chair, False), (viewer, False)):
        client.force_login(user)
        text = client.get(action.get_absolute_url()).content.decode()
        assert "Reported words" in text and f"{escape(kpi.code)} Children seen within a day" in text
        assert ("Carried over unfinished into" in text) is sees_into
        # An archived KPI is no longer measured: not listed, as on the plan page.
        assert "No longer counted" not in text and archived.get_absolute_url() not in text
    # Next year's plan made active (one plan is active at a time): everyone sees where the action went.
    BusinessPlan.objects.filter(pk=period.plan_id).update(status="closed")
    BusinessPlan.objects.filter(pk=later.objective.priority.plan_id).update(status="active")
    assert "Carried over unfinished into" in client.get(action.get_absolute_url()).content.decode()


@pytest.mark.parametrize("number", ["999999", "2147483648", str(2**63 - 1), str(2**63), "99999999999999999999"])
def test_an_id_no_action_has_is_not_found(client, manager, chair, action, period, number):
    for user in (manager, chair):
        client.force_login(user)
        for url in (
            f"/actions/{number}/",
            f"/actions/{number}/periods/1/update/",
            f"/actions/{number}/periods/1/return/",
        ):
            assert client.get(url).status_code == 404, url
    assert client.get(reverse("priorities:action-detail", args=[action.pk])).status_code == 200
