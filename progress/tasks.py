"""The task list behind My work: each action and KPI a subgroup owes for a period, and how far it has got."""

from dataclasses import dataclass, field

from kpis.models import KPI, KPIValue
from kpis.rag import rate, trend
from priorities.models import Action, ProgressUpdate, Status, plan_subgroups_attach
from subgroups.models import Subgroup


@dataclass
class ActionTask:
    action: Action
    update: ProgressUpdate | None
    carried_complete: bool

    @property
    def state(self):
        """not_started, in_progress, submitted, returned or complete (carried forward: nothing is owed)."""
        if self.update is not None:
            return {"draft": "in_progress", "submitted": "submitted", "returned": "returned"}[self.update.state]
        return "complete" if self.carried_complete else "not_started"

    @property
    def state_label(self):
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "submitted": "Submitted",
            "returned": "Returned",
            "complete": "Complete",
        }[self.state]

    @property
    def done(self):
        return self.state in ("submitted", "complete")


@dataclass
class KPITask:
    kpi: KPI
    value: KPIValue | None
    previous: KPIValue | None

    @property
    def done(self):
        return self.value is not None

    @property
    def rating(self):
        return rate(self.kpi, self.value.value) if self.value else None

    @property
    def trend(self):
        if not self.value or not self.previous:
            return None
        return trend(self.kpi, self.value.value, self.previous.value)


@dataclass
class SubgroupWork:
    subgroup: Subgroup
    role: str = ""
    led: list = field(default_factory=list)
    supported: list = field(default_factory=list)
    kpis: list = field(default_factory=list)

    @property
    def done_count(self):
        return sum(task.done for task in self.led) + sum(task.done for task in self.kpis)

    @property
    def total(self):
        return len(self.led) + len(self.kpis)

    @property
    def updates_in(self):
        return sum(task.done for task in self.led)

    @property
    def values_in(self):
        return sum(task.done for task in self.kpis)

    @property
    def returned(self):
        return sum(task.state == "returned" for task in self.led)


def plan_work(plan, period, subgroups):
    """The work of these subgroups in the plan for the period, one SubgroupWork each, in name order.

    Six queries however large the plan: actions with their status, their joint and supporting leads, their
    updates for this period, KPIs, and KPI values for this period and the one before.
    """
    work = {subgroup.pk: SubgroupWork(subgroup=subgroup) for subgroup in subgroups}
    actions = list(Action.objects.in_plan(plan).prefetch_related(None).with_status(period))
    plan_subgroups_attach(actions, plan, supporting=True)
    # By period alone (a period belongs to one plan) and unordered: the rows go into a dictionary.
    this_period = {update.action_id: update for update in ProgressUpdate.objects.filter(period=period).order_by()}
    for action in actions:
        carried = action.status_before == Status.COMPLETE
        task = ActionTask(action=action, update=this_period.get(action.pk), carried_complete=carried)
        for subgroup_id in action.lead_ids:
            if subgroup_id in work:
                work[subgroup_id].led.append(task)
        for subgroup in action.supporting_subgroups:
            if subgroup.pk in work:
                work[subgroup.pk].supported.append(task)
    kpis = KPI.objects.filter(objective__priority__plan=plan, owner_id__in=work.keys(), archived=False).select_related(
        "objective__priority", "owner"
    )
    values = KPIValue.objects.filter(
        kpi__in=kpis, period__plan=plan, period__number__in=[period.number, period.number - 1]
    ).order_by()
    by_kpi = {(value.kpi_id, value.period_id == period.pk): value for value in values}
    for kpi in kpis:
        current, previous = by_kpi.get((kpi.pk, True)), by_kpi.get((kpi.pk, False))
        for value in (current, previous):
            if value is not None:
                value.kpi = kpi  # already fetched: spares a query per value
        work[kpi.owner_id].kpis.append(KPITask(kpi=kpi, value=current, previous=previous))
    return sorted(work.values(), key=lambda item: item.subgroup.name)
