"""Meetings: the rule generator, the period that follows its meeting, decisions and actions as matters arising."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Meeting
from meetings.services import meeting_save, rule_dates
from plans.services import period_dates_seen
from tests.factories import MeetingFactory, MeetingItemFactory, ReportingPeriodFactory, SubgroupFactory, UserFactory

pytestmark = pytest.mark.django_db

SECOND_THURSDAYS_OF_ALTERNATE_MONTHS = [
    datetime.date(2015, 4, 9),
    datetime.date(2015, 6, 11),
    datetime.date(2015, 8, 13),
    datetime.date(2015, 10, 8),
    datetime.date(2015, 12, 10),
    datetime.date(2016, 2, 11),
]


def test_the_rule_second_thursday_of_alternate_months():
    dates = rule_dates(
        weekday_index=3,
        nth=2,
        every_months=2,
        starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2016, 3, 31),
    )
    assert dates == SECOND_THURSDAYS_OF_ALTERNATE_MONTHS


def test_the_rule_last_friday_quarterly_starting_after_the_first_in_the_month():
    dates = rule_dates(
        weekday_index=4,
        nth=-1,
        every_months=3,
        starts_on=datetime.date(2015, 4, 25),
        ends_on=datetime.date(2015, 12, 31),
    )
    assert dates == [datetime.date(2015, 7, 31), datetime.date(2015, 10, 30)]
    # The last Friday of April 2015 is the 24th, before the first date: left out.


RULE = {
    "nth": "2",
    "weekday_index": "3",
    "every_months": "2",
    "starts_on_0": "1",
    "starts_on_1": "4",
    "starts_on_2": "2015",
    "ends_on_0": "31",
    "ends_on_1": "3",
    "ends_on_2": "2016",
    "starts_at": "14:00",
    "place": "Council House",
}


def test_meetings_are_previewed_then_added_then_adjusted(client, manager, body):
    MeetingFactory(body=body, date=datetime.date(2015, 6, 11))
    client.force_login(manager)
    url = reverse("meetings:meeting-generate")
    response = client.post(url, {**RULE, "body": body.pk})
    page = response.content.decode()
    assert response.status_code == 200 and "6 dates" in page and "Thursday 11 June 2015 (already has a meeting" in page
    assert Meeting.objects.filter(body=body).count() == 1, "the preview adds nothing"
    response = client.post(url, {**RULE, "body": body.pk, "confirm": "1"})
    assert response.status_code == 302
    assert sorted(Meeting.objects.filter(body=body).values_list("date", flat=True)) == (
        SECOND_THURSDAYS_OF_ALTERNATE_MONTHS
    )
    added = Meeting.objects.get(body=body, date=datetime.date(2015, 8, 13))
    assert added.history.latest().history_user == manager and added.place == "Council House"
    edit = {
        "body": body.pk,
        "date_0": "20",
        "date_1": "8",
        "date_2": "2015",
        "starts_at": "9.30",
        "is_online": "on",
        "status": "moved",
    }
    assert client.post(reverse("meetings:meeting-edit", args=[added.pk]), edit).status_code == 302
    added.refresh_from_db()
    assert (added.date, added.starts_at, added.where, added.status) == (
        datetime.date(2015, 8, 20),
        datetime.time(9, 30),
        "Online",
        "moved",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"every_months": "13"}, "Every how many months must be between 1 and 12"),
        ({"ends_on_2": "2014"}, "The last date must be on or after the first date"),
        ({"ends_on_2": "2019"}, "Generate at most two years of meetings at once"),
        ({"place": ""}, "Enter the place, or tick Online"),
        ({"starts_at": "2pm"}, "Enter the start time like 14:00"),
        ({"starts_on_2": "1915"}, "The year must be between 2000 and 2099"),
    ],
)
def test_the_rule_form_says_what_is_wrong_and_keeps_what_was_typed(client, manager, body, change, message):
    client.force_login(manager)
    response = client.post(reverse("meetings:meeting-generate"), {**RULE, "body": body.pk, **change})
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'value="Council House"' in page or "place" in change, "what was typed is kept"
    assert not Meeting.objects.exists()


@pytest.fixture
def executive(db):
    return SubgroupFactory(name="Safeguarding Executive", slug="safeguarding-executive")


def test_the_period_and_its_deadlines_follow_the_meeting_it_reports_to(client, manager, executive):
    """A period of 2027/28 (still ahead) reports to the meeting of Thursday 17 June 2027; moved to Thursday 24
    June, the period's meeting date follows, and its deadlines are counted back from it in working days: papers
    two working days before (Tuesday 22 June), updates three before that (Thursday 17 June)."""
    period = ReportingPeriodFactory(
        plan__status="draft",
        plan__starts_on=datetime.date(2027, 4, 1),
        plan__ends_on=datetime.date(2028, 3, 31),
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2027, 5, 31),
        deadline=datetime.date(2027, 6, 10),
        meeting_on=datetime.date(2027, 6, 17),
        number=1,
    )
    meeting = MeetingFactory(body=executive, date=datetime.date(2027, 6, 17))
    client.force_login(manager)
    edit = {
        "body": executive.pk,
        "date_0": "24",
        "date_1": "6",
        "date_2": "2027",
        "starts_at": "10:00",
        "place": "Council House",
        "status": "scheduled",
        "period": period.pk,
    }
    response = client.post(reverse("meetings:meeting-edit", args=[meeting.pk]), edit)
    assert response.status_code == 302, response.context["form"].errors
    period.refresh_from_db()
    assert (period.meeting_on, period.papers_deadline, period.deadline) == (
        datetime.date(2027, 6, 24),
        datetime.date(2027, 6, 22),
        datetime.date(2027, 6, 17),
    )
    assert period.history.latest().history_user == manager
    # A meeting whose deadlines would fall before the period starts cannot be the one it reports to: nothing moves.
    response = client.post(reverse("meetings:meeting-edit", args=[meeting.pk]), {**edit, "date_0": "10", "date_1": "3"})
    assert "on or after 1 April 2027, when Period 1 starts" in response.content.decode()
    meeting.refresh_from_db()
    period.refresh_from_db()
    assert meeting.date == period.meeting_on == datetime.date(2027, 6, 24)


def _period_2027(executive, day=datetime.date(2027, 6, 17)):
    period = ReportingPeriodFactory(
        plan__status="draft",
        plan__starts_on=datetime.date(2027, 4, 1),
        plan__ends_on=datetime.date(2028, 3, 31),
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2027, 5, 31),
        deadline=datetime.date(2027, 6, 10),
        meeting_on=day,
        number=1,
    )
    meeting = MeetingFactory(body=executive, date=day, starts_at=datetime.time(10, 30), period=period)
    return period, meeting


def test_moving_the_meeting_on_the_plans_page_moves_the_meeting_it_reports_to(client, manager, executive):
    """The plans page moves the period's meeting date; the Meeting row follows it, keeping its time, its sequence
    raised for the calendars, the move in its history with the manager."""
    period, meeting = _period_2027(executive)
    client.force_login(manager)
    url = reverse("plans:period-meeting", args=[period.plan.slug, period.number])
    data = {"meeting_on_0": "24", "meeting_on_1": "6", "meeting_on_2": "2027", "dates_seen": period_dates_seen(period)}
    response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    period.refresh_from_db()
    assert meeting.date == period.meeting_on == datetime.date(2027, 6, 24)
    assert period.deadline == datetime.date(2027, 6, 17)
    assert (meeting.starts_at, meeting.sequence, meeting.status) == (datetime.time(10, 30), 1, "scheduled")
    moved = meeting.history.latest()
    assert (moved.date, moved.history_user) == (datetime.date(2027, 6, 24), manager)
    assert moved.prev_record.date == datetime.date(2027, 6, 17)
    # The meeting's page shows the new date.
    assert "24 June 2027" in client.get(meeting.get_absolute_url()).content.decode()


def test_moving_the_meeting_on_its_page_moves_the_period_once(client, manager, executive):
    """The meeting's edit page moves the period (through period_meeting_move); the signal it sends finds the
    meeting moved already and changes nothing more: one history row, one sequence step."""
    period, meeting = _period_2027(executive)
    client.force_login(manager)
    edit = {
        "body": executive.pk,
        "date_0": "24",
        "date_1": "6",
        "date_2": "2027",
        "starts_at": "10:30",
        "place": meeting.place,
        "status": "scheduled",
        "period": period.pk,
    }
    rows = meeting.history.count()
    response = client.post(reverse("meetings:meeting-edit", args=[meeting.pk]), edit)
    assert response.status_code == 302, response.context["form"].errors
    meeting.refresh_from_db()
    period.refresh_from_db()
    assert meeting.date == period.meeting_on == datetime.date(2027, 6, 24)
    assert meeting.sequence == 1
    assert meeting.history.count() == rows + 1
    assert period.history.latest().history_user == manager


def test_a_cancelled_meeting_stays_where_it_was_when_the_period_moves(manager, executive):
    from plans.services import period_meeting_move

    period, meeting = _period_2027(executive)
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    period_meeting_move(period=period, meeting_on=datetime.date(2027, 6, 24), user=manager)
    meeting.refresh_from_db()
    assert (meeting.date, meeting.sequence) == (datetime.date(2027, 6, 17), 0)


def test_the_sequence_rises_when_what_a_calendar_shows_changes(manager, body):
    meeting = MeetingFactory(body=body)
    fields = {"body": body, "date": meeting.date, "starts_at": meeting.starts_at, "place": meeting.place}
    meeting_save(user=manager, meeting=meeting, **fields)
    assert meeting.sequence == 0
    meeting_save(user=manager, meeting=meeting, **{**fields, "starts_at": datetime.time(15)})
    meeting_save(user=manager, meeting=meeting, **{**fields, "starts_at": datetime.time(15), "place": "Online"})
    meeting_save(
        user=manager,
        meeting=meeting,
        **{**fields, "starts_at": datetime.time(15), "place": "Online", "status": "cancelled"},
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 3


def test_only_one_safeguarding_executive_meeting_reports_to_a_period(manager, executive, body, period):
    period.meeting_on = datetime.date(2015, 6, 17)  # the meeting's day: nothing to move
    period.save()
    meeting_save(
        user=manager,
        body=executive,
        date=datetime.date(2015, 6, 17),
        starts_at=datetime.time(10),
        period=period,
    )
    with pytest.raises(ValidationError, match="already reports to the meeting on 17 June 2015"):
        meeting_save(
            user=manager, body=executive, date=datetime.date(2015, 6, 18), starts_at=datetime.time(10), period=period
        )
    with pytest.raises(ValidationError, match="Only a Safeguarding Executive meeting"):
        meeting_save(
            user=manager, body=body, date=datetime.date(2015, 6, 18), starts_at=datetime.time(10), period=period
        )


def test_open_actions_come_back_as_matters_arising_until_closed(client, chair, body):
    first = MeetingFactory(body=body, date=datetime.date(2015, 5, 14))
    second = MeetingFactory(body=body, date=datetime.date(2015, 7, 9))
    client.force_login(chair)
    response = client.post(
        reverse("meetings:item-add", args=[first.pk]),
        {
            "kind": "action",
            "text": "Circulate the neglect toolkit",
            "owner": "Ann Smith",
            "due_on_0": "30",
            "due_on_1": "6",
            "due_on_2": "2015",
        },
    )
    assert response.status_code == 302
    client.post(reverse("meetings:item-add", args=[first.pk]), {"kind": "decision", "text": "Toolkit approved"})
    MeetingItemFactory(meeting=MeetingFactory(date=datetime.date(2015, 5, 1)), text="Another body's action")
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Circulate the neglect toolkit" in page and "From the meeting of 14 May 2015" in page
    assert "Another body&#x27;s action" not in page and "Toolkit approved" not in page
    item = first.items.get(kind="action")
    response = client.post(reverse("meetings:item-close", args=[second.pk, item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.history.latest().history_user == chair
    assert "Circulate the neglect toolkit" not in client.get(second.get_absolute_url()).content.decode()
    assert "Toolkit approved" in client.get(first.get_absolute_url()).content.decode()


def test_an_action_needs_an_owner(client, chair, meeting):
    client.force_login(chair)
    response = client.post(reverse("meetings:item-add", args=[meeting.pk]), {"kind": "action", "text": "Do it"})
    assert response.status_code == 200
    assert "Enter who owns the action" in response.content.decode() and "Do it" in response.content.decode()
    assert not meeting.items.exists()


def test_a_period_of_the_plan_links_only_a_safeguarding_executive_meeting_through_the_form(client, manager, body):
    period = ReportingPeriodFactory()
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting-add"),
        {
            "body": body.pk,
            "date_0": "17",
            "date_1": "6",
            "date_2": "2015",
            "starts_at": "10:00",
            "is_online": "on",
            "status": "scheduled",
            "period": period.pk,
        },
    )
    assert response.status_code == 200
    assert "Only a Safeguarding Executive meeting reads a reporting period" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_standing_item_links_the_report_an_app_above_registers(client, viewer, meeting, monkeypatch):
    from meetings import agenda

    monkeypatch.setattr(agenda, "ISSUED_REPORT_FINDERS", [])
    client.force_login(viewer)
    assert "No reporting period reports to this meeting" in client.get(meeting.get_absolute_url()).content.decode()
    agenda.register_issued_report_finder(lambda found: ("/reports/issued/7/", "Safeguarding Executive report"))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert '<a class="govuk-link" href="/reports/issued/7/">Safeguarding Executive report</a>' in page


def test_two_managers_changing_a_meeting_at_once_do_not_overwrite_each_other(client, manager, body):
    meeting = MeetingFactory(body=body, date=datetime.date(2015, 8, 13), place="Council House")
    url = reverse("meetings:meeting-edit", args=[meeting.pk])
    client.force_login(manager)
    opened = client.get(url).context["form"]["version"].value()
    meeting_save(user=UserFactory(), meeting=meeting, place="Brierley Hill Civic Hall", body=body, version=opened)

    mine = {
        "version": opened,
        "body": body.pk,
        "date_0": "20",
        "date_1": "8",
        "date_2": "2015",
        "starts_at": "14:00",
        "place": "Saltwells",
        "status": "moved",
    }
    response = client.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this meeting since you opened the page" in page
    assert 'value="Saltwells"' in page
    meeting.refresh_from_db()
    assert (meeting.place, meeting.date) == ("Brierley Hill Civic Hall", datetime.date(2015, 8, 13))

    assert client.post(url, {**mine, "version": response.context["form"]["version"].value()}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.date) == ("Saltwells", datetime.date(2015, 8, 20))
