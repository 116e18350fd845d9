"""The demo data: the DSCB 2015/16 plan, its people and illustrative progress (the README's quick start loads it).

Like planfile, this sits above the other apps: it fills priorities' and kpis' tables for the demo plan.
"""

from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from kpis.models import KPI, KPIValue
from kpis.services import kpi_value_percentage
from planfile.services import plan_import
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, ProgressUpdate
from subgroups.models import Membership, Subgroup
from subgroups.roles import BOARD_MANAGER, VIEWER

DEMO_PLAN_FILE = Path(__file__).resolve().parent / "data" / "dscb-2015-16.csv"
DEMO_PLAN_SLUG = "2015-16"
DEMO_PASSWORD = "dscb-demo-2015"  # noqa: S105 - the demo password the README publishes
LOCKED_PERIODS = (1, 2, 3)
OPEN_PERIOD = 4

# Status of each action in periods 1, 2 and 3: mostly on track, some slippage, a few delivered.
TRAJECTORIES = {
    "1.1.1": ("not_started", "green", "green"),
    "1.1.2": ("green", "amber", "green"),
    "1.2.1": ("green", "green", "amber"),
    "1.2.2": ("not_started", "amber", "red"),
    "1.2.3": ("green", "green", "green"),
    "2.1.1": ("green", "green", "complete"),
    "2.1.2": ("green", "green", "green"),
    "2.1.3": ("green", "amber", "amber"),
    "2.2.1": ("green", "complete", None),
    "2.2.2": ("not_started", "green", "green"),
    "2.2.3": ("not_started", "not_started", "green"),
    "2.2.4": ("green", "green", "amber"),
    "2.2.5": ("green", "green", "green"),
    "2.3.1": ("amber", "amber", "red"),
    "2.3.2": ("not_started", "green", "green"),
    "3.1.1": ("green", "green", "green"),
    "3.1.2": ("green", "green", "complete"),
    "3.1.3": ("not_started", "green", "amber"),
    "3.1.4": ("not_started", "green", "green"),
    "3.2.1": ("green", "amber", "green"),
    "3.2.2": ("green", "green", "green"),
    "3.3.1": ("green", "green", "green"),
    "3.3.2": ("green", "complete", None),
    "3.3.3": ("green", "green", "green"),
    "3.3.4": ("not_started", "not_started", "amber"),
    "3.3.5": ("green", "green", None),
}

PROGRESS = {
    "not_started": "Planned for later in the year; the subgroup has agreed when work will begin.",
    "green": "Work is on track. The subgroup reviewed progress at its meeting and agreed the next milestones.",
    "amber": "Work has slipped against the timetable; the subgroup has agreed a recovery plan.",
    "red": "Work is off track and has been escalated to the Safeguarding Executive.",
    "complete": "Delivered and signed off by the subgroup; evidence is held by the board business unit.",
}
IMPACT = {
    "not_started": "",
    "green": "Practitioners report clearer guidance; this period's case audits record the child's voice more often.",
    "amber": "Too early to evidence impact on children and young people; audit planned next period.",
    "red": "No impact can yet be evidenced for children and young people.",
    "complete": "Audit of cases since delivery shows the change in practice is reaching children and families.",
}
NEXT_STEPS = {
    "not_started": "Agree terms of reference and a timetable.",
    "green": "Continue as planned and report progress at the next Safeguarding Executive.",
    "amber": "Deliver the recovery plan and report back next period.",
    "red": "Safeguarding Executive to agree additional capacity and a revised date.",
    "complete": "Monitor through the Quality Assurance framework.",
}
REASONS = {
    "amber": "Partner agency capacity over the summer delayed the work by about six weeks.",
    "red": "The lead officer post has been vacant since the last period and no cover has been agreed.",
}

# Illustrative values for periods 1 to 3: (numerator, denominator) for percentages, a number for counts,
# received or not for monitoring reports.
KPI_VALUES = {
    "percentage": [(41, 60), (47, 62), (52, 63)],
    "count": [3, 5, 8],
    "report": [True, True, False],
    "yes_no": [False, True, True],
}


def chair_username(subgroup):
    return f"chair-{subgroup.slug}"


@transaction.atomic
def demo_load(*, password=DEMO_PASSWORD):
    """Load the demo plan, accounts and illustrative progress; running it again changes nothing."""
    plan = BusinessPlan.objects.filter(slug=DEMO_PLAN_SLUG).first()
    if plan is None:
        result = plan_import(
            content=DEMO_PLAN_FILE.read_bytes(),
            filename=DEMO_PLAN_FILE.name,
            activate=not BusinessPlan.objects.active().exists(),
        )
        if result.problems:
            raise ValueError("The demo plan file has problems: " + "; ".join(str(p) for p in result.problems))
        plan = result.plan
    users = _demo_users(plan, password)
    periods = {period.number: period for period in plan.periods.all()}
    for number, period in periods.items():
        if number in LOCKED_PERIODS and period.state != ReportingPeriod.State.LOCKED:
            period.state = ReportingPeriod.State.LOCKED
            period.save(update_fields=["state"])
    open_period = periods.get(OPEN_PERIOD)
    if open_period and not plan.periods.filter(state=ReportingPeriod.State.OPEN).exists():
        open_period.state = ReportingPeriod.State.OPEN
        open_period.save(update_fields=["state"])
    _demo_updates(plan, periods, users)
    _demo_kpi_values(plan, periods, users)
    return plan, users


def _demo_users(plan, password):
    User = get_user_model()
    created = {}

    def account(username, **fields):
        user, was_created = User.objects.get_or_create(username=username, defaults=fields)
        if was_created:
            user.set_password(password)
            user.save()
        created[username] = user
        return user

    account("admin", is_staff=True, is_superuser=True, first_name="Demo", last_name="Admin", email="admin@example.org")
    manager = account(
        "manager", is_staff=True, first_name="Demo", last_name="Business Manager", email="manager@example.org"
    )
    manager.groups.add(Group.objects.get(name=BOARD_MANAGER))
    viewer = account("viewer", first_name="Demo", last_name="Board Member", email="viewer@example.org")
    viewer.groups.add(Group.objects.get(name=VIEWER))
    for subgroup in Subgroup.objects.order_by("name"):
        chair = account(
            chair_username(subgroup),
            first_name="Chair of",
            last_name=subgroup.name,
            email=f"{chair_username(subgroup)}@example.org",
        )
        Membership.objects.get_or_create(subgroup=subgroup, user=chair, defaults={"role": Membership.Role.CHAIR})
    return created


def _demo_updates(plan, periods, users):
    existing = set(ProgressUpdate.objects.filter(period__plan=plan).values_list("action_id", "period__number"))
    for action in Action.objects.in_plan(plan):
        author = users[chair_username(action.lead)]
        for number, status in zip(LOCKED_PERIODS, TRAJECTORIES.get(action.code, ()), strict=False):
            if status is None or (action.pk, number) in existing:
                continue
            update = ProgressUpdate(
                action=action,
                period=periods[number],
                status=status,
                progress=PROGRESS[status],
                impact=IMPACT[status],
                next_steps=NEXT_STEPS[status],
                reason=REASONS.get(status, ""),
                is_demo=True,
                author=author,
                submitted_at=timezone.now(),
            )
            update._history_user = author
            update.save()


def _demo_kpi_values(plan, periods, users):
    existing = set(KPIValue.objects.filter(period__plan=plan).values_list("kpi_id", "period__number"))
    kpis = KPI.objects.filter(objective__priority__plan=plan).select_related("owner", "objective__priority")
    for kpi in kpis:
        author = users[chair_username(kpi.owner)]
        for index, number in enumerate(LOCKED_PERIODS):
            if (kpi.pk, number) in existing:
                continue
            sample = KPI_VALUES[kpi.kind][index]
            value = KPIValue(kpi=kpi, period=periods[number], is_demo=True, entered_by=author)
            if kpi.kind == KPI.Kind.PERCENTAGE:
                value.numerator, value.denominator = sample
                value.value = kpi_value_percentage(*sample)
            elif kpi.kind == KPI.Kind.COUNT:
                value.value = Decimal(sample)
            else:
                value.received = sample
                value.note = "Report received and discussed." if sample else "Report not yet received."
            value._history_user = author
            value.save()
