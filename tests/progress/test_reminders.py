"""Update reminders and chasers: who is emailed what is due from them, when, and never twice."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from dscb.models import SentEmail
from plans.services import period_lock, period_meeting_move
from progress.reminders import Schedule, reminders_due
from tests.factories import (
    EmailPreferenceFactory,
    KPIValueFactory,
    ProgressUpdateFactory,
    SentEmailFactory,
    UserFactory,
)
from tests.tasks.jobs import run_worker_batch

pytestmark = pytest.mark.django_db

D = datetime.date
SITE = "https://plans.example.org"
# Period 1's updates are due by Wednesday 10 June 2015: the reminder goes five working days before, on Wednesday
# 3 June; the chaser on Thursday 11 June; the second chaser once the five days' grace are over, on Tuesday 16 June.
REMINDER_DAY, CHASER_DAY, SECOND_CHASER_DAY = "2015-06-03", "2015-06-11", "2015-06-16"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.PERIOD_GRACE_DAYS = 5


def send(today, *args):
    out = io.StringIO()
    call_command("send_reminders", "--today", today, *args, stdout=out)
    return out.getvalue()


def to(*people):
    return sorted(person.email for person in people)


def checked(html):
    """The value of the radio button checked in the page."""
    return re.search(r'value="(\w+)"\s+checked', html).group(1)


def recipients():
    return sorted(address for email in mail.outbox for address in email.to)


def test_the_schedule_counts_back_in_working_days(period):
    schedule = Schedule.of(period)
    days = (schedule.reminder, schedule.chaser, schedule.second_chaser)
    assert days == (D(2015, 6, 3), D(2015, 6, 11), D(2015, 6, 16))
    kinds = {day: schedule.kind_on(D(2015, 6, day)) for day in (2, 3, 10, 11, 15, 16, 22, 23)}
    assert kinds == {
        2: None,
        3: "reminder",
        10: "reminder",
        11: "chaser",
        15: "chaser",
        16: "second-chaser",  # sent for a week, should the daily job miss a day
        22: "second-chaser",
        23: None,
    }
    period_lock(period=period)  # locked early by the manager: no chaser to a period nobody can write in
    period.refresh_from_db()
    assert [Schedule.of(period).kind_on(D(2015, 6, day)) for day in (3, 11, 16)] == [None, None, "second-chaser"]


def test_the_next_digest_is_the_next_monday_while_emails_are_due(period):
    schedule = Schedule.of(period)  # reminder from Wednesday 3 June, second chaser until Monday 22 June
    assert schedule.next_digest(D(2015, 5, 20)) == D(2015, 6, 8), "not before the reminder's week"
    assert schedule.next_digest(D(2015, 6, 9)) == D(2015, 6, 15)
    assert schedule.next_digest(D(2015, 6, 22)) == D(2015, 6, 22)
    assert schedule.next_digest(D(2015, 6, 23)) is None


def test_a_meeting_moved_by_a_week_moves_the_reminder(period, manager, member, kpi):
    period_meeting_move(period=period, meeting_on=D(2015, 6, 24), user=manager, today=D(2015, 5, 1))
    period.refresh_from_db()
    assert period.deadline == D(2015, 6, 17) and Schedule.of(period).reminder == D(2015, 6, 10)
    send(REMINDER_DAY)
    assert mail.outbox == []
    send("2015-06-10")
    assert len(mail.outbox) == 2


def test_the_reminder_lists_everything_due_with_links(action, period, chair, member, kpi, other_chair):
    send("2015-06-02")
    assert mail.outbox == [], "nothing before the reminder day"
    output = send(REMINDER_DAY)
    assert recipients() == to(chair, member), "the subgroup's chair and member; the other chair owes nothing"
    assert "2 emails queued" in output
    [email] = [email for email in mail.outbox if email.to == [chair.email]]
    assert email.subject.startswith("Reminder: 1 update and 1 KPI value due by 10 June 2015")
    assert f"Update {action.ref}: {action.text[:60]}" in email.body
    assert f"KPI value {kpi.ref}:" in email.body
    assert f"{SITE}/actions/{action.pk}/periods/1/update/" in email.body
    assert f"{SITE}/kpis/{kpi.pk}/periods/1/value/" in email.body
    assert f"{SITE}/my/" in email.body and f"{SITE}/my/emails/" in email.body
    assert f"{action.lead.name} (Chair)" in email.body
    keys = set(SentEmail.objects.values_list("key", flat=True))
    assert keys == {f"reminder:{chair.pk}:period-{period.pk}", f"reminder:{member.pk}:period-{period.pk}"}


def test_nothing_due_nothing_sent(action, period, chair, member, kpi):
    ProgressUpdateFactory(action=action, period=period)
    KPIValueFactory(kpi=kpi, period=period)
    for day in (REMINDER_DAY, CHASER_DAY):
        assert "0 emails queued" in send(day)
    assert mail.outbox == [] and not SentEmail.objects.exists()


def test_a_draft_is_still_due(action, period, chair):
    ProgressUpdateFactory(action=action, period=period, state="draft")
    send(REMINDER_DAY)
    assert recipients() == to(chair) and "(Draft)" in mail.outbox[0].body


def test_running_twice_sends_nothing_new(action, period, chair, member, kpi):
    send(REMINDER_DAY)
    send(REMINDER_DAY)
    send("2015-06-04")  # the next day, still before the deadline: the reminder has gone
    assert recipients() == to(chair, member)


def test_a_submitted_update_stops_its_chaser(action, period, chair, member, manager, kpi):
    send(REMINDER_DAY)
    ProgressUpdateFactory(action=action, period=period)  # the update goes in after the reminder
    mail.outbox.clear()
    send(CHASER_DAY)
    assert recipients() == to(chair, member)
    body = mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Overdue: 1 KPI value still missing")
    assert f"KPI value {kpi.ref}" in body and f"Update {action.ref}" not in body

    KPIValueFactory(kpi=kpi, period=period)  # and the value, before the grace period ends
    period_lock(period=period)
    mail.outbox.clear()
    send(SECOND_CHASER_DAY)
    assert mail.outbox == []


def test_the_second_chaser_goes_to_the_chair_and_the_manager(action, period, chair, member, manager, kpi):
    period_lock(period=period)
    send(SECOND_CHASER_DAY)
    assert recipients() == to(chair, manager)
    for email in mail.outbox:
        assert email.subject.startswith("Still missing after the grace period: 1 update and 1 KPI value")
    manager_email = next(email for email in mail.outbox if email.to == [manager.email])
    assert f"{action.lead.name} (Board business manager)" in manager_email.body
    assert "Unlock the period" in manager_email.body


def test_a_weekly_digest_in_place_of_single_emails(action, period, chair, member, kpi):
    EmailPreferenceFactory(user=member, weekly_digest=True)
    send(REMINDER_DAY)  # a Wednesday
    assert recipients() == to(chair)
    mail.outbox.clear()
    send("2015-06-08")  # Monday, the digest's day: the chair had the reminder already
    assert recipients() == to(member)
    assert mail.outbox[0].subject.startswith("Weekly digest: 1 update and 1 KPI value due for Period 1")
    mail.outbox.clear()
    send("2015-06-08")
    assert mail.outbox == []
    send("2015-06-15")  # the next Monday: the chaser's week, a digest again, while the chair gets the chaser
    assert recipients() == to(chair, member)
    assert next(email for email in mail.outbox if email.to == [member.email]).subject.startswith("Weekly digest")
    assert SentEmail.objects.filter(key__startswith=f"digest:{member.pk}:").count() == 2


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_command_only_enqueues_and_a_second_run_enqueues_nothing(action, period, chair, member, kpi):
    send(REMINDER_DAY)
    send(REMINDER_DAY)
    assert mail.outbox == [], "the command only enqueues"
    queued = DBTaskResult.objects.all()
    assert queued.count() == 2 and {task.task_path for task in queued} == {"progress.tasks.reminder_email_send"}
    run_worker_batch()
    run_worker_batch()
    assert recipients() == to(chair, member)
    assert SentEmail.objects.filter(sent_at__isnull=False).count() == 2


def test_without_the_sites_address_the_command_refuses(settings, period):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        send(REMINDER_DAY)


def test_a_wrong_day_is_refused(period):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        send("3 June 2015")


@pytest.mark.usefixtures("demo")
def test_dry_run_on_the_demo_lists_each_chair_with_what_is_due():
    due = reminders_due(today=D(2015, 12, 3))
    assert due.period.number == 4 and due.kind == "reminder"
    output = send("2015-12-03", "--dry-run")
    assert "Period 4: Oct–Nov 2015 (open): updates due by Thursday 10 December 2015" in output
    assert "Reminder from Thursday 3 December 2015" in output
    owing = {section.subgroup.pk for letter in due.letters for section in letter.sections}
    assert owing, "the demo's open period has updates due"
    for letter in due.letters:
        person = letter.person
        assert f"Reminder to {person.get_full_name()} <{person.email}>" in output
        for section in letter.sections:
            assert f"  {section.subgroup.name} (Chair):" in output
            for item in section.items:
                assert f"    - {item.what} {item.code}: " in output
    chairs = {membership.subgroup_id for letter in due.letters for membership in letter.person.memberships.all()}
    assert owing <= chairs, "every subgroup that owes something has its chair told"
    assert mail.outbox == [] and not SentEmail.objects.exists()
    # On a day with nothing to send, the dry run still says what is due from whom.
    quiet = send("2026-12-02", "--dry-run")
    assert "nothing is due to be sent" in quiet
    assert f"{due.letters[0].person.get_full_name()} <{due.letters[0].person.email}>" in quiet


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("manager", 200), ("chair", 200), ("member", 200), ("viewer", 200), ("other_chair", 200), ("anon", 302)],
)
def test_who_may_choose_how_they_are_reminded(client, persona, persona_name, status):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    url = reverse("progress:email-preference")
    assert client.get(url).status_code == status
    response = client.post(url, {"how": "digest"})
    assert response.status_code == 302
    if user is None:
        assert "/accounts/login/" in response["Location"]
    else:
        assert user.email_preference.weekly_digest is True
        assert user.email_preference.history.latest().history_user == user


def test_the_choice_is_kept_and_an_empty_one_is_refused(client, member):
    client.force_login(member)
    url = reverse("progress:email-preference")
    assert checked(client.get(url).content.decode()) == "single"
    client.post(url, {"how": "digest"})
    assert checked(client.get(url).content.decode()) == "digest"
    refused = client.post(url, {})
    assert refused.status_code == 200 and "Choose how you want to be told what is due" in refused.content.decode()
    member.email_preference.refresh_from_db()
    assert member.email_preference.weekly_digest is True


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("manager", 200), ("chair", 403), ("member", 403), ("viewer", 403), ("other_chair", 403), ("anon", 302)],
)
def test_only_the_manager_sees_the_email_log(client, persona, period, persona_name, status):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    assert client.get(reverse("progress:email-log")).status_code == status


def test_the_log_shows_who_got_what_when_and_why_and_what_is_next(client, manager, action, period, chair, kpi):
    send(REMINDER_DAY)
    client.force_login(manager)
    text = client.get(reverse("progress:email-log")).content.decode()
    sent = text[text.index('id="sent"') :]
    assert chair.get_full_name() in sent and chair.email in sent
    assert "Reminder, Period 1: Apr–May 2015" in sent and "Reminder: 1 update and 1 KPI value" in sent
    scheduled = text[text.index('id="scheduled"') : text.index('id="sent"')]
    assert "Wednesday 3 June 2015" in scheduled and "Thursday 11 June 2015" in scheduled
    assert "Tuesday 16 June 2015" in scheduled


def test_the_log_says_when_a_send_was_cut_off(client, manager, chair, period):
    SentEmailFactory(
        key=f"reminder:{chair.pk}:period-{period.pk}",
        to=chair.email,
        sending_since=datetime.datetime(2015, 6, 3, 7, 0, tzinfo=datetime.UTC),
    )
    client.force_login(manager)
    text = client.get(reverse("progress:email-log")).content.decode()
    sent = text[text.index('id="sent"') :]
    assert "Handed to the mail server 3 June 2015, 08:00 with no answer recorded" in sent
    assert "it is not sent again" in sent and "Not sent yet" not in sent


@pytest.mark.usefixtures("action", "chair", "kpi")
def test_the_log_reads_a_fixed_number_of_queries(client, manager, period, django_assert_num_queries):
    client.force_login(manager)
    url = reverse("progress:email-log")
    send(REMINDER_DAY)
    client.get(url)  # warm the session and the content types
    # session and user with their roles (2), active plan and periods (2), the plan's rows (7), memberships for
    # the reminder and the second chaser (2), the managers (1), the emails counted and read (2), their people and
    # periods (2), the meetings coming up for the meeting reminders (1)
    with django_assert_num_queries(19):
        client.get(url)
    send(CHASER_DAY)
    for person in UserFactory.create_batch(10):
        SentEmailFactory(key=f"reminder:{person.pk}:period-{period.pk}", to=person.email)
    assert SentEmail.objects.count() == 12
    with django_assert_num_queries(19):
        text = client.get(url).content.decode()
    assert text.count("Reminder, Period 1: Apr–May 2015") == 11


def test_the_email_is_plain_text_as_written(action, period, chair):
    action.text = "Hear the 'voice of the child' in audits & reviews <b>now</b>"
    action.save()
    send(REMINDER_DAY)
    assert f"Update {action.ref}: Hear the 'voice of the child' in audits & reviews <b>now</b> (To do)" in (
        mail.outbox[0].body
    )
