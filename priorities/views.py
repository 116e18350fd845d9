from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from plans.models import BusinessPlan

from .filters import ActionFilter
from .history import action_history
from .models import Action, Objective, ProgressUpdate, Status


def _get_plan_for_user(user, slug):
    """A plan the user may read, else 404."""
    return get_object_or_404(BusinessPlan.objects.visible_to(user), slug=slug)


def _get_action_for_user(user, pk):
    """An action in a plan the user may read, else 404."""
    actions = Action.objects.filter(objective__priority__plan__in=BusinessPlan.objects.visible_to(user))
    return get_object_or_404(
        actions.select_related("objective__priority__plan", "lead").prefetch_related("co_leads", "supporting"), pk=pk
    )


@require_safe
def plan_detail(request, slug):
    plan = _get_plan_for_user(request.user, slug)
    periods = list(plan.periods.all())
    period = _chosen_period(request, periods) or plan.current_period_from(periods)
    actions = Action.objects.in_plan(plan).with_status(period)
    action_filter = ActionFilter(request.GET, queryset=actions, plan=plan)
    filtering = any(request.GET.get(name) for name in action_filter.filters)
    filtered = list(action_filter.qs if filtering and action_filter.is_valid() else actions)
    for action in filtered:
        action.status = Status(action.status_value)
        action.last_reported = Status(action.status_before) if action.status_before else None
    objectives = (
        Objective.objects.filter(priority__plan=plan).select_related("priority").prefetch_related("kpis__owner")
    )
    structure = _plan_structure(objectives, filtered, show_empty=not filtering)
    counts = dict.fromkeys(Status, 0)
    for action in filtered:
        counts[action.status] += 1
    return render(
        request,
        "priorities/plan_detail.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "filter": action_filter,
            "filtering": filtering,
            "structure": structure,
            "action_count": len(filtered),
            "status_counts": [(status, counts[status]) for status in Status if counts[status]],
            "statuses": list(Status),
        },
    )


def _chosen_period(request, periods):
    """The period asked for with ?period=N, if the plan has it."""
    wanted = request.GET.get("period", "")
    return next((period for period in periods if str(period.number) == wanted), None)


def _plan_structure(objectives, actions, show_empty):
    """Group actions under their objectives and priorities, in the order the plan reads."""
    by_objective = {}
    for action in actions:
        by_objective.setdefault(action.objective_id, []).append(action)
    priorities = []
    for objective in objectives:
        objective_actions = by_objective.get(objective.pk, [])
        if not objective_actions and not show_empty:
            continue
        if not priorities or priorities[-1]["priority"].pk != objective.priority_id:
            priorities.append({"priority": objective.priority, "objectives": []})
        priorities[-1]["objectives"].append({"objective": objective, "actions": objective_actions})
    return priorities


@require_safe
def action_detail(request, pk):
    action = _get_action_for_user(request.user, pk)
    plan = action.objective.priority.plan
    periods = list(plan.periods.all())
    updates = {
        update.period_id: update
        for update in ProgressUpdate.objects.filter(action=action).select_related("author", "period")
    }
    current = plan.current_period_from(periods)
    rows = []
    carried_complete = False
    for period in periods:
        update = updates.get(period.pk)
        if update:
            status = Status(update.status)
            carried_complete = status == Status.COMPLETE
        elif carried_complete:
            status = Status.COMPLETE
        else:
            status = Status.NO_UPDATE
        rows.append({"period": period, "update": update, "status": status, "is_current": period == current})
        if current and period == current:
            break
    return render(
        request,
        "priorities/action_detail.html",
        {
            "action": action,
            "plan": plan,
            "rows": rows,
            "current": rows[-1] if rows else None,
            "kpis": action.objective.kpis.select_related("owner").order_by("number"),
            "history": action_history(action),
        },
    )
