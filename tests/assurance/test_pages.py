"""The inspection map's pages: what they show, their query counts (pinned, the same with more rows), the pack's
PDF (drawn through the worker's task) and Excel holding every requirement, and hostile input."""

import datetime
import io
import re
import subprocess

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance.models import Evidence, PackPDF, SelfGrade
from assurance.services import evidence_add, self_grade_save
from priorities.models import Action
from tests.factories import (
    BusinessPlanFactory,
    EvidenceFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
    RequirementFactory,
    RiskFactory,
    RoundFactory,
    StrategicPriorityFactory,
)

pytestmark = pytest.mark.django_db
AS_AT = "?as_at=2016-03-31"


def grow(framework, manager, n):
    """n more requirements, each with a graded self-grade and three pieces of evidence of different kinds, one
    carried from the last."""
    previous = None
    start = 100 + framework.requirements.count()
    for index in range(n):
        requirement = RequirementFactory(framework=framework, number=start + index)
        EvidenceFactory(requirement=requirement, document_date=datetime.date(2016, 1, 1))
        EvidenceFactory(requirement=requirement, document_date=datetime.date(2014, 1, 1))
        EvidenceFactory(requirement=requirement, kind="risk", risk=RiskFactory(), document_title="", document_date=None)
        self_grade_save(requirement=requirement, user=manager, grade="good", gaps="Some gaps", expected_version=0)
        if previous is not None:
            requirement.carries_from.add(previous)
        previous = requirement


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Queries: the session and the user (with their roles: one of the board's people?), the current plan, then the page's
# own (coverage: frameworks, requirements with grades, mappings, evidence dates; requirement: the requirement,
# mappings, evidence with every source; pack: the coverage's four and the evidence with every source).
PINS = {"coverage": 7, "requirement": 6, "pack": 8, "pack-xlsx": 8}


@pytest.mark.parametrize("page", list(PINS))
def test_query_counts_are_pinned_and_do_not_grow(client, manager, framework, requirement, page):
    client.force_login(manager)
    urls = {
        "coverage": reverse("assurance:coverage"),
        "requirement": reverse("assurance:requirement-detail", args=[requirement.pk]),
        "pack": reverse("assurance:pack"),
        "pack-xlsx": reverse("assurance:pack-xlsx"),
    }
    grow(framework, manager, 2)
    EvidenceFactory(requirement=requirement)
    small = count_queries(client, urls[page] + AS_AT)
    grow(framework, manager, 8)
    EvidenceFactory(requirement=requirement)
    EvidenceFactory(requirement=requirement, kind="risk", risk=RiskFactory(), document_title="", document_date=None)
    large = count_queries(client, urls[page] + AS_AT)
    assert small == large == PINS[page]


def pdf_text(content, tmp_path):
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    return " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def test_a_kpi_mapped_to_a_gap_and_accepted_clears_the_gap(client, manager, action, requirement):
    kpi = KPIFactory(objective=action.objective, owner=action.lead, ref="3.3.K4")
    value = KPIValueFactory(kpi=kpi)
    as_at = f"?as_at={value.period.ends_on:%Y-%m-%d}"
    client.force_login(manager)
    coverage_url = reverse("assurance:coverage") + as_at
    assert "Gap" in client.get(coverage_url).content.decode()
    response = client.post(
        reverse("assurance:evidence-add", args=[requirement.pk, "kpi"]), {"reference": "3.3.k4", "note": "Attendance"}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(requirement=requirement)
    assert (evidence.kpi, evidence.status, evidence.evidence_on) == (kpi, "proposed", value.period.ends_on)
    assert evidence.history.get().history_user == manager
    assert client.get(coverage_url).context["frameworks"][0].rows[0].coverage.is_gap  # proposed does not count
    client.post(reverse("assurance:evidence-accept", args=[evidence.pk]))
    rows = client.get(coverage_url).context["frameworks"][0].rows
    assert not rows[0].coverage.is_gap and rows[1].coverage.is_gap
    assert evidence.history.count() == 2 and evidence.history.first().history_user == manager


def test_removed_evidence_is_gone_and_its_history_says_who(client, manager, requirement):
    evidence = EvidenceFactory(requirement=requirement)
    client.force_login(manager)
    client.post(reverse("assurance:evidence-remove", args=[evidence.pk]))
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert Evidence.history.filter(id=evidence.pk).first().history_type == "-"
    assert Evidence.history.filter(id=evidence.pk).first().history_user == manager


def test_the_pack_pdf_is_drawn_by_the_task_and_holds_every_requirement(client, viewer, framework, tmp_path):
    first, second = framework.requirements.order_by("number")
    EvidenceFactory(requirement=first, document_title="Board minutes March 2016")
    SelfGrade.objects.create(requirement=second, grade="inadequate", gaps="No audit of core groups this year")
    client.force_login(viewer)
    response = client.get(reverse("assurance:pack-pdf") + AS_AT)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Inspection pack as at 31 March 2016" in text
    assert "Requirement 1: covered" in text and "Requirement 2: gap" in text
    assert "Governance lets partners assess their duties." in text
    assert "Front-line practice is monitored and evaluated." in text
    assert "Board minutes March 2016" in text and "No audit of core groups this year" in text
    kept = PackPDF.objects.get(as_at=datetime.date(2016, 3, 31))
    again = client.get(reverse("assurance:pack-pdf") + AS_AT)
    assert again.content == response.content and PackPDF.objects.get().built_at == kept.built_at


def test_no_request_draws_the_pack_pdf(client, viewer, framework, monkeypatch):
    """With a worker that has not run yet, the download says it is being prepared and nothing is drawn."""
    monkeypatch.setattr("assurance.views.pack_pdf_enqueue", lambda **kwargs: None)
    monkeypatch.setattr("reports.render.draw_pdf", lambda *args, **kwargs: pytest.fail("drawn in the request"))
    client.force_login(viewer)
    response = client.get(reverse("assurance:pack-pdf") + AS_AT)
    assert response.status_code == 202
    assert '<meta http-equiv="refresh" content="5">' in response.content.decode()
    assert not PackPDF.objects.exists()


def test_a_pack_that_could_not_be_drawn_says_so(client, viewer, framework, monkeypatch):
    from reports.pdfdraw import PDFBudgetExceeded

    def over_budget(*args, **kwargs):
        raise PDFBudgetExceeded("drawing it took longer than 60 seconds", 60)

    monkeypatch.setattr("assurance.tasks.draw_pdf_document", over_budget)
    client.force_login(viewer)
    response = client.get(reverse("assurance:pack-pdf") + AS_AT)
    assert response.status_code == 503 and "longer than 60 seconds" in response.content.decode()


def test_the_pack_xlsx_holds_every_requirement_its_evidence_and_no_formula(client, viewer, framework):
    first, second = framework.requirements.order_by("number")
    EvidenceFactory(requirement=first, document_title='=HYPERLINK("http://x")', note="+1 note")
    EvidenceFactory(requirement=first, document_title="Too new", document_date=datetime.date(2016, 4, 1))
    client.force_login(viewer)
    response = client.get(reverse("assurance:pack-xlsx") + AS_AT)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    requirements = list(book["Requirements"].iter_rows(min_row=4, values_only=True))
    assert [(row[1], row[2], row[8]) for row in requirements] == [
        (1, first.text, "Covered"),
        (2, second.text, "Gap"),
    ]
    evidence = list(book["Evidence"].iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in evidence] == ['=HYPERLINK("http://x")']  # the one dated after the as-at date is left out
    cell = book["Evidence"].cell(2, 4)
    assert cell.data_type == "s"


def test_the_printable_pack_lists_every_requirement(client, viewer, framework):
    client.force_login(viewer)
    content = client.get(reverse("assurance:pack") + AS_AT).content.decode()
    for requirement in framework.requirements.all():
        assert requirement.text in content


@pytest.mark.parametrize("bad", ["2016-02-30", "yesterday", "1899-12-31", "2016-3-1", "9" * 5000, "2016-03-31%00"])
@pytest.mark.parametrize("page", ["assurance:coverage", "assurance:pack"])
def test_a_bad_date_is_said_not_a_500(client, viewer, framework, bad, page):
    client.force_login(viewer)
    response = client.get(reverse(page), {"as_at": bad})
    content = response.content.decode()
    assert response.status_code == 200
    start = content.index("govuk-error-summary__list")
    summary = content[start : content.index("</ul>", start)]
    assert re.search(r"(The date must be|Enter a real date).*Shown as at 31 March 2016 instead\.", summary)
    assert "map is shown" not in content


@pytest.mark.parametrize("bad", ["abc", "2016-02-30", "9999-12-31", "2016-3-1"])
@pytest.mark.parametrize("page", ["assurance:pack-xlsx", "assurance:pack-pdf"])
def test_a_download_for_a_bad_date_is_refused_with_the_reason(client, viewer, framework, bad, page, monkeypatch):
    monkeypatch.setattr("assurance.views.pack_pdf_enqueue", lambda **kwargs: pytest.fail("asked for a bad date"))
    client.force_login(viewer)
    response = client.get(reverse(page), {"as_at": bad})
    content = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert re.search(r"The date must be|Enter a real date", content) and "No pack was made" in content
    assert reverse("assurance:pack") + "?as_at=2016-03-31" in content


def test_the_pdf_being_prepared_says_the_date_as_written(client, viewer, framework, monkeypatch):
    monkeypatch.setattr("assurance.views.pack_pdf_enqueue", lambda **kwargs: None)
    client.force_login(viewer)
    content = client.get(reverse("assurance:pack-pdf") + AS_AT).content.decode()
    assert "The PDF of the inspection pack as at 31 March 2016 is being drawn" in content
    assert "march" not in content and "the map is now" not in content


def test_the_date_is_asked_for_as_day_month_and_year_with_what_was_typed_kept(client, viewer, framework):
    client.force_login(viewer)
    typed = {"as_at-day": "31", "as_at-month": "3", "as_at-year": "2016"}
    content = client.get(reverse("assurance:pack"), typed).content.decode()
    assert "There is a problem" not in content and "31 March 2016" in content
    wrong = client.get(reverse("assurance:coverage"), {**typed, "as_at-day": "31", "as_at-month": "2"})
    content = wrong.content.decode()
    assert '<li><a href="#as_at-day">The date must be a real date: February has no day 31. Shown as at' in content
    assert 'id="as_at-month" name="as_at-month" type="text" inputmode="numeric" value="2"' in content
    assert "<title>Error: " in content


def test_a_bad_date_on_a_requirement_is_said(client, viewer, requirement):
    client.force_login(viewer)
    response = client.get(reverse("assurance:requirement-detail", args=[requirement.pk]), {"as_at": "2016-13-01"})
    assert response.status_code == 200 and "real date" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/assurance/requirements/999999/",
        "/assurance/requirements/999999/grade/",
        "/assurance/requirements/999999/evidence/kpi/",
        "/assurance/requirements/1/evidence/not-a-kind/",
        "/assurance/requirements/99999999999999999999/",
    ],
)
def test_bad_ids_are_not_found(client, manager, requirement, url):
    client.force_login(manager)
    assert client.get(url.replace("/1/", f"/{requirement.pk}/")).status_code == 404


@pytest.mark.parametrize("url", ["/assurance/evidence/999999/accept/", "/assurance/evidence/999999/remove/"])
def test_bad_evidence_ids_are_not_found(client, manager, url):
    client.force_login(manager)
    assert client.post(url).status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"source": "abc"}, "source", "Select one of the KPIs listed"),
        ({"source": "999999"}, "source", "Select one of the KPIs listed"),
        ({}, "source", "Choose the KPI"),
        ({"reference": "9.9.K9"}, "reference", "No KPI in use has the reference 9.9.K9"),
        ({"reference": "x" * 5000}, "reference", "at most 20 characters"),
    ],
)
def test_a_bad_source_is_refused_with_a_message(client, manager, requirement, action, data, field, message):
    KPIFactory(objective=action.objective, owner=action.lead)
    client.force_login(manager)
    response = client.post(reverse("assurance:evidence-add", args=[requirement.pk, "kpi"]), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Evidence.objects.exists()


def test_a_draft_plans_kpi_is_not_evidence(client, manager, requirement, action):
    KPIFactory(objective=action.objective, owner=action.lead)
    draft = BusinessPlanFactory(status="draft", slug="2099-00", bare=True)
    objective = ObjectiveFactory(priority=StrategicPriorityFactory(plan=draft))
    kpi = KPIFactory(objective=objective)
    client.force_login(manager)
    response = client.post(reverse("assurance:evidence-add", args=[requirement.pk, "kpi"]), {"source": str(kpi.pk)})
    assert response.status_code == 200 and "source" in response.context["form"].errors
    assert not Evidence.objects.exists()


def test_huge_text_is_refused_and_what_was_typed_is_kept(client, manager, requirement):
    client.force_login(manager)
    huge = "A" * 20_000
    response = client.post(
        reverse("assurance:evidence-add", args=[requirement.pk, "document"]),
        {
            "document_title": huge,
            "document_url": "https://example.org/" + "x" * 600,
            "document_date_0": "1",
            "document_date_1": "3",
            "document_date_2": "2016",
            "note": "Kept note",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "200 characters or fewer" in errors["document_title"][0]
    assert "500 characters or fewer" in errors["document_url"][0]
    assert "Kept note" in response.content.decode()
    response = client.post(
        reverse("assurance:grade-edit", args=[requirement.pk]), {"grade": "good", "gaps": huge, "version": "0"}
    )
    assert "2,000 characters or fewer" in response.context["form"].errors["gaps"][0]
    assert not Evidence.objects.exists() and not SelfGrade.objects.exists()


def test_a_document_from_the_future_is_refused(client, manager, requirement):
    client.force_login(manager)
    response = client.post(
        reverse("assurance:evidence-add", args=[requirement.pk, "document"]),
        {"document_title": "Next year", "document_date_0": "1", "document_date_1": "1", "document_date_2": "2099"},
    )
    assert "between 2000 and today" in response.context["form"].errors["document_date"][0]


def test_the_same_source_twice_is_refused(client, manager, action, requirement):
    kpi = KPIFactory(objective=action.objective, owner=action.lead)
    client.force_login(manager)
    url = reverse("assurance:evidence-add", args=[requirement.pk, "kpi"])
    client.post(url, {"source": str(kpi.pk)})
    response = client.post(url, {"source": str(kpi.pk)})
    assert "already evidence of this requirement" in response.context["form"].errors["source"][0]
    assert Evidence.objects.count() == 1


def test_concurrent_self_grade_edits_conflict_and_keep_the_typed_text(client, manager, admin, requirement):
    client.force_login(manager)
    url = reverse("assurance:grade-edit", args=[requirement.pk])
    assert client.get(url).context["form"].initial["version"] == 0
    client.post(url, {"grade": "good", "gaps": "The manager's gaps", "version": "0"})
    client.force_login(admin)
    response = client.post(url, {"grade": "inadequate", "gaps": "The admin's gaps", "version": "0"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else saved this self-grade" in content and "The admin&#x27;s gaps" in content
    grade = SelfGrade.objects.get()
    assert (grade.grade, grade.gaps, grade.version) == ("good", "The manager's gaps", 1)
    assert response.context["form"]["version"].value() == 1
    client.post(url, {"grade": "inadequate", "gaps": "The admin's gaps", "version": "1"})
    grade.refresh_from_db()
    assert (grade.gaps, grade.version) == ("The admin's gaps", 2)
    assert [h.history_user for h in grade.history.order_by("history_date")] == [manager, admin]


def test_a_gap_becomes_a_plan_action_in_one_post(client, manager, action, requirement):
    self_grade_save(
        requirement=requirement, user=manager, grade="inadequate", gaps="Audit core groups", expected_version=0
    )
    client.force_login(manager)
    url = reverse("assurance:gap-action", args=[requirement.pk])
    assert client.get(url).context["form"].initial["text"] == "Audit core groups"
    response = client.post(
        url, {"objective": str(action.objective.pk), "lead": str(action.lead.pk), "text": "Audit core groups"}
    )
    assert response.status_code == 302
    made = Action.objects.exclude(pk=action.pk).get()
    assert made.objective == action.objective and made.text == "Audit core groups" and made.lead == action.lead
    assert made.history.get().history_user == manager
    evidence = Evidence.objects.get()
    assert (evidence.action, evidence.status, evidence.requirement) == (made, "proposed", requirement)


def test_a_gap_action_under_another_plans_objective_is_refused(client, manager, requirement, action):
    closed = BusinessPlanFactory(status="closed", slug="2014-15", bare=True)
    objective = ObjectiveFactory(priority=StrategicPriorityFactory(plan=closed))
    client.force_login(manager)
    response = client.post(
        reverse("assurance:gap-action", args=[requirement.pk]),
        {"objective": str(objective.pk), "lead": str(action.lead.pk), "text": "Audit"},
    )
    assert response.status_code == 200 and "objective" in response.context["form"].errors
    assert Action.objects.count() == 1 and not Evidence.objects.exists()


def test_the_plans_requirements_become_a_framework_once(client, manager, action):
    plan = action.objective.priority.plan
    plan.ofsted_requirements = "First.\n\nSecond.\n\nThird."
    plan.save()
    client.force_login(manager)
    assert (
        "Make the plan's Ofsted requirements a framework" in client.get(reverse("assurance:coverage")).content.decode()
    )
    client.post(reverse("assurance:framework-from-plan"))
    client.post(reverse("assurance:framework-from-plan"))
    framework = plan.requirement_framework
    assert [r.text for r in framework.requirements.all()] == ["First.", "Second.", "Third."]
    assert "Make the plan" not in client.get(reverse("assurance:coverage")).content.decode()


def test_evidence_the_service_refuses_says_why():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        evidence_add(requirement=None, user=None, kind="nonsense")


def test_a_source_deleted_by_its_register_takes_its_link_along_in_history(manager, requirement, action):
    value = KPIValueFactory(kpi=KPIFactory(objective=action.objective, owner=action.lead))
    evidence = evidence_add(requirement=requirement, user=manager, kind="kpi_value", source=value)
    value.delete()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert Evidence.history.filter(id=evidence.pk, history_type="-").exists()


def test_a_new_frameworks_requirement_shows_the_evidence_it_carries_from_the_old_one(client, viewer, requirement):
    from tests.factories import RequirementFrameworkFactory

    newer = RequirementFactory(
        framework=RequirementFrameworkFactory(name="Joint inspection 2018", effective_from=datetime.date(2018, 1, 1)),
        number=1,
        text="Partners hold each other to account.",
    )
    newer.carries_from.add(requirement)
    EvidenceFactory(requirement=requirement, document_title="Board minutes March 2016")
    client.force_login(viewer)
    frameworks = client.get(reverse("assurance:coverage") + AS_AT).context["frameworks"]
    assert [item.framework.name for item in frameworks] == ["Joint inspection 2018", "Ofsted requirements"]
    assert not frameworks[0].rows[0].coverage.is_gap
    content = client.get(newer.get_absolute_url() + AS_AT).content.decode()
    assert "Board minutes March 2016" in content and "Carried from Ofsted requirements requirement 1" in content
    pack = client.get(reverse("assurance:pack") + AS_AT).context["frameworks"]
    assert [line.evidence.document_title for line in pack[0].rows[0].evidence] == ["Board minutes March 2016"]


def test_the_map_is_the_current_section_of_the_navigation(client, viewer, requirement):
    client.force_login(viewer)
    content = client.get(requirement.get_absolute_url()).content.decode()
    nav = content[content.index('id="navigation"') : content.index("</nav>")]
    active = nav[nav.index("item--active") :]
    assert active[: active.index("</li>")].count("Assurance") == 1


def test_the_pack_lists_accepted_evidence_only_and_counts_the_proposed(client, viewer, framework, tmp_path):
    first = framework.requirements.order_by("number").first()
    EvidenceFactory(requirement=first, document_title="Board minutes March 2016")
    EvidenceFactory(requirement=first, document_title="Draft audit not yet accepted", status="proposed")
    EvidenceFactory(requirement=first, document_title="Another proposed paper", status="proposed")
    client.force_login(viewer)
    html = client.get(reverse("assurance:pack") + AS_AT).content.decode()
    assert "Board minutes March 2016" in html
    assert "Draft audit not yet accepted" not in html and "Another proposed paper" not in html
    assert "2 proposed links to evidence await acceptance, not listed here." in html
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("assurance:pack-xlsx") + AS_AT).content))
    assert [row[3] for row in book["Evidence"].iter_rows(min_row=2, values_only=True)] == ["Board minutes March 2016"]
    headings = [cell.value for cell in book["Requirements"][3]]
    assert headings[8:] == ["Coverage", "Proposed, awaiting acceptance (not listed)"]
    assert [row[9] for row in book["Requirements"].iter_rows(min_row=4, values_only=True)] == [2, 0]
    text = pdf_text(client.get(reverse("assurance:pack-pdf") + AS_AT).content, tmp_path)
    assert "Board minutes March 2016" in text and "Draft audit" not in text
    assert "2 proposed links to evidence await acceptance" in text


def test_the_pack_xlsx_links_are_whole_addresses(client, viewer, framework, action):
    first = framework.requirements.order_by("number").first()
    EvidenceFactory(requirement=first, kind="action", action=action, document_title="", document_date=None)
    EvidenceFactory(requirement=first, document_title="Minutes", document_url="https://example.org/minutes.pdf")
    client.force_login(viewer)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("assurance:pack-xlsx") + AS_AT).content))
    links = sorted(row[7] for row in book["Evidence"].iter_rows(min_row=2, values_only=True))
    assert links == [f"http://testserver{action.get_absolute_url()}", "https://example.org/minutes.pdf"]


@pytest.mark.parametrize(
    ("kind", "heading", "choose", "hint"),
    [
        ("kpi", "Link evidence: KPI", "Choose the KPI", "For example 3.3.K4."),
        ("kpi_value", "Link evidence: KPI value", "Choose the KPI value", None),
        ("risk", "Link evidence: risk", "Choose the risk", "For example R3."),
        ("action", "Link evidence: plan action", "Choose the plan action", "For example 1.1.2."),
        ("round", "Link evidence: audit round", "Choose the audit round", None),
    ],
)
def test_each_kind_reads_in_its_own_case(client, manager, requirement, action, kind, heading, choose, hint):
    KPIValueFactory(kpi=KPIFactory(objective=action.objective, owner=action.lead))
    RiskFactory()
    RoundFactory()
    client.force_login(manager)
    content = client.get(reverse("assurance:evidence-add", args=[requirement.pk, kind])).content.decode()
    assert heading in content and choose in content
    assert "kpi value" not in content and "Choose the kpi" not in content and "3.3.k4" not in content
    if hint:
        assert hint in content


def test_the_documents_link_is_a_gov_uk_input_also_in_error(client, manager, requirement):
    client.force_login(manager)
    url = reverse("assurance:evidence-add", args=[requirement.pk, "document"])
    field = re.search(r"<input[^>]*name=\"document_url\"[^>]*>", client.get(url).content.decode()).group()
    assert 'class="govuk-input"' in field and 'type="url"' in field
    content = client.post(url, {"document_title": "Minutes", "document_url": "not a link at all"}).content.decode()
    field = re.search(r"<input[^>]*name=\"document_url\"[^>]*>", content).group()
    assert "govuk-input--error" in field and 'value="not a link at all"' in field


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("meeting_item", "No meeting decisions or actions are recorded yet."),
        ("report", "No issued reports are recorded yet."),
        ("risk", "No risks are recorded yet."),
    ],
)
def test_a_kind_with_nothing_to_link_says_so_in_words(client, manager, requirement, kind, words):
    client.force_login(manager)
    url = reverse("assurance:evidence-add", args=[requirement.pk, kind])
    content = client.get(url).content.decode()
    assert words in content and "<select" not in content
    response = client.post(url, {"note": "Anything"})
    assert response.status_code == 200 and words in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_gap_action_sent_twice_makes_one_action(client, manager, action, requirement):
    client.force_login(manager)
    url = reverse("assurance:gap-action", args=[requirement.pk])
    data = {"objective": str(action.objective.pk), "lead": str(action.lead.pk), "text": "Audit core groups"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "text": "  audit  core groups "})
    made = Action.objects.exclude(pk=action.pk).get()
    assert again.status_code == 200
    assert f"Action {made.code} already says this under objective {action.objective.code}" in again.content.decode()
    assert again.context["form"]["text"].value() == "  audit  core groups "
    assert Evidence.objects.count() == 1
    assert client.post(url, {**data, "text": "Audit core groups twice a year"}).status_code == 302
    assert Action.objects.exclude(pk=action.pk).count() == 2


@pytest.mark.parametrize(
    ("gaps", "evidence", "offered"),
    [("", True, False), ("Core groups are not audited", True, True), ("", False, True)],
)
def test_make_this_gap_a_plan_action_is_offered_only_for_a_gap(client, manager, requirement, gaps, evidence, offered):
    if evidence:
        EvidenceFactory(requirement=requirement)
    if gaps:
        SelfGrade.objects.create(requirement=requirement, grade="good", gaps=gaps)
    client.force_login(manager)
    content = client.get(requirement.get_absolute_url() + AS_AT).content.decode()
    assert ("Make this gap a plan action" in content) is offered


@pytest.mark.parametrize("page", ["assurance:grade-edit", "assurance:gap-action", "evidence"])
def test_the_forms_show_the_requirements_text_whole(client, manager, framework, page):
    long_text = ("The board monitors the effectiveness of the help given to children and families. " * 8).strip()
    requirement = RequirementFactory(framework=framework, number=50, text=long_text + " The very end.")
    client.force_login(manager)
    if page == "evidence":
        url = reverse("assurance:evidence-add", args=[requirement.pk, "document"])
    else:
        url = reverse(page, args=[requirement.pk])
    assert "The very end." in client.get(url).content.decode()


def test_long_text_is_whole_in_the_pack_and_cut_at_a_word_in_the_choices(client, manager, framework, action):
    from assurance.text import clip

    action.text = "Deliver multi-agency training around information sharing " * 4 + "to every partner agency."
    action.save()
    first = framework.requirements.order_by("number").first()
    EvidenceFactory(requirement=first, kind="action", action=action, document_title="", document_date=None)
    client.force_login(manager)
    html = client.get(reverse("assurance:pack") + AS_AT).content.decode()
    assert "to every partner agency." in html
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("assurance:pack-xlsx") + AS_AT).content))
    assert next(book["Evidence"].iter_rows(min_row=2, values_only=True))[3].endswith("to every partner agency.")
    form = client.get(reverse("assurance:evidence-add", args=[first.pk, "action"])).context["form"]
    label = dict(form.fields["source"].choices)[str(action.pk)]
    assert label.endswith("…") and len(label) <= 150
    whole = f"{action.objective.priority.plan.year_label} {action.code} {action.text}"
    assert whole.startswith(label[:-1]) and whole[len(label) - 1] == " "  # cut where a word ends
    assert clip("training around information", 24) == "training around…"
