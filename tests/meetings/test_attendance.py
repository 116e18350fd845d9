"""Attendance: recorded in one form, counted as a KPI by hand, quorum, and agencies absent three times in a row."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpis.models import KPIValue
from kpis.services import kpi_value_save
from meetings.models import Agency, Meeting
from meetings.services import (
    agencies_absent_in_a_row,
    attendance_figures,
    attendance_measure_set,
    attendance_record,
    meeting_save,
    quorum,
)
from tests.factories import (
    AgencyFactory,
    AttendanceFactory,
    DeputyFactory,
    KPIFactory,
    MeetingFactory,
    QuorumRuleFactory,
    SeatFactory,
    SubgroupFactory,
)
from yearend.services import plan_roll_over

pytestmark = pytest.mark.django_db

MAY = datetime.date(2015, 5, 14)


@pytest.fixture
def attendance_kpi(kpi, body, manager):
    """The `kpi` fixture made the attendance KPI of the chair's body and one other body."""
    other = SubgroupFactory(name="Safeguarding Executive", slug="safeguarding-executive")
    attendance_measure_set(kpi=kpi, bodies=[body, other], user=manager)
    kpi.refresh_from_db()
    return kpi


def test_the_attendance_kpi_by_hand(client, chair, manager, body, period, attendance_kpi):
    """Period 1 (April and May 2015). At the body's meeting: a member present, one by deputy, one with apologies,
    and one who left in April is not expected. At the other measured body's meeting: one absent, one present. A
    meeting of an unmeasured body, one in June and one not held are not counted: 3 represented of 5 expected."""
    other = attendance_kpi.attendance_measure.bodies.exclude(pk=body.pk).get()
    present, deputised, apologies = (SeatFactory(body=body, person_name=name) for name in ("Ann", "Bea", "Cal"))
    SeatFactory(body=body, person_name="Left", ends_on=datetime.date(2015, 4, 30))
    absent, there = SeatFactory(body=other), SeatFactory(body=other)
    unmeasured = SeatFactory()
    meeting = MeetingFactory(body=body, date=MAY)
    client.force_login(chair)
    page = client.get(reverse("meetings:attendance-edit", args=[meeting.pk])).content.decode()
    assert "Ann" in page and "Left" not in page, "a member who left before the meeting is not expected"
    response = client.post(
        reverse("meetings:attendance-edit", args=[meeting.pk]),
        {
            f"status-{present.pk}": "present",
            f"status-{deputised.pk}": "deputy",
            f"deputy-{deputised.pk}": "Dee Puty",
            f"status-{apologies.pk}": "apologies",
        },
    )
    assert response.status_code == 302
    value = KPIValue.objects.get(kpi=attendance_kpi, period=period)
    assert (value.numerator, value.denominator, value.value) == (2, 3, Decimal("66.67"))
    assert value.entered_by == chair and value.history.latest().history_user == chair
    attendance_record(
        meeting=MeetingFactory(body=other, date=datetime.date(2015, 5, 20)),
        user=manager,
        rows={absent.pk: ("absent", ""), there.pk: ("present", "")},
    )
    attendance_record(meeting=MeetingFactory(body=unmeasured.body, date=MAY), user=manager, rows={})
    attendance_record(meeting=MeetingFactory(body=body, date=datetime.date(2015, 6, 11)), user=manager, rows={})
    not_held = MeetingFactory(body=body, date=datetime.date(2015, 5, 28))
    AttendanceFactory(meeting=not_held, seat=present, status="present")
    value.refresh_from_db()
    assert (value.numerator, value.denominator, value.value) == (3, 5, Decimal("60.00"))
    assert value.entered_by == manager
    assert attendance_figures(attendance_kpi.attendance_measure, period) == (3, 5)
    assert list(value.history.values_list("value", flat=True)) == [Decimal("60.00"), Decimal("66.67")]


def test_a_computed_kpi_cannot_be_entered(client, manager, period, attendance_kpi):
    client.force_login(manager)
    response = client.get(reverse("kpis:value-edit", args=[attendance_kpi.pk, period.number]))
    assert response.status_code == 403
    assert "This KPI is computed from meeting attendance" in response.content.decode()
    response = client.post(
        reverse("kpis:value-edit", args=[attendance_kpi.pk, period.number]),
        {"numerator": "1", "denominator": "1", "version": "0"},
    )
    assert response.status_code == 403
    assert not KPIValue.objects.exists()
    with pytest.raises(ValidationError, match="computed from meeting attendance"):
        kpi_value_save(kpi=attendance_kpi, period=period, user=manager, values={"value": 1}, expected_version=0)
    page = client.get(attendance_kpi.get_absolute_url()).content.decode()
    assert 'id="kpi-computed"' in page and reverse("meetings:agency-list") in page
    assert reverse("kpis:value-edit", args=[attendance_kpi.pk, period.number]) not in page


def test_the_agencies_page_names_the_kpi_computed_from_attendance_until_it_is_archived(
    client, manager, period, attendance_kpi
):
    client.force_login(manager)
    link = f'<a class="govuk-link" href="{attendance_kpi.get_absolute_url()}">{attendance_kpi.code}</a> is computed'
    assert link in client.get(reverse("meetings:agency-list")).content.decode()
    attendance_kpi.archived = True
    attendance_kpi.save()
    page = client.get(reverse("meetings:agency-list")).content.decode()
    assert 'id="attendance-summary"' in page
    assert attendance_kpi.code not in page


def test_my_work_does_not_ask_for_a_computed_kpi(client, chair, period, kpi, manager):
    entered = KPIFactory(objective=kpi.objective, owner=kpi.owner, name="An entered KPI")
    client.force_login(chair)
    page = client.get(reverse("progress:my-work")).content.decode()
    assert kpi.name in page and entered.name in page
    attendance_measure_set(kpi=kpi, bodies=[kpi.owner], user=manager)
    page = client.get(reverse("progress:my-work")).content.decode()
    assert kpi.name not in page and entered.name in page


def test_one_form_one_save_for_25_seats_with_the_exceptions(client, manager, body):
    seats = [SeatFactory(body=body, person_name=f"Member {n:02}") for n in range(25)]
    DeputyFactory(seat=seats[3], name="Named Deputy")
    meeting = MeetingFactory(body=body, date=MAY)
    client.force_login(manager)
    page = client.get(reverse("meetings:attendance-edit", args=[meeting.pk])).content.decode()
    assert page.count('<option value="present" selected>') == 25
    assert '<option value="Named Deputy">' in page
    data = {f"status-{seats[0].pk}": "apologies", f"status-{seats[1].pk}": "absent"}
    data.update({f"status-{seats[3].pk}": "deputy", f"deputy-{seats[3].pk}": "Named Deputy"})
    data["in_attendance"] = "A presenter\n\nAn observer"
    response = client.post(reverse("meetings:attendance-edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    statuses = dict(meeting.attendances.values_list("seat__person_name", "status"))
    assert len(statuses) == 25 and list(statuses.values()).count("present") == 22
    assert meeting.in_attendance_list == ["A presenter", "An observer"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "22 present, 1 by deputy, 1 apologies, 1 absent" in page and "Named Deputy" in page


def test_a_deputy_without_a_name_is_refused_and_what_was_typed_kept(client, chair, body):
    seats = [SeatFactory(body=body, person_name=name) for name in ("Ann", "Bea")]
    meeting = MeetingFactory(body=body, date=MAY)
    client.force_login(chair)
    data = {f"status-{seats[0].pk}": "apologies", f"status-{seats[1].pk}": "deputy", "in_attendance": "Observer"}
    response = client.post(reverse("meetings:attendance-edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the name of the deputy who came for Bea" in page
    assert page.count("Enter the name of the deputy who came for Bea") == 2, "in the summary and beside the field"
    assert '<option value="apologies" selected>' in page and "Observer" in page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED and not meeting.attendances.exists()


def test_quorum_by_members_and_by_statutory_agencies(body, manager):
    statutory, other = AgencyFactory(is_statutory=True), AgencyFactory(is_statutory=False)
    seats = [SeatFactory(body=body, agency=agency) for agency in (statutory, statutory, other, other)]
    meeting = MeetingFactory(body=body, date=MAY)
    rows = {seats[0].pk: ("present", ""), seats[1].pk: ("apologies", ""), seats[2].pk: ("deputy", "D")}
    rows[seats[3].pk] = ("absent", "")
    attendance_record(meeting=meeting, user=manager, rows=rows)
    attendances = list(meeting.attendances.select_related("seat__agency"))
    assert quorum(meeting, attendances).met is None
    rule = QuorumRuleFactory(body=body, kind="members", number=2)
    assert quorum(meeting, attendances).met is True
    rule.number = 3
    rule.save()
    assert quorum(meeting, attendances).words == "Not quorate: 2 members present or deputised, at least 3 needed"
    rule.kind, rule.number = "statutory_agencies", 1
    rule.save()
    assert quorum(meeting, attendances).met is True
    rule.number = 2
    rule.save()
    assert quorum(meeting, attendances).met is False


def _held(body, day, rows):
    meeting = MeetingFactory(body=body, date=datetime.date(2015, 4, day), status="held")
    for seat, status in rows:
        AttendanceFactory(meeting=meeting, seat=seat, status=status, deputy_name="D" if status == "deputy" else "")
    return meeting


def test_an_agency_absent_from_three_meetings_of_a_body_in_a_row_is_flagged(body):
    police, health = AgencyFactory(name="Police"), AgencyFactory(name="Health")
    officer, nurse = SeatFactory(body=body, agency=police), SeatFactory(body=body, agency=health)
    other_body = SubgroupFactory()
    elsewhere = SeatFactory(body=other_body, agency=police)

    def flagged():
        runs = agencies_absent_in_a_row({b.pk: b for b in (body, other_body)}, {a.pk: a for a in Agency.objects.all()})
        return [(run.body, run.agency.name, len(run.meetings)) for run in runs]

    _held(body, 1, [(officer, "absent"), (nurse, "present")])
    _held(body, 2, [(officer, "apologies"), (nurse, "deputy")])
    _held(other_body, 3, [(elsewhere, "present")])  # another body's meeting does not break the run
    assert flagged() == []
    _held(body, 4, [(officer, "absent"), (nurse, "apologies")])
    assert flagged() == [(body, "Police", 3)]
    MeetingFactory(body=body, date=datetime.date(2015, 4, 5))  # scheduled, no attendance: not counted
    _held(body, 6, [(officer, "deputy"), (nurse, "absent")])
    assert flagged() == [], "a deputy ends the run"


def test_a_held_meeting_cancelled_or_moved_out_of_the_period_takes_its_attendance_with_it(
    manager, body, period, attendance_kpi
):
    seats = [SeatFactory(body=body) for _ in range(2)]
    kept = MeetingFactory(body=body, date=datetime.date(2015, 4, 16))
    attendance_record(meeting=kept, user=manager, rows={seats[0].pk: ("apologies", "")})
    moved = MeetingFactory(body=body, date=MAY)
    attendance_record(meeting=moved, user=manager, rows={})
    value = KPIValue.objects.get(kpi=attendance_kpi, period=period)
    assert (value.numerator, value.denominator) == (3, 4)
    meeting_save(user=manager, meeting=moved, body=body, date=datetime.date(2015, 6, 4), starts_at=moved.starts_at)
    value.refresh_from_db()
    assert (value.numerator, value.denominator) == (1, 2)
    meeting_save(user=manager, meeting=kept, body=body, date=kept.date, starts_at=kept.starts_at, status="cancelled")
    assert not KPIValue.objects.filter(kpi=attendance_kpi, period=period).exists()


def test_next_years_plan_computes_the_same_kpi_from_the_same_bodies(manager, attendance_kpi):
    plan = attendance_kpi.objective.priority.plan
    plan.starts_on, plan.ends_on = datetime.date(2015, 4, 1), datetime.date(2016, 3, 31)
    plan.save()
    new = plan_roll_over(plan=plan, user=manager)
    copied = new.priorities.get().objectives.get().kpis.get(ref=attendance_kpi.ref)
    assert copied.is_computed
    assert set(copied.attendance_measure.bodies.all()) == set(attendance_kpi.attendance_measure.bodies.all())


def test_two_people_recording_attendance_at_once_do_not_overwrite_each_other(client, chair, manager, body):
    """The chair and the manager open the form at the same version; the manager saves first. The chair's save is
    refused with what they entered kept, and saving again, knowingly, keeps theirs."""
    ann, bea = SeatFactory(body=body, person_name="Ann"), SeatFactory(body=body, person_name="Bea")
    meeting = MeetingFactory(body=body, date=MAY)
    url = reverse("meetings:attendance-edit", args=[meeting.pk])
    client.force_login(chair)
    opened = client.get(url).context["form"]["version"].value()
    attendance_record(meeting=meeting, user=manager, rows={ann.pk: ("apologies", "")}, expected_version=opened)

    chairs = {"version": opened, f"status-{ann.pk}": "present", f"status-{bea.pk}": "deputy", f"deputy-{bea.pk}": "Dee"}
    response = client.post(url, chairs)
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this meeting since you opened the page" in page
    assert 'value="Dee"' in page, "what the chair typed is kept"
    recorded = dict(meeting.attendances.values_list("seat__person_name", "status"))
    assert recorded == {"Ann": "apologies", "Bea": "present"}

    again = {**chairs, "version": response.context["form"]["version"].value()}
    assert client.post(url, again).status_code == 302
    assert dict(meeting.attendances.values_list("seat__person_name", "status")) == {"Ann": "present", "Bea": "deputy"}
    assert meeting.attendances.get(seat=bea).history.latest().history_user == chair
