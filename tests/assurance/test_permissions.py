"""Who may open and change the inspection map: the board's people read it (viewer, chairs, the manager, the
admin); audit contacts are told it is not there; only the manager and the admin change it; anonymous people sign
in first. Every refused POST leaves the database as it was."""

import pytest
from django.urls import reverse

from assurance.models import Evidence, RequirementFramework, SelfGrade
from priorities.models import Action
from tests.factories import EvidenceFactory, KPIFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anon", "viewer", "chair", "contact", "manager", "admin"]
READ = {"anon": 302, "viewer": 200, "chair": 200, "contact": 404, "manager": 200, "admin": 200}
EDIT = {"anon": 302, "viewer": 403, "chair": 403, "contact": 404, "manager": 200, "admin": 200}
WRITE = {"anon": 302, "viewer": 403, "chair": 403, "contact": 404, "manager": 302, "admin": 302}


@pytest.fixture
def evidence(requirement):
    return EvidenceFactory(requirement=requirement, status=Evidence.Status.PROPOSED)


def pages(requirement):
    return {
        "coverage": (reverse("assurance:coverage"), READ),
        "requirement": (reverse("assurance:requirement-detail", args=[requirement.pk]), READ),
        "pack": (reverse("assurance:pack") + "?as_at=2016-03-31", READ),
        "pack-xlsx": (reverse("assurance:pack-xlsx") + "?as_at=2016-03-31", READ),
        "evidence-add": (reverse("assurance:evidence-add", args=[requirement.pk, "kpi"]), EDIT),
        "document-add": (reverse("assurance:evidence-add", args=[requirement.pk, "document"]), EDIT),
        "grade": (reverse("assurance:grade-edit", args=[requirement.pk]), EDIT),
        "gap-action": (reverse("assurance:gap-action", args=[requirement.pk]), EDIT),
    }


@pytest.mark.parametrize(
    "page", ["coverage", "requirement", "pack", "pack-xlsx", "evidence-add", "document-add", "grade", "gap-action"]
)
@pytest.mark.parametrize("persona_name", PERSONAS)
def test_get_permission_table(client, persona, requirement, persona_name, page):
    user = persona(persona_name)
    if user is not None:
        client.force_login(user)
    url, table = pages(requirement)[page]
    response = client.get(url)
    assert response.status_code == table[persona_name]
    if persona_name == "anon":
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_pack_pdf_permission_table(client, persona, requirement, persona_name):
    user = persona(persona_name)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("assurance:pack-pdf") + "?as_at=2016-03-31")
    expected = {"anon": 302, "contact": 404}.get(persona_name, 200)
    assert response.status_code == expected


def snapshot():
    return (
        list(Evidence.objects.values_list("pk", "status").order_by("pk")),
        list(SelfGrade.objects.values_list("pk", "grade", "gaps")),
        RequirementFramework.objects.count(),
        Action.objects.count(),
        Evidence.history.count(),
    )


def posts(requirement, evidence, kpi, objective, lead):
    return {
        "accept": (reverse("assurance:evidence-accept", args=[evidence.pk]), {}),
        "remove": (reverse("assurance:evidence-remove", args=[evidence.pk]), {}),
        "evidence-add": (
            reverse("assurance:evidence-add", args=[requirement.pk, "kpi"]),
            {"source": str(kpi.pk), "note": "From the table"},
        ),
        "grade": (
            reverse("assurance:grade-edit", args=[requirement.pk]),
            {"grade": "good", "gaps": "Written in the table", "version": "0"},
        ),
        "gap-action": (
            reverse("assurance:gap-action", args=[requirement.pk]),
            {"objective": str(objective.pk), "lead": str(lead.pk), "text": "Audit core groups"},
        ),
        "framework-from-plan": (reverse("assurance:framework-from-plan"), {}),
    }


@pytest.mark.parametrize("post", ["accept", "remove", "evidence-add", "grade", "gap-action", "framework-from-plan"])
@pytest.mark.parametrize("persona_name", PERSONAS)
def test_post_permission_table(client, persona, action, requirement, evidence, persona_name, post):
    plan = action.objective.priority.plan
    plan.ofsted_requirements = "First requirement.\n\nSecond requirement."
    plan.save()
    kpi = KPIFactory(objective=action.objective, owner=action.lead)
    user = persona(persona_name)
    if user is not None:
        client.force_login(user)
    url, data = posts(requirement, evidence, kpi, action.objective, action.lead)[post]
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == WRITE[persona_name]
    if WRITE[persona_name] == 302 and persona_name != "anon":
        assert snapshot() != before
    else:
        assert snapshot() == before


@pytest.mark.parametrize("page", ["coverage", "requirement", "pack", "pack-xlsx"])
def test_reading_pages_take_no_post(client, viewer, requirement, page):
    client.force_login(viewer)
    url, _ = pages(requirement)[page]
    assert client.post(url).status_code == 405


def test_the_nav_links_the_map(client, viewer):
    client.force_login(viewer)
    assert reverse("assurance:coverage") in client.get(reverse("risks:risk-list")).content.decode()


def test_a_contact_who_also_chairs_a_body_reads_the_map_but_does_not_change_it(client, chair, requirement):
    from tests.factories import ReturnFactory

    ReturnFactory(contact=chair)
    client.force_login(chair)
    assert client.get(reverse("assurance:coverage")).status_code == 200
    assert client.get(reverse("assurance:grade-edit", args=[requirement.pk])).status_code == 403
