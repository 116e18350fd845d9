"""Meeting reminders: each member sitting on a body is emailed before each of its meetings, once, with the papers."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from dscb.models import SentEmail
from meetings.models import Meeting
from meetings.reminders import meeting_reminders_due, reminds_on
from meetings.services import meeting_save
from tests.factories import (
    DeputyFactory,
    MeetingFactory,
    ReportingPeriodFactory,
    SeatFactory,
    SubgroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
SITE = "https://plans.example.org"
# The meeting is on Thursday 14 May 2015 at 2pm. Five working days before it, the early May bank holiday (Monday
# 4 May) skipped: Thursday 7 May.
REMINDER_DAY = "2015-05-07"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.MEETING_REMINDER_DAYS = 5


def send(today, *args):
    out = io.StringIO()
    call_command("send_reminders", "--today", today, *args, stdout=out)
    return out.getvalue()


def recipients():
    return sorted(address for email in mail.outbox for address in email.to)


@pytest.fixture
def body(db):
    return SubgroupFactory(name="Learning and Improvement")


@pytest.fixture
def people(body):
    """A member with an account (whose seat also has an old address), a member without one, a member who left
    before the meeting, a member with no address at all, and a deputy with an account."""
    account = UserFactory(username="ann", first_name="Ann", last_name="Account", email="ann@example.org")
    with_account = SeatFactory(body=body, person_name="Ann Account", user=account, email="old@example.org")
    without = SeatFactory(body=body, person_name="Bob Nouser", email="bob@example.org")
    SeatFactory(body=body, person_name="Cat Left", email="cat@example.org", ends_on=D(2015, 5, 13))
    SeatFactory(body=body, person_name="Dan Noaddress")
    deputy = UserFactory(username="deputy", email="deputy@example.org")
    DeputyFactory(seat=without, name="Dee Deputy", user=deputy)
    return with_account, without


@pytest.fixture
def meeting(body, people):
    return MeetingFactory(body=body, date=D(2015, 5, 14), starts_at=datetime.time(14), place="Council House")


def test_the_reminder_day_counts_back_in_working_days(meeting):
    assert reminds_on(meeting) == D(2015, 5, 7)


def test_each_member_sitting_that_day_is_reminded_once_with_the_links(meeting):
    send("2015-05-06")
    assert mail.outbox == [], "nothing before the reminder day"
    output = send(REMINDER_DAY)
    assert "2 emails queued" in output
    # The account's address, else the seat's; not the member who left the day before, nor the deputy.
    assert recipients() == ["ann@example.org", "bob@example.org"]
    [email] = [email for email in mail.outbox if email.to == ["ann@example.org"]]
    assert email.subject.startswith("Reminder: Learning and Improvement meets on Thursday 14 May 2015")
    assert "Hello Ann Account," in email.body
    assert "meets on Thursday 14 May 2015 at 2:00 p.m." in email.body
    assert "Where: Council House" in email.body
    assert f"{SITE}/meetings/{meeting.pk}/" in email.body
    assert "Executive report" not in email.body
    # Run again that day and the next: nothing new.
    assert "0 emails queued" in send(REMINDER_DAY)
    assert "0 emails queued" in send("2015-05-08")
    assert len(mail.outbox) == 2
    keys = set(SentEmail.objects.values_list("key", flat=True))
    ann, bob = meeting.body.seats.get(person_name="Ann Account"), meeting.body.seats.get(person_name="Bob Nouser")
    assert keys == {
        f"meeting-reminder:user-{ann.user_id}:meeting-{meeting.pk}:2015-05-14",
        f"meeting-reminder:seat-{bob.pk}:meeting-{meeting.pk}:2015-05-14",
    }


def test_a_missed_day_still_reminds_until_the_day_before_and_never_a_past_meeting(meeting):
    assert "0 emails queued" in send("2015-05-14"), "the meeting's own day is too late"
    assert "0 emails queued" in send("2015-05-20")
    assert "2 emails queued" in send("2015-05-13")


def test_a_moved_meeting_is_reminded_of_again_for_its_new_date(meeting, manager):
    send(REMINDER_DAY)
    assert len(mail.outbox) == 2
    fields = {"body": meeting.body, "starts_at": meeting.starts_at, "place": meeting.place}
    meeting_save(user=manager, meeting=meeting, date=D(2015, 5, 21), **fields)
    assert "0 emails queued" in send("2015-05-13"), "the new date's reminder day has not come"
    assert "2 emails queued" in send("2015-05-14")
    assert [email.subject.split(" – ")[0] for email in mail.outbox[2:]] == [
        "Reminder: Learning and Improvement meets on Thursday 21 May 2015"
    ] * 2


def test_a_cancelled_meeting_sends_nothing(meeting, manager):
    fields = {"body": meeting.body, "date": meeting.date, "starts_at": meeting.starts_at, "place": meeting.place}
    meeting_save(user=manager, meeting=meeting, status=Meeting.Status.CANCELLED, **fields)
    assert "0 emails queued" in send(REMINDER_DAY)
    assert mail.outbox == []


def test_a_reminder_queued_for_a_meeting_since_cancelled_is_not_sent(meeting):
    from meetings.tasks import meeting_reminder_send

    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    key = f"meeting-reminder:seat-1:meeting-{meeting.pk}:2015-05-14"
    SentEmail.objects.create(key=key, to="bob@example.org", subject="Reminder")
    result = meeting_reminder_send.call(
        key=key,
        to="bob@example.org",
        meeting_id=meeting.pk,
        date="2015-05-14",
        subject="Reminder",
        body="",
    )
    assert result == "the meeting was cancelled or moved" and mail.outbox == []
    assert not SentEmail.objects.exists(), "not left in the log as waiting to be sent"


def test_a_safeguarding_executive_meeting_links_its_periods_executive_report(db):
    executive = SubgroupFactory(name="Safeguarding Executive", slug="safeguarding-executive")
    SeatFactory(body=executive, person_name="Eve Exec", email="eve@example.org")
    period = ReportingPeriodFactory(meeting_on=D(2015, 6, 17))
    meeting = MeetingFactory(body=executive, date=D(2015, 6, 17), is_online=True, place="", period=period)
    send("2015-06-10")
    [email] = mail.outbox
    assert "Where: Online" in email.body
    assert f"{SITE}/meetings/{meeting.pk}/" in email.body
    report = reverse("reports:executive-report", args=[period.plan.slug, period.number])
    assert f"Executive report, {period}: {SITE}{report}" in email.body


def test_the_dry_run_lists_who_would_be_reminded_and_sends_nothing(meeting):
    output = send(REMINDER_DAY, "--dry-run")
    assert "Meeting reminders (5 working days before) due on Thursday 7 May 2015:" in output
    assert "Learning and Improvement, Thursday 14 May 2015 at 14:00:" in output
    assert "- Ann Account <ann@example.org>" in output and "- Bob Nouser <bob@example.org>" in output
    assert "Cat Left" not in output and "deputy@example.org" not in output
    assert mail.outbox == [] and not SentEmail.objects.exists()
    assert "none due on Wednesday 6 May 2015" in send("2015-05-06", "--dry-run")


def test_the_reminders_of_many_meetings_read_the_seats_once(body, people, django_assert_num_queries):
    for day in (12, 13, 14):
        MeetingFactory(body=body, date=D(2015, 5, day))
    MeetingFactory(body=SubgroupFactory(), date=D(2015, 5, 14))
    with django_assert_num_queries(2):  # the meetings, the seats
        letters = meeting_reminders_due(today=D(2015, 5, 7))
    # Ann and Bob for each; Cat too on 12 and 13 May, before she left; nobody sits on the other body.
    assert [(letter.meeting.date.day, letter.name) for letter in letters] == [
        (12, "Ann Account"),
        (12, "Bob Nouser"),
        (12, "Cat Left"),
        (13, "Ann Account"),
        (13, "Bob Nouser"),
        (13, "Cat Left"),
        (14, "Ann Account"),
        (14, "Bob Nouser"),
    ]


def test_the_managers_log_shows_the_meeting_reminders_sent_and_scheduled(client, manager, meeting, body):
    send(REMINDER_DAY)
    today = timezone.localdate()
    ahead = MeetingFactory(body=body, date=today + datetime.timedelta(days=30))
    MeetingFactory(body=body, date=today + datetime.timedelta(days=31), status=Meeting.Status.CANCELLED)
    client.force_login(manager)
    text = client.get(reverse("progress:email-log")).content.decode()
    scheduled = text[text.index('id="meeting-reminders"') : text.index('id="sent"')]
    assert f"{body.name}, {format_date(ahead.date, 'l j F Y')}" in scheduled
    assert format_date(reminds_on(ahead), "l j F Y") in scheduled
    assert scheduled.count("<tr") == 2, "the cancelled meeting is not reminded of"
    sent = text[text.index('id="sent"') :]
    assert sent.count("Meeting reminder, Learning and Improvement on 14 May 2015") == 2
    assert "Ann Account, ann@example.org" not in sent and "ann@example.org" in sent


def test_the_log_reads_the_meeting_reminders_in_a_fixed_number_of_queries(client, manager, body, people):
    client.force_login(manager)
    url = reverse("progress:email-log")
    MeetingFactory(body=body, date=D(2015, 5, 14))
    send(REMINDER_DAY)
    client.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in (11, 12, 13):
        MeetingFactory(body=body, date=D(2015, 5, day))
    send("2015-05-08")
    assert SentEmail.objects.count() == 2 + 3 * 3  # Cat Left too, at the meetings before she left
    with CaptureQueriesContext(connection) as more:
        text = client.get(url).content.decode()
    assert len(more) == len(few)
    assert text.count("Meeting reminder, Learning and Improvement on 1") == 11
