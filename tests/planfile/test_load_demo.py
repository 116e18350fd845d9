"""load_demo: the demo plan, people and progress of the README's quick start, through the real importer."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kpis.models import KPI, KPIValue
from meetings.models import Agency, Attendance, Deputy, Meeting, Seat
from meetings.services import attendance_figures
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority
from progress.selectors import plan_rows
from risks.models import Control, Escalation, Review, Risk
from subgroups.models import Membership, Subgroup

pytestmark = pytest.mark.django_db


def snapshot():
    models = [BusinessPlan, ReportingPeriod, StrategicPriority, Objective, Action, KPI, Subgroup, Membership]
    models += [Agency, Seat, Meeting, Attendance, Risk, Control, Review, Escalation]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["users"] = get_user_model().objects.count()
    counts["updates"] = list(ProgressUpdate.objects.order_by("pk").values_list("pk", "status", "version"))
    counts["values"] = KPIValue.objects.count()
    counts["risks"] = list(Risk.objects.values_list("reference", "version", "current_likelihood", "current_impact"))
    counts["periods"] = list(ReportingPeriod.objects.order_by("number").values_list("number", "state"))
    return counts


def test_loads_the_dscb_plan_accounts_and_demo_progress(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", "--password", "another-demo-password", stdout=out)
    plan = BusinessPlan.objects.get(slug="2015-16")
    assert plan.status == BusinessPlan.Status.ACTIVE
    assert (plan.priorities.count(), Objective.objects.count(), Action.objects.count(), KPI.objects.count()) == (
        3,
        8,
        26,
        22,
    )
    states = dict(plan.periods.values_list("number", "state"))
    assert states == {1: "locked", 2: "locked", 3: "locked", 4: "open", 5: "upcoming", 6: "upcoming"}
    assert ProgressUpdate.objects.filter(period__number__in=[1, 2, 3]).count() == 26 * 3 - 3
    assert not ProgressUpdate.objects.filter(period__number__gt=3).exists()
    assert ProgressUpdate.objects.filter(is_demo=False).count() == 0
    # Every KPI in periods 1 to 3 but the six-monthly 2.3.K1 (first due in period 3) and the audits' 3.3.K1 and
    # 3.3.K2 (computed for period 3 only, when the rounds close); five already in period 4.
    assert KPIValue.objects.filter(period__number__in=[1, 2, 3]).count() == 22 * 3 - 2 - 4
    assert sorted(KPIValue.objects.filter(period__number=4).values_list("kpi__ref", flat=True)) == [
        "1.2.K2",
        "1.2.K3",
        "2.2.K3",
        "2.2.K4",
        "3.3.K4",
    ]
    for username in ["admin", "manager", "viewer", "chair-quality-assurance", "chair-safeguarding-executive"]:
        assert authenticate(username=username, password="another-demo-password") is not None, username
        assert username in out.getvalue()
    assert "  chair-quality-assurance" in out.getvalue() and "Rachel Turner" in out.getvalue()
    for subgroup in Subgroup.objects.all():
        chair = Membership.objects.get(subgroup=subgroup, role=Membership.Role.CHAIR).user
        expected = "chair-dscb" if subgroup.name == "Chair of DSCB" else f"chair-{subgroup.slug}"
        assert chair.username == expected
    assert get_user_model().objects.get(username="admin").is_superuser
    assert get_user_model().objects.get(username="manager").groups.filter(name="Board manager").exists()
    assert get_user_model().objects.get(username="viewer").groups.filter(name="Viewer").exists()


def test_updates_are_attributed_to_the_lead_subgroups_chair_in_history(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    update = ProgressUpdate.objects.select_related("action__lead", "author").first()
    assert update.author == update.action.lead.memberships.get(role=Membership.Role.CHAIR).user
    assert update.history.get().history_user == update.author
    assert all(update.reason for update in ProgressUpdate.objects.filter(status__in=["amber", "red"]))


def test_running_it_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_refuses_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())
    assert not BusinessPlan.objects.exists()
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert BusinessPlan.objects.filter(slug="2015-16").exists()


def test_each_percentage_kpi_has_its_own_series(demo):
    plan, _ = demo
    series = {}
    percentages = KPI.objects.filter(objective__priority__plan=plan, kind=KPI.Kind.PERCENTAGE)
    # 3.3.K1 and 3.3.K2 are computed from the audit rounds, once, for the period each round closes in (period 3).
    for kpi in percentages.exclude(value_source=KPI.Source.AUDITS):
        series[kpi.ref] = tuple(kpi.values.filter(period__number__in=[1, 2, 3]).values_list("value", flat=True))
    assert len(series) == 10 and all(len(values) == 3 for values in series.values())
    computed = percentages.filter(value_source=KPI.Source.AUDITS)
    assert sorted(computed.values_list("ref", "values__period__number")) == [("3.3.K1", 3), ("3.3.K2", 3)]
    assert len(set(series.values())) == len(series), series
    # Values that fit what each measures: neglect is the category of under half of child protection plans, few
    # contacts closed with no further action come back within a year, and audits are counted in ones.
    neglect, re_referred = series["1.2.K4"], series["2.2.K4"]
    assert all(40 <= value <= 50 for value in neglect) and all(value < 15 for value in re_referred)
    audits = KPI.objects.get(objective__priority__plan=plan, ref="3.3.K3")
    assert list(audits.values.values_list("value", flat=True)) == [1, 2, 3]


def ratings(plan, number):
    period = plan.periods.get(number=number)
    rows = plan_rows(plan, period).kpi_rows
    return {row.kpi.ref: row.rating.label for row in rows if row.rating}


def test_kpis_are_red_amber_and_green_against_their_targets(demo):
    plan, _ = demo
    targeted = KPI.objects.filter(objective__priority__plan=plan, target__isnull=False)
    assert targeted.count() == 11 and targeted.filter(direction=KPI.Direction.LOWER).count() == 2
    # The reporting period, Period 4, where five KPIs already have this period's figures.
    assert ratings(plan, 4) == {
        "1.2.K2": "Amber",
        "1.2.K3": "Green",
        "2.2.K3": "Green",
        "2.2.K4": "Green",
        "3.3.K4": "Red",
    }
    # Period 3, the last reported to the board: every KPI with a target rated, some met and some not.
    period_3 = ratings(plan, 3)
    assert set(period_3) == set(targeted.values_list("ref", flat=True))
    assert {
        rating: sorted(ref for ref in period_3 if period_3[ref] == rating) for rating in set(period_3.values())
    } == {
        "Red": ["1.2.K2", "3.3.K2", "3.3.K4"],
        "Amber": ["1.1.K1", "1.1.K3", "3.3.K1"],
        "Green": ["1.1.K2", "1.2.K3", "2.2.K3", "2.2.K4", "3.3.K3"],
    }


def test_the_dashboard_shows_red_amber_and_green_kpis(client, demo):
    _, users = demo
    client.force_login(users["viewer"])
    text = client.get("/").content.decode()
    kpis = text.split('id="kpis"', 1)[1].split("</table>", 1)[0]
    for rating in ("Red", "Amber", "Green"):
        assert re.search(rf'class="govuk-tag[^"]*"[^>]*>\s*{rating}\s*<', kpis), rating


def test_demo_history_is_dated_in_the_plan_year(demo):
    plan, _ = demo
    first = datetime.datetime.combine(plan.starts_on, datetime.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    last = datetime.datetime.combine(plan.ends_on, datetime.time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))

    def in_the_year(moment):
        return first <= moment <= last

    updates = ProgressUpdate.objects.filter(period__plan=plan).select_related("period")
    assert updates.count() == 75
    for update in updates:
        deadline = datetime.datetime.combine(update.period.deadline, datetime.time(23, 59), tzinfo=first.tzinfo)
        # Sent in its period's last days, before the deadline; saved then; its history says so.
        assert update.period.starts_on <= update.submitted_at.date() and update.submitted_at <= deadline
        assert update.created_at == update.updated_at == update.submitted_at
        assert [record.history_date for record in update.history.all()] == [update.submitted_at]
    values = KPIValue.objects.filter(period__plan=plan).select_related("period")
    for value in values:
        assert value.period.starts_on <= value.updated_at.date() <= value.period.deadline
        assert [record.history_date for record in value.history.all()] == [value.updated_at]
    assert all(in_the_year(moment) for moment in [*updates.values_list("updated_at", flat=True)])
    # Everything the demo wrote: the plan and its parts, the periods opened and locked, the people's memberships.
    for model in (BusinessPlan, ReportingPeriod, StrategicPriority, Objective, Action, KPI, Subgroup, Membership):
        dates = model.history.values_list("history_date", flat=True)
        assert dates and all(in_the_year(moment) for moment in dates), model.__name__
    assert in_the_year(BusinessPlan.objects.get(pk=plan.pk).created_at)
    locked = ReportingPeriod.history.filter(plan_id=plan.pk, state=ReportingPeriod.State.LOCKED)
    assert sorted(record.history_date.date() for record in locked) == [
        period.locks_on for period in plan.periods.filter(number__in=[1, 2, 3])
    ]


def test_demo_people_have_names_and_readable_usernames(demo):
    _, users = demo
    people = get_user_model().objects.filter(username__in=users)
    assert people.count() == 12
    for person in people:
        assert person.first_name and person.last_name, person.username
        assert not person.first_name.startswith("Chair"), person.username
        assert person.email == f"{person.first_name}.{person.last_name}@example.org".lower(), person.username
        assert "chair-chair" not in person.username
    assert len({person.get_full_name() for person in people}) == 12
    board_chair = users["chair-dscb"]
    assert sorted(board_chair.memberships.values_list("subgroup__name", flat=True)) == ["Chair of DSCB", "DSCB"]
    assert not get_user_model().objects.filter(username__startswith="chair-chair").exists()


def test_the_demo_has_the_boards_agencies_seats_meetings_and_attendance(client, demo):
    plan, users = demo
    assert 12 <= Agency.objects.count() <= 14 and Agency.objects.filter(is_statutory=True).count() >= 10
    assert Seat.objects.filter(body__slug="dscb").count() == 14
    assert Seat.objects.filter(body__slug="safeguarding-executive").count() == 9
    assert not Seat.objects.filter(is_demo=False).exists() and Deputy.objects.count() == 3
    # The Safeguarding Executive: one meeting per period, on its meeting date, linked to it; the Board quarterly.
    executive = Meeting.objects.filter(body__slug="safeguarding-executive").select_related("period")
    assert [(m.period.number, m.date) for m in executive] == [(p.number, p.meeting_on) for p in plan.periods.all()]
    assert Meeting.objects.filter(body__slug="dscb").count() == 4
    # Attendance up to the meeting period 3 reports to; later meetings are still to come.
    last = plan.periods.get(number=3).meeting_on
    assert not Meeting.objects.filter(date__lte=last).exclude(status="held").exists()
    assert not Meeting.objects.filter(date__gt=last).exclude(status="scheduled").exists()
    statuses = set(Attendance.objects.values_list("status", flat=True))
    assert statuses == {"present", "deputy", "apologies", "absent"}
    # Their history is the board's year: set up on its first morning, attendance on each meeting's day.
    first = datetime.datetime.combine(plan.starts_on, datetime.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    for model in (Agency, Seat, Deputy, Meeting, Attendance):
        dates = set(model.history.values_list("history_date", flat=True))
        assert dates and all(first <= moment <= first + datetime.timedelta(days=366) for moment in dates), model
    record = Attendance.history.filter(meeting__date=last).first()
    assert record.history_user == users["manager"] and record.history_date.date() == last
    # KPI 3.3.K4 is computed, attributed to the manager, below 100% in every period with meetings held.
    kpi = KPI.objects.get(objective__priority__plan=plan, ref="3.3.K4")
    assert kpi.is_computed
    values = list(kpi.values.order_by("period__number"))
    assert [value.period.number for value in values] == [1, 2, 3, 4]
    assert all(value.value < 100 and value.entered_by == users["manager"] for value in values)
    measure = kpi.attendance_measure
    for value in values:
        assert attendance_figures(measure, value.period) == (value.numerator, value.denominator)
    # Probation has missed the Safeguarding Executive three times in a row: the manager is told.
    client.force_login(users["manager"])
    page = client.get(reverse("meetings:meeting-list")).content.decode()
    assert "National Probation Service at the Safeguarding Executive (3 meetings" in page
    page = client.get(reverse("meetings:agency-list")).content.decode()
    assert "National Probation Service at the Safeguarding Executive" in page


def test_the_demo_has_a_risk_register_reviewed_at_the_executive_in_periods_1_to_3(demo):
    risks = list(Risk.objects.prefetch_related("reviews__meeting__period", "controls", "actions").order_by("number"))
    assert [risk.reference for risk in risks] == [f"R{n}" for n in range(1, 9)]
    assert all(risk.is_demo and risk.is_open and risk.cause and risk.event and risk.effect for risk in risks)
    assert {risk.level for risk in risks} == {"board", "executive"}
    assert all(2 <= len(risk.controls.all()) <= 3 for risk in risks)
    # Owners are the demo's seat people, with their agencies; the bodies are the Board and the Executive.
    seats = {seat.person_name: seat.agency_id for seat in Seat.objects.filter(is_demo=True)}
    assert all(seats[risk.owner_name] == risk.owner_agency_id for risk in risks)
    assert {risk.lead_body.slug for risk in risks} == {"dscb", "safeguarding-executive"}
    # Each risk reviewed at the Safeguarding Executive meeting of periods 1, 2 and 3, moving up, down or not at all.
    executive = {
        m.period.number: m for m in Meeting.objects.filter(body__slug="safeguarding-executive", period__isnull=False)
    }
    for risk in risks:
        reviews = list(risk.reviews.all())
        assert [(r.meeting, r.reviewed_on) for r in reviews] == [(executive[n], executive[n].date) for n in (1, 2, 3)]
        last = reviews[-1]
        assert (risk.current_likelihood, risk.current_impact) == (last.likelihood, last.impact)
        assert risk.last_reviewed_on == last.reviewed_on
        months = settings.RISK_REVIEW_MONTHS[risk.current.band.code]
        assert risk.next_review_on == last.reviewed_on + relativedelta(months=months)
    directions = Review.objects.values_list("direction", flat=True)
    assert set(directions) == {"up", "down", "same"}
    # One escalated to the Board, with its record; it is a Safeguarding Executive risk.
    escalated = [risk for risk in risks if risk.is_escalated]
    assert len(escalated) == 1 and escalated[0].level == "executive"
    assert list(escalated[0].escalations.values_list("kind", "on")) == [("escalated", executive[2].date)]
    # One linked to an action whose update is Red in period 3.
    red = set(ProgressUpdate.objects.filter(period__number=3, status="red").values_list("action_id", flat=True))
    assert [risk.reference for risk in risks if {a.pk for a in risk.actions.all()} & red] == ["R2"]
    # The risk linked to KPI 3.3.K4, Red in period 4 since its last review, is flagged for review.
    assert [risk.reference for risk in risks if risk.review_suggested] == ["R3"]
    assert "3.3.K4" in Risk.objects.get(reference="R3").review_suggested


def test_demo_risks_history_is_the_managers_and_dated_at_each_review(demo):
    plan, users = demo
    risk = Risk.objects.get(reference="R2")
    records = list(risk.history.order_by("history_date"))
    assert {record.history_user for record in records} == {users["manager"]}
    # Added on the plan's first morning, then one record on each review's day with the score set there.
    assert records[0].history_date.date() == plan.starts_on
    assert [(r.history_date.date(), r.current_likelihood, r.current_impact) for r in records[1:]] == [
        (review.reviewed_on, review.likelihood, review.impact) for review in risk.reviews.all()
    ]
    as_at = risk.reviews.all()[1].reviewed_on + datetime.timedelta(days=1)
    then = risk.history.as_of(datetime.datetime.combine(as_at, datetime.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE)))
    assert (then.current_likelihood, then.current_impact) == (3, 3) != (risk.current_likelihood, risk.current_impact)
    assert all(r.history_user == users["manager"] for r in Review.history.all())


def test_the_register_and_the_heat_map_show_the_demo_risks(client, demo):
    _, users = demo
    client.force_login(users["viewer"])
    register = client.get(reverse("risks:risk-list")).content.decode()
    assert sorted(set(re.findall(r'href="/risks/(R[0-9])/"', register))) == [f"R{n}" for n in range(1, 9)]
    # R2 went from Medium to Very high over the summer: the heat map as at each date places it where it was.
    url = reverse("risks:heat-map")

    def cell_of(reference, as_at):
        page = client.get(url, {"as_at": as_at}).content.decode()
        cells = re.findall(r'data-cell="(\d)x(\d)">(.*?)</td>', page, re.S)
        return [(int(l), int(i)) for l, i, text in cells if re.search(rf"\b{reference}\b", text)]  # noqa: E741

    assert cell_of("R2", "2015-06-30") == [(2, 3)]
    assert cell_of("R2", "2015-10-31") == [(4, 4)]
