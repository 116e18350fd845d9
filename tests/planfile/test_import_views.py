"""Importing a plan in the browser: upload, preview with differences, confirm; export back to Excel."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, KPIValue
from planfile.demo import DEMO_PLAN_FILE
from planfile.layout import COLUMNS
from planfile.models import PendingImport
from planfile.services import UploadTooLarge, pending_import_save
from planfile.views import SESSION_KEY
from planfile.writer import plan_to_xlsx
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, ProgressUpdate
from tests.factories import make_manager

pytestmark = pytest.mark.django_db


def upload(client, content, name="plan.xlsx"):
    return client.post(reverse("planfile:import"), {"file": SimpleUploadedFile(name, content)})


def preview(client):
    return client.get(reverse("planfile:import-preview"))


def counts(page):
    """The preview's summary as a person reads it: how many rows it creates, changes, leaves and finds missing."""
    values = re.findall(r'govuk-summary-list__value">(\d+)<', page.content.decode().split('id="import-summary"')[1])
    return dict(zip(["create", "change", "unchanged", "missing"], map(int, values[:4]), strict=True))


def confirm(client):
    sha = preview(client).context["sha"]
    return client.post(reverse("planfile:import-preview"), {"sha": sha})


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [("manager", 200), ("chair", 403), ("member", 403), ("viewer", 403), ("other_chair", 403), ("anon", 302)],
)
def test_only_the_manager_imports(client, persona, action, persona_name, expected):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    assert client.get(reverse("planfile:import")).status_code == expected
    response = upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
    assert response.status_code == (302 if expected == 200 else expected)
    assert not BusinessPlan.objects.filter(slug="2015-16").exists()


def test_a_new_plan_is_previewed_then_imported_in_one_go(client, manager):
    client.force_login(manager)
    response = upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
    assert response["Location"] == reverse("planfile:import-preview")
    page = preview(client)
    text = page.content.decode()
    assert "creates a new draft plan" in text and "Dudley Safeguarding Children Board Business Plan 2015/16" in text
    assert counts(page)["create"] == 3 + 8 + 26 + 22
    assert not BusinessPlan.objects.exists()
    response = confirm(client)
    plan = BusinessPlan.objects.get(slug="2015-16")
    assert response["Location"] == plan.get_absolute_url()
    assert plan.status == "draft" and Action.objects.filter(objective__priority__plan=plan).count() == 26
    assert plan.history.latest().history_user == manager
    periods = plan.periods.values("pk")
    assert set(ReportingPeriod.history.filter(id__in=periods).values_list("history_user", flat=True)) == {manager.pk}


def test_a_bad_file_lists_every_problem_and_changes_nothing(client, manager):
    client.force_login(manager)
    bad = (
        DEMO_PLAN_FILE.read_text(encoding="utf-8")
        .replace("Action,1.1.1,", "Actn,1.1.1,")
        .replace(
            "KPI,3.3.K4,100% Agency attendance at DSCB, Safeguarding Executive and Sub-group,,DSCB,,,,Percentage,100",
            "KPI,3.3.K4,100% Agency attendance,,DSCB,,,,Percentage,lots",
        )
    )
    kpi_row = "KPI,1.1.K1,% of conferences where child attends or advocate attends on behalf,,Quality Assurance sub"
    bad = bad.replace(f"{kpi_row},,,,Percentage", f"{kpi_row},,,,Ratio")
    upload(client, bad.encode(), "plan.csv")
    page = preview(client)
    problems = [str(problem) for problem in page.context["result"].problems]
    assert any(problem.startswith("Row 14, Type: 'Actn'") for problem in problems)
    assert any("KPI kind: 'Ratio' is not a KPI kind" in problem for problem in problems)
    assert "Import the plan" not in page.content.decode()
    response = client.post(reverse("planfile:import-preview"), {"sha": page.context["sha"]})
    assert response.status_code == 200 and not BusinessPlan.objects.exists()


def test_reimporting_an_unchanged_export_reports_no_changes(client, manager, demo):
    plan, _ = demo
    client.force_login(manager)
    upload(client, plan_to_xlsx(plan))
    page = preview(client)
    assert counts(page) == {"create": 0, "change": 0, "unchanged": 1 + 3 + 8 + 26 + 22, "missing": 0}
    assert "No changes: the file matches the plan as it is." in page.content.decode()


def test_reimporting_after_edits_changes_exactly_those_and_keeps_progress(client, manager, demo):
    plan, _ = demo
    updates_before = list(ProgressUpdate.objects.order_by("pk").values_list("pk", "action_id", "progress", "status"))
    values_before = KPIValue.objects.count()
    workbook = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan)))
    sheet = workbook["Plan"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    rows["1.1.2"][COLUMNS.index("Text")].value = "Review and strengthen feedback processes, revised"
    rows["3.3.K4"][COLUMNS.index("Target")].value = "95"
    sheet.append(["Action", "3.3.6", "Publish the board's annual report", "", "DSCB"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    client.force_login(manager)
    upload(client, buffer.getvalue())
    page = preview(client)
    assert counts(page) == {"create": 1, "change": 2, "unchanged": 1 + 3 + 8 + 25 + 21, "missing": 0}
    text = page.content.decode()
    assert "Action 1.1.2" in text and "KPI 3.3.K4" in text and "Action 3.3.6" in text
    assert "<ins>95</ins>" in text
    confirm(client)
    action = Action.objects.get(objective__priority__plan=plan, ref="1.1.2")
    assert action.text == "Review and strengthen feedback processes, revised"
    assert action.history.latest().history_user == manager
    assert KPI.objects.get(objective__priority__plan=plan, name__startswith="100% Agency").target == 95
    assert Action.objects.filter(objective__priority__plan=plan).count() == 27
    assert (
        list(ProgressUpdate.objects.order_by("pk").values_list("pk", "action_id", "progress", "status"))
        == updates_before
    )
    assert KPIValue.objects.count() == values_before


def test_a_closed_plan_cannot_be_updated_by_import(client, manager, demo):
    plan, _ = demo
    content = plan_to_xlsx(plan)
    BusinessPlan.objects.filter(pk=plan.pk).update(status="closed")
    client.force_login(manager)
    upload(client, content)
    assert "is closed and cannot be changed" in preview(client).content.decode()


def test_uploads_must_be_spreadsheets(client, manager):
    client.force_login(manager)
    response = upload(client, b"%PDF-1.4", "plan.pdf")
    assert "must be an Excel workbook (.xlsx) or a CSV file" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "sheets"),
    [("planfile:export", ["Plan"]), ("planfile:export-with-progress", ["Plan", "Progress", "KPI values"])],
)
def test_export_from_the_plan_page(client, demo, name, sheets):
    plan, users = demo
    client.force_login(users["viewer"])
    assert reverse(name, args=[plan.slug]) in client.get(plan.get_absolute_url()).content.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse(name, args=[plan.slug])).content))
    assert workbook.sheetnames == sheets
    if "Progress" in sheets:
        assert workbook["Progress"].max_row - 1 == ProgressUpdate.objects.count()
        assert workbook["KPI values"].max_row - 1 == KPIValue.objects.count()
        # A percentage or a count is a number with a number format, so that it charts; an answer stays words.
        for code, _, value, numerator, denominator, *_ in workbook["KPI values"].iter_rows(min_row=2):
            kind = KPI.objects.get(objective__priority__plan=plan, ref=code.value).kind
            if kind == KPI.Kind.PERCENTAGE:
                assert (value.data_type, value.number_format) == ("n", "0.0%")
                assert value.value == pytest.approx(numerator.value / denominator.value, abs=0.00005)  # to 0.01%
            elif kind == KPI.Kind.COUNT:
                assert (value.data_type, value.number_format) == ("n", "0") and isinstance(value.value, int)
            else:
                assert value.data_type == "s" and value.value in ("Yes", "No", "Received", "Not received")


class TestPendingUpload:
    """The uploaded file waits in a PendingImport row, not in the session, until it is confirmed or cancelled."""

    def test_the_session_holds_only_the_id_and_confirming_clears_the_upload(self, client, manager):
        client.force_login(manager)
        content = DEMO_PLAN_FILE.read_bytes()
        upload(client, content, DEMO_PLAN_FILE.name)
        pending = PendingImport.objects.get()
        assert client.session[SESSION_KEY] == pending.pk
        assert (bytes(pending.content), pending.filename, pending.uploaded_by) == (
            content,
            DEMO_PLAN_FILE.name,
            manager,
        )
        confirm(client)
        assert BusinessPlan.objects.filter(slug="2015-16").exists()
        assert not PendingImport.objects.exists() and SESSION_KEY not in client.session

    def test_uploading_again_replaces_the_waiting_file(self, client, manager):
        client.force_login(manager)
        upload(client, b"Type,Ref,Text\n", "first.csv")
        upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
        assert list(PendingImport.objects.values_list("filename", flat=True)) == [DEMO_PLAN_FILE.name]

    def test_cancelling_clears_the_upload_and_imports_nothing(self, client, manager):
        client.force_login(manager)
        upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
        assert "Cancel the import" in preview(client).content.decode()
        response = client.post(reverse("planfile:import-preview"), {"cancel": "1"}, follow=True)
        assert "cancelled: nothing was changed" in response.content.decode()
        assert not PendingImport.objects.exists() and not BusinessPlan.objects.exists()
        assert SESSION_KEY not in client.session

    def test_another_managers_upload_is_not_found(self, client, manager):
        client.force_login(manager)
        upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
        theirs = PendingImport.objects.get()
        client.force_login(make_manager(username="second-manager"))
        session = client.session
        session[SESSION_KEY] = theirs.pk
        session.save()
        assert preview(client).status_code == 404
        assert client.post(reverse("planfile:import-preview"), {"sha": theirs.sha256}).status_code == 404
        assert client.post(reverse("planfile:import-preview"), {"cancel": "1"}).status_code == 404
        assert not BusinessPlan.objects.exists() and PendingImport.objects.get() == theirs

    def test_uploads_left_a_day_are_cleared_by_the_next_upload(self, client, manager):
        other = make_manager(username="second-manager")
        old = PendingImport.objects.create(uploaded_by=other, filename="old.csv", content=b"x", sha256="0" * 64)
        recent = PendingImport.objects.create(uploaded_by=other, filename="recent.csv", content=b"x", sha256="0" * 64)
        PendingImport.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
        )
        PendingImport.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(hours=23))
        client.force_login(manager)
        upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
        assert sorted(PendingImport.objects.values_list("filename", flat=True)) == [DEMO_PLAN_FILE.name, "recent.csv"]

    def test_an_upload_left_a_day_cannot_be_confirmed(self, client, manager):
        client.force_login(manager)
        upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
        PendingImport.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
        response = client.post(reverse("planfile:import-preview"), {"sha": PendingImport.objects.get().sha256})
        assert response["Location"] == reverse("planfile:import") and not BusinessPlan.objects.exists()

    def test_the_size_is_bounded_by_the_upload_limit(self, client, manager):
        too_big = b"x" * (PendingImport.MAX_BYTES + 1)
        client.force_login(manager)
        response = upload(client, too_big, "plan.csv")
        assert "must be smaller than 5 MB" in response.content.decode()
        with pytest.raises(UploadTooLarge):
            pending_import_save(user=manager, filename="plan.csv", content=too_big)
        assert not PendingImport.objects.exists()


def test_the_preview_lists_warnings_and_still_imports(client, manager):
    text = DEMO_PLAN_FILE.read_text(encoding="utf-8")
    text = text.replace(
        "Action,1.1.1,Produce practice standards to ensure the 'voice of the child' is central and heard when keeping "
        "children safe from harm,,Participation sub,",
        "Action,1.1.1,Produce practice standards to ensure the 'voice of the child' is central and heard when keeping "
        "children safe from harm,,Jim Reeves,",
    )
    assert "Jim Reeves" in text
    client.force_login(manager)
    upload(client, text.encode(), "plan.csv")
    page = preview(client).content.decode()
    assert 'id="import-warnings"' in page and "The file can be imported as it is." in page
    assert "&#x27;Jim Reeves&#x27; looks like a person, not a body" in page
    assert "&#x27;Chair of DSCB&#x27; looks like a role, not a body" in page
    assert "Import the plan" in page
    confirm(client)
    assert Action.objects.get(ref="1.1.1").lead.name == "Jim Reeves"


def test_the_preview_reads_the_file_once_however_often_it_is_shown(client, manager, monkeypatch):
    from planfile import views

    reads = []
    real = views.plan_file_preview
    monkeypatch.setattr(views, "plan_file_preview", lambda **kwargs: reads.append(1) or real(**kwargs))
    client.force_login(manager)
    upload(client, DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name)
    pages = [preview(client).content.decode() for _ in range(3)]
    assert len(reads) == 1
    assert all("creates a new draft plan" in page for page in pages) and counts(preview(client))["create"] == 59
    confirm(client)
    assert BusinessPlan.objects.filter(slug="2015-16").exists()


def test_a_long_list_of_changes_is_cut_at_200_with_a_count(client, manager):
    client.force_login(manager)
    rows = ["Type,Ref,Text,Evidence,Lead subgroup", "Plan,slug,long,,", "Plan,title,Long,,", "Plan,plan year,2016/17,,",
            "Plan,starts,2016-04-01,,", "Plan,ends,2017-03-31,,", "Priority,1,P,,", "Objective,1.1,O,,"]  # fmt: skip
    rows += [f"Action,1.1.{n},Action {n},,Quality Assurance sub" for n in range(1, 251)]
    upload(client, "\n".join(rows).encode(), "plan.csv")
    text = preview(client).content.decode()
    assert text.count('<th scope="row" class="govuk-table__header">') == 200
    assert "and 52 more." in text


@pytest.mark.parametrize(("content", "name"), [(b"\x00", "plan.csv"), (b"Type,Ref\x00,Text\n", "pl\x00an.csv")])
def test_a_nul_in_the_file_or_its_name_is_a_problem_listed_not_an_error(client, manager, content, name):
    client.force_login(manager)
    assert upload(client, content, name).status_code == 302
    page = preview(client)
    assert page.status_code == 200 and "cannot be imported" in page.content.decode()
    assert not BusinessPlan.objects.exists()


def test_the_preview_shows_what_a_new_action_will_say(client, manager, demo):
    """A created row is not just "Action 3.3.6: Created": its text, lead subgroup and due date are shown."""
    plan, _ = demo
    workbook = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan)))
    row = [""] * len(COLUMNS)
    for column, value in {
        "Type": "Action",
        "Ref": "3.3.6",
        "Text": "Publish the board's annual report",
        "Lead subgroup": "Communication sub",
        "Due": "March 2016",
    }.items():
        row[COLUMNS.index(column)] = value
    workbook["Plan"].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(manager)
    upload(client, buffer.getvalue())
    page = preview(client).content.decode()
    created = page.split("Action 3.3.6</th>")[1].split("</tr>")[0]
    assert "Created" in created
    assert "<strong>Text:</strong> Publish the board&#x27;s annual report" in created
    assert "<strong>Lead subgroup:</strong> Communication sub" in created
    assert "<strong>Due:</strong> March 2016" in created
