"""The large plan of issue 6, built beside the demo plan: 5 priorities x 6 objectives x 20 actions = 600 actions,
120 KPIs, and six reporting periods of progress updates and KPI values.

The plan goes in through the real importer, from a plan file in the documented layout (docs/plan-file.md), so
its leads, joint leads and supporting subgroups are what an import makes. Its progress is then bulk-created with
history rows, as six periods of chairs' updates would have left it: most actions Green, some Amber and Red with a
reason, some Complete and carried forward, a few periods with nothing recorded, and in the last (open) period a
mix of submitted updates, drafts and nothing yet.
"""

import csv
import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kpis.models import KPI, KPIValue
from kpis.services import kpi_value_percentage
from planfile.demo import chair_username
from planfile.layout import COLUMNS
from planfile.services import plan_import
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, ProgressUpdate, Status
from subgroups.models import Subgroup

LARGE_SLUG = "bench-600"
PRIORITIES, OBJECTIVES, ACTIONS_PER_OBJECTIVE, KPIS_PER_OBJECTIVE = 5, 6, 20, 4
LARGE_STARTS = datetime.date(2016, 4, 1)
LARGE_ENDS = datetime.date(2017, 3, 31)
KPI_KIND_CYCLE = ["Percentage", "Count", "Percentage", "Monitoring report", "Yes/no"]

# Words to build plan text of a realistic length from; seeded, so every run builds the same plan.
SAMPLE_TEXT = (
    "review strengthen embed multi-agency practice children young people families safeguarding partners audit "
    "assurance framework training workforce voice of the child early help neglect exploitation missing "
    "referral assessment threshold escalation schools health police council evidence impact outcomes"
)
WORDS = SAMPLE_TEXT.split()


def _sentence(rng, low, high):
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return (" ".join(words)).capitalize() + "."


def _paragraph(rng, sentences):
    return " ".join(_sentence(rng, 10, 20) for _ in range(sentences))


def busiest_subgroup(plan):
    """The subgroup that leads (alone or jointly) the most of the plan's actions: its chair has the most work."""
    counts = {}
    for action in Action.objects.in_plan(plan):
        for subgroup_id in action.lead_ids:
            counts[subgroup_id] = counts.get(subgroup_id, 0) + 1
    return Subgroup.objects.get(pk=max(counts, key=lambda pk: (counts[pk], -pk)))


def large_plan_file(*, slug, subgroup_names, busy, actions_per_objective=ACTIONS_PER_OBJECTIVE):
    """The plan file (CSV bytes) of the large plan; `busy` leads every fifth action and owns every fourth KPI.

    With fewer actions per objective it is a plan of the same shape (joint leads, supporting subgroups, every
    KPI kind) at another size: 1 action per objective gives 30 actions, about the demo plan's 26.
    """
    rng = random.Random(6)  # noqa: S311 - repeatable sample text, not a secret
    others = [name for name in subgroup_names if name != busy]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()

    def row(**cells):
        writer.writerow({column: cells.get(column.replace(" ", "_").lower(), "") for column in COLUMNS})

    for setting, value in [
        ("slug", slug),
        ("title", "Benchmark business plan: 600 actions"),
        ("plan year", "2016/17"),
        ("strategy period", "2015-2018"),
        ("starts", LARGE_STARTS.isoformat()),
        ("ends", LARGE_ENDS.isoformat()),
        ("vision", _paragraph(rng, 3)),
        ("introduction", _paragraph(rng, 5)),
        ("monitoring", _paragraph(rng, 4)),
    ]:
        row(type="Plan", ref=setting, text=value)
    n_action = n_kpi = 0
    for p in range(1, PRIORITIES + 1):
        row(type="Priority", ref=str(p), text=_sentence(rng, 8, 14))
        for o in range(1, OBJECTIVES + 1):
            row(type="Objective", ref=f"{p}.{o}", text=_sentence(rng, 12, 20), evidence=_paragraph(rng, 2))
            for a in range(1, actions_per_objective + 1):
                if n_action % 5 == 0:
                    lead = busy
                elif n_action % 9 == 0:
                    lead = f"{others[n_action % len(others)]} & {others[(n_action + 3) % len(others)]}"
                else:
                    lead = others[n_action % len(others)]
                supporting = ""
                if n_action % 4 == 1:
                    supporting = f"{others[(n_action + 1) % len(others)]}; {others[(n_action + 5) % len(others)]}"
                row(
                    type="Action",
                    ref=f"{p}.{o}.{a}",
                    text=_sentence(rng, 15, 30),
                    lead_subgroup=lead,
                    supporting_subgroups=supporting,
                    due=rng.choice(["Q1", "Q2", "Q3", "Q4", "ongoing", "2016-2017", "2017-03-31"]),
                    milestones=_sentence(rng, 6, 12) if n_action % 3 == 0 else "",
                )
                n_action += 1
            for k in range(1, KPIS_PER_OBJECTIVE + 1):
                kind = KPI_KIND_CYCLE[n_kpi % len(KPI_KIND_CYCLE)]
                target = ""
                if kind == "Percentage":
                    target = str(rng.choice([60, 75, 80, 90, 95, 100]))
                elif kind == "Count" and n_kpi % 2 == 0:
                    target = str(rng.choice([5, 10, 20]))
                row(
                    type="KPI",
                    ref=f"{p}.{o}.K{k}",
                    text="% " + _sentence(rng, 6, 12) if kind == "Percentage" else _sentence(rng, 6, 12),
                    lead_subgroup=busy if n_kpi % 4 == 0 else others[n_kpi % len(others)],
                    kpi_kind=kind,
                    target=target,
                    direction="Lower" if kind == "Count" else "Higher",
                    amber_tolerance="5" if target else "",
                    frequency="bi-monthly",
                    definition=_sentence(rng, 10, 20),
                )
                n_kpi += 1
    return out.getvalue().encode("utf-8")


def _trajectory(rng, periods):
    """Statuses for the action in each period (None: nothing recorded), as six periods of updates might go."""
    path, complete = [], False
    for number in range(1, periods + 1):
        if complete:
            path.append(None if rng.random() < 0.6 else Status.COMPLETE)
            continue
        roll = rng.random()
        if number == 1 and roll < 0.2:
            status = Status.NOT_STARTED
        elif roll < 0.05:
            status = None
        elif roll < 0.13:
            status = Status.AMBER
        elif roll < 0.17:
            status = Status.RED
        elif roll < 0.21 and number > 2:
            status = Status.COMPLETE
        else:
            status = Status.GREEN
        complete = status == Status.COMPLETE
        path.append(status)
    return path


def _progress_for(plan, periods, rng):
    chairs = {user.username: user for user in get_user_model().objects.filter(username__startswith="chair-")}
    fallback = get_user_model().objects.get(username="manager")
    last = periods[-1].number
    updates = []
    for action in Action.objects.in_plan(plan):
        author = chairs.get(chair_username(action.lead), fallback)
        for period, status in zip(periods, _trajectory(rng, len(periods)), strict=True):
            if status is None:
                continue
            state = ProgressUpdate.State.SUBMITTED
            if period.number == last:
                roll = rng.random()
                if roll < 0.15:
                    continue  # not yet written
                if roll < 0.25:
                    state = ProgressUpdate.State.DRAFT
            update = ProgressUpdate(
                action=action,
                period=period,
                state=state,
                status=status,
                progress=_paragraph(rng, 3),
                impact=_paragraph(rng, 2) if status != Status.NOT_STARTED else "",
                next_steps=_sentence(rng, 10, 20),
                reason=_sentence(rng, 10, 18) if status in (Status.AMBER, Status.RED) else "",
                evidence_links="https://example.org/evidence/report.pdf" if rng.random() < 0.1 else "",
                author=author,
                submitted_at=None if state == ProgressUpdate.State.DRAFT else timezone.now(),
            )
            update._history_user = author
            when = datetime.datetime.combine(period.deadline, datetime.time(12), tzinfo=datetime.UTC)
            update._history_date = when
            updates.append(update)
    return updates


def _values_for(plan, periods, rng):
    chairs = {user.username: user for user in get_user_model().objects.filter(username__startswith="chair-")}
    fallback = get_user_model().objects.get(username="manager")
    values = []
    kpis = KPI.objects.filter(objective__priority__plan=plan).select_related("owner")
    for kpi in kpis:
        author = chairs.get(chair_username(kpi.owner), fallback)
        for period in periods:
            value = KPIValue(kpi=kpi, period=period, entered_by=author)
            if kpi.kind == KPI.Kind.PERCENTAGE:
                value.denominator = rng.randint(40, 120)
                value.numerator = rng.randint(value.denominator // 2, value.denominator)
                value.value = kpi_value_percentage(value.numerator, value.denominator)
            elif kpi.kind == KPI.Kind.COUNT:
                value.value = Decimal(rng.randint(0, 25))
            else:
                value.received = rng.random() < 0.8
                value.note = _sentence(rng, 6, 12)
            value._history_user = author
            values.append(value)
    return values


@transaction.atomic
def large_plan_build(*, slug=LARGE_SLUG, busy=None):
    """Import the large plan (a closed plan, beside the active demo plan) and fill in six periods of progress.

    Returns the plan; builds nothing when a plan with the slug is already there.
    """
    existing = BusinessPlan.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    names = list(Subgroup.objects.order_by("name").values_list("name", flat=True))
    content = large_plan_file(slug=slug, subgroup_names=names, busy=busy.name)
    result = plan_import(content=content, filename=f"{slug}.csv")
    if result.problems:
        raise ValueError("The large plan file has problems: " + "; ".join(str(p) for p in result.problems[:10]))
    plan = result.plan
    plan.status = BusinessPlan.Status.CLOSED
    plan.save(update_fields=["status"])
    periods = list(plan.periods.order_by("number"))
    for period in periods[:-1]:
        period.state = ReportingPeriod.State.LOCKED
    periods[-1].state = ReportingPeriod.State.OPEN
    ReportingPeriod.objects.bulk_update(periods, ["state"])
    rng = random.Random(2016)  # noqa: S311 - repeatable sample data, not a secret
    bulk_create_with_history(_progress_for(plan, periods, rng), ProgressUpdate, batch_size=500)
    bulk_create_with_history(_values_for(plan, periods, rng), KPIValue, batch_size=500)
    return plan
