"""Update reminders and chasers: who is told, by email, of what is due from them for the reporting period, and when.

- The plan's reminder days (working days) before the update deadline, each chair and member of a subgroup with
  updates or KPI values due and not in gets one reminder, listing everything due from them with links.
- The day after the deadline, a chaser for what is still missing.
- The day after the grace period ends (the period's lock date, PERIOD_GRACE_DAYS), a second chaser to the
  subgroups' chairs and to the board business manager, who can unlock the period.
- A person who chose the weekly digest (EmailPreference) gets none of those: on DIGEST_WEEKDAY, while any of them
  is due, one email lists everything due from them. Nobody can switch off what is due.

Should the daily command miss a day, each email is still sent on the days after, until the next one takes over
(the second chaser for SECOND_CHASER_DAYS). Each email is sent once: its SentEmail key names the person, the
period and the kind (reminder_key), its row is made when the email is enqueued, and a task is enqueued only with a
new row; the task sends through dscb.mail.email_send_once. So running the command twice, or two at once, or two
workers, never sends the same email twice. Nothing is sent for an item once it is in: each day's emails are
drawn from what is missing that day.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as format_date

from dscb.models import SentEmail
from plans.access import active_plan_with_periods
from plans.models import ReportingPeriod
from subgroups.models import Membership
from subgroups.roles import BOARD_MANAGER

from .models import EmailPreference
from .selectors import plan_rows, subgroup_work
from .tasks import reminder_email_send

REMINDER, CHASER, SECOND_CHASER, DIGEST = "reminder", "chaser", "second-chaser", "digest"
KIND_LABELS = {REMINDER: "Reminder", CHASER: "Chaser", SECOND_CHASER: "Second chaser", DIGEST: "Weekly digest"}
# The weekday (Monday is 0) the weekly digests go out.
DIGEST_WEEKDAY = 0
# Days after the grace period ends during which the second chaser is still sent, should a day be missed.
SECOND_CHASER_DAYS = 7
MANAGER_ROLE = "Board business manager"


def reminder_key(kind, person_id, period_id, on=None):
    """The SentEmail key of one email: its kind, the person, the period (and the day, for a weekly digest)."""
    key = f"{kind}:{person_id}:period-{period_id}"
    return f"{key}:{on.isoformat()}" if kind == DIGEST else key


def parse_key(key):
    """(kind, person id, period id) of a reminder_key, or None for another email's key."""
    kind, _, rest = key.partition(":")
    person, _, rest = rest.partition(":period-")
    period = rest.partition(":")[0]
    if kind not in KIND_LABELS or not person.isdigit() or not period.isdigit():
        return None
    return kind, int(person), int(period)


@dataclass(frozen=True)
class Schedule:
    """The days a period's emails go out: each kind from its day until the next kind's day (or `until`)."""

    period: ReportingPeriod
    reminder: datetime.date
    chaser: datetime.date
    second_chaser: datetime.date
    until: datetime.date

    @classmethod
    def of(cls, period):
        one_day = datetime.timedelta(days=1)
        return cls(
            period=period,
            reminder=period.reminds_on,
            chaser=period.deadline + one_day,
            second_chaser=period.locks_on + one_day,
            until=period.locks_on + datetime.timedelta(days=SECOND_CHASER_DAYS),
        )

    def kind_on(self, today):
        """The kind of email due on `today`: REMINDER or CHASER while the period is open, SECOND_CHASER after the
        grace period (the period is locked by then), or None."""
        if self.period.state == ReportingPeriod.State.UPCOMING:
            return None
        if self.second_chaser <= today <= self.until:
            return SECOND_CHASER
        if not self.period.is_open:
            return None
        if self.chaser <= today:
            return CHASER if today < self.second_chaser else None
        return REMINDER if self.reminder <= today else None

    def next_digest(self, today):
        """The next digest day from `today` on, while any email is due; None once they are over."""
        day = today + datetime.timedelta(days=(DIGEST_WEEKDAY - today.weekday()) % 7)
        day = max(day, self.reminder + datetime.timedelta(days=(DIGEST_WEEKDAY - self.reminder.weekday()) % 7))
        return day if day <= self.until else None


@dataclass(frozen=True)
class DueItem:
    """An update or a KPI value due from a subgroup and not in, with where to record it."""

    what: str  # "Update" or "KPI value"
    code: str
    text: str
    state: str
    path: str


@dataclass
class Section:
    """What is due from one subgroup, as one person on it (or the manager) reads it."""

    subgroup: object
    role: str
    items: list


@dataclass
class Letter:
    """One email to one person: its kind and everything it lists."""

    kind: str
    person: object
    period: ReportingPeriod
    on: datetime.date
    sections: list = field(default_factory=list)

    @property
    def key(self):
        return reminder_key(self.kind, self.person.pk, self.period.pk, self.on)

    @property
    def items(self):
        return [item for section in self.sections for item in section.items]

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


def reporting_period():
    """The active plan's reporting period (the latest opened), or None."""
    plan = active_plan_with_periods()
    return plan.reporting_period_from(list(plan.periods.all())) if plan else None


def missing_work(period):
    """{subgroup id: (subgroup, [DueItem])} of every subgroup with updates or KPI values due and not in."""
    rows = plan_rows(period.plan, period, drafts=True)
    missing = {}
    for work in subgroup_work(rows.action_rows, rows.kpi_rows, rows.subgroups.values()):
        items = [
            DueItem(
                "Update",
                row.action.code,
                row.action.text,
                row.stage_label,
                reverse("priorities:update-edit", args=[row.action.pk, period.number]),
            )
            for row in work.led
            if not row.is_in
        ] + [
            DueItem(
                "KPI value",
                row.kpi.ref,
                row.kpi.name,
                "No value yet",
                reverse("kpis:value-edit", args=[row.kpi.pk, period.number]),
            )
            for row in work.kpis
            if not row.is_in
        ]
        if items:
            missing[work.subgroup.pk] = (work.subgroup, items)
    return missing


def letters_for(period, kind, missing, *, today, digests=True):
    """The emails of this kind for the period on `today`, one per person, in name order. People who chose the
    weekly digest get a DIGEST in its place on DIGEST_WEEKDAY, and nothing on other days; with digests=False,
    everyone gets this kind (to say who it concerns, whatever they chose)."""
    if kind is None or not missing:
        return []
    memberships = (
        Membership.objects.filter(subgroup_id__in=missing, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("subgroup__name", "role", "user__username")
    )
    if kind == SECOND_CHASER:
        memberships = memberships.filter(role=Membership.Role.CHAIR)
    people = {}
    for membership in memberships:
        subgroup, items = missing[membership.subgroup_id]
        person, sections = people.setdefault(membership.user_id, (membership.user, []))
        sections.append(Section(subgroup, membership.get_role_display(), items))
    if kind == SECOND_CHASER:
        managers = get_user_model().objects.filter(groups__name=BOARD_MANAGER, is_active=True).exclude(email="")
        everything = [Section(subgroup, MANAGER_ROLE, items) for subgroup, items in missing.values()]
        everything.sort(key=lambda section: section.subgroup.name)
        for manager in managers:
            people[manager.pk] = (manager, everything)
    digest = set()
    if digests:
        chose = EmailPreference.objects.filter(user_id__in=people, weekly_digest=True)
        digest = set(chose.values_list("user_id", flat=True))
    letters = []
    for pk, (person, sections) in people.items():
        if pk not in digest:
            letters.append(Letter(kind, person, period, today, sections))
        elif today.weekday() == DIGEST_WEEKDAY:
            letters.append(Letter(DIGEST, person, period, today, sections))
    return sorted(letters, key=lambda letter: (letter.person.get_full_name() or letter.person.username).lower())


@dataclass
class Due:
    """What the reminders find on a day: the period, its schedule, the kind due that day, and the emails."""

    period: ReportingPeriod | None
    schedule: Schedule | None = None
    kind: str | None = None
    missing: dict = field(default_factory=dict)
    letters: list = field(default_factory=list)

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, "")


def reminders_due(*, today):
    """The emails due on `today` for the reporting period, whether or not they have been sent."""
    period = reporting_period()
    if period is None:
        return Due(period=None)
    schedule = Schedule.of(period)
    missing = missing_work(period)
    kind = schedule.kind_on(today)
    return Due(period, schedule, kind, missing, letters_for(period, kind, missing, today=today))


def scheduled(due, *, today):
    """(kind's label, first day, how many people it concerns today) of the reminder and both chasers of the period,
    whatever the people chose (a weekly digest goes in place of each for those who chose it)."""
    if due.period is None:
        return []
    to_chairs_and_members = len(letters_for(due.period, REMINDER, due.missing, today=today, digests=False))
    to_chairs_and_manager = len(letters_for(due.period, SECOND_CHASER, due.missing, today=today, digests=False))
    return [
        (KIND_LABELS[REMINDER], due.schedule.reminder, to_chairs_and_members),
        (KIND_LABELS[CHASER], due.schedule.chaser, to_chairs_and_members),
        (KIND_LABELS[SECOND_CHASER], due.schedule.second_chaser, to_chairs_and_manager),
    ]


def _counted(items):
    updates = sum(item.what == "Update" for item in items)
    values = len(items) - updates
    words = []
    if updates:
        words.append(f"{updates} update{'s' if updates != 1 else ''}")
    if values:
        words.append(f"{values} KPI value{'s' if values != 1 else ''}")
    return " and ".join(words)


def letter_render(letter, *, site_url):
    """(subject, body) of the email: the items with absolute links made from the site's address."""
    period = letter.period
    day = "l j F Y"
    counted = _counted(letter.items)
    subject = {
        REMINDER: f"Reminder: {counted} due by {format_date(period.deadline, 'j F Y')}",
        CHASER: f"Overdue: {counted} still missing for {period}",
        SECOND_CHASER: f"Still missing after the grace period: {counted} for {period}",
        DIGEST: f"Weekly digest: {counted} due for {period}",
    }[letter.kind]
    context = {
        "letter": letter,
        "period": period,
        "counted": counted,
        "deadline": format_date(period.deadline, day),
        "locks_on": format_date(period.locks_on, day),
        "sections": [
            (section, [(item, site_url + item.path) for item in section.items]) for section in letter.sections
        ],
        "my_work": site_url + reverse("progress:my-work"),
        "preference": site_url + reverse("progress:email-preference"),
        "board_name": settings.BOARD_NAME,
        "is_manager_letter": any(section.role == MANAGER_ROLE for section in letter.sections),
    }
    return f"{subject} – {settings.BOARD_NAME}"[:300], render_to_string("progress/email/reminder.txt", context)


def reminders_send(*, today, site_url):
    """Enqueue each email due on `today` that has not been enqueued before; return the Letters enqueued.

    The email's SentEmail row is made with its task, in one transaction: a second run (or one at the same time,
    held back by the key's unique constraint) finds the row and enqueues nothing.
    """
    queued = []
    for letter in reminders_due(today=today).letters:
        subject, body = letter_render(letter, site_url=site_url)
        with transaction.atomic():
            _, created = SentEmail.objects.get_or_create(
                key=letter.key, defaults={"to": letter.person.email, "subject": subject}
            )
            if created:
                reminder_email_send.enqueue(key=letter.key, user_id=letter.person.pk, subject=subject, body=body)
                queued.append(letter)
    return queued
