"""Who is one of the board's people, and what follows: the menu offers Self-assessment and Assurance only to them,
the plan page and the Reports page offer the annual report draft only to those who may download it, and the pages
themselves refuse everyone else, whether or not a link was shown. A user is never offered a link to a refusal.

The board's people: the manager, the admin (a superuser), a viewer, a subgroup's chair or member, someone with a
seat on a body. Not: someone who is only an audit contact (or substitute), or a signed-in account with no part at
all. The annual report draft holds every audit round's results, so an audit contact is refused it even when they are
also a member (they see only their own organisation's rounds in the audits)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.auth import PasswordBackend
from subgroups.roles import (
    AUDIT_CONTACT_PART,
    PARTS,
    SEAT_PART,
    is_audit_contact,
    is_board_manager,
    is_board_person,
    parts_of,
)
from tests.factories import (
    MembershipFactory,
    ReportingPeriodFactory,
    ReturnFactory,
    SeatFactory,
    UserFactory,
    make_manager,
    make_viewer,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "manager",
    "admin",
    "viewer",
    "chair",
    "member",
    "seat_holder",
    "contact",
    "substitute",
    "contact_member",
    "contact_seat_holder",
    "nobody",
]
BOARD = {"manager", "admin", "viewer", "chair", "member", "seat_holder", "contact_member", "contact_seat_holder"}
AUDIT_CONTACTS = {"contact", "substitute", "contact_member", "contact_seat_holder"}

# persona: (menu offers Self-assessment and Assurance, the annual report link is offered,
#           /self-assessment/, /assurance/, the annual report draft)
EXPECTED = {
    "manager": (True, True, 200, 200, 200),
    "admin": (True, True, 200, 200, 200),
    "viewer": (True, True, 200, 200, 200),
    "chair": (True, True, 200, 200, 200),
    "member": (True, True, 200, 200, 200),
    "seat_holder": (True, True, 200, 200, 200),
    "contact": (False, False, 404, 404, 403),
    "substitute": (False, False, 404, 404, 403),
    "contact_member": (True, False, 200, 200, 403),
    "contact_seat_holder": (True, False, 200, 200, 403),
    "nobody": (False, True, 404, 404, 200),
}
NAV_SELF_ASSESSMENT = '<a class="govuk-service-navigation__link" href="/self-assessment/">Self-assessment</a>'
NAV_ASSURANCE = '<a class="govuk-service-navigation__link" href="/assurance/">Assurance</a>'


@pytest.fixture
def plan(action):
    """The active plan of the `action` fixture, with a reporting period."""
    plan = action.objective.priority.plan
    ReportingPeriodFactory(plan=plan, number=1)
    return plan


@pytest.fixture
def people(action, chair):
    lead = action.lead
    member = MembershipFactory(subgroup=lead, user=UserFactory(username="member")).user
    seat_holder = SeatFactory(user=UserFactory(username="seat-holder")).user
    contact = ReturnFactory(contact=UserFactory(username="contact")).contact
    substitute = ReturnFactory(substitute=UserFactory(username="substitute")).substitute
    contact_member = MembershipFactory(subgroup=lead, user=UserFactory(username="contact-member")).user
    ReturnFactory(contact=contact_member)
    contact_seat_holder = SeatFactory(user=UserFactory(username="contact-seat-holder")).user
    ReturnFactory(substitute=contact_seat_holder)
    return {
        "manager": make_manager(username="manager"),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
        "viewer": make_viewer(username="viewer"),
        "chair": chair,
        "member": member,
        "seat_holder": seat_holder,
        "contact": contact,
        "substitute": substitute,
        "contact_member": contact_member,
        "contact_seat_holder": contact_seat_holder,
        "nobody": UserFactory(username="nobody"),
    }


def test_the_table_covers_every_persona():
    assert set(EXPECTED) == set(PERSONAS)
    assert {name for name, row in EXPECTED.items() if row[0]} == BOARD


@pytest.mark.parametrize("name", PERSONAS)
def test_the_rule_says_who_is_one_of_the_boards_people(people, name):
    user = people[name]
    assert is_board_person(user) is (name in BOARD)
    assert is_audit_contact(user) is (name in AUDIT_CONTACTS)
    assert is_board_manager(user) is (name in {"manager", "admin"})


def test_the_apps_above_register_a_seat_and_an_audit_contact():
    """Without them a seat holder would be refused the board's pages, and a contact handed every round's results."""
    assert PARTS[SEAT_PART][1] is True
    assert PARTS[AUDIT_CONTACT_PART][1] is False


def test_the_parts_are_asked_once_and_kept_on_the_user(people, django_assert_num_queries):
    user = people["contact_member"]
    with django_assert_num_queries(1):
        assert parts_of(user) == {"member", AUDIT_CONTACT_PART}
        assert is_board_person(user) and is_audit_contact(user) and not is_board_manager(user)


def test_the_signed_in_user_is_loaded_with_every_part_in_one_query(people, django_assert_num_queries):
    """What each request loads (accounts.auth.PasswordBackend, from SQL built once) gives each persona the parts the
    ORM's own query gives them; an account switched off, or gone, is nobody."""
    backend = PasswordBackend()
    seen = set()
    for name, user in people.items():
        with django_assert_num_queries(1):
            loaded = backend.get_user(user.pk)
            parts = parts_of(loaded)
        assert loaded == user and loaded.username == user.username, name
        assert parts == parts_of(get_user_model().objects.get(pk=user.pk)), name
        seen |= parts
    assert seen == {"manager", "viewer", "member", SEAT_PART, AUDIT_CONTACT_PART}
    assert backend.get_user(people["contact_member"].pk).board_part_member
    people["viewer"].is_active = False
    people["viewer"].save()
    assert backend.get_user(people["viewer"].pk) is None
    assert backend.get_user(max(user.pk for user in people.values()) + 1) is None


def test_anonymous_people_are_nobody_without_a_query(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert not is_board_person(AnonymousUser())
        assert not is_audit_contact(AnonymousUser())


@pytest.mark.parametrize("name", PERSONAS)
def test_the_menu_offers_self_assessment_and_assurance_only_to_the_boards_people(client, people, plan, name):
    client.force_login(people[name])
    offered = EXPECTED[name][0]
    for url in (reverse("reports:dashboard"), plan.get_absolute_url(), reverse("audits:round-list")):
        page = client.get(url).content.decode()
        assert (NAV_SELF_ASSESSMENT in page) is offered, url
        assert (NAV_ASSURANCE in page) is offered, url
        assert 'href="/audits/"' in page, url  # the contact's own room stays in the menu


@pytest.mark.parametrize("name", PERSONAS)
def test_the_annual_report_link_is_offered_only_to_those_who_may_download_it(client, people, plan, name):
    client.force_login(people[name])
    link = reverse("annualreport:annual-report", args=[plan.slug])
    offered = EXPECTED[name][1]
    plan_page = client.get(plan.get_absolute_url())
    reports_page = client.get(reverse("reports:report-list", args=[plan.slug]))
    assert plan_page.status_code == reports_page.status_code == 200
    assert (f'href="{link}"' in plan_page.content.decode()) is offered
    assert (f'href="{link}"' in reports_page.content.decode()) is offered
    assert (f'action="{link}"' in reports_page.content.decode()) is offered  # the form for another date
    assert ('id="annual-report"' in reports_page.content.decode()) is offered


@pytest.mark.parametrize("name", PERSONAS)
def test_the_pages_refuse_whoever_is_not_offered_them(client, people, plan, name):
    """Hiding a link is not access control: the pages answer by the same rule, typed in or bookmarked."""
    client.force_login(people[name])
    _, _, self_assessment, assurance, annual_report = EXPECTED[name]
    assert client.get(reverse("selfassessment:window-list")).status_code == self_assessment
    assert client.get(reverse("assurance:coverage")).status_code == assurance
    response = client.get(reverse("annualreport:annual-report", args=[plan.slug]))
    assert response.status_code == annual_report
    if annual_report == 403:
        assert "an audit contact sees only their own organisation" in response.content.decode()


@pytest.mark.parametrize("name", PERSONAS)
def test_every_offered_menu_item_and_link_opens(client, people, plan, name):
    """Whatever a page offers this person, following it is not a refusal."""
    client.force_login(people[name])
    pages = [client.get(url).content.decode() for url in (plan.get_absolute_url(), reverse("reports:dashboard"))]
    pages.append(client.get(reverse("reports:report-list", args=[plan.slug])).content.decode())
    offered = {
        url
        for url in (
            reverse("selfassessment:window-list"),
            reverse("assurance:coverage"),
            reverse("annualreport:annual-report", args=[plan.slug]),
        )
        if any(f'href="{url}"' in page for page in pages)
    }
    for url in offered:
        assert client.get(url).status_code == 200, url


def test_a_role_given_later_shows_on_the_next_request(client, people):
    """The parts are kept on the request's user only: a contact made a member sees the board's items next time."""
    contact = people["contact"]
    client.force_login(contact)
    assert NAV_ASSURANCE not in client.get(reverse("reports:dashboard")).content.decode()
    SeatFactory(user=contact)
    assert NAV_ASSURANCE in client.get(reverse("reports:dashboard")).content.decode()
    assert client.get(reverse("assurance:coverage")).status_code == 200
