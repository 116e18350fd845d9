"""Who may open and change what on the audit pages (including guessed ids), what the pages show, and what they cost
in queries as the organisations grow."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import Criterion, Return
from audits.services import return_moderate, return_save_draft, return_submit
from tests.factories import ReturnFactory, RoundFactory, make_school

pytestmark = pytest.mark.django_db

PERSONAS = ["anon", "viewer", "chair", "contact", "other_contact", "manager", "admin"]


def _table(**given):
    return {persona: given.get(persona, 404) for persona in PERSONAS} | {"anon": 302}


READERS = _table(viewer=200, chair=200, contact=200, manager=200, admin=200)  # other_contact: another round
SUMMARY = _table(viewer=200, chair=200, manager=200, admin=200)
RETURN_READERS = _table(contact=200, manager=200, admin=200)
RETURN_WRITERS = _table(contact=200, manager=403, admin=403)
MODERATORS = _table(contact=403, manager=200, admin=200)
EVERYONE = {persona: (302 if persona == "anon" else 200) for persona in PERSONAS}


@pytest.fixture
def elsewhere(other_contact, framework):
    """The other contact's return, in another round."""
    round = RoundFactory(framework=framework, kind="section_175", title="Another round")
    return ReturnFactory(round=round, organisation=make_school(name="Elm Primary", slug="elm"), contact=other_contact)


def _url(name, the_return, **kwargs):
    if name in ("round-list",):
        return reverse("audits:round-list")
    if name in ("round-detail", "round-export"):
        return reverse(f"audits:{name}", args=[the_return.round_id])
    return reverse(f"audits:{name}", args=[the_return.round_id, the_return.organisation_id])


PAGES = {
    "round-list": EVERYONE,
    "round-detail": READERS,
    "round-export": SUMMARY,
    "return-detail": RETURN_READERS,
    "return-edit": RETURN_WRITERS,
    "return-submit": RETURN_WRITERS,
}


def _submit(the_return, contact):
    criteria = Criterion.objects.filter(standard__framework=the_return.round.framework)
    return_save_draft(
        return_form=the_return,
        user=contact,
        answers={c.pk: {"self_score": 3, "evidence": "Seen"} for c in criteria},
        expected_version=the_return.version,
    )
    the_return.refresh_from_db()
    return return_submit(
        return_form=the_return,
        user=contact,
        officer_name="Anne Head",
        officer_role="",
        expected_version=the_return.version,
    )


@pytest.mark.parametrize("persona_name", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_table_for_the_pages(client, persona, the_return, elsewhere, chair, persona_name, page):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    response = client.get(_url(page, the_return))
    assert response.status_code == PAGES[page][persona_name]
    if persona_name == "anon":
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_permission_table_for_moderation(client, persona, the_return, contact, elsewhere, chair, persona_name):
    submitted = _submit(the_return, contact)
    user = persona(persona_name)
    if user:
        client.force_login(user)
    url = _url("return-moderate", submitted)
    assert client.get(url).status_code == MODERATORS[persona_name]
    criterion = Criterion.objects.filter(standard__framework=submitted.round.framework).first()
    response = client.post(url, {f"c{criterion.pk}-score": "1", f"c{criterion.pk}-note": "Not evidenced"})
    allowed = MODERATORS[persona_name] == 200
    assert response.status_code == (302 if allowed else MODERATORS[persona_name])
    answer = submitted.answers.get(criterion=criterion)
    assert (answer.moderated_score == 1) == allowed
    response = client.post(_url("return-send-back", submitted), {"reason": "Thin evidence"})
    assert response.status_code == (302 if allowed else MODERATORS[persona_name])
    submitted.refresh_from_db()
    assert (submitted.state == Return.State.RETURNED) == allowed


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_permission_table_for_the_writes(client, persona, the_return, elsewhere, chair, persona_name):
    """Only the organisation's contact saves its return; for everyone else the database is unchanged."""
    user = persona(persona_name)
    if user:
        client.force_login(user)
    criterion = Criterion.objects.filter(standard__framework=the_return.round.framework).first()
    data = {"version": the_return.version, f"c{criterion.pk}-self_score": "2", f"c{criterion.pk}-evidence": "Typed"}
    response = client.post(_url("return-edit", the_return), data)
    expected = RETURN_WRITERS[persona_name]
    assert response.status_code == (302 if expected == 200 else expected)
    assert the_return.answers.exists() == (expected == 200)
    response = client.post(
        _url("challenge-add", the_return),
        {"held_on_0": "20", "held_on_1": "1", "held_on_2": "2016", "attended": "Head", "outcome": "Agreed"},
    )
    assert response.status_code == (302 if MODERATORS[persona_name] == 200 else MODERATORS[persona_name])
    assert the_return.challenges.exists() == (MODERATORS[persona_name] == 200)


@pytest.mark.parametrize(
    "name", ["round-detail", "round-export", "return-detail", "return-edit", "return-submit", "return-moderate"]
)
def test_guessed_ids_are_not_found(client, manager, contact, the_return, name):
    for user in (manager, contact):
        client.force_login(user)
        if name.startswith("round"):
            url = reverse(f"audits:{name}", args=[the_return.round_id + 1000])
        else:
            url = reverse(f"audits:{name}", args=[the_return.round_id, the_return.organisation_id + 1000])
        assert client.get(url).status_code == 404


def test_a_contact_cannot_reach_another_schools_return_in_the_same_round(client, contact, the_return, other_return):
    client.force_login(contact)
    for name in ("return-detail", "return-edit", "return-submit"):
        assert client.get(_url(name, other_return)).status_code == 404
    page = client.get(_url("round-detail", the_return)).content.decode()
    assert "Oak Primary School" in page and "Elm Primary" not in page
    listing = client.get(reverse("audits:round-list")).content.decode()
    assert "Oak Primary School" in listing and "Another round" not in listing


def test_the_draft_form_keeps_what_was_typed_when_refused(client, contact, the_return):
    client.force_login(contact)
    criterion = Criterion.objects.filter(standard__framework=the_return.round.framework).first()
    p = f"c{criterion.pk}-"
    data = {"version": 1, p + "self_score": "2", p + "evidence": "Kept words", p + "improvement_action": "Train"}
    response = client.post(_url("return-edit", the_return), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{criterion.code}: Name who owns the improvement action" in page
    assert "Kept words" in page
    data[p + "evidence"] = "x" * 4001
    data[p + "action_owner"] = "Head"
    page = client.post(_url("return-edit", the_return), data).content.decode()
    assert "The evidence must be 4000 characters or fewer" in page
    assert not the_return.answers.exists()


@pytest.mark.parametrize(
    ("due", "due_message", "due_link"),
    [
        (("30", "2", "2015"), "The action's due date must be a real date, for example 10 6 2015", "action_due_on"),
        (("", "2", "2015"), "The action's due date must include a day", "action_due_on_0"),
    ],
)
def test_the_summary_says_which_criterion_each_problem_is_in_once(
    client, contact, the_return, due, due_message, due_link
):
    """Every criterion's boxes have the same labels, and the summary lists its problems far from them."""
    client.force_login(contact)
    criterion = Criterion.objects.filter(standard__framework=the_return.round.framework).last()
    p = f"c{criterion.pk}-"
    data = {"version": 1, p + "improvement_action": "Train", p + "action_owner": "o" * 121}
    data.update({f"{p}action_due_on_{index}": part for index, part in enumerate(due)})
    page = client.post(_url("return-edit", the_return), data).content.decode()
    summary = page[page.index('class="govuk-error-summary"') : page.index("</ul>", page.index("govuk-error-summary"))]
    items = re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', html.unescape(summary))
    assert items == [
        (f"id_{p}action_owner", f"{criterion.code}: The action's owner must be 120 characters or fewer"),
        (f"id_{p}{due_link}", f"{criterion.code}: {due_message}"),
    ]
    assert html.escape(f"{criterion.code}: {due_message}") in page[page.index(f'id="div_id_{p}action_due_on"') :]
    assert not the_return.answers.exists()


def test_two_contacts_saving_at_once_never_overwrite_each_other(client, contact, the_return):
    client.force_login(contact)
    criterion = Criterion.objects.filter(standard__framework=the_return.round.framework).first()
    p = f"c{criterion.pk}-"
    assert client.post(_url("return-edit", the_return), {"version": 1, p + "evidence": "First"}).status_code == 302
    response = client.post(_url("return-edit", the_return), {"version": 1, p + "evidence": "Second"})
    page = response.content.decode()
    assert "Someone else saved this return since you opened the page" in page
    assert "Second" in page
    assert the_return.answers.get(criterion=criterion).evidence == "First"


def test_the_summary_shows_self_and_moderated_scores_and_exports_them(client, manager, contact, the_return):
    submitted = _submit(the_return, contact)
    criterion = Criterion.objects.filter(standard__framework=submitted.round.framework).first()
    return_moderate(return_form=submitted, user=manager, scores={criterion.pk: (1, "Not evidenced")})
    client.force_login(manager)
    page = client.get(_url("round-detail", submitted)).content.decode()
    assert "Returns received: 1 of 1 (100%)" in page
    assert "URN 103824, Primary" in page
    assert ">Green</strong>" in page and ">Red</strong>" in page
    response = client.get(_url("round-export", submitted))
    book = load_workbook(__import__("io").BytesIO(response.content))
    rows = list(book["Scores"].values)
    assert ("Oak Primary School", f"1.1 {criterion.text}", "Green", "Red", "Not evidenced") in rows
    organisations = list(book["Organisations"].values)
    assert organisations[3][:4] == ("Oak Primary School", "103824", "Primary", "Submitted")


def test_exported_text_is_never_a_formula(client, manager, contact, the_return):
    criteria = Criterion.objects.filter(standard__framework=the_return.round.framework)
    return_save_draft(
        return_form=the_return,
        user=contact,
        answers={
            c.pk: {
                "self_score": 2,
                "improvement_action": '=HYPERLINK("x")',
                "action_owner": "@owner",
                "action_due_on": datetime.date(2015, 12, 1),
            }
            for c in criteria
        },
        expected_version=1,
    )
    the_return.refresh_from_db()
    return_submit(return_form=the_return, user=contact, officer_name="A", officer_role="", expected_version=2)
    client.force_login(manager)
    book = load_workbook(__import__("io").BytesIO(client.get(_url("round-export", the_return)).content))
    cell = book["Overdue actions"]["B2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s" and cell.quotePrefix


def test_the_round_page_costs_the_same_with_ten_times_the_organisations(
    client, manager, round, contact, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            school = make_school()
            returned = ReturnFactory(round=round, organisation=school)
            _submit(returned, returned.contact)

    add(2)
    client.force_login(manager)
    url = reverse("audits:round-detail", args=[round.pk])
    client.get(url)
    # The session, the user (with their roles: manager?), the round with its framework, the returns, the standards,
    # their criteria, the objectives they give evidence for, the answers.
    with django_assert_num_queries(8):
        first = client.get(url)
    add(18)
    with django_assert_num_queries(8):
        second = client.get(url)
    assert second.content.decode().count('id="return-') == first.content.decode().count('id="return-') + 18


def test_the_round_list_costs_the_same_with_ten_times_the_rounds(client, viewer, framework, django_assert_num_queries):
    for _ in range(2):
        ReturnFactory(round=RoundFactory(framework=framework, kind="section_175"), organisation=make_school())
    client.force_login(viewer)
    url = reverse("audits:round-list")
    client.get(url)
    with django_assert_num_queries(3):
        client.get(url)
    for _ in range(18):
        ReturnFactory(round=RoundFactory(framework=framework, kind="section_175"), organisation=make_school())
    with django_assert_num_queries(3):
        page = client.get(url)
    assert page.content.decode().count('<tr class="govuk-table__row" id="round-') == 20


def test_the_substitute_fills_the_return_in_as_the_contact_does(client, the_return, other_contact):
    Return.objects.filter(pk=the_return.pk).update(substitute=other_contact)
    client.force_login(other_contact)
    assert client.get(_url("return-edit", the_return)).status_code == 200
    criterion = Criterion.objects.filter(standard__framework=the_return.round.framework).first()
    response = client.post(
        _url("return-edit", the_return), {"version": 1, f"c{criterion.pk}-evidence": "By the deputy"}
    )
    assert response.status_code == 302
    assert the_return.answers.get(criterion=criterion).evidence == "By the deputy"


def test_a_framework_a_round_ran_on_is_read_only_in_the_admin(client, admin, round, framework):
    client.force_login(admin)
    change = reverse("admin:audits_framework_change", args=[framework.pk])
    page = client.get(change)
    assert page.status_code == 200 and b'name="name"' not in page.content
    response = client.post(change, {"name": "Renamed", "kind": "section_175", "version": 50, "scale": "rag"})
    assert response.status_code == 403
    framework.refresh_from_db()
    assert framework.name == "Section 175"
    response = client.post(
        reverse("admin:audits_framework_changelist"), {"action": "make_new_version", "_selected_action": [framework.pk]}
    )
    assert response.status_code == 302
    copy = type(framework).objects.get(kind="section_175", version=51)
    assert copy.standards.count() == 2 and not copy.rounds.exists()
    assert client.get(reverse("admin:audits_framework_change", args=[copy.pk])).content.count(b'name="name"') == 1


def test_a_kpi_computed_from_audits_says_so_and_cannot_be_typed(client, manager, kpi, period):
    from audits.services import audit_measure_set

    audit_measure_set(kpi=kpi, kind="section_11", user=manager)
    client.force_login(manager)
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert "This KPI is computed from audit returns: nobody enters it." in page
    assert reverse("audits:round-list") in page
    response = client.get(reverse("kpis:value-edit", args=[kpi.pk, period.number]))
    assert response.status_code == 403
    assert "This KPI is computed from audit returns: nobody enters its value" in response.content.decode()


def test_a_moderation_panel_member_moderates_that_round_only(client, the_return, contact, elsewhere, chair):
    submitted = _submit(the_return, contact)
    submitted.round.moderators.add(chair)
    client.force_login(chair)
    assert client.get(_url("return-detail", submitted)).status_code == 200
    assert client.get(_url("return-moderate", submitted)).status_code == 200
    assert client.get(_url("return-edit", submitted)).status_code == 403
    assert client.get(_url("return-detail", elsewhere)).status_code == 404
    criterion = Criterion.objects.filter(standard__framework=submitted.round.framework).first()
    response = client.post(_url("return-moderate", submitted), {f"c{criterion.pk}-score": "2"})
    assert response.status_code == 302
    answer = submitted.answers.get(criterion=criterion)
    assert answer.moderated_score == 2 and answer.history.first().history_user == chair


def test_an_organisation_added_to_a_round_in_the_admin_is_invited(
    client, admin, round, school, contact, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(admin)
    data = {"round": round.pk, "organisation": school.pk, "contact": contact.pk, "state": "not_started"}
    data |= {"officer_name": "", "officer_role": "", "returned_reason": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:audits_return_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Return.objects.get(round=round, organisation=school)
    assert made.contact == contact
    assert [email.to for email in mail.outbox] == [[contact.email]]
    assert made.get_absolute_url() in mail.outbox[0].body


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_permission_table_for_marking_an_action_done(
    client, persona, the_return, contact, elsewhere, chair, persona_name
):
    criteria = list(Criterion.objects.filter(standard__framework=the_return.round.framework))
    overdue = {"self_score": 2, "improvement_action": "Train governors", "action_owner": "Head"}
    overdue["action_due_on"] = datetime.date(2015, 12, 1)
    return_save_draft(return_form=the_return, user=contact, answers={criteria[0].pk: overdue}, expected_version=1)
    user = persona(persona_name)
    if user:
        client.force_login(user)
    url = reverse("audits:action-done", args=[the_return.round_id, the_return.organisation_id, criteria[0].pk])
    allowed = persona_name in ("contact", "manager", "admin")
    expected = 302 if allowed else {"anon": 302, "other_contact": 404}.get(persona_name, 404)
    response = client.post(url)
    assert response.status_code == expected
    answer = the_return.answers.get(criterion=criteria[0])
    assert answer.action_done == allowed
    assert (round_summary_overdue(the_return) == []) == allowed


def round_summary_overdue(the_return):
    from audits.services import round_summary

    the_return.refresh_from_db()
    return round_summary(the_return.round, today=datetime.date(2016, 1, 1)).overdue
