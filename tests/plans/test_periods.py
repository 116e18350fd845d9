"""Reporting periods: the manager opens, locks and unlocks them; the daily job locks overdue ones."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from plans.models import BusinessPlan, ReportingPeriod
from plans.services import period_dates_seen, periods_lock_overdue
from tests.factories import ReportingPeriodFactory, UserFactory
from tests.tasks.jobs import run_worker_batch

pytestmark = pytest.mark.django_db


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
def test_permission_table(client, persona, period, persona_name, get_status, post_status):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    assert client.get(reverse("plans:period-list", args=[period.plan.slug])).status_code == get_status
    response = client.post(reverse("plans:period-lock", args=[period.plan.slug, period.number]))
    assert response.status_code == post_status
    period.refresh_from_db()
    assert period.state == ("locked" if persona_name == "manager" else "open")


def test_open_lock_unlock_with_history(client, manager, period):
    client.force_login(manager)
    slug = period.plan.slug
    client.post(reverse("plans:period-lock", args=[slug, 1]))
    client.post(reverse("plans:period-unlock", args=[slug, 1]))
    period.refresh_from_db()
    assert period.state == "open"
    assert list(period.history.order_by("history_date").values_list("state", flat=True))[-2:] == ["locked", "open"]
    assert period.history.latest().history_user == manager
    response = client.post(reverse("plans:period-open", args=[slug, 1]), follow=True)
    assert "is open, not upcoming" in response.content.decode()


def test_lock_overdue_periods_respects_the_grace_period(period, settings):
    settings.PERIOD_GRACE_DAYS = 5
    deadline = period.deadline
    assert periods_lock_overdue(today=deadline + datetime.timedelta(days=5)) == []
    assert periods_lock_overdue(today=deadline + datetime.timedelta(days=6), dry_run=True) == [period]
    period.refresh_from_db()
    assert period.state == "open"
    assert periods_lock_overdue(today=deadline + datetime.timedelta(days=6)) == [period]
    period.refresh_from_db()
    assert period.state == "locked"


def test_the_command_locks_and_says_so(period):
    out = io.StringIO()
    call_command("lock_overdue_periods", "--dry-run", stdout=out)
    assert "Would lock" in out.getvalue()
    assert ReportingPeriod.objects.get(pk=period.pk).state == "open"
    call_command("lock_overdue_periods", stdout=out)
    assert "Queued: lock the periods overdue on" in out.getvalue()
    assert ReportingPeriod.objects.get(pk=period.pk).state == "locked"


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_daily_command_enqueues_the_locking_and_a_worker_does_it(period):
    call_command("lock_overdue_periods", stdout=io.StringIO())
    assert ReportingPeriod.objects.get(pk=period.pk).state == "open", "the command only enqueues"
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "plans.tasks.overdue_periods_lock"

    run_worker_batch()
    assert ReportingPeriod.objects.get(pk=period.pk).state == "locked"
    assert DBTaskResult.objects.get().return_value == [str(period)]


def dates_url(period):
    return reverse("plans:period-edit", args=[period.plan.slug, period.number])


def seen(period):
    """The period's dates as the page showed them, which the form sends back."""
    return {"dates_seen": period_dates_seen(period)}


def dates(deadline=None, meeting=None):
    """The date inputs' fields as a browser posts them: day, month and year of each date."""
    data = {}
    for name, value in (("deadline", deadline), ("meeting_on", meeting)):
        parts = value or ("", "", "")
        for index, part in enumerate(parts):
            data[f"{name}_{index}"] = str(part)
    return data


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
def test_who_may_move_a_periods_dates(client, persona, period, persona_name, get_status, post_status):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    assert client.get(dates_url(period)).status_code == get_status
    response = client.post(dates_url(period), seen(period) | dates((20, 6, 2015), (1, 7, 2015)))
    assert response.status_code == post_status
    if persona_name == "anon":
        assert "/accounts/login/" in response["Location"]
    period.refresh_from_db()
    moved = persona_name == "manager"
    assert period.deadline == (datetime.date(2015, 6, 20) if moved else datetime.date(2015, 6, 10))
    assert period.meeting_on == (datetime.date(2015, 7, 1) if moved else None)
    assert period.history.count() == (2 if moved else 1)


def test_the_manager_moves_the_deadline_and_it_is_in_the_history(client, manager, period):
    client.force_login(manager)
    response = client.post(dates_url(period), seen(period) | dates((24, 6, 2015), (1, 7, 2015)), follow=True)
    text = response.content.decode()
    assert "Dates of Period 1: Apr–May 2015 saved." in text
    assert "24 June 2015" in text and "1 July 2015" in text  # the periods page shows the new dates
    record = period.history.latest()
    assert record.history_user == manager and record.deadline == datetime.date(2015, 6, 24)
    history = client.get(dates_url(period)).content.decode()
    history = history[history.index('id="history-heading"') :]
    assert "Updates due by: 10 June 2015 → 24 June 2015" in history
    assert "Safeguarding Executive meeting: Not set → 1 July 2015" in history
    assert manager.username in history or manager.get_full_name() in history


def test_the_periods_page_links_each_period_to_its_dates(client, manager, period):
    client.force_login(manager)
    text = client.get(reverse("plans:period-list", args=[period.plan.slug])).content.decode()
    assert f'href="{dates_url(period)}"' in text


@pytest.mark.parametrize(
    ("deadline", "meeting", "field", "message"),
    [
        ((31, 3, 2015), None, "deadline", "The update deadline must be on or after 1 April 2015, when Period 1 starts"),
        ((20, 6, 2015), (19, 6, 2015), "meeting_on", "must be on or after the update deadline, 20 June 2015"),
        ((31, 6, 2015), None, "deadline", "The update deadline must be a real date"),
        (("", 6, 2015), None, "deadline", "The update deadline must include a day"),
        (None, None, "deadline", "Enter the update deadline"),
        ((20, 6, 2015), ("x", 7, 2015), "meeting_on", "Enter the meeting date as a day, month and year"),
        ((1, 1, 9999), None, "deadline", "The update deadline must be no later than"),
        ((20, 6, 2015), (1, 1, 9999), "meeting_on", "The meeting must be no later than"),
    ],
)
def test_wrong_dates_are_refused_with_a_message_and_what_was_typed_kept(
    client, manager, period, deadline, meeting, field, message
):
    client.force_login(manager)
    response = client.post(dates_url(period), seen(period) | dates(deadline, meeting))
    text = response.content.decode()
    assert response.status_code == 200
    summary = text[text.index('class="govuk-error-summary"') : text.index("</ul>", text.index("govuk-error-summary"))]
    assert message in summary and f'href="#id_{field}' in summary
    if deadline:
        assert f'name="deadline_2" value="{deadline[2]}"' in text  # what was typed is still there
    period.refresh_from_db()
    assert period.deadline == datetime.date(2015, 6, 10) and period.history.count() == 1


def test_a_closed_plans_periods_cannot_be_changed(client, manager, period):
    period.state = "locked"
    period.save()
    BusinessPlan.objects.filter(pk=period.plan_id).update(status=BusinessPlan.Status.CLOSED)
    client.force_login(manager)
    text = client.get(reverse("plans:period-list", args=[period.plan.slug])).content.decode()
    assert "This plan is closed" in text
    for transition in ("open", "lock", "unlock"):
        assert reverse(f"plans:period-{transition}", args=[period.plan.slug, 1]) not in text
    assert "Unlock" not in text and dates_url(period) not in text
    assert client.get(dates_url(period)).status_code == 403
    upcoming = ReportingPeriodFactory(plan=period.plan, number=2, state="upcoming")
    refused = client.post(reverse("plans:period-open", args=[period.plan.slug, 2]), follow=True)
    assert "is closed: its periods can no longer be opened" in refused.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.state == "upcoming"
    assert client.post(dates_url(period), seen(period) | dates((20, 6, 2015))).status_code == 403
    period.refresh_from_db()
    assert period.deadline == datetime.date(2015, 6, 10)


def test_two_managers_moving_the_dates_at_once_do_not_overwrite_each_other(client, manager, period):
    """Both open the page; the first saves. The second is shown the first's dates and keeps what they typed; only
    saving again puts theirs in place."""
    other = UserFactory(username="deputy-manager", first_name="Dee", last_name="Puty")
    other.groups.add(*manager.groups.all())
    opened = seen(period)
    client.force_login(other)
    assert client.post(dates_url(period), opened | dates((20, 6, 2015), (1, 7, 2015))).status_code == 302
    # The manager then locks and opens the period again: that is not a change of its dates.
    client.force_login(manager)
    for transition in ("lock", "unlock"):
        client.post(reverse(f"plans:period-{transition}", args=[period.plan.slug, period.number]))
    assert period.history.count() == 4
    response = client.post(dates_url(period), opened | dates((24, 6, 2015), (8, 7, 2015)))
    text = response.content.decode()
    assert response.status_code == 409
    summary = text[text.index('class="govuk-error-summary"') : text.index("</ul>", text.index("govuk-error-summary"))]
    assert (
        "Dee Puty changed the dates of Period 1: Apr–May 2015 since you opened this page: updates are now due by "
        "20 June 2015 and the meeting is on 1 July 2015." in summary
    )
    assert 'name="deadline_0" value="24"' in text and 'name="meeting_on_0" value="8"' in text  # theirs, kept
    period.refresh_from_db()
    assert (period.deadline, period.meeting_on) == (datetime.date(2015, 6, 20), datetime.date(2015, 7, 1))

    # The page they were sent back now carries the dates as they are: saving again puts theirs in place.
    again = re.search(r'name="dates_seen" value="([^"]*)"', text).group(1)
    assert again == period_dates_seen(period)
    assert client.post(dates_url(period), {"dates_seen": again} | dates((24, 6, 2015), (8, 7, 2015))).status_code == 302
    period.refresh_from_db()
    assert (period.deadline, period.meeting_on) == (datetime.date(2015, 6, 24), datetime.date(2015, 7, 8))
    assert [record.history_user for record in period.history.order_by("history_date", "history_id")][1:] == [
        other,
        manager,
        manager,
        manager,
    ]


def test_a_manager_whose_other_tab_moved_the_dates_is_told_it_was_them(client, manager, period):
    opened = seen(period)
    client.force_login(manager)
    assert client.post(dates_url(period), opened | dates((20, 6, 2015))).status_code == 302
    response = client.post(dates_url(period), opened | dates((24, 6, 2015)))
    assert response.status_code == 409
    assert "You changed the dates of Period 1: Apr–May 2015 since you opened this page" in response.content.decode()


STALE = "This page could not be saved as it was sent: open it again and make the change"


@pytest.mark.parametrize(
    ("sent", "status", "message"),
    [
        (None, 200, STALE),
        ("", 200, STALE),
        ("x" * 41, 200, STALE),
        ("2015-01-01,,", 409, "changed the dates of Period 1: Apr–May 2015 since you opened this page"),
    ],
)
def test_a_dates_page_sent_without_the_dates_it_showed_is_refused_in_words(
    client, manager, period, sent, status, message
):
    client.force_login(manager)
    data = dates((24, 6, 2015))
    if sent is not None:
        data["dates_seen"] = sent
    response = client.post(dates_url(period), data)
    text = response.content.decode()
    assert response.status_code == status
    summary = text[text.index('class="govuk-error-summary"') : text.index("</ul>", text.index("govuk-error-summary"))]
    assert message in summary
    period.refresh_from_db()
    assert period.deadline == datetime.date(2015, 6, 10)
