"""Writes to plans and reporting periods."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from dscb.workingdays import working_day_on_or_after
from subgroups.roles import is_board_manager

from .models import BusinessPlan, ReportingPeriod, bimonthly_periods
from .signals import period_meeting_moved

# Updates are due ten days after a period ends; the Safeguarding Executive meets a week later (each on a working day).
DEADLINE_AFTER_PERIOD = datetime.timedelta(days=10)
MEETING_AFTER_DEADLINE = datetime.timedelta(days=7)


@transaction.atomic
def plan_create_periods(*, plan: BusinessPlan, user=None):
    """Cut the plan year into bi-monthly reporting periods (only where it has none yet)."""
    if plan.periods.exists():
        return list(plan.periods.all())
    periods = []
    for number, (starts_on, ends_on) in enumerate(bimonthly_periods(plan.starts_on, plan.ends_on), start=1):
        # A deadline or a meeting that would fall on a weekend or a bank holiday moves to the next working day.
        deadline = working_day_on_or_after(ends_on + DEADLINE_AFTER_PERIOD)
        meeting_on = working_day_on_or_after(deadline + MEETING_AFTER_DEADLINE)
        period = ReportingPeriod(
            plan=plan,
            number=number,
            starts_on=starts_on,
            ends_on=ends_on,
            deadline=deadline,
            meeting_on=meeting_on,
            papers_deadline=_papers_deadline(plan, meeting_on, deadline),
        )
        period._history_user = user
        period.save()
        periods.append(period)
    return periods


def _papers_deadline(plan, meeting_on, deadline):
    """The papers deadline for a meeting: the plan's papers days before it, never before the update deadline."""
    if meeting_on is None:
        return None
    papers, _ = plan.deadlines_before(meeting_on)
    return max(papers, deadline)


class PeriodStateError(Exception):
    """A period cannot move to the state asked for."""


def _set_state(period, state, user):
    period.state = state
    period._history_user = user
    period.save(update_fields=["state"])
    return period


@transaction.atomic
def period_open(*, period: ReportingPeriod, user=None):
    """Open an upcoming period for updates."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    # Read after the period's lock: a plan closed meanwhile (yearend's plan_activate) is seen closed.
    if BusinessPlan.objects.filter(pk=period.plan_id, status=BusinessPlan.Status.CLOSED).exists():
        raise PeriodStateError(f"{period.plan} is closed: its periods can no longer be opened.")
    if period.state != ReportingPeriod.State.UPCOMING:
        raise PeriodStateError(f"{period} is {period.get_state_display().lower()}, not upcoming.")
    return _set_state(period, ReportingPeriod.State.OPEN, user)


@transaction.atomic
def period_lock(*, period: ReportingPeriod, user=None):
    """Lock an open period: its updates become read-only to chairs."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.state != ReportingPeriod.State.OPEN:
        raise PeriodStateError(f"{period} is {period.get_state_display().lower()}, not open.")
    return _set_state(period, ReportingPeriod.State.LOCKED, user)


@transaction.atomic
def period_unlock(*, period: ReportingPeriod, user=None):
    """Reopen a locked period, for late or corrected updates."""
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    if period.plan.is_closed:
        raise PeriodStateError(f"{period.plan} is closed: its periods stay locked.")
    if period.state != ReportingPeriod.State.LOCKED:
        raise PeriodStateError(f"{period} is {period.get_state_display().lower()}, not locked.")
    return _set_state(period, ReportingPeriod.State.OPEN, user)


def period_dates_problems(*, period: ReportingPeriod, deadline, meeting_on):
    """What is wrong with these dates for the period, as {field: message} in the manager's words; empty if nothing.

    The update deadline is not before the period starts, and the Safeguarding Executive meeting (when set) is not
    before the update deadline: the meeting reads the updates. Neither is more than a year after the plan ends.
    """
    problems = {}
    latest = period.plan.ends_on + datetime.timedelta(days=365)
    for field, day, name in (("deadline", deadline, "update deadline"), ("meeting_on", meeting_on, "meeting")):
        if day is not None and day > latest:
            problems[field] = (
                f"The {name} must be no later than {format_date(latest, 'j F Y')}, a year after the plan ends"
            )
    if "deadline" in problems:
        return problems
    if deadline is not None and deadline < period.starts_on:
        problems["deadline"] = (
            f"The update deadline must be on or after {format_date(period.starts_on, 'j F Y')}, "
            f"when Period {period.number} starts"
        )
    if deadline is not None and meeting_on is not None and meeting_on < deadline and "meeting_on" not in problems:
        problems["meeting_on"] = (
            f"The Safeguarding Executive meeting must be on or after the update deadline, "
            f"{format_date(deadline, 'j F Y')}"
        )
    return problems


class DatesChanged(Exception):
    """Someone changed the period's dates after the form was opened; `period` holds them as they are now."""

    def __init__(self, period):
        super().__init__(f"The dates of {period} were changed since the page was opened.")
        self.period = period


def period_dates_seen(period):
    """The period's dates as a form carries them, to tell on saving whether anyone changed them since it was opened."""
    dates = (period.deadline, period.meeting_on, period.papers_deadline)
    return ",".join(day.isoformat() if day else "" for day in dates)


def _period_for_dates(period, dates_seen):
    """The period locked for changing its dates; DatesChanged if they are not the ones the form was opened with."""
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    if period.plan.is_closed:
        raise PeriodStateError(f"{period.plan} is closed: its periods can no longer be changed.")
    if dates_seen is not None and dates_seen != period_dates_seen(period):
        raise DatesChanged(period)
    return period


@transaction.atomic
def period_dates_change(*, period: ReportingPeriod, deadline, meeting_on, user, dates_seen=None):
    """Move the period's update deadline and Safeguarding Executive meeting date, kept in the period's history.

    With `dates_seen` (period_dates_seen when the form was opened), DatesChanged if anyone moved them since.
    """
    period = _period_for_dates(period, dates_seen)
    problems = period_dates_problems(period=period, deadline=deadline, meeting_on=meeting_on)
    if problems:
        raise ValidationError(problems)
    period.deadline = deadline
    period.meeting_on = meeting_on
    period.papers_deadline = _papers_deadline(period.plan, meeting_on, deadline)
    period._history_user = user
    period.save(update_fields=["deadline", "meeting_on", "papers_deadline"])
    return period


def period_meeting_dates(*, period: ReportingPeriod, meeting_on, today=None):
    """(update deadline, papers deadline) of the period were its Safeguarding Executive meeting moved to that day;
    ValidationError (on meeting_on) if it cannot be. Writes nothing: period_meeting_move saves them.

    The papers deadline is the plan's papers days before the meeting and the update deadline its update days
    before that, in working days. A deadline that has already passed stays where it was: a meeting moved after its
    deadline moves only what is still ahead, and nothing moved is put in the past (it is today at the earliest).
    """
    today = today or timezone.localdate()
    if meeting_on < period.starts_on:
        # Its deadlines would be before the period starts too (and counting working days back from the first years
        # of the calendar runs off its start).
        raise ValidationError(
            {
                "meeting_on": "The Safeguarding Executive meeting must be on or after "
                f"{format_date(period.starts_on, 'j F Y')}, when Period {period.number} starts"
            }
        )
    papers, deadline = period.plan.deadlines_before(meeting_on)
    passed = period.deadline < today
    deadline = period.deadline if passed else max(deadline, today)
    passed = period.papers_deadline is not None and period.papers_deadline < today
    papers = period.papers_deadline if passed else max(papers, today, deadline)
    problems = period_dates_problems(period=period, deadline=deadline, meeting_on=meeting_on)
    if not problems and papers > meeting_on:
        problems["meeting_on"] = (
            "The Safeguarding Executive meeting must be on or after the papers deadline, "
            f"{format_date(papers, 'j F Y')}"
        )
    if problems:
        raise ValidationError({"meeting_on": list(problems.values())})
    return deadline, papers


@transaction.atomic
def period_meeting_move(*, period: ReportingPeriod, meeting_on, user, today=None, dates_seen=None):
    """Move the Safeguarding Executive meeting a period reports to, and its deadlines with it (period_meeting_dates);
    the lock date and the reminders follow the update deadline. The change is in the period's history, with the user.

    Then period_meeting_moved is sent (plans.signals): the meeting the period reports to moves too, in the same
    transaction, whichever page moved it. With `dates_seen`, DatesChanged if anyone moved the dates since.
    """
    period = _period_for_dates(period, dates_seen)
    old = period.meeting_on
    period.deadline, period.papers_deadline = period_meeting_dates(period=period, meeting_on=meeting_on, today=today)
    period.meeting_on = meeting_on
    period._history_user = user
    period.save(update_fields=["deadline", "meeting_on", "papers_deadline"])
    period_meeting_moved.send(sender=ReportingPeriod, period=period, old=old, new=meeting_on, user=user)
    return period


def periods_lock_overdue(*, today, dry_run=False):
    """Lock every open period whose deadline plus the grace period has passed; return them."""
    overdue = [
        period
        for period in ReportingPeriod.objects.filter(state=ReportingPeriod.State.OPEN).select_related("plan")
        if period.locks_on < today
    ]
    if not dry_run:
        for period in overdue:
            period_lock(period=period)
    return overdue


class PeriodClosed(Exception):
    """The period is not open, and the user is not the board manager."""


def check_period_writable(period, user):
    """Refuse writes to a closed plan, and (but for the board manager) to a period that is not open."""
    if period.plan.is_closed:
        raise PeriodClosed(f"{period.plan} is closed: nothing in it can be changed.")
    if not period.is_open and not is_board_manager(user):
        raise PeriodClosed(f"{period} is {period.get_state_display().lower()}: nothing in it can be changed.")


def period_for_writing(*, period, user):
    """The period as it stands, held until the writing transaction ends; PeriodClosed if the user may not write.

    On PostgreSQL the period's row is held FOR SHARE: saves in the same period share it and do not wait for each
    other, while locking the period (FOR UPDATE) waits for the saves under way, and a save that starts while the
    period is being locked waits, then reads it locked. (SQLite writes one transaction at a time anyway.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM plans_reportingperiod WHERE id = %s FOR SHARE", [period.pk])
    current = ReportingPeriod.objects.select_related("plan").get(pk=period.pk)
    check_period_writable(current, user)
    return current


def period_writable(period, user):
    """Whether check_period_writable would let the user write in the period: for showing forms or read-only pages."""
    try:
        check_period_writable(period, user)
    except PeriodClosed:
        return False
    return True
