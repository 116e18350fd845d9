"""Year end: start next year's plan from this one as a draft, then, when this year's last period has been reported,
make it the active plan, which closes this year's.

Like planfile and demo, this sits above the other apps (it copies priorities, objectives, actions and KPIs),
so nothing in priorities, subgroups or kpis imports it.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.dateformat import format as date_format

from audits.models import AuditMeasure
from audits.services import audit_measure_set, standards_links_recorded
from kpis.models import KPI
from meetings.models import AttendanceMeasure
from meetings.services import attendance_measure_set
from plans.models import BusinessPlan, ReportingPeriod
from plans.services import period_lock, plan_create_periods
from priorities.due import due_is_past
from priorities.models import (
    REF_MAX_LENGTH,
    Action,
    Objective,
    ProgressUpdate,
    Status,
    StrategicPriority,
    status_path,
)
from risks.models import Risk
from risks.services import risks_links_recorded

COPIED_PLAN_FIELDS = [
    "strategy_period",
    "vision",
    "introduction",
    "monitoring",
    "ofsted_requirements",
    # The working days the deadlines and reminders are counted in.
    "papers_days",
    "update_days",
    "reminder_days",
]


class RollOverError(Exception):
    """The plan cannot be rolled over, or made the active plan (in the user's words)."""


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
class CarriedAction:
    """An unfinished action as next year's plan will have it."""

    action: Action
    ref: str  # its reference in next year's plan: its own, unless another carried action has it already
    due_is_past: bool  # its due date is over before next year starts: for the admin to review

    @property
    def renumbered(self):
        return self.ref != self.action.ref


def _carried_refs(actions):
    """Next year's reference of each carried action (in plan order), by id: each keeps its own where it is free in
    next year's plan; one whose reference another carried action has taken already (references are the plan's,
    unique across it, as the plan file matches them) becomes the first free "<objective>.<n>"."""
    refs, taken, clashing = {}, set(), []
    for action in actions:
        if action.ref in taken:
            clashing.append(action)
        else:
            taken.add(action.ref)
            refs[action.pk] = action.ref
    for action in clashing:
        number = 1
        while True:
            suffix = f".{number}"
            candidate = action.objective.ref[: REF_MAX_LENGTH - len(suffix)] + suffix
            if candidate not in taken:
                break
            number += 1
        taken.add(candidate)
        refs[action.pk] = candidate
    return refs


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
    carried: list  # CarriedAction: the actions not complete at the end of the year
    left_behind: list  # actions complete

    @property
    def due_to_review(self):
        """The carried actions whose due dates are over before next year starts."""
        return [row for row in self.carried if row.due_is_past]

    @property
    def renumbered(self):
        return [row for row in self.carried if row.renumbered]


def plan_roll_over_preview(*, plan: BusinessPlan):
    """What starting next year's plan from this one would create, without writing anything."""
    if plan.status == BusinessPlan.Status.CLOSED:
        raise RollOverError(f"{plan} is closed already.")
    if plan.status == BusinessPlan.Status.DRAFT:
        raise RollOverError(f"{plan} is a draft: activate it before starting the year after it.")
    if hasattr(plan, "rolled_over_into"):
        raise RollOverError(f"{plan} has already been rolled over into {plan.rolled_over_into}.")
    year_label = _next_year_label(plan.year_label)
    slug = _next_year_label(plan.slug) if re.fullmatch(r"\d{4}-\d{2}", plan.slug) else f"{plan.slug}-next"
    if BusinessPlan.objects.filter(slug=slug).exists():
        raise RollOverError(f"A plan with the slug '{slug}' exists already.")
    starts_on = _a_year_later(plan.starts_on)
    periods = list(plan.periods.all())
    updates = {}
    for update in ProgressUpdate.objects.reported().filter(action__objective__priority__plan=plan):
        updates.setdefault(update.action_id, {})[update.period_id] = update
    unfinished, left_behind = [], []
    for action in Action.objects.in_plan(plan):
        path = status_path(periods, updates.get(action.pk, {}))
        (left_behind if path and path[-1] == Status.COMPLETE else unfinished).append(action)
    refs = _carried_refs(unfinished)
    return RollOverPreview(
        plan=plan,
        slug=slug,
        title=plan.title.replace(plan.year_label, year_label)
        if plan.year_label in plan.title
        else f"{plan.title} {year_label}",
        year_label=year_label,
        starts_on=starts_on,
        ends_on=_a_year_later(plan.ends_on),
        priorities=StrategicPriority.objects.filter(plan=plan).count(),
        objectives=Objective.objects.filter(priority__plan=plan).count(),
        kpis=KPI.objects.filter(objective__priority__plan=plan, archived=False).count(),
        carried=[
            CarriedAction(action, refs[action.pk], due_is_past(action.due, starts_on=starts_on))
            for action in unfinished
        ],
        left_behind=left_behind,
    )


@transaction.atomic
def plan_roll_over(*, plan: BusinessPlan, user=None):
    """Start next year's plan as a draft: copies of the priorities, objectives and KPIs, the unfinished actions
    carried over. This plan is left as it is, still the active plan, its periods still reported, until next year's
    is made active (plan_activate)."""
    plan = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
    preview = plan_roll_over_preview(plan=plan)
    new = BusinessPlan(
        slug=preview.slug,
        title=preview.title,
        year_label=preview.year_label,
        starts_on=preview.starts_on,
        ends_on=preview.ends_on,
        status=BusinessPlan.Status.DRAFT,
        rolled_over_from=plan,
        **{name: getattr(plan, name) for name in COPIED_PLAN_FIELDS},
    )
    new._history_user = user
    new.save()
    plan_create_periods(plan=new, user=user)
    carried = {row.action.pk: row for row in preview.carried}
    risk_ids, standard_ids = set(), set()
    for priority in StrategicPriority.objects.filter(plan=plan).prefetch_related("objectives"):
        new_priority = _copy(priority, user, plan=new)
        for objective in priority.objectives.all():
            new_objective = _copy(objective, user, priority=new_priority)
            _links_follow(objective, new_objective, risk_ids, standard_ids)
            position = 0
            for action in Action.objects.in_plan(plan).filter(objective=objective):
                if action.pk not in carried:
                    continue
                position += 1
                # The reference is the board's own text, kept where it is free; only the order closes up.
                new_action = _copy(
                    action,
                    user,
                    objective=new_objective,
                    ref=carried[action.pk].ref,
                    position=position,
                    carried_over_from=action,
                )
                new_action.co_leads.set(action.co_leads.all())
                new_action.supporting.set(action.supporting.all())
                _links_follow(action, new_action, risk_ids, standard_ids)
            for kpi in KPI.objects.filter(objective=objective, archived=False):
                new_kpi = _copy(kpi, user, objective=new_objective)
                _links_follow(kpi, new_kpi, risk_ids, standard_ids)
                measure = AttendanceMeasure.objects.filter(kpi=kpi).first()
                if measure is not None:  # computed from the same bodies' attendance next year
                    attendance_measure_set(kpi=new_kpi, bodies=list(measure.bodies.all()), user=user)
                audits = AuditMeasure.objects.filter(kpi=kpi).first()
                if audits is not None:  # computed from next year's rounds of the same kind
                    audit_measure_set(kpi=new_kpi, kind=audits.kind, user=user)
    reason = f"Linked to the {new.year_label} plan, rolled over"
    risks_links_recorded(risk_ids=risk_ids, user=user, reason=reason)
    standards_links_recorded(standard_ids=standard_ids, user=user, reason=reason)
    return new


def _links_follow(part, copy, risk_ids, standard_ids):
    """Next year's copy of an objective, action or KPI is linked to what this year's is: the open risks of the
    register (whose plan signals then come from next year's plan too) and, for objectives and KPIs, the audit
    standards that give evidence for it. This year's links stay as they are. The risks' and standards' ids are
    added to `risk_ids` and `standard_ids`, whose history then records their new links."""
    risks = list(part.risks.filter(status=Risk.Status.OPEN).values_list("pk", flat=True))
    copy.risks.add(*risks)
    risk_ids.update(risks)
    if hasattr(part, "audit_standards"):
        standards = list(part.audit_standards.values_list("pk", flat=True))
        copy.audit_standards.add(*standards)
        standard_ids.update(standards)


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


def _day(day):
    return date_format(day, "j F Y")


@dataclass
class ActivationPreview:
    plan: BusinessPlan  # the draft to make active
    closing: BusinessPlan | None  # the active plan it takes over from, closed by it
    locking: list  # the closing plan's open periods, locked
    unsubmitted: int  # updates still being written (drafts) in those periods: they will not reach the board


def plan_activate_preview(*, plan: BusinessPlan):
    """What making this draft the active plan would do, without writing anything; RollOverError if it cannot."""
    if plan.status == BusinessPlan.Status.ACTIVE:
        raise RollOverError(f"{plan} is the active plan already.")
    if plan.status == BusinessPlan.Status.CLOSED:
        raise RollOverError(f"{plan} is closed: a closed plan cannot be made active again.")
    if not plan.periods.exists():
        raise RollOverError(
            f"{plan} has no reporting periods, so nobody could report on it. Add its periods before making it active."
        )
    if not Action.objects.filter(objective__priority__plan=plan, archived=False).exists():
        raise RollOverError(
            f"{plan} has no actions yet. Add them (import the plan file or use the admin) before making it active."
        )
    closing = BusinessPlan.objects.active().exclude(pk=plan.pk).first()
    if closing is not None and plan.starts_on <= closing.starts_on:
        raise RollOverError(
            f"{plan} starts on {_day(plan.starts_on)}, no later than {closing}, the active plan "
            f"(from {_day(closing.starts_on)}): only a later year's plan can take its place."
        )
    locking = list(closing.periods.filter(state=ReportingPeriod.State.OPEN)) if closing else []
    unsubmitted = ProgressUpdate.objects.filter(period__in=locking, state=ProgressUpdate.State.DRAFT).count()
    return ActivationPreview(plan=plan, closing=closing, locking=locking, unsubmitted=unsubmitted)


def plan_activate(*, plan: BusinessPlan, user=None):
    """Make the draft the active plan, and close the plan that was active (its open periods locked): all of it in
    one transaction, or nothing. Returns the ActivationPreview of what was done.

    The draft's row is locked first, then the active plan's: a second activation of the same draft waits, then
    finds it active and is refused. Two drafts made active at the same moment both wait for the active plan; the
    later one then finds none active, and the database's one-active-plan constraint refuses its save: nothing of
    it is kept.
    """
    try:
        return _activate(plan, user)
    except IntegrityError:
        raise RollOverError(
            "Another plan was made active at the same moment, so nothing was changed. "
            "Look at the list of plans to see which one is active."
        ) from None


@transaction.atomic
def _activate(plan, user):
    plan = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
    preview = plan_activate_preview(plan=plan)
    closing = preview.closing
    if closing is not None:
        closing = BusinessPlan.objects.select_for_update().get(pk=closing.pk)
        if closing.status != BusinessPlan.Status.ACTIVE:  # closed meanwhile
            raise RollOverError(
                f"{closing} was closed meanwhile: another plan was made active at the same moment, so nothing was "
                "changed. Look at the list of plans to see which one is active."
            )
        # Every period's row, so that one being opened at this moment is waited for and then locked too.
        preview.locking = []
        for period in closing.periods.select_for_update():
            if period.state == ReportingPeriod.State.OPEN:
                preview.locking.append(period_lock(period=period, user=user))
        closing.status = BusinessPlan.Status.CLOSED
        closing._history_user = user
        closing.save(update_fields=["status"])
    plan.status = BusinessPlan.Status.ACTIVE
    plan._history_user = user
    plan.save(update_fields=["status"])
    preview.plan, preview.closing = plan, closing
    return preview
