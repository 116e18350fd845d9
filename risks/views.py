"""The risk register's pages for every signed-in reader: the register, a risk, the heat map and the export."""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from dscb.querydate import QueryDate
from subgroups.roles import is_board_manager

from .access import may_add, may_edit
from .filters import RiskFilter
from .heatmap import SCORES
from .heatmap import heat_map as draw_heat_map
from .matrix import IMPACT, LIKELIHOOD
from .models import Risk
from .selectors import (
    board_meeting_dates,
    direction_label,
    previous_board_meeting,
    register_rows,
    risk_history,
    risk_page,
)
from .spreadsheets import register_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
FILTERS_IGNORED = "Some of the filters could not be used and were left out: see the messages beside them."


def _filtered(request):
    """The register's filter and the risks it lets through (invalid choices are left out, not fatal)."""
    risk_filter = RiskFilter(request.GET, queryset=register_rows())
    return risk_filter, list(risk_filter.qs)


@require_safe
def register(request):
    """The register, filtered, escalated risks first. Queries: the risks (one, whatever their number), the lead
    bodies for the filter, and the reader's roles."""
    risk_filter, risks = _filtered(request)
    context = {
        "filter": risk_filter,
        "filtering": risk_filter.filtering,
        "problem": FILTERS_IGNORED if risk_filter.form.errors else "",
        "risks": [(risk, direction_label(risk.last_direction)) for risk in risks],
        "score": risk_filter.chosen_score,
        "may_add": may_add(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "risks/register.html", context)


@require_safe
def register_export(request):
    """The register as filtered on its page, as an Excel workbook."""
    _, risks = _filtered(request)
    response = HttpResponse(register_xlsx(risks), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="risk-register-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


def _query_date(request, name, label, problems):
    """The date called `name` in the query (dscb.querydate), between 2000 and 2100; what is wrong goes in
    `problems` as (the box to correct, the message)."""
    chosen = QueryDate(request.GET, name, label=label)
    chosen.check_between(
        EARLIEST,
        LATEST,
        too_early=f"The {label} must be between 2000 and 2100",
        too_late=f"The {label} must be between 2000 and 2100",
    )
    if chosen.error:
        problems.append((chosen.first_error_id, chosen.error))
    return chosen


@require_safe
def heat_map(request):
    """The heat map of the chosen score as at a day (today unless chosen), with each risk's movement since an
    earlier day (the Board meeting before, unless chosen). Queries: the Board's meeting dates, the risks' history."""
    problems = []  # (the box to correct, what is wrong)
    as_at_date = _query_date(request, "as_at", "date the map is as at", problems)
    as_at = as_at_date.date or timezone.localdate()
    as_at_date.show(as_at)
    score = request.GET.get("score") or "current"
    if score not in SCORES:
        problems.append(("score-switch", "Choose the inherent, current or target score. The current score is shown."))
        score = "current"
    since_date = _query_date(request, "since", "date to show movement since", problems)
    since = since_date.date
    if since is not None and since >= as_at:
        since_date.fail("The date to show movement since must be before the date the map is as at")
        problems.append((since_date.first_error_id, since_date.error))
        since = None
    # No "since" at all: from the Board meeting before. A bad one: the same, said. An empty one: no movement.
    meetings = board_meeting_dates()
    if since is None and (not since_date.given or since_date.error):
        since = previous_board_meeting(as_at, meetings)
        if not since_date.error:
            since_date.show(since)
    drawn = draw_heat_map(as_at=as_at, score=score, since=since)
    context = {
        "heat_map": drawn,
        "problems": problems,
        "as_at_date": as_at_date,
        "since_date": since_date,
        "scores": [(code, label, code == score) for code, label in SCORES.items()],
        "meetings": meetings,
    }
    return render(request, "risks/heat_map.html", context)


@require_safe
def risk_detail(request, reference):
    try:
        related, risk = risk_page(reference)
    except Risk.DoesNotExist:
        raise Http404("No risk has that reference.") from None
    context = {
        "risk": risk,
        **related,
        "scores": [
            (label, words, score, LIKELIHOOD[score.likelihood][0], IMPACT[score.impact][0])
            for label, words, score in [
                ("Inherent", "before its controls", risk.inherent),
                ("Current", "with the controls in place", risk.current),
                ("Target", "at its target", risk.target),
            ]
        ],
        "is_overdue": risk.is_open and risk.next_review_on < timezone.localdate(),
        **risk_history(risk),
        "may_edit": may_edit(request.user, risk),
        "is_manager": is_board_manager(request.user),
    }
    return render(request, "risks/risk_detail.html", context)
