"""Issued reports: exactly what went to a meeting, kept unchanged whatever is edited afterwards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from plans.models import BusinessPlan


class IssuedReport(models.Model):
    class Kind(models.TextChoices):
        EXECUTIVE = "executive", "Safeguarding Executive report"
        BOARD = "board", "Board progress report"

    plan = models.ForeignKey(BusinessPlan, on_delete=models.PROTECT, related_name="issued_reports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period_number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Executive reports.")
    as_at = models.DateField(null=True, blank=True, help_text="Board reports.")
    version = models.PositiveIntegerField(help_text="1 for the first issue of this report, 2 for a re-issue ...")
    title = models.CharField(max_length=300)
    meeting = models.CharField(max_length=200, help_text="The meeting it was issued to.")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="issued_reports")
    issued_at = models.DateTimeField()
    body_html = models.TextField()
    pdf = models.BinaryField()
    xlsx = models.BinaryField()
    data = models.JSONField(help_text="The figures behind the report, as issued.")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "period_number", "version"],
                condition=Q(kind="executive"),
                name="one_executive_report_version",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind", "as_at", "version"], condition=Q(kind="board"), name="one_board_report_version"
            ),
            models.CheckConstraint(
                condition=(Q(kind="executive", period_number__isnull=False) | Q(kind="board", as_at__isnull=False)),
                name="issued_report_says_what_it_covers",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="issued_report_version_positive"),
        ]

    def __str__(self):
        return f"{self.title} (issued, version {self.version})"

    def get_absolute_url(self):
        return reverse("reports:issued", args=[self.pk])

    @property
    def filename(self):
        if self.kind == self.Kind.EXECUTIVE:
            return f"executive-report-{self.plan.slug}-period-{self.period_number}-v{self.version}"
        return f"board-report-{self.plan.slug}-{self.as_at:%Y-%m-%d}-v{self.version}"
