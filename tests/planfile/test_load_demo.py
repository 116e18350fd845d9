"""load_demo: the demo plan, people and progress of the README's quick start, through the real importer."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from kpis.models import KPI, KPIValue
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority
from subgroups.models import Membership, Subgroup

pytestmark = pytest.mark.django_db


def snapshot():
    models = [BusinessPlan, ReportingPeriod, StrategicPriority, Objective, Action, KPI, Subgroup, Membership]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["users"] = get_user_model().objects.count()
    counts["updates"] = list(ProgressUpdate.objects.order_by("pk").values_list("pk", "status", "version"))
    counts["values"] = KPIValue.objects.count()
    counts["periods"] = list(ReportingPeriod.objects.order_by("number").values_list("number", "state"))
    return counts


def test_loads_the_dscb_plan_accounts_and_demo_progress(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", "--password", "another-demo-password", stdout=out)
    plan = BusinessPlan.objects.get(slug="2015-16")
    assert plan.status == BusinessPlan.Status.ACTIVE
    assert (plan.priorities.count(), Objective.objects.count(), Action.objects.count(), KPI.objects.count()) == (
        3,
        8,
        26,
        22,
    )
    states = dict(plan.periods.values_list("number", "state"))
    assert states == {1: "locked", 2: "locked", 3: "locked", 4: "open", 5: "upcoming", 6: "upcoming"}
    assert ProgressUpdate.objects.filter(period__number__in=[1, 2, 3]).count() == 26 * 3 - 3
    assert not ProgressUpdate.objects.filter(period__number__gt=3).exists()
    assert ProgressUpdate.objects.filter(is_demo=False).count() == 0
    assert KPIValue.objects.count() == 22 * 3
    for username in ["admin", "manager", "viewer", "chair-quality-assurance", "chair-safeguarding-executive"]:
        assert authenticate(username=username, password="another-demo-password") is not None, username
        assert username in out.getvalue()
    for subgroup in Subgroup.objects.all():
        chair = Membership.objects.get(subgroup=subgroup, role=Membership.Role.CHAIR).user
        assert chair.username == f"chair-{subgroup.slug}"
    assert get_user_model().objects.get(username="admin").is_superuser
    assert get_user_model().objects.get(username="manager").groups.filter(name="Board manager").exists()
    assert get_user_model().objects.get(username="viewer").groups.filter(name="Viewer").exists()


def test_updates_are_attributed_to_the_lead_subgroups_chair_in_history(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    update = ProgressUpdate.objects.select_related("action__lead", "author").first()
    assert update.author.username == f"chair-{update.action.lead.slug}"
    assert update.history.get().history_user == update.author
    assert all(update.reason for update in ProgressUpdate.objects.filter(status__in=["amber", "red"]))


def test_running_it_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_refuses_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())
    assert not BusinessPlan.objects.exists()
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert BusinessPlan.objects.filter(slug="2015-16").exists()
