import datetime
import logging
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dscb.forms import Form
from dscb.longpages import render_around
from dscb.prepared import PreparedQuery
from dscb.querydate import QueryDate
from dscb.queue import queue_health
from dscb.redirects import next_url
from plans.access import plan_for_manager, plan_for_reader
from plans.models import BusinessPlan
from subgroups.roles import is_audit_contact, is_board_manager

from .data import (
    board_meeting_dates,
    board_quarter,
    board_report_default_date,
    period_as_at,
    plan_progress,
    risks_as_at,
)
from .excel import board_xlsx, executive_xlsx
from .forms import BoardReportDate
from .models import IssuedReport
from .pdfstore import kept_draft_pdf, last_draft_pdf
from .render import draft_marking, render_body, report_title
from .services import report_issue
from .tasks import WAITING_SECONDS, draft_pdf_enqueue, issued_pdf_redraw_enqueue, issued_pdf_waiting

logger = logging.getLogger("dscb.reports")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The page of a PDF being drawn reloads itself this often.
PREPARING_REFRESH_SECONDS = 5
FRESH_DRAW_WINDOW = 10 * 60  # seconds in which one person may have REPORT_PDF_DRAWS_PER_PERSON PDFs drawn


class TooManyDraws(Exception):
    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _count_fresh_draw(user):
    """Count a PDF drawn for `user`, or raise TooManyDraws when they have had their share of the last 10 minutes.

    Kept PDFs cost nothing to give out; each fresh one costs seconds of a worker, and a reader could otherwise ask
    for the Board report as at every date there is. The count is in the cache (the database cache, so every worker
    and app server shares it)."""
    key = f"reports:fresh-pdf-draws:{user.pk}"
    now = time.time()
    draws = [when for when in cache.get(key, []) if when > now - FRESH_DRAW_WINDOW]
    if len(draws) >= settings.REPORT_PDF_DRAWS_PER_PERSON:
        raise TooManyDraws(retry_after=int(draws[0] + FRESH_DRAW_WINDOW - now) + 1)
    cache.set(key, [*draws, now], FRESH_DRAW_WINDOW)


# An update's text that the report prints, to find the longest when a PDF cannot be drawn.
UPDATE_TEXT = ["progress", "impact", "next_steps", "reason", "returned_reason"]


def _longest_update(progress):
    """(characters, action row, period number) of the report's longest update, or None when it has none."""
    candidates = []
    for row in progress.actions:
        updates = {**row.updates, progress.period.number: row.update}
        for number, update in updates.items():
            if update is not None:
                candidates.append((sum(len(getattr(update, name)) for name in UPDATE_TEXT), number, row))
    if not candidates:
        return None
    length, number, row = max(candidates, key=lambda candidate: candidate[:2])
    return {"length": length, "period_number": number, "action": row.action}


def _draft_pdf_response(request, plan, kind, period, progress, as_at, filename):
    """The draft PDF; the last one drawn when asked for with ?last=1; or a page saying why it cannot be drawn."""
    if request.GET.get("last"):
        last = last_draft_pdf(plan, kind, period, as_at)
        if last is None:
            raise Http404("No PDF of this report has been drawn yet.")
        drawn = timezone.localtime(last.built_at)
        return _download(bytes(last.pdf), "application/pdf", f"{filename}-drawn-{drawn:%Y-%m-%d-%H%M}.pdf")
    outcome = kept_draft_pdf(kind, progress, as_at)
    if outcome is None:
        # Not kept as the report is now: the worker draws it. (The immediate backend draws it here and now.)
        try:
            asked = draft_pdf_enqueue(
                plan=plan, kind=kind, period=period, as_at=as_at, before_enqueue=lambda: _count_fresh_draw(request.user)
            )
        except TooManyDraws as refused:
            minutes = max(1, round(refused.retry_after / 60))
            context = {
                "plan": plan,
                "minutes": minutes,
                "per_person": settings.REPORT_PDF_DRAWS_PER_PERSON,
                "html_url": _html_url(request, plan, kind, period, as_at),
            }
            response = render(request, "reports/pdf_too_many.html", context, status=429)
            response["Retry-After"] = str(refused.retry_after)
            return response
        if asked is not None and asked.is_finished:  # drawn already, by a backend that runs tasks at once
            outcome = kept_draft_pdf(kind, progress, as_at)
    if request.htmx:
        return _preparing_poll(
            request,
            ready=outcome is not None,
            failed=outcome is not None and not outcome.current,
            title=report_title(kind, progress, as_at),
        )
    if outcome is None:
        context = {
            "plan": plan,
            "title": report_title(kind, progress, as_at),
            "html_url": _html_url(request, plan, kind, period, as_at),
            "refresh_seconds": PREPARING_REFRESH_SECONDS,
        }
        response = render(request, "reports/pdf_being_prepared.html", context, status=202)
        response["Retry-After"] = str(PREPARING_REFRESH_SECONDS)
        return response
    if outcome.current:
        return _download(outcome.pdf, "application/pdf", f"{filename}.pdf")
    last_url = None
    if outcome.last is not None:
        query = request.GET.copy()
        query["last"] = "1"
        last_url = f"{request.path}?{query.urlencode()}"
    manager = is_board_manager(request.user)
    context = {
        "plan": plan,
        "title": report_title(kind, progress, as_at),
        "failure": outcome.failure,
        "last": outcome.last,
        "last_url": last_url,
        "html_url": _html_url(request, plan, kind, period, as_at),
        "is_manager": manager,
        "retry_minutes": settings.REPORT_PDF_RETRY_MINUTES,
        "longest": _longest_update(progress) if manager else None,
    }
    return render(request, "reports/pdf_not_drawn.html", context, status=503)


def _issue_refused(request):
    """The issue refused for its Meeting box (report_issue_view), if it was sent from this very page; once only."""
    refused = request.session.pop(ISSUE_REFUSED, None)
    return refused if refused and refused.get("page") == request.get_full_path() else None


def _preparing_poll(request, *, ready, failed=False, title):
    """The "being prepared" page's check (htmx, every few seconds): nothing yet (204), or, when the PDF is there or
    could not be drawn, a line with its link that replaces the check, which stops (286); the page's title, heading
    and first paragraph change with it."""
    if not ready:
        return HttpResponse(status=204)
    context = {"url": request.get_full_path(), "failed": failed, "title": title}
    return render(request, "reports/_pdf_ready.html", context, status=286)


def _html_url(request, plan, kind, period, as_at):
    if kind == IssuedReport.Kind.EXECUTIVE:
        return reverse("reports:executive-report", args=[plan.slug, period.number])
    return f"{reverse('reports:board-report', args=[plan.slug])}?as_at={as_at:%Y-%m-%d}"


def _report(request, plan, kind, period, fmt, as_at=None, filename="", defaulted=False):
    progress = plan_progress(
        plan, period, evidence=kind == IssuedReport.Kind.BOARD, risks_on=risks_as_at(period, as_at)
    )
    marking = draft_marking(progress)
    title = report_title(kind, progress, as_at)
    if fmt == "pdf":
        return _draft_pdf_response(request, plan, kind, period, progress, as_at, filename)
    if fmt == "xlsx":
        workbook = (executive_xlsx if kind == IssuedReport.Kind.EXECUTIVE else board_xlsx)(title, progress, marking)
        return _download(workbook, XLSX_TYPE, f"{filename}.xlsx")
    manager = is_board_manager(request.user)
    context = {
        "plan": plan,
        "kind": kind,
        "Kind": IssuedReport.Kind,
        "title": title,
        "period": period,
        "as_at": as_at,
        "as_at_defaulted": defaulted,
        "board_quarter": board_quarter(plan, as_at) if as_at else None,
        "is_manager": manager,
        "issued": _issued_versions(plan, kind, period, as_at),
        "query": request.GET.urlencode(),
        # An issue refused for its Meeting box (report_issue_view): the box shows the error and what was typed.
        "issue_refused": _issue_refused(request) if manager else None,
    }
    body = render_body(kind, progress, marking, as_at)
    return render_around(request, "reports/report_page.html", context, "body", body)


def _issued_versions(plan, kind, period, as_at):
    """The versions of this report issued so far, newest first: their ids, versions and dates alone (an issued
    report keeps its body, PDF and workbook, megabytes each at 600 actions), from a query built once per process."""
    if kind == IssuedReport.Kind.EXECUTIVE:
        # The period's number is in the query's shape: its small column cannot hold a stand-in (dscb.prepared).
        return _issued_executive.rows(period.number, plan_id=plan.pk)
    return _issued_board.rows(plan_id=plan.pk, as_at=as_at)


def _issued_listed(plan_id, **scope):
    return IssuedReport.objects.filter(plan=plan_id, **scope).only("pk", "version", "issued_at")


@PreparedQuery
def _issued_executive(period_number, *, plan_id):
    return _issued_listed(plan_id, kind=IssuedReport.Kind.EXECUTIVE, period_number=period_number)


@PreparedQuery
def _issued_board(*, plan_id, as_at):
    return _issued_listed(plan_id, kind=IssuedReport.Kind.BOARD, as_at=as_at)


@require_safe
def executive_report(request, slug, number, fmt):
    """The bi-monthly Safeguarding Executive report for period `number`, on screen, as PDF or as Excel."""
    plan = plan_for_reader(request.user, slug, with_periods=True)
    period = next((period for period in plan.periods.all() if period.number == number), None)
    if period is None:
        raise Http404("This plan has no such reporting period.")
    filename = f"executive-report-{plan.slug}-period-{number}"
    return _report(request, plan, IssuedReport.Kind.EXECUTIVE, period, fmt, filename=filename)


@require_safe
def board_report(request, slug, fmt):
    """The Board progress report: the plan's progress up to a date, by default that of the next Board meeting.

    A date typed in the day, month and year boxes is sent on to the report's own address (?as_at=YYYY-MM-DD, the
    one its PDF and Excel links and issued reports use); a date that is not one, or is outside the plan's reach,
    is shown on the Reports page with the error."""
    plan = plan_for_reader(request.user, slug, with_periods=True)
    periods = list(plan.periods.all())
    if not periods:
        raise Http404("This plan has no reporting periods.")
    chosen = BoardReportDate(request.GET, plan=plan)
    if chosen.error:
        return _report_list(request, plan, periods, chosen, status=400)
    if chosen.typed:
        return redirect(f"{reverse(request.resolver_match.view_name, args=[plan.slug])}?as_at={chosen.date:%Y-%m-%d}")
    as_at = chosen.date or board_report_default_date(plan, periods)
    period = period_as_at(plan, as_at, periods)
    filename = f"board-report-{plan.slug}-{as_at:%Y-%m-%d}"
    return _report(
        request, plan, IssuedReport.Kind.BOARD, period, fmt, as_at=as_at, filename=filename, defaulted=not chosen.given
    )


@require_safe
def report_list(request, slug):
    plan = plan_for_reader(request.user, slug, with_periods=True)
    periods = list(plan.periods.all())
    return _report_list(request, plan, periods, None)


def _report_list(request, plan, periods, chosen, status=200):
    """The Reports page; `chosen` is a Board report date with an error, shown in the date boxes as typed."""
    issued = (
        IssuedReport.objects.filter(plan=plan)
        .select_related("issued_by")
        .defer("pdf", "xlsx", "body_html", "data", "pdf_document", "pdf_page_css")
        .annotate(pdf_ready=ExpressionWrapper(Q(pdf__isnull=False), output_field=BooleanField()))
    )
    default = board_report_default_date(plan, periods) if periods else None
    if chosen is None and default is not None:
        chosen = BoardReportDate({"as_at": default.isoformat()}, plan=plan)
    return render(
        request,
        "reports/report_list.html",
        {
            "plan": plan,
            "periods": periods,
            "current": plan.reporting_period_from(periods),
            "issued": issued,
            "chosen": chosen,
            "annual_date": QueryDate({}, "as_at"),  # the annual report draft's other date: empty boxes
            "board_meetings": board_meeting_dates(plan),
            # The background work that draws and sends things, for the one who can act on it.
            "queue": queue_health() if is_board_manager(request.user) else None,
            # An audit contact is refused the annual report draft (it holds every audit round's results).
            "may_download_annual_report": not is_audit_contact(request.user),
        },
        status=status,
    )


# The session key of an issue refused for its Meeting box, shown by the report page the form was sent from.
ISSUE_REFUSED = "report-issue-refused"
MEETING_LIMIT = 200


class IssueForm(Form):
    kind = forms.TypedChoiceField(choices=IssuedReport.Kind.choices, coerce=IssuedReport.Kind)
    period = forms.IntegerField(required=False, min_value=1)
    as_at = forms.DateField(required=False)
    meeting = forms.CharField(
        max_length=MEETING_LIMIT,
        error_messages={
            "required": "Say which meeting the report is issued to",
            "max_length": f"The meeting must be {MEETING_LIMIT} characters or fewer",
        },
    )


@require_POST
def report_issue_view(request, slug):
    """The board business manager issues a report to a meeting: it is frozen as it is now."""
    plan = plan_for_manager(request.user, slug, refusal="Only the board business manager issues reports.")
    form = IssueForm(request.POST)
    back = next_url(request, plan.get_absolute_url(), parameter="back")
    if not form.is_valid():
        if "meeting" in form.errors:
            # Shown on the report page as the Meeting box's own error, with what was typed (_report).
            request.session[ISSUE_REFUSED] = {
                "meeting": request.POST.get("meeting", "")[: 2 * MEETING_LIMIT],
                "error": form.errors["meeting"][0],
                "page": back,
            }
        for field, errors in form.errors.items():
            if field != "meeting":
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(back)
    kind, as_at = form.cleaned_data["kind"], form.cleaned_data["as_at"]
    if kind == IssuedReport.Kind.EXECUTIVE:
        period = get_object_or_404(plan.periods, number=form.cleaned_data["period"] or 0)
    else:
        if as_at is not None:
            # The dates the Board report's page shows, no others: an issued report is a record kept for good.
            asked = BoardReportDate({"as_at": as_at.isoformat()}, plan=plan)
            if asked.error:
                messages.error(request, f"{asked.error}. The report was not issued.")
                return HttpResponseRedirect(back)
        periods = list(plan.periods.all())
        as_at = as_at or board_report_default_date(plan, periods)
        period = period_as_at(plan, as_at, periods)
    issued = report_issue(
        plan=plan, kind=kind, period=period, user=request.user, meeting=form.cleaned_data["meeting"], as_at=as_at
    )
    messages.success(
        request, f"Issued version {issued.version} of the {issued.get_kind_display()}. Its PDF is being prepared."
    )
    return redirect(issued)


@require_safe
def issued_report(request, pk, fmt):
    """An issued report exactly as it was issued."""
    plans = BusinessPlan.objects.visible_to(request.user)
    issued = get_object_or_404(IssuedReport.objects.filter(plan__in=plans).select_related("plan", "issued_by"), pk=pk)
    if fmt == "pdf":
        if request.htmx:
            failed = bool(issued.pdf_failure)
            title = f"{issued.title}, issued version {issued.version}"
            return _preparing_poll(request, ready=issued.pdf is not None or failed, failed=failed, title=title)
        if issued.pdf is not None:
            return _download(bytes(issued.pdf), "application/pdf", f"{issued.filename}.pdf")
        context = {
            "issued": issued,
            "plan": issued.plan,
            "refresh_seconds": PREPARING_REFRESH_SECONDS,
            # The manager may ask for it again when it could not be drawn, or when no drawing of it is waiting and it
            # has waited longer than a drawing does (its drawing was lost).
            "may_redraw": is_board_manager(request.user),
            "waited_long": issued.issued_at < timezone.now() - datetime.timedelta(seconds=WAITING_SECONDS)
            and not issued_pdf_waiting(issued_id=issued.pk),
        }
        if issued.pdf_failure:
            return render(request, "reports/issued_pdf_not_ready.html", context, status=503)
        response = render(request, "reports/issued_pdf_not_ready.html", context, status=202)
        response["Retry-After"] = str(PREPARING_REFRESH_SECONDS)
        return response
    if fmt == "xlsx":
        return _download(bytes(issued.xlsx), XLSX_TYPE, f"{issued.filename}.xlsx")
    context = {"issued": issued, "plan": issued.plan}
    return render_around(request, "reports/issued_report.html", context, "body", issued.body_html)


@require_POST
def issued_pdf_redraw(request, pk):
    """The board business manager asks for an issued report's PDF to be drawn again: it could not be (over the
    budget, or an error), or its drawing was lost. The issued report itself is not changed."""
    plans = BusinessPlan.objects.visible_to(request.user)
    issued = get_object_or_404(IssuedReport.objects.filter(plan__in=plans).only("pk", "title", "version"), pk=pk)
    if not is_board_manager(request.user):
        raise PermissionDenied("Only the board business manager has an issued report's PDF drawn again.")
    with transaction.atomic():
        asked = issued_pdf_redraw_enqueue(issued_id=issued.pk)
    if asked:
        logger.info("%s asked for the PDF of issued report %s to be drawn again", request.user.username, issued.pk)
        messages.success(request, f"The PDF of the {issued.title}, issued version {issued.version}, is being drawn.")
        return redirect("reports:issued-pdf", issued.pk)
    messages.info(request, "This issued report's PDF is drawn already.")
    return redirect(issued)
