"""The demo data: the DSCB 2015/16 plan, its people and illustrative progress (the README's quick start loads it).

Like planfile, this sits above the other apps: it fills priorities' and kpis' tables for the demo plan.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kpis.models import KPI, KPIValue
from kpis.services import kpi_value_percentage
from planfile.services import plan_import
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority
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

# Illustrative values, each KPI its own, in the order of periods 1, 2, 3 (all reported and locked) and 4 (open):
# (numerator, denominator) for a percentage, a number for a count, received or not (None: not due) for a
# monitoring report. Against the targets in the plan file, period 3 has Red, Amber and Green KPIs, and so does
# period 4, where the subgroups that own some KPIs have already entered this period's figures.
KPI_SERIES = {
    # Target 75%, Amber within 5 points: rising, just short in period 3.
    "1.1.K1": [(58, 94), (66, 97), (71, 95)],
    # Target 90%, Amber within 5: met since period 2.
    "1.1.K2": [(151, 168), (160, 171), (158, 170)],
    # Target 85%, Amber within 10: 14 partner agencies' Section 11 returns.
    "1.1.K3": [(9, 14), (10, 14), (11, 14)],
    "1.2.K1": [True, True, True],
    # Target 80%, Amber within 10: Red until period 4.
    "1.2.K2": [(28, 52), (35, 57), (40, 60), (46, 58)],
    # Lower is better; target 25%, Amber within 5.
    "1.2.K3": [(14, 38), (12, 41), (11, 44), (9, 43)],
    # Context, not a target: the share of child protection plans with neglect as the category.
    "1.2.K4": [(124, 281), (131, 286), (129, 279)],
    "1.2.K5": [True, False, True],
    "2.1.K1": [True, True, False],
    "2.2.K1": [True, True, True],
    # Context, not a target: about a quarter of contacts become referrals.
    "2.2.K2": [(412, 1630), (398, 1544), (436, 1592)],
    # Target 85%, Amber within 5.
    "2.2.K3": [(331, 412), (340, 398), (379, 436), (362, 421)],
    # Lower is better; target 10%, Amber within 3.
    "2.2.K4": [(92, 780), (84, 765), (71, 742), (68, 733)],
    "2.2.K5": [False, True, True],
    # Six-monthly: first due in period 3.
    "2.3.K1": [None, None, True],
    "3.1.K1": [True, True, True],
    "3.1.K2": [True, False, True],
    "3.2.K1": [False, True, True],
    # Target 100%, Amber within 10: 16 partner agencies.
    "3.3.K1": [(12, 16), (14, 16), (15, 16)],
    # Target 95%, Amber within 10: 104 schools and colleges.
    "3.3.K2": [(61, 104), (78, 104), (83, 104)],
    # Two multi-agency audits a period, Amber at one.
    "3.3.K3": [1, 2, 3],
    # Target 100%, Amber within 10: 26 member agencies.
    "3.3.K4": [(21, 26), (23, 26), (22, 26), (20, 26)],
}
# For a KPI the demo does not know (a plan file changed by hand): a series by kind.
KPI_VALUES = {
    "percentage": [(41, 60), (47, 62), (52, 63)],
    "count": [3, 5, 8],
    "report": [True, True, False],
    "yes_no": [False, True, True],
}
REPORT_NOTES = {
    True: "Received and discussed at the Safeguarding Executive.",
    False: "Not received by the deadline; the board business unit has asked for it for the next meeting.",
}

# The demo's people: fictional. The chair of each subgroup by slug; a subgroup not named here gets a chair
# named after it.
PEOPLE = {
    "admin": ("Gareth", "Lewis"),
    "manager": ("Helen", "Morris"),
    "viewer": ("Priya", "Sharma"),
}
CHAIRS = {
    "communication": ("Daniel", "Okoro"),
    "dscb": ("Margaret", "Ellis"),
    "mash": ("Imran", "Hussain"),
    "participation": ("Chloe", "Bennett"),
    "practitioners": ("Aisha", "Begum"),
    "quality-assurance": ("Rachel", "Turner"),
    "safeguarding-executive": ("David", "Clarke"),
    "vulnerable-children": ("Joanne", "Price"),
    "workforce-development": ("Marcus", "Campbell"),
}
# The plan names a role as the lead of two actions ("Chair of DSCB"); the board's chair holds it.
SAME_CHAIR = {"chair-of-dscb": "dscb"}


def chair_username(subgroup):
    """The demo login of the subgroup's chair: chair-<subgroup slug>, one for the board's chair and its role."""
    return f"chair-{SAME_CHAIR.get(subgroup.slug, subgroup.slug)}"


def _at(day, hour, minute=0):
    """A moment on `day`, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _before_deadline(period, index):
    """When the index-th update or value of a period was sent: one to five days before its deadline, in office
    hours, spread so that no two in a row read alike."""
    day = period.deadline - datetime.timedelta(days=1 + index % 5)
    return _at(day, 9 + (index * 5) % 8, (index * 13) % 60)


@transaction.atomic
def demo_load(*, password=DEMO_PASSWORD):
    """Load the demo plan, accounts and illustrative progress; running it again changes nothing.

    What the demo writes carries dates in the plan year: the plan and its people from its first day, each update
    and value a few days before its period's deadline, each period locked when its grace period ran out.
    """
    started = timezone.now()
    plan = BusinessPlan.objects.filter(slug=DEMO_PLAN_SLUG).first()
    imported = plan is None
    if imported:
        result = plan_import(
            content=DEMO_PLAN_FILE.read_bytes(),
            filename=DEMO_PLAN_FILE.name,
            activate=not BusinessPlan.objects.active().exists(),
        )
        if result.problems:
            raise ValueError("The demo plan file has problems: " + "; ".join(str(p) for p in result.problems))
        plan = result.plan
    first_day = _at(plan.starts_on, 9)
    users = _demo_users(plan, password, joined=first_day)
    periods = {period.number: period for period in plan.periods.all()}
    for number, period in periods.items():
        if number in LOCKED_PERIODS and period.state != ReportingPeriod.State.LOCKED:
            period.state = ReportingPeriod.State.LOCKED
            period._history_date = _at(period.locks_on, 7)  # locked by lock_overdue_periods, overnight
            period.save(update_fields=["state"])
    open_period = periods.get(OPEN_PERIOD)
    if open_period and not plan.periods.filter(state=ReportingPeriod.State.OPEN).exists():
        open_period.state = ReportingPeriod.State.OPEN
        open_period._history_date = _at(open_period.starts_on, 9)
        open_period._history_user = users["manager"]
        open_period.save(update_fields=["state"])
    _demo_updates(plan, periods, users)
    _demo_kpi_values(plan, periods, users)
    if imported:
        _dated_from_the_first_day(plan, since=started, first_day=first_day)
    return plan, users


def _dated_from_the_first_day(plan, *, since, first_day):
    """Move what this load wrote today (the plan, its subgroups and memberships, and their history) to the plan's
    first day, keeping the order it was written in."""
    shift = since - first_day
    BusinessPlan.objects.filter(pk=plan.pk).update(created_at=first_day)
    for model in (BusinessPlan, ReportingPeriod, StrategicPriority, Objective, Action, KPI, Subgroup, Membership):
        model.history.filter(history_date__gte=since).update(history_date=F("history_date") - shift)


def _demo_users(plan, password, *, joined):
    User = get_user_model()
    created = {}

    def account(username, first_name, last_name, **fields):
        email = f"{first_name}.{last_name}@example.org".lower().replace(" ", "-")
        defaults = {"first_name": first_name, "last_name": last_name, "email": email, "date_joined": joined}
        user, was_created = User.objects.get_or_create(username=username, defaults=defaults | fields)
        if was_created:
            user.set_password(password)
            user.save()
        created[username] = user
        return user

    account("admin", *PEOPLE["admin"], is_staff=True, is_superuser=True)
    manager = account("manager", *PEOPLE["manager"], is_staff=True)
    manager.groups.add(Group.objects.get(name=BOARD_MANAGER))
    viewer = account("viewer", *PEOPLE["viewer"])
    viewer.groups.add(Group.objects.get(name=VIEWER))
    for subgroup in Subgroup.objects.order_by("name"):
        name = CHAIRS.get(SAME_CHAIR.get(subgroup.slug, subgroup.slug), (subgroup.name, "Chair"))
        chair = account(chair_username(subgroup), *name)
        Membership.objects.get_or_create(subgroup=subgroup, user=chair, defaults={"role": Membership.Role.CHAIR})
    return created


def _demo_updates(plan, periods, users):
    existing = set(ProgressUpdate.objects.filter(period__plan=plan).values_list("action_id", "period__number"))
    written = []
    for index, action in enumerate(Action.objects.in_plan(plan)):
        author = users[chair_username(action.lead)]
        for number, status in zip(LOCKED_PERIODS, TRAJECTORIES.get(action.code, ()), strict=False):
            if status is None or (action.pk, number) in existing:
                continue
            sent = _before_deadline(periods[number], index)
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
                submitted_at=sent,
            )
            update._history_user = author
            update._history_date = sent
            update.save()
            update.created_at = update.updated_at = sent
            written.append(update)
    _saved_when_sent(ProgressUpdate, written)


def _saved_when_sent(model, rows):
    """Give rows (and their one history record each) the created and saved times of when they were sent, which
    auto_now and auto_now_add replaced with today on save."""
    model.objects.bulk_update(rows, ["created_at", "updated_at"])
    by_pk = {row.pk: row for row in rows}
    records = list(model.history.filter(id__in=list(by_pk)))
    for record in records:
        record.created_at = by_pk[record.id].created_at
        record.updated_at = by_pk[record.id].updated_at
    model.history.bulk_update(records, ["created_at", "updated_at"])


def _kpi_sample(kpi, index):
    """The demo's value of the KPI in the index-th period (0 for period 1), or None."""
    series = KPI_SERIES.get(kpi.ref)
    if series is None:
        series = KPI_VALUES[kpi.kind]
    return series[index] if index < len(series) else None


def _demo_kpi_values(plan, periods, users):
    existing = set(KPIValue.objects.filter(period__plan=plan).values_list("kpi_id", "period__number"))
    kpis = KPI.objects.filter(objective__priority__plan=plan).select_related("owner", "objective__priority")
    written = []
    for index, kpi in enumerate(kpis):
        author = users[chair_username(kpi.owner)]
        for position, number in enumerate((*LOCKED_PERIODS, OPEN_PERIOD)):
            sample = _kpi_sample(kpi, position)
            if sample is None or number not in periods or (kpi.pk, number) in existing:
                continue
            entered = _before_deadline(periods[number], index + 2)
            value = KPIValue(kpi=kpi, period=periods[number], is_demo=True, entered_by=author)
            if kpi.kind == KPI.Kind.PERCENTAGE:
                value.numerator, value.denominator = sample
                value.value = kpi_value_percentage(*sample)
            elif kpi.kind == KPI.Kind.COUNT:
                value.value = Decimal(sample)
            else:
                value.received = sample
                value.note = REPORT_NOTES[sample] if kpi.kind == KPI.Kind.REPORT else ""
            value._history_user = author
            value._history_date = entered
            value.save()
            value.created_at = value.updated_at = entered
            written.append(value)
    _saved_when_sent(KPIValue, written)
