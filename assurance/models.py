"""Inspection requirements (the plan file's Ofsted requirements, or a later framework), the evidence anywhere in the
product linked to each, and the board's own grade of each with the gaps it sees. A requirement of a later framework
can continue one of an earlier framework: the earlier one's evidence then counts for it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from audits.models import Round
from kpis.models import KPI, KPIValue
from meetings.models import Meeting, MeetingItem
from plans.models import BusinessPlan
from priorities.models import Action, ProgressUpdate, text_fits
from reports.models import IssuedReport
from risks.models import Review, Risk

NAME_LIMIT = 200
DESCRIPTION_LIMIT = 1000
TEXT_LIMIT = 2000
NOTE_LIMIT = 1000
GAPS_LIMIT = 2000
OWNER_LIMIT = 120
URL_LIMIT = 500
REQUIREMENTS_PER_FRAMEWORK = 200


class RequirementFramework(models.Model):
    name = models.CharField(max_length=NAME_LIMIT, unique=True)
    description = models.TextField("short description", blank=True)
    effective_from = models.DateField(help_text="The day inspections started to use it.")
    plan = models.OneToOneField(
        BusinessPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requirement_framework",
        help_text="The plan whose Ofsted requirements it was made from, if it was.",
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="requirement_framework_name_not_blank"),
            models.CheckConstraint(
                condition=text_fits("description", DESCRIPTION_LIMIT), name="requirement_framework_description_fits"
            ),
        ]

    def __str__(self):
        return self.name


class Requirement(models.Model):
    framework = models.ForeignKey(RequirementFramework, on_delete=models.PROTECT, related_name="requirements")
    number = models.PositiveSmallIntegerField(help_text="Its place in the framework: 1, 2, 3 ...")
    text = models.TextField()
    carries_from = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="carried_into",
        help_text="Requirements of earlier frameworks this one continues: their evidence counts for it.",
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords(m2m_fields=[carries_from])

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="one_requirement_number_per_framework"),
            models.CheckConstraint(condition=Q(number__gte=1), name="requirement_number_positive"),
            models.CheckConstraint(condition=~Q(text=""), name="requirement_text_not_blank"),
            models.CheckConstraint(condition=text_fits("text", TEXT_LIMIT), name="requirement_text_fits"),
        ]

    def __str__(self):
        return f"{self.framework.name} {self.number}: {self.text[:80]}"

    def get_absolute_url(self):
        return reverse("assurance:requirement-detail", args=[self.pk])


# Each kind of evidence and the field that holds its source (an external document has fields of its own).
SOURCES = {
    "action": ("action", Action, "Plan action"),
    "update": ("update", ProgressUpdate, "Progress update"),
    "kpi": ("kpi", KPI, "KPI"),
    "kpi_value": ("kpi_value", KPIValue, "KPI value"),
    "meeting": ("meeting", Meeting, "Meeting"),
    "meeting_item": ("meeting_item", MeetingItem, "Meeting decision or action"),
    "risk": ("risk", Risk, "Risk"),
    "risk_review": ("risk_review", Review, "Risk review"),
    "round": ("round", Round, "Audit round"),
    "report": ("report", IssuedReport, "Issued report"),
}
SOURCE_FIELDS = [field for field, _, _ in SOURCES.values()]
# Each kind as it reads inside a sentence, one and many ("Choose the KPI", "No meeting decisions or actions").
KIND_PHRASES = {
    "action": ("plan action", "plan actions"),
    "update": ("progress update", "progress updates"),
    "kpi": ("KPI", "KPIs"),
    "kpi_value": ("KPI value", "KPI values"),
    "meeting": ("meeting", "meetings"),
    "meeting_item": ("meeting decision or action", "meeting decisions or actions"),
    "risk": ("risk", "risks"),
    "risk_review": ("risk review", "risk reviews"),
    "round": ("audit round", "audit rounds"),
    "report": ("issued report", "issued reports"),
    "document": ("external document", "external documents"),
}


def _exactly_one_source():
    """The check that an evidence row has the one source its kind says, and no other."""
    condition = Q(kind="document", document_date__isnull=False) & ~Q(document_title="")
    condition &= Q(**{f"{field}__isnull": True for field in SOURCE_FIELDS})
    for kind, (field, _, _) in SOURCES.items():
        others = {f"{other}__isnull": True for other in SOURCE_FIELDS if other != field}
        condition |= Q(kind=kind, **{f"{field}__isnull": False}, **others)
    return condition


def _source(field, model):
    # A source the product deletes in its own work (a computed KPI value whose measure is cleared, a meeting's
    # decision) takes its evidence link with it, kept in the link's history: the registers below are not held up
    # by the inspection map.
    return models.ForeignKey(model, on_delete=models.CASCADE, null=True, blank=True, related_name="assurance_evidence")


class Evidence(models.Model):
    class Kind(models.TextChoices):
        ACTION = "action", "Plan action"
        UPDATE = "update", "Progress update"
        KPI = "kpi", "KPI"
        KPI_VALUE = "kpi_value", "KPI value"
        MEETING = "meeting", "Meeting"
        MEETING_ITEM = "meeting_item", "Meeting decision or action"
        RISK = "risk", "Risk"
        RISK_REVIEW = "risk_review", "Risk review"
        ROUND = "round", "Audit round"
        REPORT = "report", "Issued report"
        DOCUMENT = "document", "External document"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    action = _source("action", Action)
    update = _source("update", ProgressUpdate)
    kpi = _source("kpi", KPI)
    kpi_value = _source("kpi_value", KPIValue)
    meeting = _source("meeting", Meeting)
    meeting_item = _source("meeting_item", MeetingItem)
    risk = _source("risk", Risk)
    risk_review = _source("risk_review", Review)
    round = _source("round", Round)
    report = _source("report", IssuedReport)
    document_title = models.CharField("document title", max_length=NAME_LIMIT, blank=True)
    document_url = models.URLField("link", max_length=URL_LIMIT, blank=True)
    document_owner = models.CharField("owner", max_length=OWNER_LIMIT, blank=True)
    document_date = models.DateField("document date", null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PROPOSED)
    evidence_on = models.DateField(
        "evidence date", help_text="From its source where it has one, else the day it was linked."
    )
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assurance_evidence")
    added_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement", "-evidence_on", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=_exactly_one_source(), name="evidence_has_exactly_one_source"),
            models.CheckConstraint(condition=Q(status__in=["proposed", "accepted"]), name="evidence_status_valid"),
            models.CheckConstraint(condition=text_fits("note", NOTE_LIMIT), name="evidence_note_fits"),
            *[
                models.UniqueConstraint(
                    fields=["requirement", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"evidence_{field}_once_per_requirement",
                )
                for field in SOURCE_FIELDS
            ],
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.what}"

    @property
    def source(self):
        if self.kind == self.Kind.DOCUMENT:
            return None
        return getattr(self, SOURCES[self.kind][0])

    @property
    def what(self):
        if self.kind == self.Kind.DOCUMENT:
            owner = f" ({self.document_owner})" if self.document_owner else ""
            return f"{self.document_title}{owner}"
        if self.kind == self.Kind.ACTION:  # the action's words whole: its own name cuts them at 80 characters
            return f"{self.action.code} {self.action.text}"
        if self.kind == self.Kind.KPI:
            return f"{self.kpi.code} {self.kpi.name}"
        return str(self.source)

    @property
    def url(self):
        if self.kind == self.Kind.DOCUMENT:
            return self.document_url
        source = self.source
        if self.kind == self.Kind.UPDATE:
            source = source.action
        elif self.kind == self.Kind.KPI_VALUE:
            source = source.kpi
        elif self.kind == self.Kind.MEETING_ITEM:
            source = source.meeting
        elif self.kind == self.Kind.RISK_REVIEW:
            source = source.risk
        elif self.kind == self.Kind.ROUND:
            return reverse("audits:round-detail", args=[source.pk])
        return source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""

    @property
    def is_accepted(self):
        return self.status == self.Status.ACCEPTED


class SelfGrade(models.Model):
    """The board's own grade of a requirement and the gaps it sees."""

    class Grade(models.TextChoices):
        NOT_GRADED = "", "Not graded"
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"

    requirement = models.OneToOneField(Requirement, on_delete=models.PROTECT, related_name="self_grade")
    grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)
    gaps = models.TextField("the gaps", blank=True, help_text="What is missing, in the board's words.")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised by every save: a form opened at an older one is refused."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assurance_grades", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__in=["", "outstanding", "good", "requires_improvement", "inadequate"]),
                name="self_grade_grade_valid",
            ),
            models.CheckConstraint(condition=text_fits("gaps", GAPS_LIMIT), name="self_grade_gaps_fits"),
        ]

    def __str__(self):
        return f"{self.requirement}: {self.get_grade_display()}"


class PackPDF(models.Model):
    """The inspection pack's PDF as at a date, drawn by the worker and kept while the pack shows the same."""

    as_at = models.DateField(unique=True)
    fingerprint = models.CharField(max_length=64)
    pdf = models.BinaryField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["-built_at"]

    def __str__(self):
        return f"Inspection pack as at {self.as_at}"
