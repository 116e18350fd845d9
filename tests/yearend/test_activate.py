"""Activating next year's draft: this year is closed (its open periods locked) and next year made the active plan,
in one step, attributed, refused in the user's words when it makes no sense."""

import pytest
from django.urls import reverse

from plans.models import BusinessPlan, ReportingPeriod
from plans.services import PeriodStateError, period_open
from priorities.models import Action, ProgressUpdate
from tests.factories import ActionFactory, BusinessPlanFactory, UserFactory
from yearend.services import RollOverError, plan_activate, plan_roll_over

pytestmark = pytest.mark.django_db


def test_activating_next_year_closes_this_year_locks_its_open_period_and_is_attributed(demo):
    plan, users = demo
    manager = users["manager"]
    new = plan_roll_over(plan=plan, user=manager)
    states = dict(plan.periods.values_list("number", "state"))
    assert states[4] == "open"  # the demo's last period being reported
    done = plan_activate(plan=new, user=manager)
    plan.refresh_from_db()
    new.refresh_from_db()
    assert (plan.status, new.status) == ("closed", "active")
    assert [period.number for period in done.locking] == [4]
    # The open period is locked; periods never opened stay as they were, so the closed plan shows its last
    # reported period, not an empty one.
    assert dict(plan.periods.values_list("number", "state")) == {**states, 4: "locked"}
    assert BusinessPlan.objects.active().get() == new
    assert plan.history.first().history_user == manager and plan.history.first().status == "closed"
    assert new.history.first().history_user == manager and new.history.first().status == "active"
    period = plan.periods.get(number=4)
    assert period.history.first().history_user == manager and period.history.first().state == "locked"
    # A period of the closed plan cannot be opened either.
    with pytest.raises(PeriodStateError, match="is closed"):
        period_open(period=plan.periods.get(number=5), user=manager)


def test_the_activate_page_reads_a_fixed_number_of_queries(client, demo, django_assert_num_queries):
    plan, users = demo
    new = plan_roll_over(plan=plan)
    client.force_login(users["manager"])
    # Session, user with their roles; the draft, its periods and actions; the active plan, its open periods, their
    # drafts.
    with django_assert_num_queries(8):
        page = client.get(reverse("yearend:activate", args=[new.slug])).content.decode()
    assert "Period 4: Oct–Nov 2015, open for updates until 10 December 2015, is locked." in page


def test_activating_twice_is_refused_and_leaves_one_active_plan(demo):
    plan, _ = demo
    new = plan_roll_over(plan=plan)
    plan_activate(plan=new)
    with pytest.raises(RollOverError, match="is the active plan already"):
        plan_activate(plan=new)
    assert list(BusinessPlan.objects.active()) == [new]
    assert BusinessPlan.objects.get(pk=plan.pk).status == "closed"


def test_a_draft_with_no_actions_or_no_periods_is_not_activated(demo):
    plan, _ = demo
    new = plan_roll_over(plan=plan)
    Action.objects.filter(objective__priority__plan=new).update(archived=True)
    with pytest.raises(RollOverError, match=r"has no actions yet\. Add them \(import the plan file or use the admin\)"):
        plan_activate(plan=new)
    Action.objects.filter(objective__priority__plan=new).update(archived=False)
    new.periods.all().delete()
    with pytest.raises(RollOverError, match="has no reporting periods, so nobody could report on it"):
        plan_activate(plan=new)
    # Nothing changed.
    assert BusinessPlan.objects.get(pk=plan.pk).status == "active"
    assert BusinessPlan.objects.get(pk=new.pk).status == "draft"
    assert plan.periods.filter(state="open").exists()


def test_an_earlier_years_draft_does_not_take_over_from_the_active_plan(demo):
    plan, _ = demo
    earlier = BusinessPlanFactory(
        slug="2014-15", year_label="2014/15", title="Plan 2014/15", status="draft", starts_on=plan.starts_on
    )
    ActionFactory(objective__priority__plan=earlier)
    with pytest.raises(RollOverError, match=r"no later than .*, the active plan .*only a later year's plan"):
        plan_activate(plan=earlier)
    closed = BusinessPlanFactory(bare=True)
    with pytest.raises(RollOverError, match="is closed: a closed plan cannot be made active again"):
        plan_activate(plan=closed)
    assert BusinessPlan.objects.active().get() == plan


def test_a_draft_is_activated_when_no_plan_is_active(db):
    draft = BusinessPlanFactory(status="draft")
    ActionFactory(objective__priority__plan=draft)
    done = plan_activate(plan=draft)
    assert done.closing is None and BusinessPlan.objects.active().get() == draft


def test_a_draft_is_not_rolled_over_before_it_is_active(client, manager):
    draft = BusinessPlanFactory(status="draft")
    with pytest.raises(RollOverError, match="is a draft: activate it before starting the year after it"):
        plan_roll_over(plan=draft)
    client.force_login(manager)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Start next year's plan" not in page
    assert f'href="{reverse("yearend:activate", args=[draft.slug])}">Activate {draft.year_label}</a>' in page


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    ("persona_name", "expected"), [("manager", 200), ("admin", 200), ("chair", 403), ("viewer", 403), ("anon", 302)]
)
def test_the_activate_page_says_what_will_happen_then_activates(
    client, persona, action, period, persona_name, expected
):
    """Who may activate next year's plan: the manager and admins. (Others do not even see the draft.)"""
    plan = period.plan
    new = plan_roll_over(plan=plan)
    chair_draft = ProgressUpdate.objects.create(
        action=action, period=period, state="draft", author=action.lead.memberships.get(role="chair").user
    )
    user = persona(persona_name)
    if user:
        client.force_login(user)
    url = reverse("yearend:activate", args=[new.slug])
    response = client.get(url)
    # The draft is hidden from those who may not read it (404), as every draft is; anonymous people sign in first.
    assert response.status_code == {403: 404}.get(expected, expected)
    if expected == 200:
        page = response.content.decode()
        assert f"{plan.title} is closed: nothing in it can be changed any more" in page
        assert f"{period}, open for updates until" in page and "is locked." in page
        assert "1 update in " + plan.year_label + " is still being written and has not been submitted" in page
        assert f"Activate {new.year_label} and close {plan.year_label}</button>" in page
    response = client.post(url)
    assert response.status_code == {403: 404, 200: 302}.get(expected, expected)
    plan.refresh_from_db()
    new.refresh_from_db()
    period.refresh_from_db()
    if expected == 200:
        assert response.url == new.get_absolute_url()
        assert (plan.status, new.status, period.state) == ("closed", "active", "locked")
        assert new.history.first().history_user == user
        page = client.get(response.url).content.decode()
        assert f"{new.title} is now the active plan. {plan.title} is closed: Period 1 locked." in page
    else:
        assert (plan.status, new.status, period.state) == ("active", "draft", "open")
    assert ProgressUpdate.objects.get(pk=chair_draft.pk).state == "draft"  # kept as it was, not lost


def test_the_activate_page_refuses_in_words_and_a_second_confirm_is_told(client, manager, action, period):
    plan = period.plan
    new = plan_roll_over(plan=plan)
    client.force_login(manager)
    url = reverse("yearend:activate", args=[new.slug])
    assert client.post(url).status_code == 302
    # A second click (or a colleague's) on the page read before: told, nothing changed.
    again = client.post(url)
    assert again.status_code == 200
    assert f"{new} is the active plan already." in again.content.decode()
    refused = client.get(reverse("yearend:activate", args=[plan.slug]))
    assert "is closed: a closed plan cannot be made active again" in refused.content.decode()
    assert list(BusinessPlan.objects.active()) == [new]


def test_the_manager_is_refused_a_draft_with_no_actions(client, manager):
    plan = BusinessPlanFactory()  # active, Period 1 open, no actions: nothing is carried over
    period = plan.periods.get(number=1)
    draft = plan_roll_over(plan=plan)
    client.force_login(manager)
    page = client.get(reverse("yearend:activate", args=[draft.slug])).content.decode()
    assert f"{draft} has no actions yet." in page and f"Activate {draft.year_label}</button>" not in page
    assert client.post(reverse("yearend:activate", args=[draft.slug])).status_code == 200
    assert BusinessPlan.objects.get(pk=draft.pk).status == "draft"
    assert ReportingPeriod.objects.get(pk=period.pk).state == "open"
