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
from simple_history.utils import bulk_create_with_history

from audits.demo import demo_audits_load
from kpis.models import KPI, KPIValue
from kpis.services import kpi_value_computed, kpi_value_percentage
from meetings.models import Agency, Attendance, AttendanceMeasure, Deputy, Meeting, QuorumRule, Seat
from meetings.services import attendance_figures, attendance_measure_set, rule_dates
from planfile.services import plan_import
from planfile.signals import demo_loaded
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority
from risks.demo import demo_risks
from selfassessment.demo import demo_self_assessment_load
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
    # 3.3.K1 and 3.3.K2 are computed from the audit rounds (audits.demo).
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
    _demo_meetings(plan, periods, users)
    demo_audits_load(plan=plan, manager=users["manager"], password=password)
    _demo_kpi_values(plan, periods, users)
    demo_risks(plan=plan, periods=periods, users=users)
    demo_self_assessment_load(plan=plan, manager=users["manager"])
    demo_loaded.send(sender=demo_load, plan=plan, users=users)
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
        if kpi.is_computed:
            continue  # computed from meeting attendance (_demo_meetings) or audit returns (audits.demo)
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


# The board's partner agencies: (name, short name, slug, kind, statutory partner).
AGENCIES = [
    ("Dudley Council Children's Services", "DCS", "childrens-services", "childrens_services", True),
    ("Dudley Council Education Services", "Education", "education", "education", True),
    ("West Midlands Police", "WMP", "police", "police", True),
    ("Dudley Clinical Commissioning Group", "CCG", "ccg", "health", True),
    ("The Dudley Group NHS Foundation Trust", "DGFT", "acute-trust", "health", True),
    ("Dudley and Walsall Mental Health Partnership NHS Trust", "DWMHPT", "mental-health-trust", "health", True),
    ("Black Country Partnership NHS Foundation Trust", "BCPFT", "community-trust", "health", True),
    ("Public Health Dudley", "Public Health", "public-health", "health", True),
    ("National Probation Service", "NPS", "probation", "probation", True),
    ("Community Rehabilitation Company", "CRC", "crc", "probation", True),
    ("CAFCASS", "CAFCASS", "cafcass", "cafcass", True),
    ("Dudley Council for Voluntary Service", "DCVS", "voluntary-sector", "voluntary", False),
    ("Lay members", "Lay", "lay-members", "lay", False),
]
# The demo's seats: fictional people (is_demo), by agency slug. The chairs sit with their demo accounts.
BOARD_SEATS = [
    ("lay-members", "Margaret Ellis", "chair"),
    ("childrens-services", "Simon Pearce", "vice_chair"),
    ("education", "Helen Okafor", "member"),
    ("police", "Gary Whitehouse", "member"),
    ("ccg", "Nadia Rahman", "member"),
    ("acute-trust", "Elaine Foster", "member"),
    ("mental-health-trust", "Tom Greaves", "member"),
    ("community-trust", "Sunita Patel", "member"),
    ("public-health", "Owen Lloyd", "member"),
    ("probation", "Carol Hughes", "member"),
    ("crc", "Peter Nash", "member"),
    ("cafcass", "Fiona Grant", "member"),
    ("voluntary-sector", "Mike Adeyemi", "member"),
    ("lay-members", "Jean Walters", "member"),
]
EXECUTIVE_SEATS = [
    ("childrens-services", "David Clarke", "chair"),
    ("police", "Lisa Moran", "vice_chair"),
    ("education", "Kevin Dunn", "member"),
    ("ccg", "Anita Shah", "member"),
    ("acute-trust", "Jo Whitfield", "member"),
    ("mental-health-trust", "Ian Brookes", "member"),
    ("public-health", "Sarah Quinn", "member"),
    ("probation", "Paul Ridley", "member"),
    ("voluntary-sector", "Grace Mensah", "adviser"),
]
# Each subgroup: its chair (their account) for children's services, and three members from these agencies.
SUBGROUP_AGENCIES = ["police", "acute-trust", "education"]
DEPUTIES = {"Gary Whitehouse": "Insp. Rob Carter", "Nadia Rahman": "Beth Lowe", "Lisa Moran": "DS Amy Hale"}
# The agency that misses the Safeguarding Executive three times in a row in the demo.
ABSENT_AGENCY = "probation"
EXECUTIVE = "safeguarding-executive"
BOARD = "dscb"
ATTENDANCE_KPI = "3.3.K4"


def _demo_meetings(plan, periods, users):
    """The board's agencies and seats, its 2015/16 meetings (the Board quarterly, the Safeguarding Executive on each
    period's meeting date, the subgroups every other month) and the attendance of those held up to the meeting
    period 3 reports to, with KPI 3.3.K4 computed from it; once."""
    if Meeting.objects.filter(is_demo=True).exists():
        return
    since = timezone.now()
    agencies = {}
    for name, short_name, slug, kind, statutory in AGENCIES:
        agencies[slug], _ = Agency.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name, "kind": kind, "is_statutory": statutory}
        )
    bodies = {body.slug: body for body in Subgroup.objects.exclude(kind=Subgroup.Kind.ROLE)}
    manager = users["manager"]
    starts_on = plan.starts_on

    def seat(body, agency_slug, person_name, role, user=None):
        email = f"{person_name}.{agency_slug}@example.org".lower().replace(" ", "-").replace("..", ".")
        made = Seat(
            body=body,
            person_name=person_name,
            user=user,
            email=email,
            agency=agencies[agency_slug],
            role=role,
            starts_on=starts_on,
            is_demo=True,
        )
        made._history_user = manager
        made.save()
        if person_name in DEPUTIES:
            Deputy.objects.create(seat=made, name=DEPUTIES[person_name])
        return made

    chair_of = {slug: users.get(f"chair-{slug}") for slug in bodies}
    for agency_slug, name, role in BOARD_SEATS:
        seat(bodies[BOARD], agency_slug, name, role, chair_of[BOARD] if role == "chair" else None)
    for agency_slug, name, role in EXECUTIVE_SEATS:
        seat(bodies[EXECUTIVE], agency_slug, name, role, chair_of[EXECUTIVE] if role == "chair" else None)
    for index, (slug, body) in enumerate(sorted(bodies.items())):
        if slug in (BOARD, EXECUTIVE):
            continue
        chair = chair_of.get(slug)
        seat(body, "childrens-services", chair.get_full_name() if chair else f"{body.name} chair", "chair", chair)
        for offset, agency_slug in enumerate(SUBGROUP_AGENCIES):
            seat(body, agency_slug, DEMO_MEMBERS[(index * 3 + offset) % len(DEMO_MEMBERS)], "member")
    QuorumRule.objects.get_or_create(body=bodies[BOARD], defaults={"kind": "statutory_agencies", "number": 6})
    QuorumRule.objects.get_or_create(body=bodies[EXECUTIVE], defaults={"kind": "members", "number": 5})

    meetings = []

    def meeting(body, day, hour, place, period=None):
        made = Meeting(body=body, date=day, starts_at=datetime.time(hour), place=place, period=period, is_demo=True)
        made._history_user = manager
        made._history_date = _at(starts_on, 10)
        made.save()
        meetings.append(made)

    for day in rule_dates(
        weekday_index=1, nth=2, every_months=3, starts_on=starts_on.replace(month=6), ends_on=plan.ends_on
    ):
        meeting(bodies[BOARD], day, 14, "Council House, Dudley")
    for period in periods.values():
        if period.meeting_on:
            meeting(bodies[EXECUTIVE], period.meeting_on, 10, "Saltwells Education Development Centre", period)
    for index, (slug, body) in enumerate(sorted(bodies.items())):
        if slug not in (BOARD, EXECUTIVE):
            for day in rule_dates(
                weekday_index=index % 5, nth=1, every_months=2, starts_on=starts_on, ends_on=plan.ends_on
            ):
                meeting(body, day, 14, "Brierley Hill Civic Hall")
    for model in (Agency, Seat, Deputy, QuorumRule):  # set up on the plan's first morning
        model.history.filter(history_date__gte=since).update(history_date=_at(starts_on, 9, 15))
    last_recorded = periods[LOCKED_PERIODS[-1]].meeting_on
    _demo_attendance([m for m in meetings if m.date <= last_recorded], manager)
    kpi = KPI.objects.filter(objective__priority__plan=plan, ref=ATTENDANCE_KPI).first()
    if kpi is not None:
        measure = attendance_measure_set(kpi=kpi, bodies=list(bodies.values()), user=manager)
        for model in (KPI, AttendanceMeasure):
            model.history.filter(history_date__gte=since).update(history_date=_at(starts_on, 9, 30))
        _demo_attendance_values(measure, periods, manager)


DEMO_MEMBERS = [
    "Alan Birch",
    "Bev Cartwright",
    "Colin Dale",
    "Dawn Ellery",
    "Eddie Frost",
    "Faye Gill",
    "Hugh Iles",
    "Irene Jukes",
    "Jack Kemp",
    "Kath Lyons",
    "Leon Marsh",
    "Mandy Noakes",
    "Neil Oakes",
    "Olive Parry",
    "Phil Quarry",
    "Rita Sands",
    "Stan Tolley",
    "Tina Underhill",
    "Vic Wood",
    "Wendy Yates",
    "Yusuf Zaman",
]


def _demo_attendance(meetings, manager):
    """Attendance at each meeting: about one seat in five sends apologies, one comes by deputy, and probation
    misses the Safeguarding Executive every time."""
    for meeting_index, meeting in enumerate(sorted(meetings, key=lambda m: (m.date, m.body_id))):
        rows = []
        seats = list(Seat.objects.on(meeting.date).filter(body=meeting.body).select_related("agency"))
        for seat_index, seat in enumerate(seats):
            status, deputy = Attendance.Status.PRESENT, ""
            if meeting.body.slug == EXECUTIVE and seat.agency.slug == ABSENT_AGENCY:
                status = Attendance.Status.ABSENT
            elif seat.person_name in DEPUTIES and meeting_index % 2:
                status, deputy = Attendance.Status.DEPUTY, DEPUTIES[seat.person_name]
            elif seat.role != Seat.Role.CHAIR and (meeting_index * 3 + seat_index) % 5 == 0:
                status = Attendance.Status.APOLOGIES
            rows.append(Attendance(meeting=meeting, seat=seat, status=status, deputy_name=deputy))
        meeting.status = Meeting.Status.HELD
        meeting.in_attendance = "Helen Morris, board business manager"
        meeting._history_user = manager
        meeting._history_date = _at(meeting.date, 17)
        meeting.save(update_fields=["status", "in_attendance"])
        bulk_create_with_history(rows, Attendance, default_user=manager, default_date=_at(meeting.date, 17))


def _demo_attendance_values(measure, periods, manager):
    """KPI 3.3.K4 for each period with meetings held: computed once, dated the evening of its last meeting."""
    for period in periods.values():
        represented, expected = attendance_figures(measure, period)
        if not expected:
            continue
        value = kpi_value_computed(
            kpi=measure.kpi,
            period=period,
            user=manager,
            numerator=represented,
            denominator=expected,
            note=f"Computed from attendance: {represented} of {expected} seats represented at the meetings held.",
        )
        last = Meeting.objects.filter(
            body__in=measure.bodies.all(), status=Meeting.Status.HELD, date__range=(period.starts_on, period.ends_on)
        ).latest("date")
        when = _at(last.date, 18)
        value.created_at = value.updated_at = when
        _saved_when_sent(KPIValue, [value])
        KPIValue.history.filter(id=value.pk).update(history_date=when)
