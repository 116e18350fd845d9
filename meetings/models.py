"""The board's calendar: partner agencies, who sits on each body for which agency, the bodies' meetings, who came,
and what each meeting decided and asked to be done. The bodies are the subgroups (the Board, the Safeguarding
Executive and every subgroup)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kpis.models import KPI
from plans.models import ReportingPeriod
from priorities.models import text_fits
from subgroups.models import Subgroup

NAME_LIMIT = 120
PLACE_LIMIT = 200
ITEM_LIMIT = 1000
IN_ATTENDANCE_LIMIT = 2000


class Agency(models.Model):
    """A partner organisation that sits on the board's bodies."""

    class Kind(models.TextChoices):
        CHILDRENS_SERVICES = "childrens_services", "Children's services"
        EDUCATION = "education", "Education"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        PROBATION = "probation", "Probation"
        CAFCASS = "cafcass", "CAFCASS"
        VOLUNTARY = "voluntary", "Voluntary sector"
        LAY = "lay", "Lay members"
        OTHER = "other", "Other"

    name = models.CharField(max_length=NAME_LIMIT, unique=True)
    short_name = models.CharField(max_length=40, help_text="For tables, for example WMP for West Midlands Police.")
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_statutory = models.BooleanField("statutory partner", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="agency_name_not_blank"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "childrens_services",
                        "education",
                        "police",
                        "health",
                        "probation",
                        "cafcass",
                        "voluntary",
                        "lay",
                        "other",
                    ]
                ),
                name="agency_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name


class SeatQuerySet(models.QuerySet):
    def on(self, day):
        """The seats that sit on `day`: from on or before it, until (if set) on or after it."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class Seat(models.Model):
    """A person sitting on a body for an agency, in a role, from a date until a date. They need no account."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        ADVISER = "adviser", "Adviser"

    body = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="seats")
    person_name = models.CharField("person's name", max_length=NAME_LIMIT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seats",
        help_text="Their account, if they have one.",
    )
    email = models.EmailField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="seats")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    starts_on = models.DateField("sits from")
    ends_on = models.DateField("sits until", null=True, blank=True, help_text="Blank while they still sit.")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = SeatQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", "role", "person_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(person_name=""), name="seat_person_name_not_blank"),
            models.CheckConstraint(
                condition=Q(role__in=["chair", "vice_chair", "member", "adviser"]), name="seat_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="seat_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.person_name} ({self.agency.short_name}), {self.get_role_display()} of {self.body}"


class Deputy(models.Model):
    """Someone who may attend in a seat's place."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="deputies")
    name = models.CharField(max_length=NAME_LIMIT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="deputy_seats"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["seat", "name"]
        verbose_name_plural = "deputies"
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="deputy_name_not_blank")]

    def __str__(self):
        return self.name


class QuorumRule(models.Model):
    """How many must be there for a body's meeting to be quorate: members, or statutory agencies represented."""

    class Kind(models.TextChoices):
        MEMBERS = "members", "Members present (or deputised)"
        STATUTORY_AGENCIES = "statutory_agencies", "Statutory agencies represented"

    body = models.OneToOneField(Subgroup, on_delete=models.CASCADE, related_name="quorum_rule")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEMBERS)
    number = models.PositiveSmallIntegerField(help_text="At least this many.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["members", "statutory_agencies"]), name="quorum_kind_valid"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=200), name="quorum_number_in_range"),
        ]

    def __str__(self):
        return f"{self.body}: {self.number} {self.get_kind_display().lower()}"


class Meeting(models.Model):
    """A body's meeting on a date."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved"

    body = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    starts_at = models.TimeField("start time")
    place = models.CharField(max_length=PLACE_LIMIT, blank=True)
    is_online = models.BooleanField("online", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    period = models.OneToOneField(
        ReportingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting",
        help_text="The reporting period this Safeguarding Executive meeting reads the updates of.",
    )
    in_attendance = models.TextField(
        blank=True, help_text="Others in attendance, one per line (officers, presenters, observers)."
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save of the meeting or its attendance: a form opened at an older one is refused.",
    )
    sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised each time the date, time, place or status changes (calendar feeds).",
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "starts_at", "body__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "held", "cancelled", "moved"]), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=text_fits("in_attendance", IN_ATTENDANCE_LIMIT), name="in_attendance_fits"
            ),
        ]

    def __str__(self):
        return f"{self.body} – {self.date:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", args=[self.pk])

    @property
    def calendar_state(self):
        """What a calendar shows changed when it changes: the date, time, place and status."""
        return (self.date, self.starts_at, self.place, self.is_online, self.status)

    @property
    def where(self):
        if self.is_online and self.place:
            return f"{self.place} and online"
        return "Online" if self.is_online else (self.place or "Place to be confirmed")

    @property
    def in_attendance_list(self):
        return [line.strip() for line in self.in_attendance.splitlines() if line.strip()]


class Attendance(models.Model):
    """An expected seat at a meeting: who was there for it."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        DEPUTY = "deputy", "Deputy"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    REPRESENTED = (Status.PRESENT, Status.DEPUTY)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRESENT)
    deputy_name = models.CharField("deputy", max_length=NAME_LIMIT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "seat__role", "seat__person_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seat"], name="one_attendance_per_seat_per_meeting"),
            models.CheckConstraint(
                condition=Q(status__in=["present", "deputy", "apologies", "absent"]), name="attendance_status_valid"
            ),
            models.CheckConstraint(condition=~Q(status="deputy") | ~Q(deputy_name=""), name="a_deputy_is_named"),
        ]

    def __str__(self):
        return f"{self.seat.person_name} at {self.meeting}: {self.get_status_display()}"

    @property
    def is_represented(self):
        return self.status in self.REPRESENTED


class MeetingItem(models.Model):
    """A decision or an action recorded at a meeting; an open action comes back as a matter arising."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        ACTION = "action", "Action"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    owner = models.CharField(max_length=NAME_LIMIT, blank=True, help_text="Who is to do it (actions).")
    due_on = models.DateField("due by", null=True, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["decision", "action"]), name="meeting_item_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=["open", "done"]), name="meeting_item_status_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="meeting_item_text_not_blank"),
            models.CheckConstraint(condition=text_fits("text", ITEM_LIMIT), name="meeting_item_text_fits"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def is_open_action(self):
        return self.kind == self.Kind.ACTION and self.status == self.Status.OPEN


class AttendanceMeasure(models.Model):
    """A KPI computed from attendance at the meetings of chosen bodies (3.3.K4 in the demo)."""

    kpi = models.OneToOneField(KPI, on_delete=models.CASCADE, related_name="attendance_measure")
    bodies = models.ManyToManyField(Subgroup, related_name="attendance_measures")
    history = HistoricalRecords()

    def __str__(self):
        return f"KPI {self.kpi.code}, computed from attendance"


SECRET_LIMIT = 64


class CalendarFeed(models.Model):
    """A person's private calendar feed: the secret in its address, which they can reset (the old address then
    404s). Looked up by the secret, a unique indexed field; the secret is not kept in the history."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    secret = models.CharField(max_length=SECRET_LIMIT, unique=True)
    reset_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        constraints = [
            models.CheckConstraint(condition=GreaterThanOrEqual(Length("secret"), 32), name="feed_secret_long")
        ]

    def __str__(self):
        return f"Calendar feed of {self.user}"
