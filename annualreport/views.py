import datetime
import re

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans.access import plan_for_reader
from subgroups.roles import is_audit_contact

from .data import annual_record, default_as_at
from .document import DOCX_TYPE, annual_report_docx, day_words

CONTACTS_REFUSED = (
    "The annual report draft holds every audit round's results, and an audit contact sees only their own "
    "organisation's return. Ask the board business manager for it."
)
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


def chosen_date(plan, typed, today=None):
    """(date, None) for the ?as_at= given (or the default), else (None, what is wrong, in the user's words)."""
    today = today or timezone.localdate()
    if typed is None or typed == "":
        return default_as_at(plan, today), None
    if not DATE_FORMAT.fullmatch(typed):
        return None, "The date must be a real date written as year-month-day, for example 2016-03-31."
    try:
        day = datetime.date.fromisoformat(typed)
    except ValueError:
        return None, "The date must be a real date written as year-month-day, for example 2016-03-31."
    if day < plan.starts_on:
        return None, f"The date must be on or after the day the plan year starts, {day_words(plan.starts_on)}."
    if day > today:
        return None, "The date must be today or in the past: the draft holds what has been written by then."
    return day, None


@require_safe
def annual_report(request, slug):
    """The plan year's annual report draft as a Word document, every figure as at ?as_at=YYYY-MM-DD (by default the
    end of the plan's year, or today if that is earlier). Whoever reads the Board's progress report may download
    it, except an audit contact, who sees only their own organisation's return (the plan page and the Reports page
    offer the link by the same rule, subgroups.roles.is_audit_contact)."""
    plan = plan_for_reader(request.user, slug)
    if is_audit_contact(request.user):
        # Said in its own words: the general refusal speaks of a change, and nothing is changed here.
        return render(request, "annualreport/refused.html", {"plan": plan, "refusal": CONTACTS_REFUSED}, status=403)
    as_at, problem = chosen_date(plan, request.GET.get("as_at"))
    if problem:
        context = {"plan": plan, "problem": problem, "default": default_as_at(plan)}
        return render(request, "annualreport/bad_date.html", context, status=400)
    content = annual_report_docx(annual_record(plan, as_at), request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="annual-report-{plan.slug}-{as_at:%Y-%m-%d}.docx"'
    return response
