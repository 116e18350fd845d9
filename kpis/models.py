"""Key performance indicators and monitoring reports, and the values recorded for them each period."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dscb.reversing import reverse_pk
from plans.models import ReportingPeriod
from priorities.models import PLAN_ORDER, POSITION_HELP, REF_HELP, REF_MAX_LENGTH, Objective, text_fits
from subgroups.models import Subgroup

# Targets, tolerances and values: 12 digits, 2 after the point. The checks below keep out what the column cannot
# hold (SQLite would store an infinity or 1e29 and fail on every page that reads it back).
DECIMAL_DIGITS, DECIMAL_PLACES = 12, 2
DECIMAL_LIMIT = 10 ** (DECIMAL_DIGITS - DECIMAL_PLACES)
# A KPI value's note, or a monitoring report's summary, in characters: a paragraph (a report is linked, not pasted).
NOTE_LIMIT = 2000


def fits_the_column(name):
    """A condition: the decimal field is empty or within what its column holds."""
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gt": -DECIMAL_LIMIT, f"{name}__lt": DECIMAL_LIMIT})


class KPI(models.Model):
    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", "Percentage"
        COUNT = "count", "Count"
        YES_NO = "yes_no", "Yes/no"
        REPORT = "report", "Monitoring report"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered by its subgroup"
        ATTENDANCE = "attendance", "Computed from meeting attendance"
        AUDITS = "audits", "Computed from audit returns"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="kpis")
    ref = models.CharField("reference", max_length=REF_MAX_LENGTH, help_text=REF_HELP)
    position = models.PositiveIntegerField(default=0, help_text=POSITION_HELP)
    name = models.TextField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    owner = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="kpis")
    target = models.DecimalField(max_digits=DECIMAL_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    amber_tolerance = models.DecimalField(
        max_digits=DECIMAL_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text="How far from target a value may be and still be Amber rather than Red.",
    )
    definition = models.TextField(blank=True, help_text="What counts, and where the data comes from.")
    frequency = models.CharField(max_length=60, blank=True, help_text="For example bi-monthly, 6-monthly.")
    archived = models.BooleanField(
        default=False, help_text="No longer measured: hidden from pages and reports, its values kept."
    )
    value_source = models.CharField(
        "how the value is obtained",
        max_length=12,
        choices=Source.choices,
        default=Source.ENTERED,
        help_text="Entered each period by the owning subgroup, or computed by the product (nobody types it).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = PLAN_ORDER
        verbose_name = "KPI"
        constraints = [
            # Unique in the whole plan, checked by the importer; the database can say so per objective.
            models.UniqueConstraint(fields=["objective", "ref"], name="one_kpi_ref_per_objective"),
            models.CheckConstraint(condition=~Q(ref=""), name="kpi_ref_not_blank"),
            models.CheckConstraint(
                condition=Q(kind__in=["percentage", "count", "yes_no", "report"]), name="kpi_kind_valid"
            ),
            models.CheckConstraint(condition=Q(direction__in=["higher", "lower"]), name="kpi_direction_valid"),
            models.CheckConstraint(
                condition=Q(value_source__in=["entered", "attendance", "audits"]), name="kpi_value_source_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(target__isnull=True) | Q(target__gte=0, target__lte=100),
                name="percentage_target_within_0_and_100",
            ),
            models.CheckConstraint(
                condition=Q(amber_tolerance__isnull=True) | Q(amber_tolerance__gte=0),
                name="amber_tolerance_not_negative",
            ),
            models.CheckConstraint(condition=fits_the_column("target"), name="kpi_target_fits_its_column"),
            models.CheckConstraint(
                condition=fits_the_column("amber_tolerance"), name="kpi_amber_tolerance_fits_its_column"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name[:80]}"

    def get_absolute_url(self):
        return reverse_pk("kpis:kpi-detail", self.pk)

    @property
    def code(self):
        return self.ref

    @property
    def is_computed(self):
        """Computed by the product (from meeting attendance or audit returns): nobody enters its values."""
        return self.value_source != self.Source.ENTERED

    @property
    def has_target(self):
        return self.target is not None

    @property
    def target_display(self):
        if self.target is None:
            return ""
        number = f"{self.target.normalize():f}"
        return f"{number}%" if self.kind == self.Kind.PERCENTAGE else number


class KPIValue(models.Model):
    kpi = models.ForeignKey(KPI, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="kpi_values")
    value = models.DecimalField(max_digits=DECIMAL_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    received = models.BooleanField(
        null=True, blank=True, help_text="Yes/no answer, or whether the report was received."
    )
    note = models.TextField(blank=True, help_text="A short summary or note.")
    is_demo = models.BooleanField(default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kpi_values")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "period__number"]
        verbose_name = "KPI value"
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="one_value_per_kpi_per_period"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0), name="denominator_above_zero"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="numerator_not_above_denominator",
            ),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="value_not_negative"),
            models.CheckConstraint(condition=fits_the_column("value"), name="kpi_value_fits_its_column"),
            models.CheckConstraint(condition=text_fits("note", NOTE_LIMIT), name="kpi_value_note_length"),
        ]

    def __str__(self):
        return f"{self.kpi.code} – {self.period}"

    def clean(self):
        """The admin's check: a value with a numerator and denominator is their percentage (kpis.services)."""
        from .services import kpi_value_disagreement  # the services module imports this one

        problem = kpi_value_disagreement(value=self.value, numerator=self.numerator, denominator=self.denominator)
        if problem:
            raise ValidationError({"value": problem})

    @property
    def rating(self):
        """Green, Amber or Red against the KPI's target (kpis.rag); None without a target or a number."""
        from .rag import rate  # the rag module imports this one

        return rate(self.kpi, self.value)

    @property
    def display(self):
        kind = self.kpi.kind
        if kind in (KPI.Kind.YES_NO, KPI.Kind.REPORT):
            if self.received is None:
                return ""
            if kind == KPI.Kind.REPORT:
                return "Received" if self.received else "Not received"
            return "Yes" if self.received else "No"
        if self.value is None:
            return ""
        number = f"{self.value.normalize():f}"
        return f"{number}%" if kind == KPI.Kind.PERCENTAGE else number
