"""The plan year: a business plan and its bi-monthly reporting periods."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from subgroups.roles import is_board_manager


class BusinessPlanQuerySet(models.QuerySet):
    def active(self):
        """The plan currently being delivered (at most one)."""
        return self.filter(status=BusinessPlan.Status.ACTIVE)

    def visible_to(self, user):
        """Plans the user may read: drafts only for the board manager, active and closed plans for everyone."""
        if is_board_manager(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.exclude(status=BusinessPlan.Status.DRAFT)


class BusinessPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    slug = models.SlugField(max_length=40, unique=True, help_text="Used in addresses, e.g. 2015-16.")
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
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("priorities:plan-detail", args=[self.slug])

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def ofsted_requirement_list(self):
        return [p.strip() for p in self.ofsted_requirements.split("\n\n") if p.strip()]

    def current_period_from(self, periods, today=None):
        """Of the plan's periods (in order), the one updates are for: the open one, else the latest begun."""
        if not periods:
            return None
        for period in periods:
            if period.state == ReportingPeriod.State.OPEN:
                return period
        today = today or timezone.localdate()
        started = [period for period in periods if period.starts_on <= today]
        return started[-1] if started else periods[0]


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

    def days_left(self, today=None):
        """Days until the update deadline (negative once it has passed)."""
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def label(self):
        if self.starts_on.year == self.ends_on.year:
            return f"{self.starts_on:%b}–{self.ends_on:%b %Y}"
        return f"{self.starts_on:%b %Y}–{self.ends_on:%b %Y}"


class PendingImportQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Uploads left unconfirmed for longer than PendingImport.MAX_AGE."""
        return self.filter(created_at__lt=(now or timezone.now()) - PendingImport.MAX_AGE)

    def fresh(self, now=None):
        """Uploads still waiting to be confirmed: the rest are as good as deleted."""
        return self.filter(created_at__gte=(now or timezone.now()) - PendingImport.MAX_AGE)


class PendingImport(models.Model):
    """An uploaded plan file waiting for its preview to be confirmed.

    Deleted when the import is confirmed or cancelled, and by the next upload once it is a day old. The
    uploader's session holds only its id; nobody else may confirm it. Working data, not a record: no history.
    """

    MAX_BYTES = 5 * 1024 * 1024
    MAX_AGE = datetime.timedelta(days=1)

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the content: the preview confirmed is the file.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PendingImportQuerySet.as_manager()

    def __str__(self):
        return f"{self.filename}, uploaded by {self.uploaded_by} at {self.created_at:%Y-%m-%d %H:%M}"
