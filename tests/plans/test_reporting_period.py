"""The reporting period: the latest period opened for reporting. An earlier period unlocked again is open for
corrections and moves nobody; before the first period opens, pages say so rather than show a future period."""

import pytest
from django.urls import reverse

from plans.models import BusinessPlan, ReportingPeriod
from plans.services import period_unlock
from priorities.models import Action
from reports.pdfstore import draft_pdfs_wanted
from tests.factories import BusinessPlanFactory

pytestmark = pytest.mark.django_db

STATE = {"U": ReportingPeriod.State.UPCOMING, "O": ReportingPeriod.State.OPEN, "L": ReportingPeriod.State.LOCKED}


def plan_with(states, **kwargs):
    """A plan of six periods in the states given, one letter each: U upcoming, O open, L locked."""
    plan = BusinessPlanFactory(**kwargs)
    for number, letter in enumerate(states, start=1):
        plan.periods.filter(number=number).update(state=STATE[letter])
    return plan


def numbers(periods):
    return [period.number for period in periods]


@pytest.mark.parametrize(
    ("states", "reporting", "corrections"),
    [
        ("OLLOUU", 4, [1]),  # Period 1 unlocked for a late correction while Period 4 is open
        ("LLLLLU", 5, []),  # Periods 4 and 5 locked, 6 not yet open: still Period 5, not 6
        ("OUUUUU", 1, []),
        ("LOLLOU", 5, [2]),
        ("LLLLLL", 6, []),
        ("UUUUUU", None, []),  # nothing opened yet: no period, rather than a future one
    ],
)
def test_the_reporting_period_is_the_latest_opened(states, reporting, corrections):
    plan = plan_with(states)
    periods = list(plan.periods.all())
    found = plan.reporting_period_from(periods)
    assert (found.number if found else None) == reporting
    assert numbers(plan.periods_open_for_corrections(periods)) == corrections


def test_a_plan_without_periods_has_no_reporting_period():
    plan = BusinessPlanFactory(periods=False)
    assert plan.reporting_period_from([]) is None
    assert plan.periods_open_for_corrections([]) == []


def test_a_closed_plan_shows_its_last_reported_period(client, viewer):
    plan = plan_with("LLLLLL", status=BusinessPlan.Status.CLOSED)
    client.force_login(viewer)
    text = client.get(plan.get_absolute_url()).content.decode()
    assert "Statuses are for <strong>Period 6: Feb–Mar 2016</strong>" in text
    text = client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()
    assert 'Period 6: Feb–Mar 2016 <strong class="govuk-tag govuk-tag--green">Reporting period</strong>' in text


# The demo plan: Periods 1 to 3 locked, Period 4 open.


@pytest.fixture
def unlocked(demo):
    """The demo plan with Period 1 unlocked by the manager for a late correction."""
    plan, users = demo
    period_unlock(period=plan.periods.get(number=1), user=users["manager"])
    return plan, users


def _action(plan, code):
    return next(action for action in Action.objects.in_plan(plan) if action.code == code)


def chair_of(plan):
    """The chair of the subgroup that leads action 1.1.2 (Quality Assurance in the demo)."""
    return _action(plan, "1.1.2").lead.memberships.get(role="chair").user


def test_unlocking_period_1_moves_no_page(client, unlocked):
    plan, users = unlocked
    for user in (users["manager"], chair_of(plan), users["viewer"]):
        client.force_login(user)
        dashboard = client.get("/").content.decode()
        assert "Progress in <strong>Period 4: Oct–Nov 2015</strong>" in dashboard
        assert "updates for Period 4: Oct–Nov 2015 are due by" in dashboard
        assert "Period 1: Apr–May 2015 are due" not in dashboard
        my_work = client.get(reverse("progress:my-work")).content.decode()
        assert '<p class="govuk-body-l">Period 4: Oct–Nov 2015: updates are due by' in my_work
        plan_page = client.get(plan.get_absolute_url()).content.decode()
        assert "Statuses are for <strong>Period 4: Oct–Nov 2015</strong>" in plan_page


def test_my_work_lists_the_period_open_for_corrections_with_a_link(client, unlocked):
    plan, _users = unlocked
    client.force_login(chair_of(plan))
    text = client.get(reverse("progress:my-work")).content.decode()
    assert "Period 1: Apr–May 2015 is open for corrections" in text
    assert 'href="?period=1"' in text
    corrections = client.get(reverse("progress:my-work") + "?period=1").content.decode()
    assert "Period 1: Apr–May 2015: open for corrections." in corrections
    assert "The board is reporting Period 4: Oct–Nov 2015." in corrections
    assert reverse("priorities:update-edit", args=[_action(plan, "1.1.2").pk, 1]) in corrections


def test_the_action_page_offers_the_correction_to_those_who_may_write(client, unlocked):
    plan, users = unlocked
    action = _action(plan, "1.1.2")
    edit = reverse("priorities:update-edit", args=[action.pk, 1])
    client.force_login(chair_of(plan))
    text = client.get(action.get_absolute_url()).content.decode()
    assert "Period 1: Apr–May 2015 is open for corrections" in text and edit in text
    assert "(open for corrections)" in text
    assert "for Period 4: Oct–Nov 2015</span>" in text  # the current status is still Period 4's
    client.force_login(users["viewer"])
    assert edit not in client.get(action.get_absolute_url()).content.decode()


def test_the_periods_page_says_open_for_corrections(client, unlocked):
    plan, users = unlocked
    client.force_login(users["manager"])
    text = client.get(reverse("plans:period-list", args=[plan.slug])).content.decode()
    row_1 = text[text.index('id="period-1"') : text.index('id="period-2"')]
    row_4 = text[text.index('id="period-4"') : text.index('id="period-5"')]
    assert "Open for corrections" in row_1 and "Reporting period" not in row_1
    assert ">Open</strong>" in row_4 and "Reporting period" in row_4


def test_with_periods_4_and_5_locked_pages_stay_on_period_5(client, demo):
    plan, _users = demo
    plan.periods.filter(number__in=[4, 5]).update(state=ReportingPeriod.State.LOCKED)
    client.force_login(chair_of(plan))
    dashboard = client.get("/").content.decode()
    assert "Progress in <strong>Period 5: Dec 2015–Jan 2016</strong>" in dashboard
    assert "No reporting period is open for updates." in dashboard
    my_work = client.get(reverse("progress:my-work")).content.decode()
    assert "Period 5: Dec 2015–Jan 2016 is locked" in my_work and "Period 6" not in my_work


def test_before_the_first_period_opens_pages_say_so(client, demo):
    plan, _users = demo
    plan.periods.update(state=ReportingPeriod.State.UPCOMING)
    message = "Reporting has not started: no period has been opened for updates yet."
    first = "The first is Period 1: Apr–May 2015, with updates due by 10 June 2015"
    client.force_login(chair_of(plan))
    for address in (
        "/",
        reverse("progress:my-work"),
        plan.get_absolute_url(),
        _action(plan, "1.1.2").get_absolute_url(),
    ):
        response = client.get(address)
        text = response.content.decode()
        assert response.status_code == 200
        assert message in text and first in text, address
        assert "Statuses are for" not in text and "Progress in" not in text
    report_list = client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()
    assert "Reporting period</strong>" not in report_list


def test_no_executive_report_is_drawn_before_the_first_period_opens():
    plan = plan_with("UUUUUU")
    assert [wanted.name for wanted in draft_pdfs_wanted(plan) if "Executive" in wanted.name] == []
    plan = plan_with("LOUUUU", status=BusinessPlan.Status.CLOSED)
    assert [wanted.name for wanted in draft_pdfs_wanted(plan) if "Executive" in wanted.name] == [
        f"{plan.slug} Executive report, period 1",
        f"{plan.slug} Executive report, period 2",
    ]
