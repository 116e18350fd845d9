import datetime

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from plans.access import plan_for_manager, plan_for_reader
from plans.models import BusinessPlan
from subgroups.roles import is_board_manager

from .data import period_as_at, plan_progress
from .excel import board_xlsx, executive_xlsx
from .models import IssuedReport, report_scope
from .pdfstore import draft_pdf
from .render import draft_marking, render_body, report_title
from .services import report_issue

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as_at(request):
    """The ?as_at= date, today if absent; None if it is not a date."""
    text = request.GET.get("as_at", "")
    if not text:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report(request, plan, kind, period, fmt, as_at=None, filename=""):
    progress = plan_progress(plan, period, evidence=kind == IssuedReport.Kind.BOARD)
    marking = draft_marking(progress)
    title = report_title(kind, progress, as_at)
    if fmt == "pdf":
        return _download(draft_pdf(kind, progress, as_at), "application/pdf", f"{filename}.pdf")
    if fmt == "xlsx":
        workbook = (executive_xlsx if kind == IssuedReport.Kind.EXECUTIVE else board_xlsx)(title, progress, marking)
        return _download(workbook, XLSX_TYPE, f"{filename}.xlsx")
    context = {
        "plan": plan,
        "kind": kind,
        "Kind": IssuedReport.Kind,
        "title": title,
        "body": render_body(kind, progress, marking, as_at),
        "period": period,
        "as_at": as_at,
        "is_manager": is_board_manager(request.user),
        "issued": IssuedReport.objects.filter(plan=plan, kind=kind, **report_scope(kind, period, as_at)),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/report_page.html", context)


@require_safe
def executive_report(request, slug, number, fmt):
    """The bi-monthly Safeguarding Executive report for period `number`, on screen, as PDF or as Excel."""
    plan = plan_for_reader(request.user, slug)
    period = get_object_or_404(plan.periods, number=number)
    filename = f"executive-report-{plan.slug}-period-{number}"
    return _report(request, plan, IssuedReport.Kind.EXECUTIVE, period, fmt, filename=filename)


@require_safe
def board_report(request, slug, fmt):
    """The Board progress report: the plan's progress up to a date."""
    plan = plan_for_reader(request.user, slug)
    as_at = _as_at(request)
    if as_at is None:
        messages.error(request, "Enter the date as a date, for example 2015-12-01.")
        return redirect("reports:report-list", slug=plan.slug)
    period = period_as_at(plan, as_at)
    if period is None:
        raise Http404("This plan has no reporting periods.")
    filename = f"board-report-{plan.slug}-{as_at:%Y-%m-%d}"
    return _report(request, plan, IssuedReport.Kind.BOARD, period, fmt, as_at=as_at, filename=filename)


@require_safe
def report_list(request, slug):
    plan = plan_for_reader(request.user, slug)
    periods = list(plan.periods.all())
    issued = (
        IssuedReport.objects.filter(plan=plan).select_related("issued_by").defer("pdf", "xlsx", "body_html", "data")
    )
    return render(
        request,
        "reports/report_list.html",
        {
            "plan": plan,
            "periods": periods,
            "current": plan.current_period_from(periods),
            "issued": issued,
            "today": timezone.localdate(),
        },
    )


class IssueForm(forms.Form):
    kind = forms.TypedChoiceField(choices=IssuedReport.Kind.choices, coerce=IssuedReport.Kind)
    period = forms.IntegerField(required=False, min_value=1)
    as_at = forms.DateField(required=False)
    meeting = forms.CharField(max_length=200, error_messages={"required": "Say which meeting the report is issued to"})


@require_POST
def report_issue_view(request, slug):
    """The board business manager issues a report to a meeting: it is frozen as it is now."""
    plan = plan_for_manager(request.user, slug, refusal="Only the board business manager issues reports.")
    form = IssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        back = request.POST.get("back", "")
        if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = plan.get_absolute_url()
        return HttpResponseRedirect(back)
    kind, as_at = form.cleaned_data["kind"], form.cleaned_data["as_at"]
    if kind == IssuedReport.Kind.EXECUTIVE:
        period = get_object_or_404(plan.periods, number=form.cleaned_data["period"] or 0)
    else:
        as_at = as_at or timezone.localdate()
        period = period_as_at(plan, as_at)
    issued = report_issue(
        plan=plan, kind=kind, period=period, user=request.user, meeting=form.cleaned_data["meeting"], as_at=as_at
    )
    messages.success(request, f"Issued version {issued.version} of the {issued.get_kind_display()}.")
    return redirect(issued)


@require_safe
def issued_report(request, pk, fmt):
    """An issued report exactly as it was issued."""
    plans = BusinessPlan.objects.visible_to(request.user)
    issued = get_object_or_404(IssuedReport.objects.filter(plan__in=plans).select_related("plan", "issued_by"), pk=pk)
    if fmt == "pdf":
        return _download(bytes(issued.pdf), "application/pdf", f"{issued.filename}.pdf")
    if fmt == "xlsx":
        return _download(bytes(issued.xlsx), XLSX_TYPE, f"{issued.filename}.xlsx")
    return render(request, "reports/issued_report.html", {"issued": issued, "plan": issued.plan})
