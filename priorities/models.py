"""The plan's structure (priority → objective → action) and the progress recorded against each action."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from dscb.prepared import PreparedQuery
from dscb.reversing import reverse_pk
from plans.models import BusinessPlan, ReportingPeriod
from subgroups.models import Subgroup


class Status(models.TextChoices):
    """BRAG statuses, with the meanings in STATUS_MEANINGS below. NO_UPDATE is derived, never stored."""

    NOT_STARTED = "not_started", "Not started"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    COMPLETE = "complete", "Complete"
    NO_UPDATE = "no_update", "No update"

    @classmethod
    def recorded(cls):
        """The statuses a person can record (everything except the derived No update)."""
        return [(value, label) for value, label in cls.choices if value != cls.NO_UPDATE]

    @property
    def css(self):
        return self.value.replace("_", "-")

    @property
    def meaning(self):
        return STATUS_KEY[self].meaning


@dataclass(frozen=True)
class StatusKeyEntry:
    """A status's meaning and colours (#rrggbb), as the status key, the tags, the charts and Excel show them."""

    meaning: str
    text: str  # the tag's words
    background: str  # the tag's fill; a chart segment's and an Excel cell's fill
    border: str = ""  # the dashed outline of No update, which sets it apart without relying on colour

    @property
    def outline(self):
        """What a chart segment is outlined in: the dashed border's colour where there is one, else the text's."""
        return self.border or self.text


# The one place the statuses' meanings and colours are written. The tag colours are GOV.UK Frontend's own tag
# pairs, each at least 4.5:1. static/css/status-colours.css is written from this table
# (python manage.py write_status_css) for the screen, print and the PDF; the charts and Excel read it directly.
STATUS_KEY = {
    Status.NOT_STARTED: StatusKeyEntry("Work has not begun.", text="#282d30", background="#e5e6e7"),
    Status.GREEN: StatusKeyEntry("On track.", text="#005a30", background="#cce2d8"),
    Status.AMBER: StatusKeyEntry("Some slippage or risk.", text="#6e3619", background="#fcd6c3"),
    Status.RED: StatusKeyEntry("Off track or significant concern.", text="#2a0b06", background="#f4cdc6"),
    Status.COMPLETE: StatusKeyEntry("Delivered.", text="#0c2d4a", background="#bbd4ea"),
    Status.NO_UPDATE: StatusKeyEntry(
        "Nothing was recorded for this period.", text="#0b0c0c", background="#ffffff", border="#505a5f"
    ),
}
RECORDED_STATUS_VALUES = [value for value, _ in Status.recorded()]
LEAD_OFFICER_MAX_LENGTH = 200
# Actions (and, through "objective__", KPIs) in the order the plan reads: by priority, objective, then their own
# position; the ids after each position keep ties together and in a fixed order.
PLAN_ORDER = [
    "objective__priority__position",
    "objective__priority_id",
    "objective__position",
    "objective_id",
    "position",
    "pk",
]


REF_MAX_LENGTH = 20
REF_HELP = "The board's own reference, kept exactly as the plan writes it: 1, 1a, P2, 1.2, 1a.1, 3.3.5, A1."
POSITION_HELP = "Where it comes among its neighbours in the plan, lower first (the plan file's row order)."


def ref_anchor(ref):
    """A reference as part of an HTML id and URL fragment: anything but letters, digits, '.', '-' and '_' becomes
    '-', so that 1.2 stays 1.2 and any text the board writes still makes a valid id."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ref).strip("-") or "-"


class StrategicPriority(models.Model):
    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="priorities")
    ref = models.CharField("reference", max_length=REF_MAX_LENGTH, help_text=REF_HELP)
    position = models.PositiveIntegerField(default=0, help_text=POSITION_HELP)
    title = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name_plural = "strategic priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="one_priority_ref_per_plan"),
            models.CheckConstraint(condition=~Q(ref=""), name="priority_ref_not_blank"),
        ]

    def __str__(self):
        return f"Priority {self.ref}: {self.title}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url() + f"#{self.anchor}"

    @property
    def code(self):
        return self.ref

    @property
    def anchor(self):
        return f"priority-{ref_anchor(self.ref)}"


class Objective(models.Model):
    priority = models.ForeignKey(StrategicPriority, on_delete=models.CASCADE, related_name="objectives")
    ref = models.CharField("reference", max_length=REF_MAX_LENGTH, help_text=REF_HELP)
    position = models.PositiveIntegerField(default=0, help_text=POSITION_HELP)
    title = models.TextField()
    evidence = models.TextField("how we evidence progress and impact on children and young people", blank=True)
    history = HistoricalRecords()

    class Meta:
        # The priority's id after its position keeps each priority's objectives together when positions tie.
        ordering = ["priority__position", "priority_id", "position", "pk"]
        constraints = [
            # Refs are unique in the whole plan; the database can say so only per priority (the importer checks
            # the plan).
            models.UniqueConstraint(fields=["priority", "ref"], name="one_objective_ref_per_priority"),
            models.CheckConstraint(condition=~Q(ref=""), name="objective_ref_not_blank"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return self.priority.plan.get_absolute_url() + f"#{self.anchor}"

    @property
    def anchor(self):
        return f"objective-{ref_anchor(self.ref)}"

    @property
    def live_kpis(self):
        """The objective's KPIs that are still measured (from the prefetched set, when there is one)."""
        return [kpi for kpi in self.kpis.all() if not kpi.archived]

    @property
    def code(self):
        return self.ref


class ActionQuerySet(models.QuerySet):
    def in_plan(self, plan):
        """The plan's actions in the order the plan reads, with what their pages show."""
        return (
            self.filter(objective__priority__plan=plan, archived=False)
            .select_related("objective__priority", "lead")
            .prefetch_related("co_leads", "supporting")
            .order_by(*PLAN_ORDER)
        )

    def with_carried_over_from(self):
        """With the action each was carried over from, and its objective, priority and plan, joined in."""
        return self.select_related("carried_over_from__objective__priority__plan")

    def with_status(self, period):
        """Annotate `status_value`: this period's status, Complete carried forward, else No update."""
        if period is None:
            return self.annotate(
                status_value=Value(Status.NO_UPDATE.value), status_before=Value(None, output_field=models.CharField())
            )
        return self.with_status_in(period.pk, period.plan_id)

    def with_status_in(self, period_id, plan_id):
        """with_status for the period with this id, of the plan with this id: written with the ids alone, so that a
        prepared query (dscb.prepared) can put them in place."""
        updates = ProgressUpdate.objects.reported().filter(action=OuterRef("pk"))
        # One update per action and period: no order needed (the model's own would join four tables per row).
        this_period = updates.filter(period=period_id).order_by().values("status")[:1]
        number = ReportingPeriod.objects.filter(pk=period_id).values("number")
        last_before = (
            updates.filter(period__plan_id=plan_id, period__number__lt=Subquery(number))
            .order_by("-period__number")
            .values("status")[:1]
        )
        return self.annotate(
            status_this_period=Subquery(this_period),
            status_before=Subquery(last_before),
            status_value=Case(
                When(status_this_period__isnull=False, then=F("status_this_period")),
                When(status_before=Status.COMPLETE.value, then=Value(Status.COMPLETE.value)),
                default=Value(Status.NO_UPDATE.value),
                output_field=models.CharField(),
            ),
        )

    def led_by(self, subgroup):
        """Actions the subgroup leads, alone or jointly."""
        return self.filter(pk__in=Action.objects.filter(Q(lead=subgroup) | Q(co_leads=subgroup)).values("pk"))


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    ref = models.CharField("reference", max_length=REF_MAX_LENGTH, help_text=REF_HELP)
    position = models.PositiveIntegerField(default=0, help_text=POSITION_HELP)
    text = models.TextField("action", help_text="The plan's own words.")
    lead = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="led_actions")
    lead_officer = models.CharField(
        max_length=LEAD_OFFICER_MAX_LENGTH,
        blank=True,
        help_text='The person or role who leads the action for the lead subgroup ("Jim Reeves", "Chair of SLSCB").',
    )
    co_leads = models.ManyToManyField(
        Subgroup,
        blank=True,
        related_name="co_led_actions",
        help_text='Joint leads, as in "Safeguarding Executive & DSCB".',
    )
    supporting = models.ManyToManyField(Subgroup, blank=True, related_name="supported_actions")
    due = models.CharField(
        max_length=60, blank=True, help_text='A date (2015-12-31) or the plan\'s words ("Q3", "ongoing").'
    )
    milestones = models.TextField(blank=True)
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text="The same action in last year's plan, when it was carried over unfinished.",
    )
    archived = models.BooleanField(
        default=False, help_text="Withdrawn from the plan: hidden from pages and reports, its history kept."
    )
    history = HistoricalRecords(m2m_fields=[co_leads, supporting])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = PLAN_ORDER
        constraints = [
            # Unique in the whole plan, checked by the importer; the database can say so per objective.
            models.UniqueConstraint(fields=["objective", "ref"], name="one_action_ref_per_objective"),
            models.CheckConstraint(condition=~Q(ref=""), name="action_ref_not_blank"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:80]}"

    def get_absolute_url(self):
        return reverse_pk("priorities:action-detail", self.pk)

    @property
    def code(self):
        return self.ref

    @property
    def carried_over_plan(self):
        """The plan this action was carried over from (None when it was not)."""
        return self.carried_over_from.objective.priority.plan if self.carried_over_from_id else None

    @cached_property
    def leads(self):
        """The lead and the joint leads (worked out once per object: pages and reports ask many times)."""
        return [self.lead, *self.co_leads.all()]

    @property
    def lead_ids(self):
        """The lead and joint leads' ids: their members write this action's updates."""
        return [subgroup.pk for subgroup in self.leads]

    @cached_property
    def lead_names(self):
        return " & ".join(subgroup.name for subgroup in self.leads)

    @property
    def lead_with_officer(self):
        """The lead subgroups, and the lead officer where the plan names one: what the reports print as Lead."""
        return lead_with_officer(self.lead_names, self.lead_officer)


def lead_with_officer(lead_names, lead_officer):
    return f"{lead_names} (lead officer: {lead_officer})" if lead_officer else lead_names


def plan_subgroups(plan, *, supporting=False, subgroups=None, objective_ids=None):
    """The joint leads, and with `supporting=True` the supporting subgroups, of a plan's actions, from the join
    tables in one query: two dictionaries, action id to a list of subgroups in name order (as Subgroup's own
    ordering gives them everywhere else); the second is empty without `supporting`. The subgroups are looked up
    in `subgroups` (id to Subgroup) when the caller has read them already, else read here; the rows are picked by
    `objective_ids` (the plan's objectives) when the caller has read those, which spares two joins up to the plan.

    For pages that list many actions, in place of prefetch_related("co_leads", "supporting"), whose two related
    managers per action cost more than the rows.
    """
    if subgroups is None:
        subgroups = subgroups_by_id()
    if objective_ids is None:
        pairs = _subgroup_pairs(Q(action__objective__priority__plan=plan), supporting)
    else:
        pairs = _plan_subgroup_pairs.rows(supporting, objective_ids=list(objective_ids))
    joint, supported = {}, {}
    for action_id, subgroup_id, _, is_supporting in pairs:
        (supported if is_supporting else joint).setdefault(action_id, []).append(subgroups[subgroup_id])
    return joint, supported


def _subgroup_pairs(in_plan, supporting):
    """(action id, subgroup id, subgroup name, whether it supports) for the joint leads, and the supporting
    subgroups with `supporting`, of the actions picked by `in_plan`, in the subgroups' name order."""
    pairs = Action.co_leads.through.objects.filter(in_plan).values_list(
        "action_id", "subgroup_id", "subgroup__name", Value(False)
    )
    if supporting:
        also = Action.supporting.through.objects.filter(in_plan)
        pairs = pairs.union(also.values_list("action_id", "subgroup_id", "subgroup__name", Value(True)), all=True)
    return pairs.order_by("subgroup__name")


def subgroups_by_id():
    """{id: Subgroup} for every subgroup (they are few), from a query built once per process: read once and shared
    by the rows of a page that lists a plan's actions and KPIs."""
    return {subgroup.pk: subgroup for subgroup in _every_subgroup.rows()}


@PreparedQuery
def _every_subgroup():
    return Subgroup.objects.order_by()


@PreparedQuery
def _plan_subgroup_pairs(supporting, *, objective_ids):
    """The pairs of the actions of the objectives: every page that lists a plan's actions asks, so the query is
    built once per process (dscb.prepared)."""
    return _subgroup_pairs(Q(action__objective_id__in=objective_ids), supporting)


def plan_objectives(plan):
    """The plan's objectives, each with its priority, in plan order: every page that reads the plan asks."""
    return _plan_objectives.rows(plan_id=plan.pk)


@PreparedQuery
def _plan_objectives(*, plan_id):
    """plan_objectives' query, built once per process (dscb.prepared)."""
    return Objective.objects.filter(priority__plan=plan_id).select_related("priority")


def plan_subgroups_attach(actions, plan, *, supporting=False, objective_ids=None):
    """Give a plan's actions (with `lead` loaded) their `leads`, and with `supporting=True` their
    `supporting_subgroups`, from plan_subgroups."""
    joint, supported = plan_subgroups(plan, supporting=supporting, objective_ids=objective_ids)
    for action in actions:
        action.__dict__["leads"] = [action.lead, *joint.get(action.pk, [])]
        if supporting:
            action.supporting_subgroups = supported.get(action.pk, [])
    return actions


def action_subgroups_attach(action):
    """Give one action (with `lead` loaded) its `leads` and `supporting_subgroups`, each in name order, from one
    query: the joint leads and the supporting subgroups read together, in place of prefetch_related("co_leads",
    "supporting"), which reads them in two."""
    # Unordered parts (SQLite orders only the whole of a UNION), ordered as one.
    joint = Subgroup.objects.filter(co_led_actions=action).annotate(is_supporting=Value(False)).order_by()
    supporting = Subgroup.objects.filter(supported_actions=action).annotate(is_supporting=Value(True)).order_by()
    found = list(joint.union(supporting, all=True).order_by("name"))
    action.__dict__["leads"] = [action.lead, *(subgroup for subgroup in found if not subgroup.is_supporting)]
    action.supporting_subgroups = [subgroup for subgroup in found if subgroup.is_supporting]
    return action


class ProgressUpdateQuerySet(models.QuerySet):
    def reported(self):
        """Updates the board sees: submitted ones, and those returned for revision (drafts are the subgroup's)."""
        return self.exclude(state=ProgressUpdate.State.DRAFT)


# The most each written field of a progress update holds, in characters. 5,000 is about 800 words, two printed pages
# of a report for one field; the longest text in the demo plan is a few hundred characters. A reason says why in a
# paragraph. Without a bound, one update of megabytes made every report PDF take minutes to draw (issue 11).
TEXT_LIMITS = {
    "progress": 5000,
    "impact": 5000,
    "next_steps": 5000,
    "reason": 2000,
    "evidence_links": 2000,
    "returned_reason": 2000,
}


def text_fits(field, limit):
    """A check constraint's condition: the text field holds at most `limit` characters."""
    return LessThanOrEqual(Length(field), limit)


class ProgressUpdate(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    status = models.CharField(max_length=12, choices=Status.recorded(), blank=True)
    progress = models.TextField("progress", blank=True)
    impact = models.TextField("impact on children and young people", blank=True)
    next_steps = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Required for Amber and Red.")
    evidence_links = models.TextField(blank=True, help_text="One link per line.")
    is_demo = models.BooleanField(default=False, help_text="Illustrative content shipped with the demo plan.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates")
    version = models.PositiveIntegerField(default=1, help_text="Raised on every save, to detect conflicting edits.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True, help_text="Why the board business manager returned the update.")
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="returned_updates"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "period__number"]
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="one_update_per_action_per_period"),
            models.CheckConstraint(
                condition=Q(status__in=RECORDED_STATUS_VALUES) | Q(state="draft", status=""),
                name="update_status_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.AMBER, Status.RED]) | ~Q(reason="") | Q(state="draft"),
                name="amber_and_red_need_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "submitted", "returned"]), name="update_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(returned_reason=""), name="returned_update_has_a_reason"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="update_version_positive"),
            *(
                models.CheckConstraint(condition=text_fits(field, limit), name=f"update_{field}_length")
                for field, limit in TEXT_LIMITS.items()
            ),
        ]

    def __str__(self):
        return f"{self.action.code} – {self.period} – {self.get_status_display()}"

    @property
    def status_enum(self):
        """The recorded status as a Status (None for a draft with none chosen yet)."""
        return Status(self.status) if self.status else None

    @property
    def evidence_link_list(self):
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]


_STATUSES = {status.value: status for status in Status}  # a dictionary look-up: the reports ask thousands of times
# Looked up once here rather than through their classes for each of the thousands of updates in a 600-action report.
_DRAFT, _COMPLETE, _NO_UPDATE = ProgressUpdate.State.DRAFT, Status.COMPLETE, Status.NO_UPDATE


def status_path(periods, updates_by_period):
    """The action's status in each period, in order: its reported update's, Complete carried forward, else No update.

    `updates_by_period` maps period ids to the action's updates; drafts in it count as no update.
    """
    return status_path_of_ids([period.pk for period in periods], updates_by_period)


def status_path_of_ids(period_ids, updates_by_period):
    """status_path for the periods' ids, in order: for a caller that works out the paths of hundreds of actions over
    the same periods and takes their ids once."""
    path, carried_complete = [], False
    for period_id in period_ids:
        update = updates_by_period.get(period_id)
        if update is not None and update.state != _DRAFT:
            status = _STATUSES[update.status]
            carried_complete = status is _COMPLETE
        elif carried_complete:
            status = _COMPLETE
        else:
            status = _NO_UPDATE
        path.append(status)
    return path
