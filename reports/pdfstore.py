"""Draft report PDFs, drawn once for what they show and kept until that changes.

Drawing the PDF is the slow part of a report (WeasyPrint lays out every page: about 200 A4 pages, many seconds,
for a 600-action plan), and a draft is asked for many times between changes: by the manager checking it, by
everyone before a meeting. So a draft PDF is kept with a hash of its content (reports.render.pdf_fingerprint)
and given out again while the hash is the same. PDFs are drawn by the background worker, never in a request
(reports.tasks): a change to the plan has its draft PDFs redrawn a minute later, so that even the first request
after a change is usually served from the store, and a request for a PDF not kept asks for it to be drawn.
Drawing is idempotent: a PDF whose kept fingerprint is the report's now is not drawn again.

Drawing has a budget of time and memory (reports.pdfdraw). When a drawing goes over it, the last PDF drawn stays
(given out marked as older), and the failure is kept so that the same content is not tried again at once.
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from .data import board_meeting_dates, board_report_default_date, period_as_at
from .models import DraftPDF, IssuedReport, PDFDrawFailure, report_scope
from .pdfdraw import PDFBudgetExceeded
from .render import draft_marking, pdf_fingerprint, render_pdf

# Board reports can be asked for as at any date. Their PDFs are kept for the dates of the plan's own calendar (the
# end of each reporting period and each Safeguarding Executive meeting) and for this many other dates, the most
# recently drawn; older ones are let go (drawn again if asked for).
RECENT_OTHER_DATES = 10


@dataclass(frozen=True)
class DraftOutcome:
    """What a request for a draft PDF gets: the PDF as the report is now, or, when it could not be drawn within
    the budget, the failure and the last PDF that was drawn (None if there is none)."""

    pdf: bytes | None
    drawn: bool
    failure: PDFDrawFailure | None = None
    last: DraftPDF | None = None

    @property
    def current(self):
        return self.failure is None


def draft_pdf(kind, progress, as_at=None, *, before_drawing=None):
    """The draft PDF of a report: the kept one if the report still shows the same, else drawn now and kept.

    `before_drawing()` is called when a PDF is about to be drawn (not when a kept one is given out): it may raise
    to refuse the drawing, for example a limit on how often one person may have one drawn."""
    return _draft_pdf(kind, progress, as_at, before_drawing=before_drawing)


def kept_draft_pdf(kind, progress, as_at=None):
    """The kept draft PDF if it shows the report as it is now, or the recent failure to draw that; None when the
    PDF has to be drawn. Draws nothing."""
    return _kept(kind, progress, as_at)[3]


def _kept(kind, progress, as_at):
    """(scope, fingerprint, the kept PDF's row, its outcome): the outcome is None when the PDF has to be drawn."""
    scope = {"plan": progress.plan, "kind": kind, **report_scope(kind, progress.period, as_at)}
    fingerprint = pdf_fingerprint(kind, progress, as_at)
    kept = DraftPDF.objects.filter(**scope).first()
    if kept is not None and kept.fingerprint == fingerprint:
        return scope, fingerprint, kept, DraftOutcome(bytes(kept.pdf), drawn=False)
    retry_after = timezone.now() - datetime.timedelta(minutes=settings.REPORT_PDF_RETRY_MINUTES)
    failure = PDFDrawFailure.objects.filter(**scope, fingerprint=fingerprint, failed_at__gt=retry_after).first()
    if failure is not None:
        outcome = DraftOutcome(bytes(kept.pdf) if kept else None, drawn=False, failure=failure, last=kept)
        return scope, fingerprint, kept, outcome
    return scope, fingerprint, kept, None


def last_draft_pdf(plan, kind, period, as_at=None):
    """The last draft PDF drawn of a report, whatever it shows (None if there is none)."""
    return DraftPDF.objects.filter(plan=plan, kind=kind, **report_scope(kind, period, as_at)).first()


def _draft_pdf(kind, progress, as_at, before_drawing=None):
    scope, fingerprint, kept, outcome = _kept(kind, progress, as_at)
    if outcome is not None:
        return outcome
    if before_drawing is not None:
        before_drawing()
    started = time.perf_counter()
    try:
        pdf = render_pdf(kind, progress, draft_marking(progress), as_at)
    except PDFBudgetExceeded as exceeded:
        # The last PDF drawn stays; the failure is kept so that the next request does not try again at once.
        failure, _ = PDFDrawFailure.objects.update_or_create(
            **scope, defaults={"fingerprint": fingerprint, "failed_at": timezone.now(), "reason": exceeded.reason}
        )
        _let_go_of_other_dates(PDFDrawFailure, progress.plan, kind, "failed_at")
        return DraftOutcome(bytes(kept.pdf) if kept else None, drawn=True, failure=failure, last=kept)
    fields = {
        "fingerprint": fingerprint,
        "pdf": pdf,
        "built_at": progress.generated_at,
        "build_ms": round((time.perf_counter() - started) * 1000),
    }
    try:
        with transaction.atomic():
            DraftPDF.objects.update_or_create(**scope, defaults=fields)
    except IntegrityError:
        # Someone else kept this report's PDF at the same moment: theirs stands, this one is still given out.
        pass
    PDFDrawFailure.objects.filter(**scope).delete()
    _let_go_of_other_dates(DraftPDF, progress.plan, kind, "built_at")
    return DraftOutcome(pdf, drawn=True)


def _let_go_of_other_dates(model, plan, kind, newest_first):
    """Keep a Board report's rows for the plan's own dates and the RECENT_OTHER_DATES most recent other dates."""
    if kind != IssuedReport.Kind.BOARD:
        return
    calendar = set()
    for ends_on, meeting_on in plan.periods.values_list("ends_on", "meeting_on"):
        calendar |= {ends_on, meeting_on}
    calendar |= set(board_meeting_dates(plan))
    others = model.objects.filter(plan=plan, kind=kind).exclude(as_at__in=calendar - {None})
    keep = others.order_by(f"-{newest_first}", "-pk").values_list("pk", flat=True)[:RECENT_OTHER_DATES]
    others.exclude(pk__in=list(keep)).delete()


KEEP_UNTOUCHED = datetime.timedelta(days=30)


@dataclass(frozen=True)
class WantedDraft:
    """A draft PDF of the plan that people ask for next: its report's name, kind, period and date (Board reports)."""

    name: str
    kind: IssuedReport.Kind
    period: object
    as_at: datetime.date | None = None


def draft_pdfs_wanted(plan, *, today=None):
    """The draft PDFs of a plan that people ask for next: the Executive report of every period so far (none before
    the first period opens) and the Board report people open when they choose no date
    (reports.data.board_report_default_date)."""
    today = today or timezone.localdate()
    periods = list(plan.periods.all())
    reporting = plan.reporting_period_from(periods)
    wanted = []
    for period in periods:
        if reporting is None or period.number > reporting.number:
            break
        name = f"{plan.slug} Executive report, period {period.number}"
        wanted.append(WantedDraft(name, IssuedReport.Kind.EXECUTIVE, period))
    if periods:
        as_at = board_report_default_date(plan, periods, today)
        name = f"{plan.slug} Board report as at {date_format(as_at, 'j F Y')}"
        wanted.append(WantedDraft(name, IssuedReport.Kind.BOARD, period_as_at(plan, as_at, periods), as_at))
    return wanted


def draft_pdfs_let_go():
    """Let go of kept PDFs drawn over 30 days ago (they are drawn again if asked for)."""
    DraftPDF.objects.filter(built_at__lt=timezone.now() - KEEP_UNTOUCHED).delete()
