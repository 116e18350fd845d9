from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import BusinessPlan


@require_safe
def plan_list(request):
    plans = BusinessPlan.objects.visible_to(request.user).order_by("-starts_on")
    return render(request, "plans/plan_list.html", {"plans": plans})
