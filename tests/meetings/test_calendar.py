"""Calendar feeds: a person's private feed of their bodies' meetings and deadlines, at a secret address they can
reset; the board's public feed of meetings without papers or names."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import FEED_AHEAD, FEED_BACK
from meetings.models import CalendarFeed, Meeting
from meetings.services import calendar_feed_for, meeting_save
from plans.models import BusinessPlan
from plans.services import period_meeting_move
from tests.factories import MeetingFactory, ReportingPeriodFactory, SeatFactory, SubgroupFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://plans.example.org"
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def today():
    return timezone.localdate()


def feed_url(user):
    return reverse("meetings:person-feed", args=[calendar_feed_for(user=user).secret])


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def body(action):
    """The action's lead subgroup, chaired by `chair` with `member` on it."""
    return action.lead


@pytest.fixture
def ahead(body, today):
    """A meeting of the body three weeks ahead, at 10am, and the plan's period whose updates are due before it."""
    return MeetingFactory(body=body, date=today + 21 * DAY, starts_at=datetime.time(10), place="Council House")


@pytest.fixture
def current_period(action, today):
    plan = action.objective.priority.plan
    plan.periods.all().delete()
    BusinessPlan.objects.filter(pk=plan.pk).update(starts_on=today - 60 * DAY, ends_on=today + 300 * DAY)
    return ReportingPeriodFactory(
        plan=plan,
        number=1,
        starts_on=today - 60 * DAY,
        ends_on=today,
        deadline=today + 10 * DAY,
        meeting_on=today + 17 * DAY,
        papers_deadline=today + 14 * DAY,
    )


def test_the_feed_holds_the_next_meetings_and_the_deadlines_due(client, chair, body, ahead, current_period, today):
    other = MeetingFactory(body=SubgroupFactory(name="Elsewhere"), date=today + 7 * DAY)
    found = events(client.get(feed_url(chair)))
    meeting = found[f"meeting-{ahead.pk}@plans.example.org"]
    assert str(meeting["summary"]) == body.name
    start = meeting.decoded("dtstart")
    assert (start.date(), start.hour, str(start.tzinfo)) == (ahead.date, 10, "Europe/London")
    assert str(meeting["location"]) == "Council House"
    assert f"{SITE}/meetings/{ahead.pk}/" in str(meeting["description"])
    assert (meeting["sequence"], str(meeting["status"])) == (0, "CONFIRMED")
    assert "dtstamp" in meeting
    deadline = found[f"deadline-{current_period.pk}@plans.example.org"]
    assert deadline.decoded("dtstart") == current_period.deadline
    assert str(deadline["summary"]) == f"Updates due: {current_period}"
    assert f"papers-{current_period.pk}@plans.example.org" not in found, "the papers deadline is the manager's"
    assert f"meeting-{other.pk}@plans.example.org" not in found, "not a body of theirs"


def test_the_manager_has_every_deadline_and_the_papers(client, manager, current_period):
    found = events(client.get(feed_url(manager)))
    papers = found[f"papers-{current_period.pk}@plans.example.org"]
    assert papers.decoded("dtstart") == current_period.papers_deadline
    assert f"deadline-{current_period.pk}@plans.example.org" in found


def test_nothing_due_no_deadlines_and_a_seat_brings_its_bodys_meetings(client, viewer, current_period, today):
    assert events(client.get(feed_url(viewer))) == {}, "the viewer sits on nothing and nothing is due from them"
    executive = SubgroupFactory(name="Safeguarding Executive", slug="safeguarding-executive")
    SeatFactory(body=executive, user=viewer, person_name="Vi Ewer")
    meeting = MeetingFactory(body=executive, date=today + 30 * DAY, period=current_period)
    found = events(client.get(feed_url(viewer)))
    assert list(found) == [f"meeting-{meeting.pk}@plans.example.org"]
    report = reverse("reports:executive-report", args=[current_period.plan.slug, current_period.number])
    assert f"{SITE}{report}" in str(found[f"meeting-{meeting.pk}@plans.example.org"]["description"])


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence(client, manager, chair, body, ahead):
    url = feed_url(chair)
    uid = f"meeting-{ahead.pk}@plans.example.org"
    assert events(client.get(url))[uid]["sequence"] == 0
    fields = {"body": body, "starts_at": ahead.starts_at, "place": ahead.place}
    meeting_save(user=manager, meeting=ahead, date=ahead.date + 7 * DAY, **fields)
    moved = events(client.get(url))[uid]
    assert moved["sequence"] == 1 and moved.decoded("dtstart").date() == ahead.date
    meeting_save(user=manager, meeting=ahead, date=ahead.date, status=Meeting.Status.CANCELLED, **fields)
    cancelled = events(client.get(url))[uid]
    assert (cancelled["sequence"], str(cancelled["status"])) == (2, "CANCELLED")


def test_a_deadline_moved_with_its_meeting_keeps_its_uid_with_a_higher_sequence(client, manager, current_period):
    url = feed_url(manager)
    uid = f"deadline-{current_period.pk}@plans.example.org"
    before = events(client.get(url))[uid]
    period_meeting_move(period=current_period, meeting_on=current_period.meeting_on + 7 * DAY, user=manager)
    current_period.refresh_from_db()
    after = events(client.get(url))[uid]
    assert after["sequence"] > before["sequence"]
    assert after.decoded("dtstart") == current_period.deadline


def test_a_wrong_or_reset_address_is_not_found(client, chair, ahead):
    old = feed_url(chair)
    assert client.get(old).status_code == 200
    assert client.get(reverse("meetings:person-feed", args=["x" * 43])).status_code == 404
    client.force_login(chair)
    response = client.post(reverse("meetings:calendar-reset"), follow=True)
    assert "Your calendar has a new address" in response.content.decode()
    client.logout()
    assert client.get(old).status_code == 404
    new = feed_url(chair)
    assert new != old and client.get(new).status_code == 200
    assert len(CalendarFeed.objects.get(user=chair).secret) >= 43


def test_an_inactive_persons_feed_is_not_found(client, chair, ahead):
    url = feed_url(chair)
    chair.is_active = False
    chair.save()
    assert client.get(url).status_code == 404


def test_the_feed_covers_a_window_only(client, chair, body, today):
    inside = [today - FEED_BACK, today + FEED_AHEAD]
    outside = [today - FEED_BACK - DAY, today + FEED_AHEAD + DAY]
    made = {day: MeetingFactory(body=body, date=day) for day in inside + outside}
    found = events(client.get(feed_url(chair)))
    assert {uid for uid in found if uid.startswith("meeting-")} == {
        f"meeting-{made[day].pk}@plans.example.org" for day in inside
    }


def test_the_public_feed_has_dates_times_and_bodies_and_no_papers_or_names(client, body, ahead, today):
    SeatFactory(body=body, person_name="Priya Private", email="priya@example.org")
    cancelled = MeetingFactory(body=body, date=today + 40 * DAY, status=Meeting.Status.CANCELLED)
    response = client.get(reverse("meetings:board-feed"))  # anonymous
    found = events(response)
    meeting = found[f"meeting-{ahead.pk}@plans.example.org"]
    assert str(meeting["summary"]) == body.name
    assert meeting.decoded("dtstart").hour == 10
    assert str(found[f"meeting-{cancelled.pk}@plans.example.org"]["status"]) == "CANCELLED"
    text = response.content.decode()
    for private in ("DESCRIPTION", "URL", "LOCATION", "/meetings/", "Council House", "Priya", "priya@", "executive"):
        assert private not in text


@pytest.mark.parametrize("feed", ["person", "board"])
def test_the_feeds_read_a_fixed_number_of_queries(
    client, manager, body, current_period, today, feed, django_assert_num_queries
):
    SeatFactory(body=body, user=manager, person_name="Manager")
    url = feed_url(manager) if feed == "person" else reverse("meetings:board-feed")
    # person: the feed and its person (1), the active plan (1), the memberships, seats and the manager's role (3),
    # the meetings (1), the periods with their saves (1); board: the meetings (1)
    queries = 7 if feed == "person" else 1
    MeetingFactory(body=body, date=today + DAY)
    with django_assert_num_queries(queries):
        first = len(events(client.get(url)))
    for n in range(20):
        MeetingFactory(body=body, date=today + (n + 2) * DAY)
    with django_assert_num_queries(queries):
        assert len(events(client.get(url))) == first + 20


@pytest.mark.parametrize("persona_name", ["chair", "member", "supporter", "other_chair", "manager", "viewer", "anon"])
def test_each_person_sees_only_their_own_address(client, persona, persona_name):
    people = [persona(name) for name in ("chair", "member", "supporter", "other_chair", "manager", "viewer")]
    secrets = {person.pk: calendar_feed_for(user=person).secret for person in people}
    user = persona(persona_name)
    url = reverse("meetings:calendar")
    if user is None:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.post(reverse("meetings:calendar-reset")).status_code == 302
        assert all(CalendarFeed.objects.get(user_id=pk).secret == secret for pk, secret in secrets.items())
        return
    client.force_login(user)
    text = client.get(url).content.decode()
    assert f"/calendar/{secrets[user.pk]}.ics" in text
    assert not any(secret in text for pk, secret in secrets.items() if pk != user.pk)
    assert "/calendar/board.ics" in text
    client.post(reverse("meetings:calendar-reset"))
    changed = {pk for pk, secret in secrets.items() if CalendarFeed.objects.get(user_id=pk).secret != secret}
    assert changed == {user.pk}, "the reset changes their own address and nobody else's"


def test_my_work_links_the_calendar_page(client, chair):
    client.force_login(chair)
    assert f'href="{reverse("meetings:calendar")}"' in client.get(reverse("progress:my-work")).content.decode()


def test_a_feed_is_made_once_per_person(chair):
    assert calendar_feed_for(user=chair) == calendar_feed_for(user=chair)
    assert CalendarFeed.objects.filter(user=chair).count() == 1
    assert UserFactory() and CalendarFeed.objects.count() == 1


def test_two_first_visits_at_once_give_the_person_one_feed(chair):
    """The visit that lost the race finds the other tab's feed saved when it saves its own: it takes that one."""
    from meetings.services import _calendar_feed_create

    first = calendar_feed_for(user=chair)
    assert _calendar_feed_create(user=chair) == first
    assert CalendarFeed.objects.filter(user=chair).count() == 1


def test_the_history_keeps_who_reset_the_address_and_not_the_secret(chair):
    from meetings.services import calendar_feed_reset

    calendar_feed_for(user=chair)
    calendar_feed_reset(user=chair)
    rows = CalendarFeed.history.filter(user=chair)
    assert [row.history_user for row in rows] == [chair, chair]
    assert not hasattr(rows.first(), "secret")


def test_a_seat_brings_only_the_meetings_while_it_sits(client, viewer, today):
    board = SubgroupFactory(name="The Board")
    SeatFactory(body=board, user=viewer, starts_on=today - 100 * DAY, ends_on=today)
    sat = MeetingFactory(body=board, date=today - 10 * DAY)
    left = MeetingFactory(body=board, date=today + 10 * DAY)
    found = events(client.get(feed_url(viewer)))
    assert list(found) == [f"meeting-{sat.pk}@plans.example.org"]
    assert f"meeting-{left.pk}@plans.example.org" not in found
