"""Deadlines counted back from the Safeguarding Executive meeting in working days, and moved with it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from dscb.workingdays import is_working_day
from plans.models import BusinessPlan
from plans.services import period_dates_seen, period_meeting_move, plan_create_periods
from tests.factories import BusinessPlanFactory
from yearend.services import plan_roll_over

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_plans_settings_default_to_two_and_three_and_five_working_days():
    plan = BusinessPlanFactory(periods=False)
    assert (plan.papers_days, plan.update_days, plan.reminder_days) == (2, 3, 5)
    # A Wednesday meeting: papers on the Monday, updates the Wednesday before, as the demo's first period has it.
    assert plan.deadlines_before(D(2015, 6, 17)) == (D(2015, 6, 15), D(2015, 6, 10))


def test_a_new_plans_deadlines_and_meetings_fall_on_working_days():
    """Updates are due ten days after a period ends and the meeting is a week later; either moves on to the next
    working day when it would fall on a weekend or a bank holiday. The demo's periods 1, 2, 4 and 5 keep their
    weekday dates; period 3's would have been a Saturday (deadline) and a Saturday (meeting), period 6's a
    Sunday and a Sunday."""
    plan = BusinessPlanFactory()
    periods = list(plan.periods.all())
    assert [(p.deadline, p.meeting_on) for p in periods] == [
        (D(2015, 6, 10), D(2015, 6, 17)),
        (D(2015, 8, 10), D(2015, 8, 17)),
        (D(2015, 10, 12), D(2015, 10, 19)),
        (D(2015, 12, 10), D(2015, 12, 17)),
        (D(2016, 2, 10), D(2016, 2, 17)),
        (D(2016, 4, 11), D(2016, 4, 18)),
    ]
    for period in periods:
        assert is_working_day(period.deadline) and is_working_day(period.meeting_on)
        # The working days counted back from each weekday meeting give the same update deadline.
        assert plan.deadlines_before(period.meeting_on)[1] == period.deadline
        assert period.deadline <= period.papers_deadline < period.meeting_on
    assert periods[0].papers_deadline == D(2015, 6, 15)


def test_a_meeting_that_would_fall_on_a_bank_holiday_moves_to_the_next_working_day():
    """A plan year from July 2022: its first period ends on 31 August, ten days later is Saturday 10 September,
    so updates are due on Monday the 12th; a week later is Monday 19 September, the late Queen's state funeral,
    a bank holiday, so the meeting is on Tuesday the 20th."""
    plan = BusinessPlanFactory(periods=False, starts_on=D(2022, 7, 1), ends_on=D(2023, 6, 30))
    first = plan_create_periods(plan=plan)[0]
    assert first.ends_on == D(2022, 8, 31)
    assert (first.deadline, first.meeting_on) == (D(2022, 9, 12), D(2022, 9, 20))


def test_the_manager_sets_the_days_on_the_plan_in_the_admin_and_next_year_keeps_them(client, manager):
    plan = BusinessPlanFactory(papers_days=3, update_days=4, reminder_days=6)
    manager.is_staff = True  # as the board business manager is, to use the admin
    manager.save()
    client.force_login(manager)
    page = client.get(reverse("admin:plans_businessplan_change", args=[plan.pk])).content.decode()
    for name, value in (("papers_days", 3), ("update_days", 4), ("reminder_days", 6)):
        assert f'name="{name}" value="{value}"' in page
    new = plan_roll_over(plan=plan, user=manager)
    assert (new.papers_days, new.update_days, new.reminder_days) == (3, 4, 6)
    # Next year's periods have their papers deadline three working days before each meeting.
    first = new.periods.get(number=1)
    assert first.papers_deadline == plan.deadlines_before(first.meeting_on)[0]


@pytest.mark.parametrize(
    ("field", "value"), [("papers_days", 0), ("papers_days", 16), ("update_days", 0), ("reminder_days", 16)]
)
def test_the_settings_are_bounded_in_the_database(field, value):
    plan = BusinessPlanFactory(periods=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessPlan.objects.filter(pk=plan.pk).update(**{field: value})


def test_moving_the_meeting_by_a_week_moves_both_deadlines_the_lock_and_the_reminder(period, manager, settings):
    settings.PERIOD_GRACE_DAYS = 5
    period_meeting_move(period=period, meeting_on=D(2015, 6, 17), user=manager, today=D(2015, 5, 1))
    period.refresh_from_db()
    assert (period.papers_deadline, period.deadline) == (D(2015, 6, 15), D(2015, 6, 10))
    assert (period.reminds_on, period.locks_on) == (D(2015, 6, 3), D(2015, 6, 15))

    period_meeting_move(period=period, meeting_on=D(2015, 6, 24), user=manager, today=D(2015, 5, 1))
    period.refresh_from_db()
    assert period.meeting_on == D(2015, 6, 24)
    assert (period.papers_deadline, period.deadline) == (D(2015, 6, 22), D(2015, 6, 17))
    assert (period.reminds_on, period.locks_on) == (D(2015, 6, 10), D(2015, 6, 22))
    record = period.history.latest()
    assert record.history_user == manager and record.meeting_on == D(2015, 6, 24)


def test_a_meeting_moved_over_a_bank_holiday_skips_it(period, manager):
    period_meeting_move(period=period, meeting_on=D(2015, 9, 2), user=manager, today=D(2015, 5, 1))
    period.refresh_from_db()
    # Papers on Friday 28 August (Monday 31 is the August bank holiday), updates three working days before.
    assert (period.papers_deadline, period.deadline) == (D(2015, 8, 28), D(2015, 8, 25))


def test_a_deadline_that_has_passed_stays_where_it_was(period, manager):
    period_meeting_move(period=period, meeting_on=D(2015, 6, 17), user=manager, today=D(2015, 5, 1))
    # On 12 June the update deadline (10 June) has passed; the papers deadline (15 June) has not.
    period_meeting_move(period=period, meeting_on=D(2015, 6, 24), user=manager, today=D(2015, 6, 12))
    period.refresh_from_db()
    assert period.deadline == D(2015, 6, 10)
    assert period.papers_deadline == D(2015, 6, 22)
    # Brought forward to the 16th, the papers deadline would be the 12th, today: not put in the past.
    period_meeting_move(period=period, meeting_on=D(2015, 6, 16), user=manager, today=D(2015, 6, 12))
    period.refresh_from_db()
    assert (period.deadline, period.papers_deadline) == (D(2015, 6, 10), D(2015, 6, 12))


def test_a_meeting_before_its_passed_deadline_is_refused(period, manager):
    with pytest.raises(ValidationError) as refused:
        period_meeting_move(period=period, meeting_on=D(2015, 6, 5), user=manager, today=D(2015, 6, 12))
    assert "on or after the update deadline, 10 June 2015" in str(refused.value)
    period.refresh_from_db()
    assert period.meeting_on is None and period.history.count() == 1


@pytest.fixture
def far_period(period):
    """Period 1 of a plan that runs until 2099, its deadline ahead of today, so that a meeting moved in 2099 moves
    its deadlines."""
    BusinessPlan.objects.filter(pk=period.plan_id).update(ends_on=D(2099, 3, 31))
    period.deadline = D(2099, 8, 1)
    period.save()
    period.refresh_from_db()
    return period


def meeting_url(period):
    return reverse("plans:period-meeting", args=[period.plan.slug, period.number])


def seen(period):
    """The period's dates as the page showed them, which the form sends back."""
    return {"dates_seen": period_dates_seen(period)}


def meeting(day, month, year):
    return {"meeting_on_0": str(day), "meeting_on_1": str(month), "meeting_on_2": str(year)}


@pytest.mark.parametrize(
    ("persona_name", "get_status", "post_status"),
    [
        ("manager", 200, 302),
        ("chair", 403, 403),
        ("member", 403, 403),
        ("viewer", 403, 403),
        ("other_chair", 403, 403),
        ("anon", 302, 302),
    ],
)
def test_who_may_move_the_meeting(client, persona, far_period, persona_name, get_status, post_status):
    period = far_period
    user = persona(persona_name)
    if user:
        client.force_login(user)
    assert client.get(meeting_url(period)).status_code == get_status
    assert client.post(meeting_url(period), seen(period) | meeting(2, 9, 2099)).status_code == post_status
    period.refresh_from_db()
    assert period.meeting_on == (D(2099, 9, 2) if persona_name == "manager" else None)


def test_the_page_moves_the_meeting_and_shows_the_dates_counted_back(client, manager, far_period):
    period = far_period
    client.force_login(manager)
    response = client.post(meeting_url(period), seen(period) | meeting(2, 9, 2099), follow=True)
    text = response.content.decode()
    assert "moved to 2 September 2099: papers due by 28 August 2099, updates due by 25 August 2099." in text
    dates = text[text.index('id="period-dates"') :]
    assert "Friday 28 August 2099" in dates and "Tuesday 25 August 2099" in dates
    assert "Papers due by: Not set → 28 August 2099" in text  # in the history
    assert "Updates due by: 1 August 2099 → 25 August 2099" in text
    periods = client.get(reverse("plans:period-list", args=[period.plan.slug])).content.decode()
    assert "28 August 2099" in periods and f'href="{meeting_url(period)}"' in periods


def test_the_dates_are_worked_out_before_anything_is_saved(client, manager, far_period):
    client.force_login(manager)
    response = client.post(meeting_url(far_period), {**seen(far_period), **meeting(2, 9, 2099), "preview": ""})
    text = response.content.decode()
    assert response.status_code == 200
    proposed = text[text.index('id="proposed-dates"') :]
    assert "With the meeting on Wednesday 2 September 2099" in proposed
    assert "Papers due by Friday 28 August 2099" in proposed and "Updates due by Tuesday 25 August 2099" in proposed
    assert "Chairs and members reminded Tuesday 18 August 2099" in proposed
    assert 'name="meeting_on_0" value="2"' in text  # the date is kept, to move the meeting with it
    far_period.refresh_from_db()
    assert far_period.meeting_on is None and far_period.history.count() == 2  # created, and the fixture's deadline


def test_a_wrong_date_is_refused_with_a_message_and_kept(client, manager, period):
    client.force_login(manager)
    response = client.post(meeting_url(period), seen(period) | meeting(31, 6, 2015))
    text = response.content.decode()
    assert response.status_code == 200 and "The meeting date must be a real date" in text
    assert 'name="meeting_on_0" value="31"' in text
    period.refresh_from_db()
    assert period.meeting_on is None


def test_a_closed_plans_meeting_cannot_be_moved(client, manager, far_period):
    BusinessPlan.objects.filter(pk=far_period.plan_id).update(status=BusinessPlan.Status.CLOSED)
    client.force_login(manager)
    assert client.get(meeting_url(far_period)).status_code == 403
    assert client.post(meeting_url(far_period), seen(far_period) | meeting(2, 9, 2099)).status_code == 403
    far_period.refresh_from_db()
    assert far_period.meeting_on is None


def test_two_managers_moving_the_meeting_at_once_do_not_overwrite_each_other(client, manager, far_period):
    period = far_period
    opened = seen(period)
    period_meeting_move(period=period, meeting_on=D(2099, 9, 9), user=manager)  # another tab, another manager
    client.force_login(manager)
    # Working the dates out writes nothing, so it is not refused; moving the meeting is.
    preview = client.post(meeting_url(period), {**opened, **meeting(2, 9, 2099), "preview": ""})
    assert preview.status_code == 200 and 'id="proposed-dates"' in preview.content.decode()
    response = client.post(meeting_url(period), opened | meeting(2, 9, 2099))
    text = response.content.decode()
    assert response.status_code == 409
    assert "since you opened this page: updates are now due by" in text
    assert "the meeting is on 9 September 2099" in text
    assert 'name="meeting_on_0" value="2"' in text
    period.refresh_from_db()
    assert period.meeting_on == D(2099, 9, 9)
    assert client.post(meeting_url(period), seen(period) | meeting(2, 9, 2099)).status_code == 302
    period.refresh_from_db()
    assert period.meeting_on == D(2099, 9, 2)
