"""The record a plan year's annual report draft is written from, as it stood at the end of a chosen day.

Gathered in a fixed number of queries however large the plan (thirteen: periods; objectives with their priorities;
progress updates; actions; KPIs; KPI values' history; attendance history; audit rounds; audit returns' history;
their answers' history; risk history; risk reviews; escalations; the open risks' titles come with the history), so
the document's build time grows with the text it holds, not with round trips to the database.

"As at" a day means what had been written by the end of it:
- progress updates submitted by then (by their submitted time; their status and impact as they read now), and
  the actions the plan had then (from each action's first history record);
- KPI values as they stood then, from their history: a value corrected after the date reads as it was before the
  correction, one first entered after the date (or deleted by then) is not there;
- attendance as its history stood then, at the meetings of the year up to the date that were held then (each
  meeting's status and date from its own history): attendance recorded or corrected later is not counted, nor
  a meeting only recorded as held later; a meeting cancelled or moved after the date counts as it stood;
- audit returns as they stood then, from their history: those made by then are expected, those in the
  Submitted state then are submitted (one sent back later still counts, one sent back by then does not), and
  the moderated scores are the answers' as they stood then (a moderation made later is not counted);
- the risk register as its history stood then; reviews and escalations written by then.
Taken as they are now, not as they were: the names and wording of the plan's priorities, objectives, actions and
KPIs (and their targets, on which a KPI's rating rests), the agencies' names, the rounds' titles and dates, and
which actions and KPIs are archived.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from audits.models import CriterionAnswer, Return, Round
from kpis.models import KPI, KPIValue
from kpis.rag import rate
from meetings.models import Attendance, Meeting
from priorities.models import Action, Objective, ProgressUpdate, Status, status_path
from risks.heatmap import ROW_FIELDS, end_of, standing_at
from risks.matrix import band_of
from risks.models import Escalation, Review, Risk

# A chart for every KPI with values would make a 600-action plan's document hundreds of pages of pictures: the
# first CHART_LIMIT KPIs with numbers are drawn, and the document says how many are left out.
CHART_LIMIT = 40
# Counts and percentages are drawn; a yes/no or a report received has no line to draw.
CHARTED_KINDS = (KPI.Kind.PERCENTAGE, KPI.Kind.COUNT)
# What the draft reads of a KPI value, from the value's history as it stood at the date.
KPI_VALUE_FIELDS = ["id", "kpi_id", "period_id", "value", "numerator", "denominator", "received", "note"]


def default_as_at(plan, today=None):
    """The end of the plan's year, or today if that is earlier."""
    today = today or timezone.localdate()
    return min(plan.ends_on, today)


@dataclass
class ActionDone:
    pk: int
    ref: str
    text: str
    lead: str
    status: Status  # its latest status recorded by the date (Complete carried forward), else No update
    period_number: int | None  # the period that status was recorded for
    impacts: list = field(default_factory=list)  # (period number, impact statement), oldest first

    @property
    def is_complete(self):
        return self.status == Status.COMPLETE


@dataclass
class KPIYear:
    kpi: KPI
    values: list  # (period, KPIValue or None) for every period of the year

    @property
    def latest(self):
        present = [value for _, value in self.values if value is not None]
        return present[-1] if present else None

    @property
    def rating(self):
        latest = self.latest
        return rate(self.kpi, latest.value) if latest is not None and latest.value is not None else None

    @property
    def chartable(self):
        return self.kpi.kind in CHARTED_KINDS and any(v is not None and v.value is not None for _, v in self.values)


@dataclass
class ObjectiveYear:
    objective: Objective
    actions: list = field(default_factory=list)  # ActionDone
    kpis: list = field(default_factory=list)  # KPIYear


@dataclass
class PriorityYear:
    priority: object
    objectives: list = field(default_factory=list)  # ObjectiveYear

    @property
    def kpis(self):
        return [kpi for objective in self.objectives for kpi in objective.kpis]


@dataclass
class AgencyAttendance:
    agency: str
    represented: int
    expected: int

    @property
    def percent(self):
        return Decimal(100 * self.represented) / self.expected if self.expected else None


@dataclass
class RoundResult:
    round: Round
    expected: int
    submitted: int
    late: int
    moderated: int
    criteria_moderated: int
    mean_self: float | None  # over the criteria moderated, beside the moderated mean
    mean_moderated: float | None


@dataclass
class RiskMovement:
    reference: str
    title: str
    start: tuple | None  # (likelihood, impact) at the end of the year's first day; None: not yet raised
    now: tuple | None  # the same as at the date; None: closed or deleted by then
    status: str  # Open / Closed at the date
    direction: str  # the last review's direction of travel in the year, in words
    reviews: int  # reviews in the year up to the date
    escalations: list = field(default_factory=list)  # (date, "Escalated to the Board"/"De-escalated", reason)

    @staticmethod
    def words(score):
        if score is None:
            return ""
        likelihood, impact = score
        return f"{likelihood} x {impact} = {likelihood * impact} ({band_of(likelihood, impact).label})"

    @property
    def movement(self):
        if self.start is None:
            return "New this year"
        if self.now is None:
            return "Closed"
        before, after = self.start[0] * self.start[1], self.now[0] * self.now[1]
        if after > before:
            return "Up"
        if after < before:
            return "Down"
        return "No change"


@dataclass
class AnnualRecord:
    plan: object
    as_at: datetime.date
    periods: list  # every period of the year
    priorities: list  # PriorityYear
    attendance: list  # AgencyAttendance, by agency name (whatever its case)
    rounds: list  # RoundResult
    risks: list  # RiskMovement, by number
    impacts_count: int = 0

    @property
    def actions(self):
        return [a for p in self.priorities for o in p.objectives for a in o.actions]

    @property
    def kpis(self):
        return [k for p in self.priorities for k in p.kpis]

    @property
    def carried(self):
        """The actions next year's plan would carry (the roll-over's rule: not Complete), as at the date."""
        return [action for action in self.actions if not action.is_complete]

    @property
    def open_risks(self):
        return [risk for risk in self.risks if risk.status == Risk.Status.OPEN.label]

    @property
    def charted(self):
        return [kpi for kpi in self.kpis if kpi.chartable][:CHART_LIMIT]

    @property
    def charts_left_out(self):
        return max(0, sum(kpi.chartable for kpi in self.kpis) - CHART_LIMIT)


def annual_record(plan, as_at):
    """The plan year's record as it stood at the end of `as_at` (see the module's docstring for the queries)."""
    moment = end_of(as_at)
    periods = list(plan.periods.all())
    started = [period for period in periods if period.starts_on <= as_at]
    by_pk = {period.pk: period for period in periods}

    priorities, objectives = [], {}
    for objective in Objective.objects.filter(priority__plan=plan).select_related("priority"):
        if not priorities or priorities[-1].priority.pk != objective.priority_id:
            priorities.append(PriorityYear(objective.priority))
        objectives[objective.pk] = ObjectiveYear(objective)
        priorities[-1].objectives.append(objectives[objective.pk])

    updates, impacts = {}, {}
    reported = (
        ProgressUpdate.objects.filter(period__in=[p.pk for p in started])
        .filter(Q(submitted_at__lt=moment) | Q(submitted_at__isnull=True, created_at__lt=moment))
        .exclude(state=ProgressUpdate.State.DRAFT)
        .order_by()
        .values_list("action_id", "period_id", "status", "state", "impact")
    )
    impacts_count = 0
    for action_id, period_id, status, state, impact in reported:
        updates.setdefault(action_id, {})[period_id] = ProgressUpdate(status=status, state=state)
        # The impact on children and young people, from submitted updates only (a returned one is being revised).
        if state == ProgressUpdate.State.SUBMITTED and impact.strip():
            impacts.setdefault(action_id, []).append((by_pk[period_id].number, impact))
            impacts_count += 1

    # An action is in the draft if it existed at the date: from its history's first record (its creation), or from
    # the plan's start if it came with the plan (written by the end of the day the plan itself was, as the plan
    # file's import writes them, or by the year's first day).
    with_the_plan = max(end_of(plan.starts_on), end_of(timezone.localtime(plan.created_at).date()))
    created = (
        Action.history.model.objects.filter(id=OuterRef("pk"))
        .order_by("history_date", "history_id")
        .values("history_date")[:1]
    )
    for pk, objective_id, ref, text, lead, made in (
        Action.objects.filter(objective_id__in=list(objectives), archived=False)
        .annotate(made=Subquery(created))
        .order_by("position", "pk")
        .values_list("pk", "objective_id", "ref", "text", "lead__name", "made")
    ):
        if made is not None and made >= with_the_plan and made >= moment:
            continue  # added after the date (a gap made a plan action today, say): not yet in the plan then
        own = updates.get(pk, {})
        path = status_path(started, own)
        # The latest status recorded by then (Complete carries forward), and the period it was recorded for.
        written = [i for i, period in enumerate(started) if period.pk in own]
        index = written[-1] if written else None
        status = path[index] if index is not None else Status.NO_UPDATE
        objectives[objective_id].actions.append(
            ActionDone(
                pk=pk,
                ref=ref,
                text=text,
                lead=lead,
                status=status,
                period_number=started[index].number if index is not None else None,
                impacts=sorted(impacts.get(pk, [])),
            )
        )

    kpis = list(KPI.objects.filter(objective_id__in=list(objectives), archived=False).order_by("position", "pk"))
    # Each value as it stood at the moment: its last history record by then (a correction made after the date is
    # not yet there; a value first entered after it, or deleted by then, is not there at all).
    values = {
        (row["kpi_id"], row["period_id"]): KPIValue(**{name: row[name] for name in KPI_VALUE_FIELDS})
        for row in as_they_stood(
            KPIValue.history.filter(period_id__in=[p.pk for p in started], history_date__lt=moment).values(
                *KPI_VALUE_FIELDS, "history_type"
            )
        ).values()
    }
    for kpi in kpis:
        series = []
        for period in periods:
            value = values.get((kpi.pk, period.pk))
            if value is not None:
                value.kpi = kpi
            series.append((period, value))
        objectives[kpi.objective_id].kpis.append(KPIYear(kpi, series))

    return AnnualRecord(
        plan=plan,
        as_at=as_at,
        periods=periods,
        priorities=priorities,
        attendance=_attendance(plan, as_at, moment),
        rounds=_rounds(plan, as_at, moment),
        risks=_risks(plan, as_at, moment),
        impacts_count=impacts_count,
    )


def _attendance(plan, as_at, moment):
    """Seats represented (present or by a deputy) / seats expected, by agency, at the meetings held in the year
    up to the date: the register's figures, as the Agencies page counts them, as they stood at the moment. Each
    seat's attendance is its last history record by then (recorded or changed later: not yet; deleted by then:
    not counted), at a meeting whose own history then said it was held, on a day of the year up to the date (a
    meeting moved, cancelled or recorded as held later counts as it stood). The agency's name is today's. One
    query: the attendance history, each meeting's status and date then as subqueries."""
    meeting_then = Meeting.history.filter(id=OuterRef("meeting_id"), history_date__lt=moment).order_by(
        "-history_date", "-history_id"
    )
    # Only the meetings that were ever dated in the plan's year: earlier years' attendance history is not read.
    in_year = Meeting.history.filter(date__gte=plan.starts_on, date__lte=plan.ends_on).values("id")
    rows = (
        Attendance.history.filter(history_date__lt=moment, meeting_id__in=in_year)
        .annotate(
            meeting_status=Subquery(meeting_then.values("status")[:1]),
            meeting_date=Subquery(meeting_then.values("date")[:1]),
        )
        .filter(
            meeting_status=Meeting.Status.HELD,
            meeting_date__gte=plan.starts_on,
            meeting_date__lte=min(as_at, plan.ends_on),
        )
        .values("id", "history_type", "status", "seat__agency__name")
    )
    counts = {}
    for row in as_they_stood(rows).values():
        represented, expected = counts.get(row["seat__agency__name"], (0, 0))
        counts[row["seat__agency__name"]] = (represented + (row["status"] in Attendance.REPRESENTED), expected + 1)
    return [AgencyAttendance(name, *counts[name]) for name in sorted(counts, key=lambda name: (name.lower(), name))]


def as_they_stood(rows):
    """{id: its last history row}, from history rows (dicts with id and history_type) up to a moment, read in the
    order they were written, leaving out what had been deleted by then."""
    latest = {}
    for row in rows.order_by("history_date", "history_id"):
        latest[row["id"]] = row
    return {pk: row for pk, row in latest.items() if row["history_type"] != "-"}


def _rounds(plan, as_at, moment):
    """The Section 11 and 175 rounds whose window falls in the year and had opened by the date, with their returns
    as they stood at the moment (each return's and each answer's last history record by then): expected (the
    round's returns made by then), submitted (in the Submitted state then; one sent back later still counts, one
    sent back by then does not), of those late, and moderated, and the mean self score beside the mean moderated
    score over the criteria moderated by then (of the returns submitted then). Three queries: the rounds, the
    returns' history, the answers' history."""
    rounds = list(
        Round.objects.filter(opens_on__lte=min(as_at, plan.ends_on), closes_on__gte=plan.starts_on).order_by(
            "opens_on", "kind", "pk"
        )
    )
    returns = as_they_stood(
        Return.history.filter(round_id__in=[row.pk for row in rounds], history_date__lt=moment).values(
            "id", "history_type", "round_id", "state", "submitted_at"
        )
    )
    submitted = {
        pk: row
        for pk, row in returns.items()
        if row["state"] == Return.State.SUBMITTED and row["submitted_at"] is not None
    }
    moderated = {}  # return id: [(self score, moderated score)]
    for row in as_they_stood(
        CriterionAnswer.history.filter(
            return_form__round_id__in=[row.pk for row in rounds], history_date__lt=moment
        ).values("id", "history_type", "return_form_id", "self_score", "moderated_score")
    ).values():
        if row["return_form_id"] in submitted and row["moderated_score"] is not None:
            moderated.setdefault(row["return_form_id"], []).append((row["self_score"], row["moderated_score"]))
    results = []
    for row in rounds:
        own = [pk for pk, returned in returns.items() if returned["round_id"] == row.pk]
        received = [pk for pk in own if pk in submitted]
        late = [pk for pk in received if timezone.localdate(submitted[pk]["submitted_at"]) > row.closes_on]
        scores = [pair for pk in received for pair in moderated.get(pk, [])]
        results.append(
            RoundResult(
                round=row,
                expected=len(own),
                submitted=len(received),
                late=len(late),
                moderated=sum(pk in moderated for pk in received),
                criteria_moderated=len(scores),
                mean_self=_mean([own_score for own_score, _ in scores if own_score is not None]),
                mean_moderated=_mean([score for _, score in scores]),
            )
        )
    return results


def _mean(numbers):
    return _two_places(sum(numbers) / len(numbers)) if numbers else None


def _two_places(value):
    return None if value is None else round(float(value), 2)


DIRECTION_WORDS = dict(Review.Direction.choices)
ESCALATION_WORDS = {Escalation.Kind.ESCALATED: "Escalated to the Board", Escalation.Kind.DEESCALATED: "De-escalated"}


def _risks(plan, as_at, moment):
    """Each risk on the register at the year's start or at the date: its current score then and at the date, the
    last review's direction of travel and the escalations in the year. Three queries: the history, the reviews,
    the escalations."""
    rows = list(Risk.history.filter(history_date__lt=moment).order_by("history_date", "history_id").values(*ROW_FIELDS))
    # The year's start position is the register at the end of its first day: a risk opened that day (the demo's
    # are opened on 1 April) or before has one, and its first score of the year is its starting point.
    start = standing_at(rows, end_of(plan.starts_on))
    now = standing_at(rows, moment)
    start = {pk: row for pk, row in start.items() if row["status"] == Risk.Status.OPEN}
    in_year = {"created_at__lt": moment}
    reviews = {}
    for risk_id, direction in (
        Review.objects.filter(reviewed_on__gte=plan.starts_on, reviewed_on__lte=as_at, **in_year)
        .order_by("reviewed_on", "pk")
        .values_list("risk_id", "direction")
    ):
        reviews.setdefault(risk_id, []).append(direction)
    escalations = {}
    for risk_id, kind, on, reason in (
        Escalation.objects.filter(on__gte=plan.starts_on, on__lte=as_at, **in_year)
        .order_by("on", "pk")
        .values_list("risk_id", "kind", "on", "reason")
    ):
        escalations.setdefault(risk_id, []).append((on, ESCALATION_WORDS.get(kind, kind), reason))
    movements = []
    for pk in sorted(set(start) | set(now), key=lambda pk: (now.get(pk) or start[pk])["number"]):
        row = now.get(pk) or start[pk]
        current = now.get(pk)
        is_open = current is not None and current["status"] == Risk.Status.OPEN
        directions = reviews.get(pk, [])
        movements.append(
            RiskMovement(
                reference=row["reference"],
                title=row["title"],
                start=_score(start.get(pk)),
                now=_score(current) if is_open else None,
                status=Risk.Status(current["status"]).label if current is not None else "Deleted",
                direction=DIRECTION_WORDS.get(directions[-1], "") if directions else "",
                reviews=len(directions),
                escalations=escalations.get(pk, []),
            )
        )
    return movements


def _score(row):
    return None if row is None else (row["current_likelihood"], row["current_impact"])
