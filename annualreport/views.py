from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from dscb.querydate import QueryDate
from plans.access import plan_for_reader
from subgroups.roles import is_audit_contact

from .data import annual_record, default_as_at
from .document import DOCX_TYPE, annual_report_docx, day_words

CONTACTS_REFUSED = (
    "The annual report draft holds every audit round's results, and an audit contact sees only their own "
    "organisation's return. Ask the board business manager for it."
)


def chosen_date(plan, query, today=None):
    """The draft's date (dscb.querydate) from ?as_at=YYYY-MM-DD or the date boxes: by default the end of the plan's
    year, or today if that is earlier; never before the plan starts or after today (`error` says which)."""
    today = today or timezone.localdate()
    chosen = QueryDate(query, "as_at", label="date")
    chosen.check_between(
        plan.starts_on,
        today,
        too_early=f"The date must be on or after the day the plan year starts, {day_words(plan.starts_on)}",
        too_late="The date must be today or in the past: the draft holds what has been written by then",
    )
    if chosen.date is None and not chosen.error:
        chosen.date = default_as_at(plan, today)
    return chosen


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
    chosen = chosen_date(plan, request.GET)
    if chosen.error:
        context = {"plan": plan, "chosen": chosen, "default": default_as_at(plan)}
        return render(request, "annualreport/bad_date.html", context, status=400)
    as_at = chosen.date
    content = annual_report_docx(annual_record(plan, as_at), request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="annual-report-{plan.slug}-{as_at:%Y-%m-%d}.docx"'
    return response
