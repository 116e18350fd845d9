"""The plan year: a business plan and its bi-monthly reporting periods."""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dscb.workingdays import working_days_before
from subgroups.roles import is_board_manager

from .converters import RESERVED_PLAN_SLUGS


def validate_plan_slug(value):
    """Refuse a slug that another page at /plans/<word>/ already uses."""
    if value in RESERVED_PLAN_SLUGS:
        raise ValidationError(f"'{value}' is used by another page: choose another address for the plan")


# The bounds (least, most) of the plan's working-day settings.
PAPERS_DAYS = (1, 15)
UPDATE_DAYS = (1, 20)
REMINDER_DAYS = (1, 15)


class BusinessPlanQuerySet(models.QuerySet):
    def active(self):
        """The plan currently being delivered (at most one)."""
        return self.filter(status=BusinessPlan.Status.ACTIVE)

    def visible_to(self, user):
        """Plans the user may read: drafts only for the board manager, active and closed plans for everyone."""
        manager = is_board_manager(user)
        if not manager and not user.is_authenticated:
            return self.none()
        return self.visible_to_signed_in(manager=manager)

    def visible_to_signed_in(self, *, manager):
        """visible_to for a signed-in person, by whether they are the board business manager (for a query built
        once for each, dscb.prepared)."""
        return self if manager else self.exclude(status=BusinessPlan.Status.DRAFT)


class BusinessPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    slug = models.SlugField(
        max_length=40,
        unique=True,
        validators=[validate_plan_slug],
        help_text="Used in addresses, e.g. 2015-16.",
    )
    title = models.CharField(max_length=200)
    year_label = models.CharField("plan year", max_length=20, help_text="For example 2015/16.")
    strategy_period = models.CharField(max_length=20, blank=True, help_text="For example 2015-2018.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    vision = models.TextField(blank=True)
    introduction = models.TextField(blank=True)
    monitoring = models.TextField(blank=True)
    ofsted_requirements = models.TextField(
        "Ofsted requirements for LSCBs", blank=True, help_text="One requirement per paragraph."
    )
    rolled_over_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rolled_over_into",
        help_text="Last year's plan, when this one was started from it.",
    )
    # The deadlines are counted back from the Safeguarding Executive meeting in working days (dscb.workingdays).
    papers_days = models.PositiveSmallIntegerField(
        "papers deadline (working days before the meeting)",
        default=2,
        validators=[MinValueValidator(PAPERS_DAYS[0]), MaxValueValidator(PAPERS_DAYS[1])],
        help_text=f"From {PAPERS_DAYS[0]} to {PAPERS_DAYS[1]}. The meeting's papers are sent out on this day.",
    )
    update_days = models.PositiveSmallIntegerField(
        "update deadline (working days before the papers deadline)",
        default=3,
        validators=[MinValueValidator(UPDATE_DAYS[0]), MaxValueValidator(UPDATE_DAYS[1])],
        help_text=f"From {UPDATE_DAYS[0]} to {UPDATE_DAYS[1]}. Updates and KPI values are due on this day.",
    )
    reminder_days = models.PositiveSmallIntegerField(
        "reminder (working days before the update deadline)",
        default=5,
        validators=[MinValueValidator(REMINDER_DAYS[0]), MaxValueValidator(REMINDER_DAYS[1])],
        help_text=f"From {REMINDER_DAYS[0]} to {REMINDER_DAYS[1]}. Chairs and members are reminded of what is due.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = BusinessPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="plan_ends_after_start"),
            models.UniqueConstraint(fields=["status"], condition=models.Q(status="active"), name="one_active_plan"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "active", "closed"]), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(papers_days__range=PAPERS_DAYS), name="plan_papers_days_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(update_days__range=UPDATE_DAYS), name="plan_update_days_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_days__range=REMINDER_DAYS), name="plan_reminder_days_in_range"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def ofsted_requirement_list(self):
        return [p.strip() for p in self.ofsted_requirements.split("\n\n") if p.strip()]

    def deadlines_before(self, meeting_on):
        """(papers deadline, update deadline) for a Safeguarding Executive meeting on that day, in working days."""
        papers = working_days_before(meeting_on, self.papers_days)
        return papers, working_days_before(papers, self.update_days)

    def reporting_period_from(self, periods):
        """Of the plan's periods (in order), the one the board is reporting: the latest that has been opened.

        That is the highest-numbered period that is not upcoming (open, or locked since). An earlier period the
        manager unlocks again is open for corrections (periods_open_for_corrections) and moves nobody: pages
        still default to this one. None before the first period opens; once the plan year is over, the last
        period reported.
        """
        opened = [period for period in periods if period.state != ReportingPeriod.State.UPCOMING]
        return max(opened, key=lambda period: period.number, default=None)

    def periods_open_for_corrections(self, periods):
        """The open periods earlier than the reporting period: unlocked to let a late or corrected update in."""
        reporting = self.reporting_period_from(periods)
        if reporting is None:
            return []
        return [period for period in periods if period.is_open and period.number < reporting.number]


def _add_months(day, months):
    month_index = day.month - 1 + months
    return datetime.date(day.year + month_index // 12, month_index % 12 + 1, 1)


def bimonthly_periods(starts_on, ends_on):
    """Six (or however many fit) two-month periods from the plan's start, as (start, end) pairs."""
    periods = []
    start = starts_on.replace(day=1)
    while start <= ends_on:
        end = min(_add_months(start, 2) - datetime.timedelta(days=1), ends_on)
        periods.append((start, end))
        start = _add_months(start, 2)
    return periods


class ReportingPeriod(models.Model):
    class State(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked"

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    deadline = models.DateField(help_text="Updates are due by this date.")
    meeting_on = models.DateField(
        "Safeguarding Executive meeting", null=True, blank=True, help_text="The meeting this period reports to."
    )
    papers_deadline = models.DateField(
        null=True, blank=True, help_text="The meeting's papers are sent out by this date."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPCOMING)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_period_number_per_plan"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="period_number_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["upcoming", "open", "locked"]), name="period_state_valid"
            ),
        ]

    def __str__(self):
        return f"Period {self.number}: {self.label}"

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def is_locked(self):
        return self.state == self.State.LOCKED

    @property
    def locks_on(self):
        """The day lock_overdue_periods locks this period: the deadline plus the grace period."""
        return self.deadline + datetime.timedelta(days=settings.PERIOD_GRACE_DAYS)

    @property
    def reminds_on(self):
        """The day chairs and members are reminded of what is due: the plan's reminder days before the deadline."""
        return working_days_before(self.deadline, self.plan.reminder_days)

    def days_left(self, today=None):
        """Days until the update deadline (negative once it has passed)."""
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def label(self):
        return period_label(self.starts_on, self.ends_on)


@functools.lru_cache(maxsize=1024)
def period_label(starts_on, ends_on):
    """ "Oct–Dec 2015", or "Dec 2015–Mar 2016" across a year end: worked out once per pair of dates, as a
    600-action report prints the periods' labels thousands of times."""
    if starts_on.year == ends_on.year:
        return f"{starts_on:%b}–{ends_on:%b %Y}"
    return f"{starts_on:%b %Y}–{ends_on:%b %Y}"
