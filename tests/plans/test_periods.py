"""Reporting periods: the manager opens, locks and unlocks them; the daily job locks overdue ones."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import ReportingPeriod
from plans.services import periods_lock_overdue

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
    assert ReportingPeriod.objects.get(pk=period.pk).state == "locked"
