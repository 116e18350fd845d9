"""The one read model for progress: how far each action and KPI of a plan has got, period by period.

The dashboard, My work, the plan page and both reports read an action's status for a period, and a KPI's value
and RAG, through the selectors here and the rows they return, and through nothing else:

- plan_rows: every action of a plan as an ActionRow (its status in each period so far, this period's update) and
  every KPI as a KPIRow (its value in each period so far, its RAG and trend), in a fixed number of queries however
  large the plan. The reports group them (reports.data), the dashboard counts them, My work lists them.
- subgroup_work: those rows shared out among subgroups, for "updates in" and My work.

The plan page filters its list by status in the database, so it reads the status as a QuerySet annotation,
Action.objects.with_status(period): a read of one model, kept with the model in priorities (which sits below this
module and may not import it).

The status rule ("Complete carries forward until reopened; nothing recorded is No update") is written once in
Python (priorities.models.status_path, for a path over periods) and once in SQL (ActionQuerySet.with_status, for a
list filtered by status in the database), side by side; tests/progress/test_status_rule.py feeds both the same
histories and checks that they agree in every period.
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Func, Q

from dscb.prepared import PreparedQuery
from dscb.reversing import reverse_pk
from dscb.templaterows import TemplateRow
from kpis.models import KPI, KPIValue
from kpis.rag import rate, trend
from priorities.models import (
    Action,
    ProgressUpdate,
    Status,
    lead_with_officer,
    plan_objectives,
    plan_subgroups,
    status_path_of_ids,
    subgroups_by_id,
)
from subgroups.models import Subgroup

# Where a lead subgroup is with this period's update (its update state), by the update's state; without an update
# it is to_do, or not_needed when the action was completed in an earlier period (nothing is owed). An update state
# is not a status: "Not started" is only ever the status (work has not begun), never "no update written yet".
STAGES = {
    ProgressUpdate.State.DRAFT: "draft",
    ProgressUpdate.State.SUBMITTED: "submitted",
    ProgressUpdate.State.RETURNED: "returned",
}
STAGE_LABELS = {
    "to_do": "To do",
    "draft": "Draft",
    "submitted": "Submitted",
    "returned": "Returned",
    "not_needed": "Not needed",
}
# The update state's tag colour (a GOV.UK Frontend tag modifier). The status key (priorities.models.STATUS_KEY)
# uses GOV.UK's grey, green, orange, red and blue tags and an outlined white one; the update states use only the
# colours it leaves, so that a colour never means a status on one tag and an update state on another:
# yellow, to do; purple, draft; pink, returned; turquoise, in (submitted, or none needed).
STAGE_TAGS = {
    "to_do": "govuk-tag--yellow",
    "draft": "govuk-tag--purple",
    "submitted": "govuk-tag--turquoise",
    "returned": "govuk-tag--pink",
    "not_needed": "govuk-tag--turquoise",
}
STAGE_MEANINGS = {
    "to_do": "Nothing written for this period yet.",
    "draft": "Saved as a draft: not yet submitted, so it does not count.",
    "submitted": "Submitted: it counts towards the status.",
    "returned": "Returned by the board business manager to be revised.",
    "not_needed": "Complete in an earlier period: no update is needed unless it is reopened.",
}
# (label, tag modifier, meaning) of each update state, for the key beside the tags.
UPDATE_STATE_KEY = [(STAGE_LABELS[stage], STAGE_TAGS[stage], STAGE_MEANINGS[stage]) for stage in STAGE_LABELS]
# Text an update carries that pages print; read for this period only (and the impact for every period with
# `evidence`): at 600 actions that text is most of what the queries fetch.
UPDATE_TEXT = ("impact", "progress", "next_steps", "reason", "returned_reason")


@dataclass(frozen=True, slots=True)
class UpdateSummary(TemplateRow):
    """What pages use of a progress update: read as plain rows, as a 600-action plan has thousands."""

    status: str
    state: str
    impact: str = ""
    progress: str = ""
    next_steps: str = ""
    reason: str = ""
    returned_reason: str = ""

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass(frozen=True, slots=True)
class CarriedFrom(TemplateRow):
    """The action in last year's plan that an action was carried over from, unfinished."""

    pk: int
    code: str
    year_label: str

    def get_absolute_url(self):
        return reverse_pk("priorities:action-detail", self.pk)


@dataclass(frozen=True, slots=True)
class ActionSummary(TemplateRow):
    """What pages use of an action: read as a plain row, as a plan can have hundreds."""

    pk: int
    code: str
    text: str
    leads: list  # the lead, then the joint leads
    supporting: list = field(default_factory=list)  # read only when asked for
    carried_from: CarriedFrom | None = None
    lead_officer: str = ""

    @property
    def lead_names(self):
        return " & ".join(subgroup.name for subgroup in self.leads)

    @property
    def lead_with_officer(self):
        return lead_with_officer(self.lead_names, self.lead_officer)

    def get_absolute_url(self):
        return reverse_pk("priorities:action-detail", self.pk)


@dataclass(slots=True)
class ActionRow(TemplateRow):
    """An action and how far it has got: its status in each period so far, and this period's update."""

    action: ActionSummary
    path: list  # Status in each period shown, oldest first
    update: UpdateSummary | None  # this period's reported update (never a draft)
    updates: dict  # period number -> reported update, for the Board report's evidence
    draft: UpdateSummary | None = None  # this period's draft, when read with drafts=True: the lead's work so far

    @property
    def status(self):
        return self.path[-1] if self.path else Status.NO_UPDATE

    @property
    def previous_status(self):
        return self.path[-2] if len(self.path) > 1 else None

    @property
    def stage(self):
        """The update state: to_do, draft, submitted, returned, or not_needed (Complete in an earlier period)."""
        update = self.update or self.draft
        if update is not None:
            return STAGES[update.state]
        return "not_needed" if self.previous_status == Status.COMPLETE else "to_do"

    @property
    def stage_label(self):
        return STAGE_LABELS[self.stage]

    @property
    def stage_tag(self):
        """The update state's GOV.UK tag modifier (STAGE_TAGS)."""
        return STAGE_TAGS[self.stage]

    @property
    def is_in(self):
        """Whether this period's update is in: submitted, or none owed as the action was complete already."""
        return self.stage in ("submitted", "not_needed")


@dataclass(slots=True)
class KPIRow(TemplateRow):
    """A KPI and its value in each period so far, with this period's RAG and trend."""

    kpi: KPI
    series: list  # (period, KPIValue or None), oldest first

    @property
    def value(self):
        return self.series[-1][1] if self.series else None

    @property
    def previous(self):
        return self.series[-2][1] if len(self.series) > 1 else None

    @property
    def is_in(self):
        return self.value is not None

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
class PlanRows:
    periods: list  # the periods covered, oldest first
    objectives: dict  # id -> Objective (with its priority), in plan order
    actions: dict  # objective id -> [ActionRow], in plan order
    kpis: dict  # objective id -> [KPIRow], in plan order
    subgroups: dict  # id -> Subgroup, every subgroup

    @property
    def action_rows(self):
        return [row for rows in self.actions.values() for row in rows]

    @property
    def kpi_rows(self):
        return [row for rows in self.kpis.values() for row in rows]


def plan_rows(plan, period, *, evidence=False, drafts=False, supporting=False):
    """Every live action and KPI of the plan with its progress in each period up to and including `period`.

    `evidence`: also read the impact written in earlier periods (the Board report prints it). `drafts`: also read
    this period's drafts (ActionRow.draft), for what a lead subgroup owes; they never count towards a status.
    `supporting`: also read the subgroups that support each action (ActionSummary.supporting).

    Queries: objectives (with priorities), subgroups, joint leads (and supporting subgroups), actions, updates,
    KPIs, KPI values: seven, however large the plan. The periods come from plan.periods.all(), so a prefetch
    spares one more.
    """
    periods = [p for p in plan.periods.all() if p.number <= period.number]
    objectives = {objective.pk: objective for objective in plan_objectives(plan)}
    objective_ids = list(objectives)
    # Subgroups are few: fetched once and shared, rather than a copy joined onto every action and KPI row.
    subgroups = subgroups_by_id()
    joint, supported = plan_subgroups(plan, supporting=supporting, subgroups=subgroups, objective_ids=objective_ids)
    # Picked and grouped by the objectives just read, in their (plan) order, and sorted within each objective:
    # no joins up to the plan to filter or sort by (the rows of every page that reads the plan pass here).
    actions = {}  # objective id -> [ActionSummary]
    for pk, objective_id, ref, text, lead_id, lead_officer, *carried in _action_rows.rows(objective_ids=objective_ids):
        leads = [subgroups[lead_id], *joint.get(pk, [])]
        summary = ActionSummary(
            pk, ref, text, leads, supported.get(pk, []), _carried_from(*carried), lead_officer=lead_officer
        )
        actions.setdefault(objective_id, []).append(summary)

    updates, own_drafts = _updates(periods, period, evidence=evidence, drafts=drafts)
    kpis = {}  # objective id -> [KPI]
    # The related objects already read are put where the ORM caches them (as select_related would), by their fields'
    # set_cached_value: the descriptors' own checks cost more than the rows for the hundreds of KPI values.
    kpi_objective, kpi_owner, value_kpi = (
        KPI.objective.field,
        KPI.owner.field,
        KPIValue.kpi.field,
    )
    for kpi in _kpis.rows(objective_ids=objective_ids):
        kpi_objective.set_cached_value(kpi, objectives[kpi.objective_id])
        kpi_owner.set_cached_value(kpi, subgroups[kpi.owner_id])
        kpis.setdefault(kpi.objective_id, []).append(kpi)
    # By period alone (a period belongs to one plan) and unordered: the rows go into a dictionary.
    values = {(value.kpi_id, value.period_id): value for value in _kpi_values.rows(period_ids=[p.pk for p in periods])}

    by_number = {p.pk: p.number for p in periods}
    period_ids = list(by_number)
    action_rows = {}
    for objective_id in _in_order(objectives, actions):
        rows = action_rows[objective_id] = []
        for action in actions[objective_id]:
            own = updates.get(action.pk, {})
            rows.append(
                ActionRow(
                    action=action,
                    path=status_path_of_ids(period_ids, own),
                    update=own.get(period.pk),
                    updates={by_number[pid]: update for pid, update in own.items()},
                    draft=own_drafts.get(action.pk),
                )
            )
    kpi_rows = {}
    for kpi in (kpi for objective_id in _in_order(objectives, kpis) for kpi in kpis[objective_id]):
        series = []
        for p in periods:
            value = values.get((kpi.pk, p.pk))
            if value is not None:
                value_kpi.set_cached_value(value, kpi)  # already fetched: spares a query per value
            series.append((p, value))
        kpi_rows.setdefault(kpi.objective_id, []).append(KPIRow(kpi=kpi, series=series))
    return PlanRows(periods=periods, objectives=objectives, actions=action_rows, kpis=kpi_rows, subgroups=subgroups)


# plan_rows' queries, built once per process (dscb.prepared) for each number of objectives or periods: every page
# that reads the plan asks them.


@PreparedQuery
def _action_rows(*, objective_ids):
    return (
        Action.objects.filter(objective_id__in=objective_ids, archived=False)
        .order_by("position", "pk")
        .values_list("pk", "objective_id", "ref", "text", "lead_id", "lead_officer", *CARRIED_FROM_FIELDS)
    )


@PreparedQuery
def _kpis(*, objective_ids):
    return KPI.objects.filter(objective_id__in=objective_ids, archived=False).order_by("position", "pk")


@PreparedQuery
def _kpi_values(*, period_ids):
    return KPIValue.objects.filter(period__in=period_ids).order_by()


def _in_order(objectives, grouped):
    """The objective ids that have rows in `grouped`, in the objectives' (plan) order."""
    return [objective_id for objective_id in objectives if objective_id in grouped]


class _InPeriod(Func):
    """An update's text field in one period, else "": CASE WHEN period_id = <period> THEN <field> ELSE '' END.

    What Case(When(period=..., then=F(field)), default=Value("")) writes, without building and compiling a lookup
    and a condition for each of the five text fields on every request.
    """

    output_field = models.TextField()

    def __init__(self, name, period_pk):
        super().__init__(F("period_id"), F(name))
        self.period_pk = period_pk

    def as_sql(self, compiler, connection, **extra_context):
        period_sql, period_params = compiler.compile(self.source_expressions[0])
        text_sql, text_params = compiler.compile(self.source_expressions[1])
        return (
            f"CASE WHEN {period_sql} = %s THEN {text_sql} ELSE '' END",
            (*period_params, self.period_pk, *text_params),
        )


def _updates(periods, period, *, evidence, drafts):
    """({action id: {period id: reported UpdateSummary}}, {action id: this period's draft}) in one query.

    The text is read for `period` alone (and the impact for every period with `evidence`): earlier periods give
    only what the status path needs. Picked by period alone, as a period belongs to one plan, which spares four
    joins per row; unordered, as the rows go into dictionaries.
    """
    found = _update_rows.rows(evidence, drafts, period_ids=[p.pk for p in periods], period_id=period.pk)
    updates, own_drafts = {}, {}
    # An update with no text read (an earlier period's, most of them) is its status and state alone: one summary is
    # made for each pair and shared, as summaries are frozen and compared by what they hold.
    bare = {}
    for action_id, period_id, status, state, *words in found:
        if any(words):
            update = UpdateSummary(status, state, *words)
        else:
            update = bare.get((status, state))
            if update is None:
                update = bare[status, state] = UpdateSummary(status, state)
        if state == ProgressUpdate.State.DRAFT:
            own_drafts[action_id] = update
        else:
            updates.setdefault(action_id, {})[period_id] = update
    return updates, own_drafts


@PreparedQuery
def _update_rows(evidence, drafts, *, period_ids, period_id):
    """_updates' query, built once per process for each number of periods (dscb.prepared)."""
    this_period = Q(period=period_id)
    text = {name: F(name) if name == "impact" and evidence else _InPeriod(name, period_id) for name in UPDATE_TEXT}
    reported = ~Q(state=ProgressUpdate.State.DRAFT)
    found = ProgressUpdate.objects.filter(reported | this_period if drafts else reported)
    return (
        found.filter(period__in=period_ids)
        .order_by()
        .values_list("action_id", "period_id", "status", "state", *(text[name] for name in UPDATE_TEXT))
    )


@dataclass
class SubgroupWork(TemplateRow):
    """What a subgroup owes for the period: the actions it leads, those it supports, the KPIs it owns."""

    subgroup: Subgroup
    role: str = ""
    led: list = field(default_factory=list)  # ActionRow
    supported: list = field(default_factory=list)  # ActionRow
    kpis: list = field(default_factory=list)  # KPIRow

    @property
    def done_count(self):
        return self.updates_in + self.values_in

    @property
    def total(self):
        return len(self.led) + len(self.kpis)

    @property
    def updates_in(self):
        return sum(row.is_in for row in self.led)

    @property
    def values_in(self):
        return sum(row.is_in for row in self.kpis)

    @property
    def returned(self):
        return sum(row.stage == "returned" for row in self.led)


def subgroup_work(action_rows, kpi_rows, subgroups):
    """The rows shared out among these subgroups, one SubgroupWork each, in name order. No queries."""
    work = {subgroup.pk: SubgroupWork(subgroup=subgroup) for subgroup in subgroups}
    for row in action_rows:
        for subgroup in row.action.leads:
            if subgroup.pk in work:
                work[subgroup.pk].led.append(row)
        for subgroup in row.action.supporting:
            if subgroup.pk in work:
                work[subgroup.pk].supported.append(row)
    for row in kpi_rows:
        # A computed KPI (from meeting attendance) is nobody's to enter: My work does not ask for it.
        if row.kpi.owner_id in work and not row.kpi.is_computed:
            work[row.kpi.owner_id].kpis.append(row)
    return sorted(work.values(), key=lambda item: item.subgroup.name)


# The action an action was carried over from, joined onto the actions' own query rather than read apart.
CARRIED_FROM_FIELDS = [
    "carried_over_from_id",
    "carried_over_from__ref",
    "carried_over_from__objective__priority__plan__year_label",
]


def _carried_from(pk, ref, year_label):
    return None if pk is None else CarriedFrom(pk, ref, year_label)
