from django.shortcuts import render

from .models import BusinessPlan


def plan_list(request):
    plans = BusinessPlan.objects.visible_to(request.user).order_by("-starts_on")
    return render(request, "plans/plan_list.html", {"plans": plans})
