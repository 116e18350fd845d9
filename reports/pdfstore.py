"""Draft report PDFs, drawn once for what they show and kept until that changes.

Drawing the PDF is the slow part of a report (WeasyPrint lays out every page: about 200 A4 pages, many seconds,
for a 600-action plan), and a draft is asked for many times between changes: by the manager checking it, by
everyone before a meeting. So a draft PDF is kept with a hash of its content (reports.render.pdf_fingerprint)
and given out again while the hash is the same. `build_report_pdfs` (run every few minutes, like the daily
`lock_overdue_periods`) draws the PDFs people are about to ask for, so that even the first request after a change
is usually served from the store.
"""

import datetime
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from .data import period_as_at, plan_progress
from .models import DraftPDF, IssuedReport, report_scope
from .render import draft_marking, pdf_fingerprint, render_pdf


def draft_pdf(kind, progress, as_at=None):
    """The draft PDF of a report: the kept one if the report still shows the same, else drawn now and kept."""
    pdf, _ = _draft_pdf(kind, progress, as_at)
    return pdf


def _draft_pdf(kind, progress, as_at):
    """(PDF bytes, whether it was drawn now)."""
    scope = {"plan": progress.plan, "kind": kind, **report_scope(kind, progress.period, as_at)}
    fingerprint = pdf_fingerprint(kind, progress, as_at)
    kept = DraftPDF.objects.filter(**scope, fingerprint=fingerprint).values_list("pdf", flat=True).first()
    if kept is not None:
        return bytes(kept), False
    started = time.perf_counter()
    pdf = render_pdf(kind, progress, draft_marking(progress), as_at)
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
    return pdf, True


KEEP_UNTOUCHED = datetime.timedelta(days=30)


def draft_pdfs_build(plans, *, today=None):
    """Draw and keep the draft PDFs people ask for next, for each plan: the Executive report of every period so
    far and the Board report as at today. Kept PDFs drawn over 30 days ago are let go (they are drawn again if
    asked for). Returns [(report name, drawn now?, milliseconds)]."""
    today = today or timezone.localdate()
    DraftPDF.objects.filter(built_at__lt=timezone.now() - KEEP_UNTOUCHED).delete()
    done = []
    for plan in plans:
        periods = list(plan.periods.all())
        current = plan.current_period_from(periods)
        for period in periods:
            if current is not None and period.number > current.number:
                break
            name = f"{plan.slug} Executive report, period {period.number}"
            done.append(_build_one(name, IssuedReport.Kind.EXECUTIVE, plan, period))
        board_period = period_as_at(plan, today)
        if board_period is not None:
            name = f"{plan.slug} Board report as at {today:%d %B %Y}"
            done.append(_build_one(name, IssuedReport.Kind.BOARD, plan, board_period, today))
    return done


def _build_one(name, kind, plan, period, as_at=None):
    started = time.perf_counter()
    _, drawn = _draft_pdf(kind, plan_progress(plan, period, evidence=kind == IssuedReport.Kind.BOARD), as_at)
    return name, drawn, round((time.perf_counter() - started) * 1000)
