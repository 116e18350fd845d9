"""Report PDFs drawn in the background, never in a request.

- A download of a draft PDF that is not kept for what the report shows now asks for `draft_pdf_draw` (once: a
  drawing already waiting is not asked for again) and shows a page that says it is being prepared and reloads
  itself every few seconds (reports.views).
- A saved change to the plan, an update or a KPI value asks for `plan_draft_pdfs_draw` of its plan a minute later;
  many saves within that minute give one redraw (a key in the cache says one is waiting). That redraw asks for one
  `draft_pdf_draw` for each report people ask for next, at the back of the queue. On a backend that cannot wait
  (the immediate one the tests use) nothing is drawn ahead: a download asks for what it needs.
- Issuing a report returns at once; `issued_pdf_draw` draws the issued report's PDF from its frozen snapshot.

Every task is idempotent: a draft PDF whose kept fingerprint is the report's now is not drawn again
(reports.pdfstore), and an issued report whose PDF is drawn is left alone, so a task run twice (a retry, a worker
killed mid-task, two requests) draws nothing more and writes its result in one statement.
"""

import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends

from dscb.queue import enqueue_once
from plans.models import BusinessPlan

from .data import plan_progress, risks_as_at
from .models import IssuedReport
from .pdfdraw import PDFBudgetExceeded
from .pdfstore import draft_pdf, draft_pdfs_let_go, draft_pdfs_wanted
from .render import draw_pdf_document

# A change waits this long for others before its plan's draft PDFs are drawn again.
REDRAW_DELAY = datetime.timedelta(seconds=60)
# How long a "drawing is waiting" key lasts: longer than a drawing normally waits, so that a lost task is not
# waited for forever.
WAITING_SECONDS = 10 * 60


def _draft_key(plan_id, kind, period_number, as_at):
    return f"reports:draft-pdf-waiting:{plan_id}:{kind}:{period_number}:{as_at or ''}"


def _plan_key(plan_id):
    return f"reports:plan-pdfs-waiting:{plan_id}"


def _issued_key(issued_id):
    return f"reports:issued-pdf-waiting:{issued_id}"


@task()
def draft_pdf_draw(*, plan_id, kind, period_number, as_at=None, redraw=False):
    """Draw and keep one report's draft PDF as the report is now (nothing if the kept one is already that).

    Asked for by a download (`draft_pdf_enqueue`), or by the redraw after a change (`redraw`), which leaves the
    download's "drawing is waiting" key alone: a download's drawing asked for meanwhile is still waiting."""
    try:
        plan = BusinessPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            return "no such plan"
        kind = IssuedReport.Kind(kind)  # arguments come as JSON: the kind's value
        period = plan.periods.get(number=period_number)
        day = datetime.date.fromisoformat(as_at) if as_at else None
        progress = plan_progress(
            plan, period, evidence=kind == IssuedReport.Kind.BOARD, risks_on=risks_as_at(period, day)
        )
        outcome = draft_pdf(kind, progress, day)
    finally:
        if not redraw:
            cache.delete(_draft_key(plan_id, kind, period_number, as_at))
    if not outcome.current:
        return f"not drawn, {outcome.failure.reason}"
    return "drawn" if outcome.drawn else "up to date"


def draft_pdf_enqueue(*, plan, kind, period, as_at=None, before_enqueue=None):
    """Ask for a report's draft PDF to be drawn, unless a drawing of it is waiting already. The task's result if
    asked now (finished already on a backend that runs tasks at once), else None.

    `before_enqueue()` is called only when the drawing is asked for (it may raise to refuse it)."""
    day = as_at.isoformat() if as_at else None

    def ask():
        if before_enqueue is not None:
            before_enqueue()
        return draft_pdf_draw.enqueue(plan_id=plan.pk, kind=kind, period_number=period.number, as_at=day)

    return enqueue_once(_draft_key(plan.pk, kind, period.number, day), WAITING_SECONDS, ask)


# Below every other task: the worker takes an email, an issued report's PDF or a PDF someone is waiting for before
# the redraw of drafts that no one has asked for yet (a minute's drawing in all at 600 actions).
REDRAW_PRIORITY = -10


@task(priority=REDRAW_PRIORITY)
def plan_draft_pdfs_draw(*, plan_id):
    """After changes to the active plan: each of its draft PDFs that people ask for next
    (reports.pdfstore.draft_pdfs_wanted) asked for as a task of its own, also at the back of the queue. A task that
    arrives meanwhile then waits for one report's drawing at most, not for all of them; each draws nothing where
    what its report shows has not changed. Returns [[report, the id of the task that draws it]]."""
    cache.delete(_plan_key(plan_id))  # a change saved from now on asks for another redraw
    draft_pdfs_let_go()
    plan = BusinessPlan.objects.active().filter(pk=plan_id).first()
    if plan is None:
        return []
    asked = []
    for wanted in draft_pdfs_wanted(plan):
        result = draft_pdf_draw.using(priority=REDRAW_PRIORITY).enqueue(
            plan_id=plan.pk,
            kind=wanted.kind.value,
            period_number=wanted.period.number,
            as_at=wanted.as_at.isoformat() if wanted.as_at else None,
            redraw=True,
        )
        asked.append([wanted.name, result.id])
    return asked


def plan_redraw_enqueue(*, plan_id):
    """After a change to the plan: its draft PDFs redrawn a minute later, once for all changes in that minute.

    Does nothing on a backend that cannot wait (the drafts are then drawn when downloaded)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not backend.supports_defer or plan_id is None:
        return False
    if not cache.add(_plan_key(plan_id), 1, WAITING_SECONDS):
        return False
    plan_draft_pdfs_draw.using(run_after=timezone.now() + REDRAW_DELAY).enqueue(plan_id=plan_id)
    return True


# Why an issued report's PDF was not drawn, when an error stopped its drawing (the error itself is kept in the
# admin, with the background work that failed).
DRAWING_ERROR = "an error stopped the drawing"


@task()
def issued_pdf_draw(*, issued_id):
    """Draw an issued report's PDF from the HTML frozen when it was issued. Nothing if it is drawn already; the
    PDF is written in one statement, only where none is, so a second run never replaces it.

    When it cannot be drawn, the report keeps why (`pdf_failure`, shown on its pages): over the budget, the task
    ends there; any other error is kept too and raised, so the task fails with its error in the admin (where a Retry
    runs it again). Either way the board business manager can ask for it to be drawn again
    (`issued_pdf_redraw_enqueue`)."""
    try:
        not_drawn = IssuedReport.objects.filter(pk=issued_id, pdf__isnull=True)
        issued = not_drawn.only("pk", "pdf_document", "pdf_page_css").first()
        if issued is None:
            return "drawn already"
        try:
            pdf = draw_pdf_document(issued.pdf_document, issued.pdf_page_css)
        except PDFBudgetExceeded as exceeded:
            not_drawn.update(pdf_failure=exceeded.reason[:300])
            return f"not drawn, {exceeded.reason}"
        except Exception:
            not_drawn.update(pdf_failure=DRAWING_ERROR)
            raise
        not_drawn.update(pdf=pdf, pdf_failure="")
        return "drawn"
    finally:
        cache.delete(_issued_key(issued_id))


def issued_pdf_enqueue(*, issued_id):
    """Ask for an issued report's PDF to be drawn, unless a drawing of it is waiting already: a key in the cache
    says so until the drawing ends, or WAITING_SECONDS pass (a lost drawing)."""
    enqueue_once(_issued_key(issued_id), WAITING_SECONDS, lambda: issued_pdf_draw.enqueue(issued_id=issued_id))


def issued_pdf_waiting(*, issued_id):
    """Is a drawing of the issued report's PDF waiting or running?"""
    return cache.get(_issued_key(issued_id)) is not None


def issued_pdf_redraw_enqueue(*, issued_id):
    """Ask again for an issued report's PDF that is not drawn (it could not be, or its drawing was lost). Its
    reason for not being drawn is cleared, so its pages say it is being prepared; the drawing is asked for once the
    transaction commits. False if the PDF is drawn."""
    if not IssuedReport.objects.filter(pk=issued_id, pdf__isnull=True).update(pdf_failure=""):
        return False
    transaction.on_commit(lambda: issued_pdf_enqueue(issued_id=issued_id))
    return True
