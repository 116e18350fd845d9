"""Who may open the risk register's pages: everyone signed in reads them, anonymous people sign in first, the
pages take no POST, an unknown reference is not found, and the links to the forms show only to those who may use
them."""

import pytest
from django.urls import reverse

from tests.factories import RiskFactory, SubgroupFactory, UserFactory

pytestmark = pytest.mark.django_db

READERS = ["viewer", "other_chair", "chair", "manager", "admin"]


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def risk(action):
    """A risk held by the action's lead subgroup, whose chair is the `chair` persona."""
    return RiskFactory(lead_body=action.lead)


def urls(risk):
    return {
        "register": reverse("risks:risk-list"),
        "risk": reverse("risks:risk-detail", args=[risk.reference]),
        "heat-map": reverse("risks:heat-map"),
        "export": reverse("risks:risk-export"),
    }


PAGES = ["register", "risk", "heat-map", "export"]
TABLE = [(persona, page, 200) for persona in READERS for page in PAGES]
TABLE += [("anon", page, 302) for page in PAGES]


@pytest.mark.parametrize(("persona_name", "page", "expected"), TABLE)
def test_permission_table(client, persona, risk, persona_name, page, expected):
    user = persona(persona_name)
    if user is not None:
        client.force_login(user)
    response = client.get(urls(risk)[page])
    assert response.status_code == expected
    if persona_name == "anon":
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("persona_name", READERS)
@pytest.mark.parametrize("page", PAGES)
def test_posting_is_refused_and_changes_nothing(client, persona, risk, persona_name, page):
    client.force_login(persona(persona_name))
    before = risk.history.count()
    assert client.post(urls(risk)[page], {"title": "Changed"}).status_code == 405
    risk.refresh_from_db()
    assert risk.title != "Changed" and risk.history.count() == before


@pytest.mark.parametrize("reference", ["R999", "R1000", "R99999"])
def test_an_unknown_reference_is_not_found(client, viewer, risk, reference):
    client.force_login(viewer)
    assert client.get(f"/risks/{reference}/").status_code == 404


@pytest.mark.parametrize("address", ["/risks/r1/", "/risks/R0/", "/risks/1/", "/risks/R1x/", "/risks/R123456/"])
def test_an_address_that_is_not_a_reference_is_not_found(client, viewer, risk, address):
    client.force_login(viewer)
    assert client.get(address).status_code == 404


FORM_LINKS = ["Record a review", "Change the risk", "Escalate to the Board", "Close the risk", "Add a control"]


@pytest.mark.parametrize(
    ("persona_name", "sees_forms", "sees_add"),
    [
        ("viewer", False, False),
        ("other_chair", False, False),
        ("chair", True, False),
        ("manager", True, True),
    ],
)
def test_the_links_to_the_forms_show_only_to_those_who_may_use_them(
    client, persona, risk, persona_name, sees_forms, sees_add
):
    client.force_login(persona(persona_name))
    page = client.get(urls(risk)["risk"]).content.decode()
    for words in FORM_LINKS:
        assert (words in page) == sees_forms, words
    if sees_forms:
        assert reverse("risks:review-add", args=[risk.reference]) in page
        assert reverse("risks:risk-edit", args=[risk.reference]) in page
    register = client.get(urls(risk)["register"]).content.decode()
    assert ("Add a risk" in register) == sees_add
    assert (reverse("risks:risk-add") in register) == sees_add


def test_the_chair_of_another_body_holding_a_risk_sees_no_forms_on_this_one(client, other_chair, risk):
    RiskFactory(lead_body=SubgroupFactory(chair=other_chair))
    client.force_login(other_chair)
    page = client.get(urls(risk)["risk"]).content.decode()
    assert "Record a review" not in page
