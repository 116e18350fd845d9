"""What the reports say, gathered in a fixed number of queries whatever the plan's size.

The same figures feed the screen, the PDF and the Excel workbook, and are what an issued report freezes.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, KPIValue
from kpis.rag import rate, trend
from priorities.models import (
    PLAN_ORDER,
    Action,
    Objective,
    ProgressUpdate,
    Status,
    lead_with_officer,
    plan_subgroups,
    status_path,
)
from subgroups.models import Subgroup

STATUS_ORDER = [Status.RED, Status.AMBER, Status.NO_UPDATE, Status.NOT_STARTED, Status.GREEN, Status.COMPLETE]
EXCEPTIONS = (Status.RED, Status.AMBER, Status.NO_UPDATE)


@dataclass(frozen=True, slots=True)
class ReportedUpdate:
    """What the reports use of a reported update: read as plain rows, as a 600-action plan has thousands."""

    status: str
    state: str
    impact: str = ""
    progress: str = ""
    next_steps: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReportAction:
    """What the reports use of an action: read as a plain row, as a plan can have hundreds."""

    pk: int
    code: str
    text: str
    leads: list  # the lead, then the joint leads
    lead_officer: str = ""

    @property
    def lead_names(self):
        return " & ".join(subgroup.name for subgroup in self.leads)

    @property
    def lead_with_officer(self):
        return lead_with_officer(self.lead_names, self.lead_officer)

    def get_absolute_url(self):
        return reverse("priorities:action-detail", args=[self.pk])


@dataclass
class ActionRow:
    action: ReportAction
    path: list  # Status in each period shown, oldest first
    update: "ReportedUpdate | None"  # this period's reported update
    updates: dict  # period number -> reported update, for the Board report's evidence

    @property
    def status(self):
        return self.path[-1] if self.path else Status.NO_UPDATE

    @property
    def previous_status(self):
        return self.path[-2] if len(self.path) > 1 else None


@dataclass
class KPIRow:
    kpi: KPI
    series: list  # (period, KPIValue or None), oldest first

    @property
    def value(self):
        return self.series[-1][1] if self.series else None

    @property
    def previous(self):
        return self.series[-2][1] if len(self.series) > 1 else None

    @property
    def rating(self):
        return rate(self.kpi, self.value.value) if self.value else None

    @property
    def trend(self):
        if self.value is None or self.previous is None:
            return None
        return trend(self.kpi, self.value.value, self.previous.value)

    @property
    def numbers(self):
        """The numeric values so far (None where missing), for sparklines."""
        return [value.value if value is not None else None for _, value in self.series]


@dataclass
class Counts:
    counts: Counter = field(default_factory=Counter)
    previous: Counter = field(default_factory=Counter)

    def add(self, row):
        self.counts[row.status] += 1
        if row.previous_status is not None:
            self.previous[row.previous_status] += 1

    @property
    def total(self):
        return sum(self.counts.values())

    def rows(self):
        """(status, this period, change since the previous period) for every status, in report order."""
        return [(status, self.counts[status], self.counts[status] - self.previous[status]) for status in STATUS_ORDER]


@dataclass
class PlanProgress:
    plan: object
    periods: list  # the periods covered, oldest first
    period: object  # the last of them
    generated_at: datetime.datetime
    # [{"priority", "counts", "objectives": [{"objective", "actions": [ActionRow], "kpis": [KPIRow]}]}]
    priorities: list
    counts: Counts
    outstanding: list  # [(subgroup, missing, led)] for the last period, most missing first

    @property
    def actions(self):
        return [row for item in self.priorities for block in item["objectives"] for row in block["actions"]]

    @property
    def kpis(self):
        return [row for item in self.priorities for block in item["objectives"] for row in block["kpis"]]

    @property
    def exceptions(self):
        rows = [row for row in self.actions if row.status in EXCEPTIONS]
        return sorted(rows, key=lambda row: EXCEPTIONS.index(row.status))

    @property
    def completed(self):
        return [row for row in self.actions if row.status == Status.COMPLETE]


def plan_progress(plan, period, *, now=None, evidence=False):
    """The plan's progress in every period up to and including `period`.

    `evidence`: also read the impact written in earlier periods (the Board report prints it; the Executive report
    and the dashboard do not, and at 600 actions that text is most of what the queries fetch).

    Queries: periods, objectives (with priorities), subgroups, joint leads, actions, this period's updates,
    earlier updates, KPIs, KPI values: nine, however large the plan. Actions and updates are read as plain rows
    (ReportAction, ReportedUpdate): the reports print a few fields of each, and a 600-action plan has thousands.
    """
    periods = [p for p in plan.periods.all() if p.number <= period.number]
    objectives = {
        objective.pk: objective
        for objective in Objective.objects.filter(priority__plan=plan).select_related("priority")
    }
    # Subgroups are few: fetched once and shared, rather than a copy joined onto every action and KPI row.
    subgroups = Subgroup.objects.in_bulk()
    joint, _ = plan_subgroups(plan)
    actions = {}  # objective id -> [ReportAction], in plan order
    for pk, objective_id, ref, text, lead_id, lead_officer in (
        Action.objects.filter(objective__priority__plan=plan, archived=False)
        .order_by(*PLAN_ORDER)
        .values_list("pk", "objective_id", "ref", "text", "lead_id", "lead_officer")
    ):
        action = ReportAction(pk, ref, text, [subgroups[lead_id], *joint.get(pk, [])], lead_officer)
        actions.setdefault(objective_id, []).append(action)
    # Updates and values are picked by period alone: a period belongs to one plan, and only the plan's own actions
    # and KPIs are looked up in what comes back. That spares the database four joins per row. Unordered
    # (order_by()): the rows go into dictionaries, and the models' default order costs joins and a sort.
    updates = {}
    current = (
        ProgressUpdate.objects.reported()
        .filter(period=period)
        .order_by()
        .values_list("action_id", "status", "state", "impact", "progress", "next_steps", "reason")
    )
    for action_id, *fields in current:
        updates.setdefault(action_id, {})[period.pk] = ReportedUpdate(*fields)
    # Earlier periods: only what the status path and the Board report's evidence need.
    earlier = (
        ProgressUpdate.objects.reported()
        .filter(period__in=[p.pk for p in periods if p.number < period.number])
        .order_by()
        .values_list("action_id", "period_id", "status", "state", *(["impact"] if evidence else []))
    )
    for action_id, period_id, *fields in earlier:
        updates.setdefault(action_id, {})[period_id] = ReportedUpdate(*fields)
    kpis = list(KPI.objects.filter(objective__priority__plan=plan, archived=False))
    for kpi in kpis:
        kpi.objective = objectives[kpi.objective_id]
        kpi.owner = subgroups[kpi.owner_id]
    values = {}
    for value in KPIValue.objects.filter(period__in=[p.pk for p in periods]).order_by():
        values[(value.kpi_id, value.period_id)] = value

    by_number = {p.pk: p.number for p in periods}
    action_rows = {}
    for objective_id, objective_actions in actions.items():
        for action in objective_actions:
            own = updates.get(action.pk, {})
            action_rows.setdefault(objective_id, []).append(
                ActionRow(
                    action=action,
                    path=status_path(periods, own),
                    update=own.get(period.pk),
                    updates={by_number[pid]: update for pid, update in own.items() if pid in by_number},
                )
            )
    kpi_rows = {}
    for kpi in kpis:
        series = []
        for p in periods:
            value = values.get((kpi.pk, p.pk))
            if value is not None:
                value.kpi = kpi
            series.append((p, value))
        kpi_rows.setdefault(kpi.objective_id, []).append(KPIRow(kpi=kpi, series=series))

    counts = Counts()
    priorities = []
    for objective in objectives.values():
        if not priorities or priorities[-1]["priority"].pk != objective.priority_id:
            priorities.append({"priority": objective.priority, "counts": Counts(), "objectives": []})
        rows = action_rows.get(objective.pk, [])
        for row in rows:
            counts.add(row)
            priorities[-1]["counts"].add(row)
        priorities[-1]["objectives"].append(
            {"objective": objective, "actions": rows, "kpis": kpi_rows.get(objective.pk, [])}
        )

    led, missing, subgroups = Counter(), Counter(), {}
    for rows in action_rows.values():
        for row in rows:
            for subgroup in row.action.leads:
                subgroups[subgroup.pk] = subgroup
                led[subgroup.pk] += 1
                if row.status == Status.NO_UPDATE:
                    missing[subgroup.pk] += 1
    outstanding = sorted(
        ((subgroups[pk], missing[pk], led[pk]) for pk in missing),
        key=lambda item: (-item[1], item[0].name),
    )
    return PlanProgress(
        plan=plan,
        periods=periods,
        period=period,
        generated_at=now or timezone.now(),
        priorities=priorities,
        counts=counts,
        outstanding=outstanding,
    )


def period_as_at(plan, as_at):
    """The last period that has ended by `as_at`: a Board report covers whole periods (else the first)."""
    periods = list(plan.periods.all())
    ended = [p for p in periods if p.ends_on <= as_at]
    return ended[-1] if ended else (periods[0] if periods else None)
