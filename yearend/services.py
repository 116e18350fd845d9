"""Year end: start next year's plan from this one.

Like planfile and demo, this sits above the other apps (it copies priorities, objectives, actions and KPIs),
so nothing in priorities, subgroups or kpis imports it.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction

from kpis.models import KPI
from plans.models import BusinessPlan, ReportingPeriod
from plans.services import plan_create_periods
from priorities.models import Action, Objective, ProgressUpdate, Status, StrategicPriority, status_path

COPIED_PLAN_FIELDS = ["strategy_period", "vision", "introduction", "monitoring", "ofsted_requirements"]


class RollOverError(Exception):
    """The plan cannot be rolled over (in the user's words)."""


def _next_year_label(label):
    """2015/16 → 2016/17, 2015-16 → 2016-17; anything else gets ' (next year)'."""
    match = re.fullmatch(r"(\d{4})([/-])(\d{2})", label)
    if match:
        start = int(match.group(1)) + 1
        return f"{start}{match.group(2)}{(start + 1) % 100:02d}"
    return f"{label} (next year)"


def _a_year_later(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass
class RollOverPreview:
    plan: BusinessPlan
    slug: str
    title: str
    year_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    priorities: int
    objectives: int
    kpis: int
    carried: list  # actions not complete at the end of the year
    left_behind: list  # actions complete


def plan_roll_over_preview(*, plan: BusinessPlan):
    """What starting next year's plan from this one would create, without writing anything."""
    if plan.status == BusinessPlan.Status.CLOSED:
        raise RollOverError(f"{plan} is closed already.")
    if hasattr(plan, "rolled_over_into"):
        raise RollOverError(f"{plan} has already been rolled over into {plan.rolled_over_into}.")
    year_label = _next_year_label(plan.year_label)
    slug = _next_year_label(plan.slug) if re.fullmatch(r"\d{4}-\d{2}", plan.slug) else f"{plan.slug}-next"
    if BusinessPlan.objects.filter(slug=slug).exists():
        raise RollOverError(f"A plan with the slug '{slug}' exists already.")
    periods = list(plan.periods.all())
    updates = {}
    for update in ProgressUpdate.objects.reported().filter(action__objective__priority__plan=plan):
        updates.setdefault(update.action_id, {})[update.period_id] = update
    carried, left_behind = [], []
    for action in Action.objects.in_plan(plan):
        path = status_path(periods, updates.get(action.pk, {}))
        (left_behind if path and path[-1] == Status.COMPLETE else carried).append(action)
    return RollOverPreview(
        plan=plan,
        slug=slug,
        title=plan.title.replace(plan.year_label, year_label)
        if plan.year_label in plan.title
        else f"{plan.title} {year_label}",
        year_label=year_label,
        starts_on=_a_year_later(plan.starts_on),
        ends_on=_a_year_later(plan.ends_on),
        priorities=StrategicPriority.objects.filter(plan=plan).count(),
        objectives=Objective.objects.filter(priority__plan=plan).count(),
        kpis=KPI.objects.filter(objective__priority__plan=plan, archived=False).count(),
        carried=carried,
        left_behind=left_behind,
    )


@transaction.atomic
def plan_roll_over(*, plan: BusinessPlan, user=None):
    """Start next year's plan: copies of the priorities, objectives and KPIs, the unfinished actions carried over;
    this plan is closed (its periods locked), its history left as it is."""
    plan = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
    preview = plan_roll_over_preview(plan=plan)
    was_active = plan.status == BusinessPlan.Status.ACTIVE
    plan.status = BusinessPlan.Status.CLOSED
    plan._history_user = user
    plan.save()
    for period in plan.periods.exclude(state=ReportingPeriod.State.LOCKED):
        period.state = ReportingPeriod.State.LOCKED
        period._history_user = user
        period.save()
    new = BusinessPlan(
        slug=preview.slug,
        title=preview.title,
        year_label=preview.year_label,
        starts_on=preview.starts_on,
        ends_on=preview.ends_on,
        status=BusinessPlan.Status.ACTIVE if was_active else BusinessPlan.Status.DRAFT,
        rolled_over_from=plan,
        **{name: getattr(plan, name) for name in COPIED_PLAN_FIELDS},
    )
    new._history_user = user
    new.save()
    plan_create_periods(plan=new)
    carried = {action.pk for action in preview.carried}
    for priority in StrategicPriority.objects.filter(plan=plan).prefetch_related("objectives"):
        new_priority = _copy(priority, user, plan=new)
        for objective in priority.objectives.all():
            new_objective = _copy(objective, user, priority=new_priority)
            position = 0
            for action in Action.objects.in_plan(plan).filter(objective=objective):
                if action.pk not in carried:
                    continue
                position += 1
                # The reference is the board's own text, kept; only the order closes up.
                new_action = _copy(action, user, objective=new_objective, position=position, carried_over_from=action)
                new_action.co_leads.set(action.co_leads.all())
                new_action.supporting.set(action.supporting.all())
            for kpi in KPI.objects.filter(objective=objective, archived=False):
                _copy(kpi, user, objective=new_objective)
    return new


def _copy(instance, user, **changes):
    """A new row with the same values (a copy, not a link): editing next year never touches this year."""
    model = type(instance)
    values = {
        field.attname: getattr(instance, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key
    }
    copy = model(**values)
    for name, value in changes.items():
        setattr(copy, name, value)
    copy._history_user = user
    copy.save()
    return copy
