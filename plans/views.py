from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from subgroups.roles import is_board_manager

from .access import plan_for_manager
from .forms import MeetingMoveForm, PeriodDatesForm
from .history import period_history
from .models import BusinessPlan, ReportingPeriod
from .services import (
    DatesChanged,
    PeriodStateError,
    period_dates_change,
    period_dates_seen,
    period_lock,
    period_meeting_dates,
    period_meeting_move,
    period_open,
    period_unlock,
)

TRANSITIONS = {"open": period_open, "lock": period_lock, "unlock": period_unlock}


@require_safe
def plan_list(request):
    plans = BusinessPlan.objects.visible_to(request.user).order_by("-starts_on")
    return render(request, "plans/plan_list.html", {"plans": plans, "is_manager": is_board_manager(request.user)})


@require_safe
def period_list(request, slug):
    plan = plan_for_manager(request.user, slug)
    periods = list(plan.periods.all())
    context = {
        "plan": plan,
        "periods": periods,
        "reporting": plan.reporting_period_from(periods),
        "corrections": plan.periods_open_for_corrections(periods),
        "grace_days": settings.PERIOD_GRACE_DAYS,
    }
    return render(request, "plans/period_list.html", context)


@require_POST
def period_transition(request, slug, number, transition):
    plan = plan_for_manager(request.user, slug)
    period = get_object_or_404(plan.periods, number=number)
    try:
        TRANSITIONS[transition](period=period, user=request.user)
    except PeriodStateError as error:
        messages.error(request, str(error))
    else:
        past = {"open": "opened", "lock": "locked", "unlock": "unlocked"}[transition]
        messages.success(request, f"{period} {past}.")
    return redirect("plans:period-list", slug=plan.slug)


def _period_for_change(user, slug, number):
    """(plan, period) for the manager to change the period's dates; 403 for anyone else, or once the plan is closed."""
    plan = plan_for_manager(user, slug)
    period = get_object_or_404(plan.periods, number=number)
    if plan.is_closed:
        raise PermissionDenied(f"{plan} is closed: its reporting periods can no longer be changed.")
    return plan, period


DATE_FIELDS = ("deadline", "meeting_on", "papers_deadline")


def _who_changed_the_dates(period, user):
    """Who last moved the period's dates (not who locked or opened it since): "You" for the user themselves."""
    records = list(period.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None or any(getattr(newer, name) != getattr(older, name) for name in DATE_FIELDS):
            changer = newer.history_user
            if changer is None:
                return "Someone"
            return "You" if changer == user else (changer.get_full_name() or changer.username)
    return "Someone"


def _dates_changed(request, plan, period, form_class, template):
    """The page again (409) with the form as it was sent, to be saved over the dates someone else saved since it was
    opened, and why."""
    data = request.POST.copy()
    data["dates_seen"] = period_dates_seen(period)
    form = form_class(data)
    form.is_valid()
    who = _who_changed_the_dates(period, request.user)
    day = partial(format_date, format_string="j F Y")
    meeting = f"the meeting is on {day(period.meeting_on)}" if period.meeting_on else "the meeting is not set"
    form.add_error(
        None,
        f"{who} changed the dates of {period} since you opened this page: updates are now due by "
        f"{day(period.deadline)} and {meeting}. Your dates are below: save again to put them in place of these.",
    )
    context = {"plan": plan, "period": period, "form": form, "history": period_history(period)}
    return render(request, template, context, status=409)


@require_http_methods(["GET", "HEAD", "POST"])
def period_edit(request, slug, number):
    """The manager moves a period's update deadline and Safeguarding Executive meeting date."""
    plan, period = _period_for_change(request.user, slug, number)
    if request.method == "POST":
        form = PeriodDatesForm(request.POST)
        if form.is_valid():
            try:
                period_dates_change(
                    period=period,
                    deadline=form.cleaned_data["deadline"],
                    meeting_on=form.cleaned_data["meeting_on"],
                    user=request.user,
                    dates_seen=form.cleaned_data["dates_seen"],
                )
            except DatesChanged as changed:
                return _dates_changed(request, plan, changed.period, PeriodDatesForm, "plans/period_edit.html")
            except ValidationError as invalid:
                for field, errors in invalid.message_dict.items():
                    for error in errors:
                        form.add_error(field, error)
            except PeriodStateError as error:
                raise PermissionDenied(str(error)) from None
            else:
                messages.success(request, f"Dates of {period} saved.")
                return redirect("plans:period-list", slug=plan.slug)
    else:
        form = PeriodDatesForm(
            initial={
                "deadline": period.deadline,
                "meeting_on": period.meeting_on,
                "dates_seen": period_dates_seen(period),
            }
        )
    context = {"plan": plan, "period": period, "form": form, "history": period_history(period)}
    return render(request, "plans/period_edit.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def period_meeting(request, slug, number):
    """The manager moves the period's Safeguarding Executive meeting and sees the deadlines counted back from it."""
    plan, period = _period_for_change(request.user, slug, number)
    proposed = None
    if request.method == "POST":
        form = MeetingMoveForm(request.POST)
        if form.is_valid():
            meeting_on = form.cleaned_data["meeting_on"]
            try:
                if "preview" in request.POST:
                    proposed = _period_moved(period, meeting_on)
                else:
                    period = period_meeting_move(
                        period=period,
                        meeting_on=meeting_on,
                        user=request.user,
                        dates_seen=form.cleaned_data["dates_seen"],
                    )
            except DatesChanged as changed:
                return _dates_changed(request, plan, changed.period, MeetingMoveForm, "plans/period_meeting.html")
            except ValidationError as invalid:
                for field, errors in invalid.message_dict.items():
                    for error in errors:
                        form.add_error(field, error)
            except PeriodStateError as error:
                raise PermissionDenied(str(error)) from None
            else:
                if proposed is None:
                    day = partial(format_date, format_string="j F Y")
                    messages.success(
                        request,
                        f"Meeting of {period} moved to {day(period.meeting_on)}: papers due by "
                        f"{day(period.papers_deadline)}, updates due by {day(period.deadline)}.",
                    )
                    return redirect("plans:period-meeting", slug=plan.slug, number=period.number)
    else:
        form = MeetingMoveForm(initial={"meeting_on": period.meeting_on, "dates_seen": period_dates_seen(period)})
    context = {
        "plan": plan,
        "period": period,
        "proposed": proposed,
        "form": form,
        "history": period_history(period),
    }
    return render(request, "plans/period_meeting.html", context)


def _period_moved(period, meeting_on):
    """An unsaved copy of the period with its meeting and deadlines as moving the meeting would set them."""
    deadline, papers = period_meeting_dates(period=period, meeting_on=meeting_on)
    return ReportingPeriod(
        pk=period.pk,
        plan=period.plan,
        number=period.number,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        state=period.state,
        deadline=deadline,
        papers_deadline=papers,
        meeting_on=meeting_on,
    )
