"""Issuing a report: render it once, as issued, and keep every form of it unchanged."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .data import plan_progress, risks_as_at
from .excel import board_xlsx, executive_xlsx
from .models import IssuedReport, report_scope
from .render import issued_marking, pdf_document, progress_data, render_body, report_title
from .tasks import issued_pdf_enqueue

XLSX = {IssuedReport.Kind.EXECUTIVE: executive_xlsx, IssuedReport.Kind.BOARD: board_xlsx}


@transaction.atomic
def report_issue(*, plan, kind, period, user, meeting, as_at=None):
    """Freeze the report as it is now (HTML, the PDF's HTML, Excel and its figures) as the next numbered version.

    `kind` is an IssuedReport.Kind. Returns at once: the PDF is drawn by the worker from the frozen HTML, asked
    for when this transaction commits (reports.tasks.issued_pdf_enqueue).
    """

    scope = report_scope(kind, period, as_at)
    # Lock the plan row so that two issues at once cannot take the same version number.
    type(plan).objects.select_for_update().get(pk=plan.pk)
    latest = IssuedReport.objects.filter(plan=plan, kind=kind, **scope).aggregate(Max("version"))["version__max"]
    version = (latest or 0) + 1
    now = timezone.now()
    progress = plan_progress(
        plan, period, now=now, evidence=kind == IssuedReport.Kind.BOARD, risks_on=risks_as_at(period, as_at)
    )
    marking = issued_marking(version=version, meeting=meeting, user=user, when=now)
    title = report_title(kind, progress, as_at)
    body = render_body(kind, progress, marking, as_at)
    document, page_css = pdf_document(kind, progress, marking, as_at)
    issued = IssuedReport.objects.create(
        plan=plan,
        kind=kind,
        version=version,
        title=title,
        meeting=meeting,
        issued_by=user,
        issued_at=now,
        body_html=body,
        pdf=None,
        pdf_document=document,
        pdf_page_css=page_css,
        xlsx=XLSX[kind](title, progress, marking),
        data=progress_data(kind, progress, as_at),
        **scope,
    )
    transaction.on_commit(lambda: issued_pdf_enqueue(issued_id=issued.pk))
    return issued
