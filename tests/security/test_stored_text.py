"""Text people type is shown as text everywhere: every page escapes it, the PDF prints it, Excel holds it."""

import io
import re
import shutil
import subprocess
from urllib.parse import urlencode

import openpyxl
import pytest
from django.urls import reverse

from audits.models import CriterionAnswer
from kpis.models import KPIValue
from meetings.models import MeetingItem
from priorities.models import ProgressUpdate
from reports.models import IssuedReport
from reports.services import report_issue
from risks.models import Risk
from selfassessment.models import Answer, Question

from .test_every_url import arguments, site_routes, url_for

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("https://example.com","click")'
DANGEROUS = ["<script>alert(1)", "<img src=x onerror"]


def planted(label):
    return f"{label} {SCRIPT} {IMAGE}"


@pytest.fixture
def hostile(site):
    """The demo plan with markup typed into every kind of text people enter, then a report issued from it."""
    action, period, chair = site.action, site.open_period, site.users["chair"]
    plan = site.plan
    plan.title = planted("Plan")
    plan.save()
    action.text = planted("Action")
    action.save()
    objective = action.objective
    objective.title, objective.evidence = planted("Objective"), planted("Evidence")
    objective.save()
    priority = objective.priority
    priority.title = planted("Priority")
    priority.save()
    lead = action.lead
    lead.name = planted("Subgroup")
    lead.save()
    kpi = site.kpi
    kpi.name, kpi.definition = planted("KPI"), planted("Definition")
    kpi.save()
    chair.first_name, chair.last_name = planted("First"), "Last"
    chair.save()
    ProgressUpdate.objects.update_or_create(
        action=action,
        period=period,
        defaults={
            "status": "amber",
            "progress": f"{planted('Progress')}\n{FORMULA}",
            "impact": planted("Impact"),
            "next_steps": planted("Next"),
            "reason": planted("Reason"),
            "author": chair,
            "state": ProgressUpdate.State.SUBMITTED,
        },
    )
    # The board self-assessment's questions and comments (shown with the totals, and in their Excel file).
    Question.objects.filter(key="impact").update(text=planted("Question"))
    Answer.objects.filter(pk=Answer.objects.filter(question__key="scrutiny").order_by("pk").values("pk")[:1]).update(
        comment=planted("Comment")
    )
    KPIValue.objects.update_or_create(
        kpi=kpi,
        period=period,
        defaults={"value": 50, "numerator": 1, "denominator": 2, "note": planted("Note"), "entered_by": chair},
    )


@pytest.fixture
def issued(site, hostile, django_capture_on_commit_callbacks):
    """The Safeguarding Executive report issued from the planted text, to a meeting with a planted name (its PDF
    drawn by the task enqueued on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        issued = report_issue(
            plan=site.plan,
            kind=IssuedReport.Kind.EXECUTIVE,
            period=site.open_period,
            user=site.users["manager"],
            meeting=planted("Meeting"),
        )
    return issued


def dangerous_in(text):
    return [fragment for fragment in DANGEROUS if fragment in text]


@pytest.mark.parametrize("role", ["chair", "manager"])
def test_every_page_shows_typed_markup_as_text(client, site, issued, role, monkeypatch):
    monkeypatch.setattr("reports.pdfstore.render_pdf", lambda *args, **kwargs: b"%PDF-1.4 stand-in")
    client.force_login(site.users[role])
    urls = [url_for(route, arguments(site, route)) for route in site_routes()]
    urls += [issued.get_absolute_url(), reverse("admin:priorities_action_change", args=[site.action.pk])]
    problems, shown = [], 0
    for url in urls:
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        problems += [f"{url}: {fragment!r} unescaped" for fragment in dangerous_in(page)]
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert problems == []
    assert shown >= 8, "the planted text is on the pages, escaped"


def _pdf_text(content):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found: apt-get install poppler-utils")
    completed = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True, timeout=60
    )
    return " ".join(completed.stdout.decode().split())


@pytest.mark.parametrize("source", ["live", "issued"])
def test_the_pdf_prints_typed_markup_as_text(client, site, hostile, source, request):
    client.force_login(site.users["manager"])
    if source == "live":
        url = reverse("reports:executive-report-pdf", args=[site.plan.slug, site.open_period.number])
    else:
        url = reverse("reports:issued-pdf", args=[request.getfixturevalue("issued").pk])
    text = _pdf_text(client.get(url).content)
    for label in ["Action", "Progress", "Impact", "Subgroup"]:
        # Had it been read as markup, the script would vanish and the image would be drawn, not printed.
        assert re.search(rf"{label} <script>alert\(1\)</script> \"> ?<img src=x onerror=alert\(1\)>", text), label


def _cells(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value]


@pytest.mark.parametrize(
    "url_name",
    ["reports:executive-report-xlsx", "reports:board-report-xlsx", "issued", "planfile:export-with-progress"],
)
def test_excel_holds_typed_markup_and_formulas_as_plain_text(client, site, hostile, url_name, request):
    client.force_login(site.users["manager"])
    if url_name == "issued":
        url = reverse("reports:issued-xlsx", args=[request.getfixturevalue("issued").pk])
    elif url_name == "reports:executive-report-xlsx":
        url = reverse(url_name, args=[site.plan.slug, site.open_period.number])
    else:
        url = reverse(url_name, args=[site.plan.slug])
    cells = _cells(client.get(url).content)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert planted("Action") in texts, "the cell holds the text exactly as typed"
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == [], "typed text never becomes a formula"
    if url_name != "reports:board-report-xlsx":
        assert any(text.endswith(FORMULA) for text in texts)


# A manual line break and a page break as Word pastes them (vertical tab, form feed), and control characters other
# programs leave in text: nobody sees them, and no XML file (Excel, Word) may hold them.
PASTED = "Pasted line\x0bbreak, bell\x07, escape\x1b[31m, page\x0cbreak, start\x01"
PASTED_AS_WRITTEN = "Pasted line\nbreak, bell, escape[31m, page\nbreak, start"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_control_characters_pasted_from_other_programs_break_no_file_and_no_issue(
    client, site, django_capture_on_commit_callbacks
):
    """Every Excel and Word file and the issuing of reports still work, the breaks kept as line breaks."""
    action = site.action
    action.text = f"Action. {PASTED}"
    action.save()
    ProgressUpdate.objects.filter(action__objective__priority__plan=site.plan).update(
        progress=PASTED, impact=PASTED, next_steps=PASTED
    )
    Risk.objects.filter(pk=site.risk.pk).update(title=f"Risk. {PASTED}", cause=PASTED)
    CriterionAnswer.objects.filter(return_form=site.audit_return).update(action_owner="Owner \x01\x1b")
    MeetingItem.objects.filter(pk=site.meeting_item.pk).update(text=PASTED)
    Answer.objects.update(comment=PASTED)
    client.force_login(site.users["manager"])

    files = {}
    for route in site_routes():
        response = client.get(url_for(route, arguments(site, route)))
        kind = response.get("Content-Type", "")
        if kind == SPREADSHEET or "wordprocessingml" in kind:
            files[route.name] = (response.status_code, response.content)
    assert {
        "reports:executive-report-xlsx",
        "reports:board-report-xlsx",
        "planfile:export",
        "planfile:export-with-progress",
        "risks:risk-export",
        "audits:round-export",
        "selfassessment:window-export",
        "assurance:pack-xlsx",
        "annualreport:annual-report",
    } <= files.keys(), sorted(files)
    written = []
    for name, (status, content) in files.items():
        assert status == 200, name
        # (The sweep's issued report holds stand-in bytes; the issued reports are made below.)
        if name not in ("annualreport:annual-report", "reports:issued-xlsx"):
            written += [cell.value for cell in _cells(content)]
    assert PASTED_AS_WRITTEN in written and f"Action. {PASTED_AS_WRITTEN}" in written

    for kind, period, as_at in [
        (IssuedReport.Kind.EXECUTIVE, site.open_period, None),
        (IssuedReport.Kind.BOARD, site.open_period, site.open_period.ends_on),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            issued = report_issue(
                plan=site.plan, kind=kind, period=period, as_at=as_at, user=site.users["manager"], meeting="Board"
            )
        cells = _cells(bytes(IssuedReport.objects.get(pk=issued.pk).xlsx))
        assert f"Action. {PASTED_AS_WRITTEN}" in [cell.value for cell in cells], kind


@pytest.mark.parametrize("multipart", [False, True])
def test_a_form_stores_pasted_text_without_its_control_characters(client, site, multipart):
    """Word's manual line break (a vertical tab) is stored as a line break; characters nobody can see are dropped,
    and a NUL, which PostgreSQL cannot store, no longer refuses the form."""
    client.force_login(site.users["chair"])
    url = reverse("priorities:update-edit", args=[site.action.pk, site.open_period.number])
    version = ProgressUpdate.objects.filter(action=site.action, period=site.open_period).values_list(
        "version", flat=True
    )
    data = {
        "status": "amber",
        "progress": "First line\vsecond line\x00\x1b[31m, with a page\fbreak",
        "impact": "Tabs\tand\r\nline ends are kept",
        "next_steps": "",
        "reason": "Behind\x07 plan\x7f\x85\x9b, £2,000 – «agreed»",
        "evidence_links": "",
        "version": str(version.first() or 0),
    }
    if multipart:
        response = client.post(url, data)  # the test client's default: multipart/form-data
    else:
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, response.content.decode()[:2000]
    update = ProgressUpdate.objects.get(action=site.action, period=site.open_period)
    assert update.progress == "First line\nsecond line[31m, with a page\nbreak"
    assert update.impact == "Tabs\tand\r\nline ends are kept"
    assert update.reason == "Behind plan, £2,000 – «agreed»"  # DEL and C1 controls dropped; Latin-1 letters kept
