"""Who may open and change what on the meetings pages, and what the pages cost in queries."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import AttendanceFactory, MeetingFactory, SeatFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anon", "viewer", "member", "chair", "other_chair", "manager", "admin"]
READERS = {persona: (302 if persona == "anon" else 200) for persona in PERSONAS}
MANAGERS = {persona: {"anon": 302, "manager": 200, "admin": 200}.get(persona, 403) for persona in PERSONAS}
RECORDERS = {
    persona: {"anon": 302, "manager": 200, "admin": 200, "chair": 200}.get(persona, 403) for persona in PERSONAS
}
PAGES = ["list", "list-filtered", "detail", "agencies", "add", "edit", "generate", "attendance"]


def pages(meeting):
    return {
        "list": (reverse("meetings:meeting-list"), READERS),
        "list-filtered": (reverse("meetings:meeting-list") + f"?body={meeting.body.slug}", READERS),
        "detail": (reverse("meetings:meeting-detail", args=[meeting.pk]), READERS),
        "agencies": (reverse("meetings:agency-list"), READERS),
        "add": (reverse("meetings:meeting-add"), MANAGERS),
        "edit": (reverse("meetings:meeting-edit", args=[meeting.pk]), MANAGERS),
        "generate": (reverse("meetings:meeting-generate"), MANAGERS),
        "attendance": (reverse("meetings:attendance-edit", args=[meeting.pk]), RECORDERS),
    }


@pytest.mark.parametrize("persona_name", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_permission_table_for_the_pages(client, persona, meeting, seats, persona_name, page):
    url, table = pages(meeting)[page]
    user = persona(persona_name)
    if user:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == table[persona_name]
    if persona_name == "anon":
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_permission_table_for_the_writes(client, persona, meeting, seats, persona_name):
    """Attendance, items and closing an action: the manager and the body's chair; changing a meeting: the manager."""
    user = persona(persona_name)
    if user:
        client.force_login(user)
    may_record = RECORDERS[persona_name]
    expected = 302 if may_record == 200 else may_record
    data = {f"status-{seat.pk}": "present" for seat in seats}
    response = client.post(reverse("meetings:attendance-edit", args=[meeting.pk]), data)
    assert response.status_code == expected
    meeting.refresh_from_db()
    assert (meeting.status == Meeting.Status.HELD) == (may_record == 200)
    response = client.post(
        reverse("meetings:item-add", args=[meeting.pk]), {"kind": "decision", "text": "Agreed the terms of reference"}
    )
    assert response.status_code == expected
    assert meeting.items.exists() == (may_record == 200)
    edit = {
        "body": meeting.body.pk,
        "date_0": "21",
        "date_1": "5",
        "date_2": "2015",
        "starts_at": "10:00",
        "place": "Saltwells",
        "status": "scheduled",
    }
    response = client.post(reverse("meetings:meeting-edit", args=[meeting.pk]), edit)
    assert response.status_code == (302 if MANAGERS[persona_name] == 200 else MANAGERS[persona_name])
    meeting.refresh_from_db()
    assert (meeting.date == datetime.date(2015, 5, 21)) == (MANAGERS[persona_name] == 200)


@pytest.mark.parametrize("name", ["meeting-detail", "meeting-edit", "attendance-edit", "item-add"])
def test_guessed_ids_are_not_found(client, manager, meeting, name):
    client.force_login(manager)
    url = reverse(f"meetings:{name}", args=[meeting.pk + 1000])
    response = client.post(url) if name == "item-add" else client.get(url)
    assert response.status_code == 404


def test_an_action_of_another_body_cannot_be_closed_from_this_meeting(client, chair, meeting):
    elsewhere = MeetingFactory()
    item = elsewhere.items.create(kind="action", text="Write the protocol", owner="Someone")
    client.force_login(chair)
    response = client.post(reverse("meetings:item-close", args=[meeting.pk, item.pk]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def test_the_meeting_list_costs_the_same_however_many_meetings(client, viewer, body, django_assert_num_queries):
    seat = SeatFactory(body=body)
    client.force_login(viewer)
    url = reverse("meetings:meeting-list")
    for day in (1, 2):
        AttendanceFactory(meeting=MeetingFactory(body=body, date=datetime.date(2015, 6, day)), seat=seat)
    client.get(url)
    # The session, the user (with their roles), the bodies for the filter, the meetings with their counts.
    with django_assert_num_queries(4):
        first = client.get(url)
    for day in range(3, 20):
        AttendanceFactory(meeting=MeetingFactory(body=body, date=datetime.date(2015, 6, day)), seat=seat)
    with django_assert_num_queries(4):
        second = client.get(url)
    assert second.content.decode().count('id="meeting-') == first.content.decode().count('id="meeting-') + 17


def test_the_manager_sees_the_flags_in_a_fixed_number_of_queries(client, manager, body, django_assert_num_queries):
    seat = SeatFactory(body=body)
    client.force_login(manager)
    for day in range(1, 10):
        AttendanceFactory(
            meeting=MeetingFactory(body=body, date=datetime.date(2015, 6, day), status="held"),
            seat=seat,
            status="absent",
        )
    # The four of a reader's page, then the flags: the bodies, the agencies and the attendance rows.
    with django_assert_num_queries(7):
        page = client.get(reverse("meetings:meeting-list")).content.decode()
    assert f"{seat.agency.name} at the {body.name} (9 meetings" in page


def test_the_agencies_page_costs_the_same_however_many_meetings(
    client, viewer, body, period, django_assert_num_queries
):
    seat = SeatFactory(body=body)
    client.force_login(viewer)
    url = reverse("meetings:agency-list")
    AttendanceFactory(meeting=MeetingFactory(body=body, date=datetime.date(2015, 4, 2), status="held"), seat=seat)
    # The session, the user, the active plan, its periods, the agencies, the period's attendance rows, the KPIs
    # computed from attendance, then the flags: the bodies and the attendance rows.
    with django_assert_num_queries(9):
        client.get(url)
    for day in range(3, 20):
        AttendanceFactory(meeting=MeetingFactory(body=body, date=datetime.date(2015, 4, day), status="held"), seat=seat)
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert "18 of 18" in page
