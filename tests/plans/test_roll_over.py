"""Year end: next year's plan from this one, copies not links, the old plan closed with its history."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from kpis.models import KPI
from plans.models import BusinessPlan
from plans.rollover import plan_roll_over, plan_roll_over_preview
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority

pytestmark = pytest.mark.django_db


def test_the_dscb_plan_rolls_over_with_its_unfinished_actions(demo):
    plan, users = demo
    preview = plan_roll_over_preview(plan=plan)
    # Demo progress to period 3: 2.1.1, 2.2.1, 3.1.2 and 3.3.2 are complete (carried forward).
    assert sorted(action.code for action in preview.left_behind) == ["2.1.1", "2.2.1", "3.1.2", "3.3.2"]
    assert (preview.slug, preview.year_label, str(preview.starts_on)) == ("2016-17", "2016/17", "2016-04-01")
    history = ProgressUpdate.objects.count()
    new = plan_roll_over(plan=plan, user=users["manager"])
    plan.refresh_from_db()
    assert plan.status == "closed" and set(plan.periods.values_list("state", flat=True)) == {"locked"}
    assert new.status == "active" and new.title == "Dudley Safeguarding Children Board Business Plan 2016/17"
    assert new.periods.count() == 6 and new.rolled_over_from == plan
    assert StrategicPriority.objects.filter(plan=new).count() == 3
    assert Objective.objects.filter(priority__plan=new).count() == 8
    assert KPI.objects.filter(objective__priority__plan=new).count() == 22
    carried = Action.objects.filter(objective__priority__plan=new)
    assert carried.count() == 22 and all(action.carried_over_from_id for action in carried)
    assert ProgressUpdate.objects.count() == history and not ProgressUpdate.objects.filter(period__plan=new).exists()


def test_editing_next_year_leaves_this_year_alone(demo):
    plan, _ = demo
    new = plan_roll_over(plan=plan)
    objective = Objective.objects.get(priority__plan=new, ref="1.1")
    objective.title = "Next year's wording"
    objective.save()
    kpi = KPI.objects.filter(objective=objective).first()
    kpi.target = 75
    kpi.save()
    old_objective = Objective.objects.get(priority__plan=plan, ref="1.1")
    assert old_objective.title.startswith("The voice of children")
    assert KPI.objects.get(objective=old_objective, ref=kpi.ref).target is None


def test_the_old_plan_refuses_edits(client, demo):
    plan, users = demo
    plan_roll_over(plan=plan)
    action = Action.objects.filter(objective__priority__plan=plan).first()
    client.force_login(users["admin"])
    page = client.get(reverse("admin:priorities_action_change", args=[action.pk]))
    assert page.status_code == 200 and 'name="text"' not in page.content.decode()  # read-only
    assert client.post(reverse("admin:priorities_action_delete", args=[action.pk]), {"post": "yes"}).status_code == 403
    client.force_login(users["manager"])
    response = client.post(
        reverse("priorities:update-edit", args=[action.pk, 3]), {"status": "green", "progress": "Late", "version": "1"}
    )
    assert response.status_code == 403
    unlock = client.post(reverse("plans:period-unlock", args=[plan.slug, 3]), follow=True)
    assert "is closed: its periods stay locked" in unlock.content.decode()
    assert client.get(reverse("plans:roll-over", args=[plan.slug])).context["refused"]


@pytest.mark.parametrize(
    ("persona_name", "expected"), [("manager", 200), ("chair", 403), ("viewer", 403), ("anon", 302)]
)
def test_roll_over_page_preview_then_confirm(client, persona, action, period, persona_name, expected):
    plan = period.plan
    user = persona(persona_name)
    if user:
        client.force_login(user)
    response = client.get(reverse("plans:roll-over", args=[plan.slug]))
    assert response.status_code == expected
    if expected == 200:
        assert "actions that are not complete" in response.content.decode()
    response = client.post(reverse("plans:roll-over", args=[plan.slug]))
    assert BusinessPlan.objects.count() == (2 if persona_name == "manager" else 1)


def test_the_command(demo):
    plan, _ = demo
    out = io.StringIO()
    call_command("roll_over", plan.slug, "--dry-run", stdout=out)
    assert "22 actions carried over, 4 complete actions left behind" in out.getvalue()
    assert BusinessPlan.objects.count() == 1
    call_command("roll_over", plan.slug, stdout=out)
    assert BusinessPlan.objects.filter(slug="2016-17").exists()
