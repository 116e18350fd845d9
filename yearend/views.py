"""Starting next year's plan from this one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans.access import plan_for_manager

from .services import RollOverError, plan_roll_over, plan_roll_over_preview


@require_http_methods(["GET", "HEAD", "POST"])
def plan_roll_over_view(request, slug):
    """Start next year's plan from this one: a preview first, then the new plan on confirming."""
    plan = plan_for_manager(request.user, slug)
    try:
        preview = plan_roll_over_preview(plan=plan)
    except RollOverError as error:
        return render(request, "yearend/roll_over.html", {"plan": plan, "refused": str(error)})
    if request.method == "POST":
        try:
            new = plan_roll_over(plan=plan, user=request.user)
        except RollOverError as error:  # someone else rolled it over since the preview (a second click, a colleague)
            return render(request, "yearend/roll_over.html", {"plan": plan, "refused": str(error)}, status=409)
        messages.success(request, f"{new.title} started; {plan.title} is now closed and read-only.")
        return redirect(new)
    return render(request, "yearend/roll_over.html", {"plan": plan, "preview": preview})
