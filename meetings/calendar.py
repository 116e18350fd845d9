"""The calendar feeds (iCalendar, built with `icalendar`): a person's private feed of their bodies' meetings and the
update deadlines due from them, and the board's public feed of its bodies' meetings (dates, times and bodies only).

Each event has a stable UID (`meeting-<id>@<site host>`, `deadline-<period id>@<site host>`, `papers-<period
id>@<site host>`) and a SEQUENCE that rises when it changes: the meeting's own sequence (raised by the meetings
services when its date, time, place or status changes), and for a deadline the number of times its period has been
saved (its history). A cancelled meeting stays in the feed as STATUS:CANCELLED, so calendars take it out. Times are
in Europe/London. A feed covers FEED_BACK days back to FEED_AHEAD days ahead, so it does not grow without end, and
is read in a fixed number of queries however many meetings there are.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from icalendar import Calendar, Event

from kpis.models import KPI
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action
from subgroups.models import Membership, Subgroup
from subgroups.roles import is_board_manager

from .models import Meeting, Seat
from .reminders import papers_links

LONDON = ZoneInfo(settings.TIME_ZONE)
FEED_BACK = datetime.timedelta(days=365)  # 12 months back
FEED_AHEAD = datetime.timedelta(days=548)  # 18 months ahead
# A meeting's length is not recorded: calendars show it as two hours.
MEETING_LENGTH = datetime.timedelta(hours=2)
PRODUCT_ID = "-//DSCB//Business plan tracker//EN"


def site_host(request=None):
    """The host named in the UIDs: SITE_URL's, else the request's."""
    host = urlsplit(settings.SITE_URL).hostname
    if host:
        return host
    return request.get_host().rsplit(":", 1)[0] if request is not None else "localhost"


def _window(today):
    return today - FEED_BACK, today + FEED_AHEAD


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _meeting_event(meeting, *, host, stamp, site_url=None):
    """The meeting as an event; with site_url (the private feed) its place, page and papers too."""
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    start = datetime.datetime.combine(meeting.date, meeting.starts_at, tzinfo=LONDON)
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("summary", f"{'Cancelled: ' if cancelled else ''}{meeting.body.name}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if site_url is not None:
        event.add("location", meeting.where)
        links = papers_links(meeting, site_url=site_url)
        event.add("url", links[0][1])
        event.add("description", "\n".join(f"{what}: {link}" for what, link in links))
    return event


def _deadline_event(uid, day, summary, sequence, *, stamp, description=""):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def _meetings(today, bodies=None):
    """The meetings in the feed's window (of these bodies, if given), in one query."""
    first, last = _window(today)
    meetings = Meeting.objects.filter(date__gte=first, date__lte=last).select_related("body", "period__plan")
    if bodies is not None:
        meetings = meetings.filter(body_id__in=bodies)
    return meetings.order_by("date", "starts_at", "pk")


def board_calendar(*, today, host):
    """The board's public feed: every meeting of its bodies in the window, dates, times and bodies only."""
    stamp = timezone.now()
    calendar = _calendar(f"{settings.BOARD_NAME}: meetings")
    for meeting in _meetings(today).filter(body__is_active=True).exclude(body__kind=Subgroup.Kind.ROLE):
        calendar.add_component(_meeting_event(meeting, host=host, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


@dataclass
class Reach:
    """What a person's feed holds: the bodies whose meetings they see, and which deadlines."""

    bodies: set
    updates: bool
    papers: bool
    seats: dict  # body id -> [(from, until or None)] of the seats, for a body they sit on only through seats

    def covers(self, meeting):
        """Is the meeting theirs: a body they are a chair or member of, or one they sat on on its day?"""
        spans = self.seats.get(meeting.body_id)
        if spans is None:
            return True
        return any(start <= meeting.date and (end is None or meeting.date <= end) for start, end in spans)


def reach_of(user, plan):
    """The bodies the person sits on (a seat with their account: the meetings while they sit) or is a chair or
    member of, whether anything in the plan is due from them (a subgroup of theirs leads an action or owns a KPI),
    and whether they are the manager (every update and papers deadline). Five queries at most."""
    subgroups = set(Membership.objects.filter(user=user).values_list("subgroup_id", flat=True))
    seats = {}
    for body_id, starts_on, ends_on in Seat.objects.filter(user=user).values_list("body_id", "starts_on", "ends_on"):
        if body_id not in subgroups:
            seats.setdefault(body_id, []).append((starts_on, ends_on))
    manager = is_board_manager(user)
    updates = manager
    if plan is not None and subgroups and not manager:
        leads = Action.objects.filter(Q(lead__in=subgroups) | Q(co_leads__in=subgroups), objective__priority__plan=plan)
        owns = KPI.objects.filter(owner__in=subgroups, objective__priority__plan=plan)
        updates = leads.exists() or owns.exists()
    return Reach(bodies=subgroups | seats.keys(), updates=updates, papers=manager, seats=seats)


def _periods(plan, today):
    """The plan's periods whose deadlines fall in the window, each with `saves` (how many times it was saved)."""
    first, last = _window(today)
    saves = (
        ReportingPeriod.history.model.objects.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(count=Count("*"))
        .values("count")
    )
    return (
        ReportingPeriod.objects.filter(plan=plan, deadline__gte=first, deadline__lte=last)
        .annotate(saves=Subquery(saves))
        .order_by("number")
    )


def person_calendar(*, user, today, host, site_url):
    """A person's private feed: their bodies' meetings, with their places and papers, and the update deadlines of
    the active plan's periods when anything is due from them (and the papers deadlines, for the manager)."""
    stamp = timezone.now()
    calendar = _calendar(f"{settings.BOARD_NAME}: my meetings and deadlines")
    plan = BusinessPlan.objects.active().first()
    reach = reach_of(user, plan)
    if reach.bodies:
        for meeting in _meetings(today, reach.bodies):
            if reach.covers(meeting):
                calendar.add_component(_meeting_event(meeting, host=host, stamp=stamp, site_url=site_url))
    if plan is not None and reach.updates:
        for period in _periods(plan, today):
            sequence = max((period.saves or 1) - 1, 0)
            calendar.add_component(
                _deadline_event(
                    f"deadline-{period.pk}@{host}",
                    period.deadline,
                    f"Updates due: {period}",
                    sequence,
                    stamp=stamp,
                    description=f"Updates and KPI values for {period} are due. My work: {site_url}/my/",
                )
            )
            if reach.papers and period.papers_deadline is not None:
                calendar.add_component(
                    _deadline_event(
                        f"papers-{period.pk}@{host}",
                        period.papers_deadline,
                        f"Papers due: {period}",
                        sequence,
                        stamp=stamp,
                    )
                )
    calendar.add_missing_timezones()
    return calendar.to_ical()
