"""Issued reports: exactly what went to a meeting, kept unchanged whatever is edited afterwards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from plans.models import BusinessPlan


class ReportKind(models.TextChoices):
    """The two reports. Use it as IssuedReport.Kind; it is defined out here only so that the models' Meta
    constraints below can name it (a class body cannot see the class it is nested in)."""

    EXECUTIVE = "executive", "Safeguarding Executive report"
    BOARD = "board", "Board progress report"


def report_scope(kind, period, as_at):
    """Which report of a plan this is, as stored: the Executive report by its period, the Board report by date."""
    return {"period_number": period.number} if kind == IssuedReport.Kind.EXECUTIVE else {"as_at": as_at}


class IssuedReport(models.Model):
    Kind = ReportKind

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
    # The PDF is drawn by the worker (reports.tasks.issued_pdf_draw) from the PDF's HTML and page header, frozen
    # when the report is issued; empty until then, or for good with the reason when it cannot be drawn.
    pdf = models.BinaryField(null=True, blank=True)
    pdf_document = models.TextField(blank=True)
    pdf_page_css = models.TextField(blank=True)
    pdf_failure = models.CharField(max_length=300, blank=True)
    xlsx = models.BinaryField()
    data = models.JSONField(help_text="The figures behind the report, as issued.")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "period_number", "version"],
                condition=Q(kind=ReportKind.EXECUTIVE),
                name="one_executive_report_version",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind", "as_at", "version"],
                condition=Q(kind=ReportKind.BOARD),
                name="one_board_report_version",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=ReportKind.EXECUTIVE, period_number__isnull=False)
                    | Q(kind=ReportKind.BOARD, as_at__isnull=False)
                ),
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


class OneReport(models.Model):
    """What a row kept for one draft report says about which report it is: per period for the Executive report,
    per date for the Board report. Rows of the subclasses are unique per report (`one_report_constraints`)."""

    kind = models.CharField(max_length=10, choices=IssuedReport.Kind.choices)
    period_number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Executive reports.")
    as_at = models.DateField(null=True, blank=True, help_text="Board reports.")

    class Meta:
        abstract = True


def one_report_constraints(*, executive, board, covers):
    """One row per Executive report period and per Board report date, and each row names the one it covers."""
    return [
        models.UniqueConstraint(
            fields=["plan", "kind", "period_number"], condition=Q(kind=ReportKind.EXECUTIVE), name=executive
        ),
        models.UniqueConstraint(fields=["plan", "kind", "as_at"], condition=Q(kind=ReportKind.BOARD), name=board),
        models.CheckConstraint(
            condition=(
                Q(kind=ReportKind.EXECUTIVE, period_number__isnull=False)
                | Q(kind=ReportKind.BOARD, as_at__isnull=False)
            ),
            name=covers,
        ),
    ]


class DraftPDF(OneReport):
    """A draft report's PDF, kept while what it shows is unchanged, so that asking again does not draw it again.

    A 600-action Executive report is about 200 A4 pages, which WeasyPrint takes many seconds to lay out; the words
    on them change only when someone saves an update, a value or the plan. `fingerprint` is a hash of the report's
    content (see reports.render.pdf_fingerprint): a request whose report hashes the same is given the kept file;
    any change gives another hash and the PDF is drawn again and kept in place of the old one. One row per report
    (per period, or per date for the Board report). Derived data, not a record: it has no history, and deleting
    rows only means the next request draws the PDF again.
    """

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="draft_pdfs")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of what the report shows.")
    pdf = models.BinaryField()
    built_at = models.DateTimeField()
    build_ms = models.PositiveIntegerField(help_text="How long drawing the PDF took, in milliseconds.")

    class Meta:
        constraints = one_report_constraints(
            executive="one_executive_draft_pdf", board="one_board_draft_pdf", covers="draft_pdf_says_what_it_covers"
        )

    def __str__(self):
        covers = f"period {self.period_number}" if self.kind == IssuedReport.Kind.EXECUTIVE else f"{self.as_at}"
        return f"Draft PDF of the {self.get_kind_display()} for {self.plan.slug}, {covers}"


class PDFDrawFailure(OneReport):
    """A draft report's PDF that could not be drawn within the budget (reports.pdfdraw), for what it showed then.

    Kept so that the next download does not try again, for the same content, a drawing that has just taken a
    minute and failed (REPORT_PDF_RETRY_MINUTES); any change to the report gives another fingerprint and is tried.
    Deleted when the report's PDF is drawn. One row per report, like DraftPDF.
    """

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="pdf_draw_failures")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of what the report showed.")
    failed_at = models.DateTimeField()
    reason = models.CharField(max_length=200, help_text="Why, in the reader's words.")

    class Meta:
        constraints = one_report_constraints(
            executive="one_executive_pdf_failure",
            board="one_board_pdf_failure",
            covers="pdf_failure_says_what_it_covers",
        )

    def __str__(self):
        return f"PDF of the {self.get_kind_display()} for {self.plan.slug} not drawn: {self.reason}"
