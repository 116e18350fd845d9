from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from dscb.models import SentEmail
from kpis.views import value_edit
from meetings import reminders as meeting_reminders
from meetings.models import Meeting
from plans.access import active_plan_with_periods
from plans.models import ReportingPeriod
from risks.summary import risks_to_review_for
from subgroups.models import Membership
from subgroups.roles import is_board_manager

from . import reminders
from .forms import DIGEST, SINGLE, EmailPreferenceForm
from .models import EmailPreference
from .selectors import UPDATE_STATE_KEY, plan_rows, subgroup_work
from .services import email_preference_set

EMAIL_LOG_PAGE_SIZE = 50


def _get_period_for_user(request, periods):
    """The period asked for with ?period=N (any opened one, or any for the manager), else None."""
    wanted = request.GET.get("period", "")
    manager = is_board_manager(request.user)
    for period in periods:
        if str(period.number) == wanted and (manager or period.state != ReportingPeriod.State.UPCOMING):
            return period
    return None


def _work_for(plan, period, roles, manager):
    """The work of the user's subgroups (every subgroup's for the manager) in the period, from the plan's rows."""
    rows = plan_rows(plan, period, drafts=True, supporting=True)
    wanted = rows.subgroups.keys() if manager else roles.keys() & rows.subgroups.keys()
    return subgroup_work(rows.action_rows, rows.kpi_rows, [rows.subgroups[pk] for pk in wanted])


@require_safe
def my_work(request):
    """What the user's subgroups owe for the period; for the manager, every subgroup's progress too."""
    # The periods come with the plan, so plan_rows reads them from the prefetch rather than asking again.
    plan = active_plan_with_periods()
    if plan is None:
        return render(request, "progress/my_work.html", {"plan": None})
    periods = list(plan.periods.all())
    reporting = plan.reporting_period_from(periods)
    period = _get_period_for_user(request, periods) or reporting
    manager = is_board_manager(request.user)
    roles = dict(Membership.objects.filter(user=request.user).values_list("subgroup_id", "role"))
    everyone = _work_for(plan, period, roles, manager) if period else []
    mine = [item for item in everyone if item.subgroup.pk in roles]
    for item in mine:
        item.role = Membership.Role(roles[item.subgroup.pk]).label
    overview = [item for item in everyone if item.total] if manager else []
    corrections = [p for p in plan.periods_open_for_corrections(periods) if p != period]
    today = timezone.localdate()
    return render(
        request,
        "progress/my_work.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "reporting": reporting,
            "update_state_key": UPDATE_STATE_KEY,
            "corrections": corrections,
            "mine": mine,
            "overview": overview,
            "is_manager": manager,
            "days_left": period.days_left() if period else None,
            "risks_to_review": risks_to_review_for(request.user, today),
            "today": today,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def kpi_value_in_place(request, pk, number):
    """A KPI's value entered in place on My work (htmx): the KPI's own form, and once the value is saved, the
    KPI's row tag and its subgroup's count of what is done, refreshed out of band so that they agree without a
    reload. Without htmx it is the KPI's value page."""
    return value_edit(request, pk, number, saved_in_place=_my_work_after_saving)


def _my_work_after_saving(request, kpi, period):
    """My work's parts that a saved value changes, as out-of-band swaps: the row's tag and the owner's count."""
    rows = plan_rows(kpi.objective.priority.plan, period, drafts=True)
    [work] = subgroup_work(rows.action_rows, rows.kpi_rows, [rows.subgroups[kpi.owner_id]])
    row = next((row for row in work.kpis if row.kpi.pk == kpi.pk), None)  # None: archived, not on My work
    return render_to_string("progress/_kpi_saved_in_place.html", {"item": work, "row": row}, request)


@require_http_methods(["GET", "HEAD", "POST"])
def email_preference(request):
    """A person chooses single reminder emails or a weekly digest; what is due cannot be switched off."""
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST)
        if form.is_valid():
            digest = form.cleaned_data["how"] == DIGEST
            email_preference_set(user=request.user, weekly_digest=digest)
            messages.success(
                request,
                "You will get one email a week listing everything due."
                if digest
                else "You will get an email for each reminder and chaser.",
            )
            return redirect("progress:email-preference")
    else:
        digest = EmailPreference.objects.filter(user=request.user, weekly_digest=True).exists()
        form = EmailPreferenceForm(initial={"how": DIGEST if digest else SINGLE})
    return render(request, "progress/email_preference.html", {"form": form})


def _sent_rows(page):
    """The page's SentEmail rows with the person, the period and the kind read from each key (or the meeting, for a
    meeting reminder), in three queries."""
    parsed = {email.pk: reminders.parse_key(email.key) for email in page}
    about = {email.pk: meeting_reminders.parse_key(email.key) for email in page}
    people = get_user_model().objects.in_bulk({found[1] for found in parsed.values() if found})
    periods = ReportingPeriod.objects.in_bulk({found[2] for found in parsed.values() if found})
    meetings = Meeting.objects.select_related("body").in_bulk({found[0] for found in about.values() if found})
    rows = []
    for email in page:
        kind, person, period = parsed[email.pk] or (None, None, None)
        meeting, day = about[email.pk] or (None, None)
        rows.append(
            {
                "email": email,
                "kind": meeting_reminders.LABEL if day else reminders.KIND_LABELS.get(kind, ""),
                "person": people.get(person),
                "period": periods.get(period),
                "meeting": meetings.get(meeting),
                "meeting_day": day,
            }
        )
    return rows


@require_safe
def email_log(request):
    """The board business manager's log of reminders and chasers: what was sent to whom, when and why, and what is
    scheduled next for the reporting period and the bodies' meetings."""
    if not is_board_manager(request.user):
        raise PermissionDenied("Only the board business manager sees the reminders sent.")
    today = timezone.localdate()
    due = reminders.reminders_due(today=today)
    scheduled = reminders.scheduled(due, today=today)
    keys = Q(key__startswith=meeting_reminders.KEY_PREFIX)
    for kind in reminders.KIND_LABELS:
        keys |= Q(key__startswith=f"{kind}:")
    emails = SentEmail.objects.filter(keys).order_by("-created_at", "-pk")
    page = Paginator(emails, EMAIL_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    meetings_due, meetings_ahead = meeting_reminders.scheduled(today=today)
    context = {
        "due": due,
        "today": today,
        "scheduled": scheduled,
        "next_digest": due.schedule.next_digest(today) if due.schedule else None,
        "digest_weekday": reminders.DIGEST_WEEKDAY,
        "meetings_due": meetings_due,
        "meetings_ahead": meetings_ahead,
        "meeting_reminder_days": settings.MEETING_REMINDER_DAYS,
        "page": page,
        "rows": _sent_rows(page),
    }
    return render(request, "progress/email_log.html", context)
