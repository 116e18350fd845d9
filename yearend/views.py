"""Starting next year's plan from this one (as a draft), and making it the active plan."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans.access import plan_for_manager

from .services import RollOverError, plan_activate, plan_activate_preview, plan_roll_over, plan_roll_over_preview


@require_http_methods(["GET", "HEAD", "POST"])
def plan_roll_over_view(request, slug):
    """Start next year's plan from this one: a preview first, then next year's draft on confirming."""
    plan = plan_for_manager(request.user, slug)
    next_plan = getattr(plan, "rolled_over_into", None)
    try:
        preview = plan_roll_over_preview(plan=plan)
    except RollOverError as error:
        return render(request, "yearend/roll_over.html", {"plan": plan, "refused": str(error), "next_plan": next_plan})
    if request.method == "POST":
        try:
            new = plan_roll_over(plan=plan, user=request.user)
        except RollOverError as error:  # someone else rolled it over since the preview (a second click, a colleague)
            context = {"plan": plan, "refused": str(error), "next_plan": getattr(plan, "rolled_over_into", None)}
            return render(request, "yearend/roll_over.html", context, status=409)
        messages.success(
            request,
            f"{new.title} started as a draft, which only the board business manager and admins can see. "
            f"{plan.title} stays active until you activate {new.year_label}.",
        )
        return redirect(new)
    return render(request, "yearend/roll_over.html", {"plan": plan, "preview": preview})


@require_http_methods(["GET", "HEAD", "POST"])
def plan_activate_view(request, slug):
    """Make a draft plan the active one: what will happen first, then, on confirming, the active plan closed and
    this one active."""
    plan = plan_for_manager(request.user, slug)
    try:
        preview = plan_activate_preview(plan=plan)
    except RollOverError as error:
        return render(request, "yearend/activate.html", {"plan": plan, "refused": str(error)})
    if request.method == "POST":
        try:
            done = plan_activate(plan=plan, user=request.user)
        except RollOverError as error:  # a second click, or a colleague, got there first
            return render(request, "yearend/activate.html", {"plan": plan, "refused": str(error)}, status=409)
        message = f"{done.plan.title} is now the active plan."
        if done.closing is not None:
            locked = ", ".join(f"Period {period.number}" for period in done.locking)
            message += f" {done.closing.title} is closed" + (f": {locked} locked." if locked else ".")
        messages.success(request, message)
        return redirect(done.plan)
    return render(request, "yearend/activate.html", {"plan": plan, "preview": preview})
