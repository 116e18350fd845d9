from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from subgroups.roles import is_board_manager

from .access import plan_for_manager
from .models import BusinessPlan
from .services import PeriodStateError, period_lock, period_open, period_unlock

TRANSITIONS = {"open": period_open, "lock": period_lock, "unlock": period_unlock}


@require_safe
def plan_list(request):
    plans = BusinessPlan.objects.visible_to(request.user).order_by("-starts_on")
    return render(request, "plans/plan_list.html", {"plans": plans, "is_manager": is_board_manager(request.user)})


@require_safe
def period_list(request, slug):
    plan = plan_for_manager(request.user, slug)
    context = {"plan": plan, "periods": plan.periods.all(), "grace_days": settings.PERIOD_GRACE_DAYS}
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
