"""Writes to meetings, attendance and meeting items, each attributed to the acting user in the history, and the
attendance figures: quorum, the attendance KPI and the agencies absent three times in a row."""

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass

from dateutil.rrule import MONTHLY, rrule, weekday
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dscb.history import attributed_save
from kpis.services import kpi_value_computed
from plans.models import ReportingPeriod
from plans.services import PeriodStateError, period_meeting_move

from .models import Attendance, AttendanceMeasure, CalendarFeed, Meeting, MeetingItem, QuorumRule, Seat

SAFEGUARDING_EXECUTIVE = "safeguarding-executive"
ABSENT_IN_A_ROW = 3
MEETING_FIELDS = ["body", "date", "starts_at", "place", "is_online", "status", "period"]


class MeetingChanged(Exception):
    """Someone saved the meeting, or its attendance, since the form was opened."""

    def __init__(self, current_version):
        super().__init__("The meeting was saved by someone else since the form was opened.")
        self.current_version = current_version


def _meeting_written(meeting, user, expected_version=None):
    """Save the meeting at its next version, attributed to `user`. With `expected_version` (the version the form
    was opened at), only when nobody saved it since: MeetingChanged otherwise, and the transaction is undone."""
    if meeting.pk is not None:
        current = Meeting.objects.select_for_update().values_list("version", flat=True).get(pk=meeting.pk)
        if expected_version is not None and current != expected_version:
            raise MeetingChanged(current)
        meeting.version = current + 1
    return attributed_save(meeting, user)


def meeting_problems(*, body, period, meeting=None):
    """What is wrong with linking the meeting to the period, as {field: message}; empty if nothing."""
    problems = {}
    if period is not None:
        if body.slug != SAFEGUARDING_EXECUTIVE:
            problems["period"] = "Only a Safeguarding Executive meeting reads a reporting period's updates"
        else:
            taken = Meeting.objects.filter(period=period).exclude(pk=getattr(meeting, "pk", None)).first()
            if taken is not None:
                problems["period"] = f"{period} already reports to the meeting on {taken.date:%-d %B %Y}"
    return problems


@transaction.atomic
def meeting_save(*, user, meeting=None, **fields):
    """Add a meeting, or change one; when it is the meeting a reporting period reports to, the period's meeting
    date follows it (in the period's history). ValidationError says what is wrong, in the manager's words."""
    meeting = meeting or Meeting()
    expected_version = fields.pop("version", None)
    problems = meeting_problems(body=fields["body"], period=fields.get("period"), meeting=meeting)
    if problems:
        raise ValidationError(problems)
    before = (meeting.date, meeting.status, meeting.body_id) if meeting.pk else None
    shown = meeting.calendar_state if meeting.pk else None
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    if shown is not None and shown != meeting.calendar_state:
        meeting.sequence += 1
    _meeting_written(meeting, user, expected_version)
    _period_follow(meeting, user)
    if before is not None and before != (meeting.date, meeting.status, meeting.body_id):
        # A held meeting moved, cancelled or given to another body: the attendance KPIs of both days follow.
        attendance_kpis_update(meeting=meeting, user=user, body_id=before[2], day=before[0])
        attendance_kpis_update(meeting=meeting, user=user)
    return meeting


def _period_follow(meeting, user):
    """The reporting period this meeting reads follows its date: the period's Safeguarding Executive meeting date
    becomes the meeting's, and its papers and update deadlines are counted back from it in working days
    (plans.services.period_meeting_move; a deadline already passed stays). Nothing for a cancelled meeting, or a
    closed plan."""
    if meeting.period_id is None or meeting.status == Meeting.Status.CANCELLED:
        return None
    period = ReportingPeriod.objects.get(pk=meeting.period_id)
    if period.meeting_on == meeting.date:
        return period
    try:
        return period_meeting_move(period=period, meeting_on=meeting.date, user=user)
    except ValidationError as invalid:
        raise ValidationError({"date": [m for messages in invalid.message_dict.values() for m in messages]}) from None
    except PeriodStateError:
        return None


def meeting_follow_period(sender, *, period, old, new, user, **kwargs):
    """Receiver of plans.signals.period_meeting_moved: the meeting the period reports to moves to the new date,
    keeping its time, its sequence raised, in its history with the user. It does not call back into the period
    (which has moved already); a cancelled meeting stays where it was."""
    meeting = Meeting.objects.select_for_update().filter(period=period).first()
    if meeting is None or meeting.date == new or meeting.status == Meeting.Status.CANCELLED:
        return None
    before = (meeting.date, meeting.status, meeting.body_id)
    meeting.date = new
    meeting.sequence += 1
    _meeting_written(meeting, user)
    if meeting.status == Meeting.Status.HELD:
        attendance_kpis_update(meeting=meeting, user=user, body_id=before[2], day=before[0])
        attendance_kpis_update(meeting=meeting, user=user)
    return meeting


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def rule_dates(*, weekday_index, nth, every_months, starts_on, ends_on):
    """The dates of a rule such as "the second Thursday of alternate months" between two dates (both included):
    weekday 0 (Monday) to 4, nth 1 to 4 or -1 for the last, every 1 to 12 months counted from the first month."""
    rule = rrule(
        MONTHLY,
        interval=every_months,
        byweekday=weekday(weekday_index)(nth),
        dtstart=datetime.datetime.combine(starts_on.replace(day=1), datetime.time()),
        until=datetime.datetime.combine(ends_on, datetime.time()),
    )
    return [moment.date() for moment in rule if moment.date() >= starts_on]


@transaction.atomic
def meetings_generate(*, user, body, dates, starts_at, place="", is_online=False):
    """Add the body's meetings on these dates, leaving out a date it already meets on; return those added."""
    taken = set(Meeting.objects.filter(body=body, date__in=dates).values_list("date", flat=True))
    return [
        attributed_save(Meeting(body=body, date=day, starts_at=starts_at, place=place, is_online=is_online), user)
        for day in dates
        if day not in taken
    ]


def expected_seats(meeting):
    """The seats expected at the meeting: those whose dates cover its day, in the order of the body's list."""
    return list(
        Seat.objects.on(meeting.date)
        .filter(body_id=meeting.body_id)
        .select_related("agency")
        .prefetch_related("deputies")
        .order_by("role", "person_name", "pk")
    )


@transaction.atomic
def attendance_record(*, meeting, user, rows, in_attendance="", expected_version=None):
    """Record who came for each expected seat, `rows` being {seat id: (status, deputy's name)}; a seat left out
    is present. The meeting becomes held, and every KPI computed from its body's attendance is worked out again
    for the period the meeting falls in."""
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    if expected_version is not None and meeting.version != expected_version:
        raise MeetingChanged(meeting.version)
    seats = expected_seats(meeting)
    existing = {row.seat_id: row for row in meeting.attendances.all()}
    for seat in seats:
        status, deputy_name = rows.get(seat.pk, (Attendance.Status.PRESENT, ""))
        deputy_name = deputy_name if status == Attendance.Status.DEPUTY else ""
        row = existing.pop(seat.pk, None) or Attendance(meeting=meeting, seat=seat)
        if row.pk is None or (row.status, row.deputy_name) != (status, deputy_name):
            row.status, row.deputy_name = status, deputy_name
            attributed_save(row, user)
    for gone in existing.values():  # a seat no longer expected on the day (its dates changed)
        gone._history_user = user
        gone.delete()
    meeting.in_attendance = in_attendance
    meeting.status = Meeting.Status.HELD
    _meeting_written(meeting, user)
    attendance_kpis_update(meeting=meeting, user=user)
    return meeting


def attendance_kpis_update(*, meeting, user, body_id=None, day=None):
    """Write again the value of every KPI computed from the attendance of the meeting's body (or `body_id`), for
    the period of the KPI's plan that the meeting's date (or `day`) falls in."""
    body_id, day = body_id or meeting.body_id, day or meeting.date
    measures = AttendanceMeasure.objects.filter(bodies=body_id).select_related("kpi")
    written = []
    for measure in measures:
        period = ReportingPeriod.objects.filter(
            plan__priorities__objectives__kpis=measure.kpi, starts_on__lte=day, ends_on__gte=day
        ).first()
        if period is None:
            continue
        represented, expected = attendance_figures(measure, period)
        value = kpi_value_computed(
            kpi=measure.kpi,
            period=period,
            user=user,
            numerator=represented,
            denominator=expected,
            note=f"Computed from attendance: {represented} of {expected} seats represented at the meetings held.",
        )
        written.append(value)
    return written


def attendance_figures(measure, period):
    """(seats represented, seats expected) over the meetings of the measure's bodies held in the period."""
    rows = Attendance.objects.filter(
        meeting__status=Meeting.Status.HELD,
        meeting__body__in=measure.bodies.all(),
        meeting__date__gte=period.starts_on,
        meeting__date__lte=period.ends_on,
    )
    statuses = list(rows.values_list("status", flat=True))
    return sum(status in Attendance.REPRESENTED for status in statuses), len(statuses)


@dataclass
class Quorum:
    rule: QuorumRule | None
    count: int

    @property
    def met(self):
        return None if self.rule is None else self.count >= self.rule.number

    @property
    def words(self):
        if self.rule is None:
            return "No quorum rule set for this body"
        what = "members present or deputised" if self.rule.kind == QuorumRule.Kind.MEMBERS else "statutory agencies"
        verdict = "Quorate" if self.met else "Not quorate"
        return f"{verdict}: {self.count} {what}, at least {self.rule.number} needed"


def quorum(meeting, attendances):
    """Whether the held meeting was quorate under its body's rule, from its attendance rows (seat and agency
    fetched)."""
    rule = QuorumRule.objects.filter(body_id=meeting.body_id).first()
    represented = [row for row in attendances if row.is_represented]
    if rule is not None and rule.kind == QuorumRule.Kind.STATUTORY_AGENCIES:
        count = len({row.seat.agency_id for row in represented if row.seat.agency.is_statutory})
    else:
        count = len(represented)
    return Quorum(rule=rule, count=count)


@dataclass
class AbsentRun:
    body: object
    agency: object
    meetings: list  # dates, oldest first


def agencies_absent_in_a_row(bodies, agencies, times=ABSENT_IN_A_ROW):
    """Each agency not represented at the latest `times` (or more) held meetings in a row of a body at which it
    was expected, as AbsentRun rows. One query, whatever the number of meetings; `bodies` and `agencies` are
    {id: object}."""
    rows = (
        Attendance.objects.filter(meeting__status=Meeting.Status.HELD)
        .values_list("meeting__body_id", "meeting__date", "meeting_id", "seat__agency_id", "status")
        .order_by("meeting__date", "meeting_id")
    )
    seen = defaultdict(dict)  # (body, agency) -> {meeting id: (date, represented)}
    for body_id, day, meeting_id, agency_id, status in rows:
        before = seen[(body_id, agency_id)].get(meeting_id, (day, False))[1]
        seen[(body_id, agency_id)][meeting_id] = (day, before or status in Attendance.REPRESENTED)
    runs = []
    for (body_id, agency_id), meetings in seen.items():
        missed = []
        for day, represented in meetings.values():
            missed = [] if represented else [*missed, day]
        if len(missed) >= times and body_id in bodies and agency_id in agencies:
            runs.append(AbsentRun(body=bodies[body_id], agency=agencies[agency_id], meetings=missed))
    return sorted(runs, key=lambda run: (run.body.name, run.agency.name))


@transaction.atomic
def meeting_item_add(*, meeting, user, kind, text, owner="", due_on=None):
    item = MeetingItem(meeting=meeting, kind=kind, text=text, owner=owner, due_on=due_on)
    return attributed_save(item, user)


@transaction.atomic
def meeting_item_close(*, item, user):
    """Mark an action done: it stops coming back as a matter arising."""
    item = MeetingItem.objects.select_for_update().get(pk=item.pk)
    if item.status != MeetingItem.Status.DONE:
        item.status = MeetingItem.Status.DONE
        item.closed_at = timezone.now()
        attributed_save(item, user)
    return item


def matters_arising(meeting):
    """The open actions of the body's earlier meetings: they come back until closed."""
    return list(
        MeetingItem.objects.filter(
            meeting__body_id=meeting.body_id,
            kind=MeetingItem.Kind.ACTION,
            status=MeetingItem.Status.OPEN,
            meeting__date__lt=meeting.date,
        ).select_related("meeting")
    )


@transaction.atomic
def attendance_measure_set(*, kpi, bodies, user):
    """Mark the KPI as computed from the attendance of these bodies' meetings."""
    measure, _ = AttendanceMeasure.objects.get_or_create(kpi=kpi)
    measure.bodies.set(bodies)
    if kpi.value_source != kpi.Source.ATTENDANCE:
        kpi.value_source = kpi.Source.ATTENDANCE
        kpi._history_user = user
        kpi.save(update_fields=["value_source"])
    return measure


def _feed_secret():
    """A long random secret for a feed's address: 32 random bytes, 43 URL-safe characters."""
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_for(*, user):
    """The person's calendar feed, made with its secret the first time they ask for it."""
    return CalendarFeed.objects.filter(user=user).first() or _calendar_feed_create(user=user)


def _calendar_feed_create(*, user):
    """Make the person's feed; when their other tab made it between the look and this save, that one is theirs."""
    feed = CalendarFeed(user=user, secret=_feed_secret())
    feed._history_user = user
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:
        return CalendarFeed.objects.get(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user):
    """Give the person's feed a new secret: the old address stops answering (404)."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
    feed.secret = _feed_secret()
    feed._history_user = user
    feed.save()
    return feed


def seat_attendance(seat, *, starts_on, ends_on):
    """A seat's attendance at its body's meetings held between two days: {"expected": n, "present": n, "deputy": n,
    "apologies": n, "absent": n}. One query."""
    figures = dict.fromkeys(["expected", *Attendance.Status.values], 0)
    rows = Attendance.objects.filter(
        seat=seat, meeting__status=Meeting.Status.HELD, meeting__date__gte=starts_on, meeting__date__lte=ends_on
    ).values_list("status", flat=True)
    for status in rows:
        figures["expected"] += 1
        figures[status] += 1
    return figures
