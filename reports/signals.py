"""A saved change to what the reports show asks for the plan's draft PDFs to be redrawn (reports.tasks)."""

from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from kpis.models import KPI, KPIValue
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority

from .tasks import plan_redraw_enqueue

# Each model the reports show, and the way from one of its rows to its plan.
PLAN_OF = {
    BusinessPlan: "pk",
    ReportingPeriod: "plan",
    StrategicPriority: "plan",
    Objective: "priority__plan",
    Action: "objective__priority__plan",
    ProgressUpdate: "action__objective__priority__plan",
    KPI: "objective__priority__plan",
    KPIValue: "kpi__objective__priority__plan",
}


def _plan_id(model, pk):
    return model.objects.filter(pk=pk).values_list(PLAN_OF[model], flat=True).first()


def changed(sender, instance, raw=False, **kwargs):
    """Once the save is committed (nothing if it rolls back), the plan's redraw is asked for."""
    if raw or not task_backends[DEFAULT_TASK_BACKEND_ALIAS].supports_defer:
        return
    pk = instance.pk
    transaction.on_commit(lambda: plan_redraw_enqueue(plan_id=_plan_id(sender, pk)))


def connect():
    for model in PLAN_OF:
        post_save.connect(changed, sender=model, dispatch_uid=f"reports-redraw-{model._meta.label}")
