"""Reminders of the bodies' meetings: MEETING_REMINDER_DAYS working days before each scheduled meeting of a body,
each member sitting on it that day gets an email with the date, time, place and the links to the meeting's page and
papers. The seat's account email is used, else the seat's own email; deputies are not emailed.

Should the daily command miss a day, the reminder still goes on the days after, until the day before the meeting. A
cancelled meeting sends nothing, a past meeting never. Each email is sent once: its SentEmail key names the person,
the meeting and its date (meeting_reminder_key), so moving a meeting makes the moved date's reminder due, and
running the command twice sends nothing new. progress's send_reminders calls this module (meetings may not import
progress).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as format_date

from dscb.models import SentEmail
from dscb.workingdays import working_days_before

from .models import Meeting, Seat
from .tasks import meeting_reminder_send

KEY_PREFIX = "meeting-reminder:"
LABEL = "Meeting reminder"


def meeting_reminder_key(seat, meeting):
    """The SentEmail key of one reminder: the person (their account, else their seat), the meeting and its date."""
    person = f"user-{seat.user_id}" if seat.user_id else f"seat-{seat.pk}"
    return f"{KEY_PREFIX}{person}:meeting-{meeting.pk}:{meeting.date.isoformat()}"


def parse_key(key):
    """(meeting id, date) of a meeting_reminder_key, or None for another email's key."""
    if not key.startswith(KEY_PREFIX):
        return None
    parts = key[len(KEY_PREFIX) :].split(":")
    if len(parts) != 3 or not parts[1].startswith("meeting-") or not parts[1][8:].isdigit():
        return None
    try:
        return int(parts[1][8:]), datetime.date.fromisoformat(parts[2])
    except ValueError:
        return None


def reminds_on(meeting, days=None):
    """The day the meeting's members are reminded of it: MEETING_REMINDER_DAYS working days before."""
    return working_days_before(meeting.date, days or settings.MEETING_REMINDER_DAYS)


def _window(today, days):
    # Enough calendar days to hold `days` working days whatever the weekends and bank holidays (Christmas's four).
    return today + datetime.timedelta(days=days * 2 + 10)


@dataclass(frozen=True)
class MeetingLetter:
    """One reminder to one member of one meeting."""

    meeting: Meeting
    seat: Seat
    to: str

    @property
    def key(self):
        return meeting_reminder_key(self.seat, self.meeting)

    @property
    def name(self):
        user = self.seat.user
        return (user.get_full_name() if user else "") or self.seat.person_name


def seat_address(seat):
    """The address a seat's reminders go to: its person's account email (an active account), else its own."""
    user = seat.user
    if user is not None and user.is_active and user.email:
        return user.email
    return seat.email


def meetings_ahead(*, today, days=None):
    """The scheduled (or moved) meetings after today whose reminder day has come, soonest first."""
    days = days or settings.MEETING_REMINDER_DAYS
    meetings = (
        Meeting.objects.filter(date__gt=today, date__lte=_window(today, days))
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.HELD])
        .select_related("body", "period__plan")
        .order_by("date", "starts_at", "pk")
    )
    return [meeting for meeting in meetings if reminds_on(meeting, days) <= today]


def scheduled(*, today, days=None):
    """(meetings whose reminders are due now, [(meeting, its reminder day)] of those still to come in the next few
    weeks) of the scheduled meetings after today, soonest first, in one query: for the manager's log."""
    days = days or settings.MEETING_REMINDER_DAYS
    meetings = (
        Meeting.objects.filter(date__gt=today, date__lte=_window(today, days) + datetime.timedelta(days=14))
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.HELD])
        .select_related("body")
        .order_by("date", "starts_at", "pk")
    )
    days_of = [(meeting, reminds_on(meeting, days)) for meeting in meetings]
    return [meeting for meeting, day in days_of if day <= today], [(m, day) for m, day in days_of if day > today]


def letters_for(meetings):
    """The reminders of these meetings, one per member sitting on the body on its day with an address (one per
    address for a meeting), in the meetings' order then the seats'. One query for the seats of all of them."""
    bodies = {meeting.body_id for meeting in meetings}
    if not meetings:
        return []
    earliest, latest = min(m.date for m in meetings), max(m.date for m in meetings)
    seats = list(
        Seat.objects.filter(body_id__in=bodies, starts_on__lte=latest)
        .exclude(ends_on__lt=earliest)
        .select_related("user")
        .order_by("role", "person_name", "pk")
    )
    letters = []
    for meeting in meetings:
        seen = set()
        for seat in seats:
            if seat.body_id != meeting.body_id or seat.starts_on > meeting.date:
                continue
            if seat.ends_on is not None and seat.ends_on < meeting.date:
                continue
            to = seat_address(seat)
            if not to or to.lower() in seen:
                continue
            seen.add(to.lower())
            letters.append(MeetingLetter(meeting, seat, to))
    return letters


def meeting_reminders_due(*, today):
    """The meeting reminders due on `today`, whether or not they have been sent."""
    return letters_for(meetings_ahead(today=today))


def papers_links(meeting, *, site_url):
    """[(what, address)] of the meeting's papers: its page, and for the Safeguarding Executive meeting a period
    reports to, that period's Executive report."""
    links = [("Meeting page and papers", site_url + meeting.get_absolute_url())]
    if meeting.period_id is not None:
        period = meeting.period
        path = reverse("reports:executive-report", args=[period.plan.slug, period.number])
        links.append((f"Executive report, {period}", site_url + path))
    return links


def letter_render(letter, *, site_url):
    """(subject, body) of the reminder, with absolute links made from the site's address."""
    meeting = letter.meeting
    when = format_date(meeting.date, "l j F Y")
    subject = f"Reminder: {meeting.body.name} meets on {when}"
    context = {
        "letter": letter,
        "meeting": meeting,
        "when": when,
        "time": format_date(datetime.datetime.combine(meeting.date, meeting.starts_at), "g:i a"),
        "links": papers_links(meeting, site_url=site_url),
        "board_name": settings.BOARD_NAME,
    }
    return f"{subject} – {settings.BOARD_NAME}"[:300], render_to_string("meetings/email/reminder.txt", context)


def meeting_reminders_send(*, today, site_url):
    """Enqueue each meeting reminder due on `today` not enqueued before; return the MeetingLetters enqueued. The
    SentEmail row is made with its task in one transaction, so a second run enqueues nothing (progress.reminders)."""
    queued = []
    for letter in meeting_reminders_due(today=today):
        subject, body = letter_render(letter, site_url=site_url)
        with transaction.atomic():
            _, created = SentEmail.objects.get_or_create(key=letter.key, defaults={"to": letter.to, "subject": subject})
            if created:
                meeting_reminder_send.enqueue(
                    key=letter.key,
                    to=letter.to,
                    meeting_id=letter.meeting.pk,
                    date=letter.meeting.date.isoformat(),
                    subject=subject,
                    body=body,
                )
                queued.append(letter)
    return queued
