"""Who may open and send each of the risk register's forms: the manager everywhere, the chair of the risk's lead body
for that risk (not for adding one), nobody else; a refusal changes nothing, and a guessed reference is not found."""

import datetime

import pytest
from django.urls import reverse

from risks.models import Control, Escalation, Review, Risk
from tests.factories import ControlFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anon", "viewer", "member", "other_chair", "chair", "manager", "admin"]
EDITORS = {"anon": 302, "chair": 200, "manager": 200, "admin": 200}
ADDERS = {"anon": 302, "manager": 200, "admin": 200}
PAGES = ["add", "edit", "control-add", "control-edit", "review", "escalation", "close"]


@pytest.fixture
def control(risk):
    return ControlFactory(risk=risk, description="Multi-agency CSE panel")


def day(prefix, when):
    return {f"{prefix}_0": str(when.day), f"{prefix}_1": str(when.month), f"{prefix}_2": str(when.year)}


def risk_data(risk, **changes):
    return {
        "reference": risk.reference,
        "title": "Lead officer post vacant",
        "cause": risk.cause,
        "event": risk.event,
        "effect": risk.effect,
        "category": risk.category,
        "level": risk.level,
        "lead_body": risk.lead_body_id,
        "owner_name": "Jo Whitfield",
        "treatment": "treat",
        "inherent_likelihood": "4",
        "inherent_impact": "5",
        "current_likelihood": "3",
        "current_impact": "4",
        "target_likelihood": "2",
        "target_impact": "3",
        **day("opened_on", risk.opened_on),
        "version": risk.version,
        **changes,
    }


def pages(risk, control):
    ref = risk.reference
    return {
        "add": (reverse("risks:risk-add"), ADDERS),
        "edit": (reverse("risks:risk-edit", args=[ref]), EDITORS),
        "control-add": (reverse("risks:control-add", args=[ref]), EDITORS),
        "control-edit": (reverse("risks:control-edit", args=[ref, control.pk]), EDITORS),
        "review": (reverse("risks:review-add", args=[ref]), EDITORS),
        "escalation": (reverse("risks:risk-escalation", args=[ref]), EDITORS),
        "close": (reverse("risks:risk-close", args=[ref]), EDITORS),
    }


def posts(risk, control):
    """For each page, what a person sends, and a check that it was written."""
    today = datetime.date(2015, 6, 17)
    return {
        "add": (risk_data(risk, reference="R40", version=""), lambda: Risk.objects.filter(reference="R40").exists()),
        "edit": (risk_data(risk), lambda: Risk.objects.get(pk=risk.pk).title == "Lead officer post vacant"),
        "control-add": (
            {"description": "Weekly MASH huddle", "effectiveness": "partly", "version": risk.version},
            lambda: Control.objects.filter(description="Weekly MASH huddle").exists(),
        ),
        "control-edit": (
            {"description": "Panel, monthly", "effectiveness": "effective", "version": risk.version},
            lambda: Control.objects.get(pk=control.pk).description == "Panel, monthly",
        ),
        "review": (
            {**day("reviewed_on", today), "likelihood": "3", "impact": "4", "version": risk.version},
            lambda: Review.objects.exists(),
        ),
        "escalation": (
            {**day("on", today), "reason": "Funding not agreed", "version": risk.version},
            lambda: Escalation.objects.exists(),
        ),
        "close": (
            {**day("on", today), "reason": "The post was filled", "version": risk.version},
            lambda: not Risk.objects.get(pk=risk.pk).is_open,
        ),
    }


def signed_in(client, persona, name):
    user = persona(name)
    if user:
        client.force_login(user)
    return user


@pytest.mark.parametrize("persona_name", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_permission_table_get(client, persona, risk, control, persona_name, page):
    url, table = pages(risk, control)[page]
    signed_in(client, persona, persona_name)
    response = client.get(url)
    assert response.status_code == table.get(persona_name, 403)
    if persona_name == "anon":
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("persona_name", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_permission_table_post(client, persona, risk, control, persona_name, page):
    url, table = pages(risk, control)[page]
    data, written = posts(risk, control)[page]
    signed_in(client, persona, persona_name)
    response = client.post(url, data)
    allowed = table.get(persona_name, 403) == 200
    expected = 302 if allowed else table.get(persona_name, 403)
    assert response.status_code == expected, getattr(response, "context", None) and response.context["form"].errors
    assert written() is allowed
    if allowed:
        assert response["Location"] in {
            Risk.objects.get(reference=data.get("reference", risk.reference)).get_absolute_url(),
            risk.get_absolute_url(),
        }


@pytest.mark.parametrize(
    "name", ["risk-edit", "control-add", "review-add", "risk-escalation", "risk-close", "control-edit"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_guessed_references_are_not_found(client, manager, risk, control, name, method):
    client.force_login(manager)
    args = ["R999"] + ([control.pk] if name == "control-edit" else [])
    response = getattr(client, method)(reverse(f"risks:{name}", args=args))
    assert response.status_code == 404


def test_a_guessed_control_of_another_risk_is_not_found(client, chair, risk, control):
    elsewhere = ControlFactory()
    client.force_login(chair)
    url = reverse("risks:control-edit", args=[risk.reference, elsewhere.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"remove": "1"}).status_code == 404
    assert Control.objects.filter(pk=elsewhere.pk).exists()


def test_the_chair_of_another_body_is_refused_even_for_a_meeting_of_theirs(client, other_chair, risk):
    meeting = MeetingFactory(body=other_chair.memberships.get().subgroup, date=datetime.date(2015, 6, 17))
    client.force_login(other_chair)
    data = {**day("reviewed_on", meeting.date), "meeting": meeting.pk, "likelihood": "1", "impact": "1"}
    assert client.post(reverse("risks:review-add", args=[risk.reference]), data).status_code == 403
    assert not Review.objects.exists()
