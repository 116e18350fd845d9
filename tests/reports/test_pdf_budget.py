"""Drawing a report PDF has a budget of time and memory; the last good PDF stays; readers cannot fill the database
with PDFs (issue 11, findings 2 and 7). The budget is tested with a tiny limit, not with huge text, to stay fast."""

import datetime

import pytest
from django.urls import reverse

from priorities.models import ProgressUpdate
from reports.models import DraftPDF, IssuedReport, PDFDrawFailure
from reports.pdfdraw import PDFBudgetExceeded, draw_pdf
from reports.pdfstore import RECENT_OTHER_DATES
from tests.reports.test_draft_pdfs import board_url, build, change_an_update
from tests.reports.test_reports import executive_url

pytestmark = pytest.mark.django_db

STAND_IN = b"%PDF-1.4 stand-in"


def test_the_child_process_is_stopped_at_the_time_and_memory_limits(settings):
    document = "<p>" + "A sentence of a progress update. " * 2000 + "</p>"
    settings.REPORT_PDF_SECONDS = 0.01
    with pytest.raises(PDFBudgetExceeded, match=r"took longer than 0\.01 seconds"):
        draw_pdf(document, base_url=".", stylesheet_paths=[], page_css="")
    settings.REPORT_PDF_SECONDS, settings.REPORT_PDF_MEMORY_MB = 60, 60
    with pytest.raises(PDFBudgetExceeded, match="needed more than 60 MB of memory"):
        draw_pdf(document, base_url=".", stylesheet_paths=[], page_css="")
    settings.REPORT_PDF_MEMORY_MB = 1024
    assert draw_pdf("<p>Within the budget</p>", base_url=".", stylesheet_paths=[], page_css="").startswith(b"%PDF")


def make_longest(plan, marker):
    update = ProgressUpdate.objects.filter(period__plan=plan, period__number=3).exclude(state="draft").last()
    update.impact = marker + " " + "x" * 4900
    update.save()
    return update.action


def test_over_the_budget_the_last_good_pdf_stays_and_the_manager_sees_the_longest_update(client, demo, settings):
    plan, users = demo
    client.force_login(users["manager"])
    good = client.get(executive_url(plan, 3, "pdf")).content
    assert good.startswith(b"%PDF")

    action = make_longest(plan, "A very long impact statement")
    settings.REPORT_PDF_SECONDS = 0.01
    response = client.get(executive_url(plan, 3, "pdf"))
    text = response.content.decode()
    assert response.status_code == 503
    assert "This report's PDF could not be drawn in time" in text
    assert "took longer than 0.01 seconds" in text
    assert "download the last PDF drawn" in text and "read the HTML report" in text
    # The manager is told which update to look at, with a link to its action.
    assert f"action {action.code}" in text and action.get_absolute_url() in text
    assert bytes(DraftPDF.objects.get().pdf) == good  # kept, not replaced or deleted
    failure = PDFDrawFailure.objects.get()
    assert failure.period_number == 3 and failure.fingerprint != DraftPDF.objects.get().fingerprint

    last = client.get(executive_url(plan, 3, "pdf"), {"last": "1"})
    assert last.status_code == 200 and last.content == good
    assert "-drawn-" in last["Content-Disposition"]

    client.force_login(users["viewer"])
    text = client.get(executive_url(plan, 3, "pdf")).content.decode()
    assert "could not be drawn in time" in text and f"action {action.code}" not in text


def test_a_failure_is_not_tried_again_until_the_report_changes(client, demo, settings, monkeypatch):
    plan, users = demo
    client.force_login(users["viewer"])
    settings.REPORT_PDF_SECONDS = 0.01
    assert client.get(executive_url(plan, 3, "pdf")).status_code == 503
    first = PDFDrawFailure.objects.get()

    drawn = []
    monkeypatch.setattr("reports.pdfstore.render_pdf", lambda *args, **kwargs: drawn.append(1) or STAND_IN)
    response = client.get(executive_url(plan, 3, "pdf"))
    assert response.status_code == 503 and "No PDF of this report has been drawn before" in response.content.decode()
    assert drawn == [] and PDFDrawFailure.objects.get().failed_at == first.failed_at
    assert client.get(executive_url(plan, 3, "pdf"), {"last": "1"}).status_code == 404

    change_an_update(plan, "Shortened by its subgroup")
    response = client.get(executive_url(plan, 3, "pdf"))
    assert response.status_code == 200 and response.content == STAND_IN and drawn == [1]
    assert not PDFDrawFailure.objects.exists()


def test_an_issued_report_whose_pdf_cannot_be_drawn_says_so(client, demo, settings, django_capture_on_commit_callbacks):
    """The report is issued (its HTML, Excel and figures are kept); the worker's drawing of its PDF goes over the
    budget, and the report's pages say why there is no PDF."""
    plan, users = demo
    client.force_login(users["manager"])
    settings.REPORT_PDF_SECONDS = 0.01
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report-issue", args=[plan.slug]),
            {"kind": "executive", "period": "3", "meeting": "Safeguarding Executive"},
            follow=True,
        )
    # Issuing answered before its PDF was drawn.
    assert "Its PDF is being prepared." in response.content.decode()
    assert "PDF (being prepared)" in response.content.decode()
    issued = IssuedReport.objects.get()
    assert issued.pdf is None and issued.pdf_failure.startswith("drawing it took longer than 0.01 seconds")
    page = client.get(issued.get_absolute_url()).content.decode()
    assert "PDF (could not be drawn: drawing it took longer" in page
    refused = client.get(reverse("reports:issued-pdf", args=[issued.pk]))
    assert refused.status_code == 503 and "could not be drawn" in refused.content.decode()
    assert "http-equiv" not in refused.content.decode()
    listing = client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()
    assert "PDF not drawn" in listing


def test_the_plans_redraw_names_a_report_over_the_budget(demo, settings):
    plan, _ = demo
    settings.REPORT_PDF_SECONDS = 0.01
    done = build(plan)
    assert done[f"{plan.slug} Executive report, period 1"].startswith(
        "not drawn, drawing it took longer than 0.01 seconds"
    )
    assert len(done) == 5 and all(state.startswith("not drawn") for state in done.values())


def test_board_pdfs_are_kept_for_the_plans_dates_and_a_few_recent_others(client, demo, settings, monkeypatch):
    plan, users = demo
    monkeypatch.setattr("reports.pdfstore.render_pdf", lambda *args, **kwargs: STAND_IN)
    settings.REPORT_PDF_DRAWS_PER_PERSON = 100
    client.force_login(users["viewer"])
    calendar = set()
    for period in plan.periods.all():
        calendar |= {period.ends_on, period.meeting_on} - {None}
    for day in sorted(calendar):
        assert client.get(board_url(plan), {"as_at": f"{day:%Y-%m-%d}"}).status_code == 200
    others = [datetime.date(2015, 4, 2) + datetime.timedelta(days=number) for number in range(20)]
    others = [day for day in others if day not in calendar]
    for day in others:
        assert client.get(board_url(plan), {"as_at": f"{day:%Y-%m-%d}"}).status_code == 200

    kept = set(DraftPDF.objects.filter(kind=IssuedReport.Kind.BOARD).values_list("as_at", flat=True))
    assert calendar <= kept
    assert kept - calendar == set(others[-RECENT_OTHER_DATES:])
    assert len(kept) <= len(calendar) + RECENT_OTHER_DATES


def test_one_person_may_have_five_pdfs_drawn_in_ten_minutes(client, demo, monkeypatch):
    plan, users = demo
    monkeypatch.setattr("reports.pdfstore.render_pdf", lambda *args, **kwargs: STAND_IN)
    client.force_login(users["viewer"])
    for day in range(1, 6):
        assert client.get(board_url(plan), {"as_at": f"2015-11-{day:02}"}).status_code == 200
    sixth = client.get(board_url(plan), {"as_at": "2015-11-06"})
    assert sixth.status_code == 429
    assert 0 < int(sixth["Retry-After"]) <= 600
    text = sixth.content.decode()
    assert "You have asked for a lot of new PDFs" in text and "5 drawn every 10 minutes" in text
    assert not DraftPDF.objects.filter(as_at=datetime.date(2015, 11, 6)).exists()
    # PDFs already drawn are given out, and someone else is not held back.
    assert client.get(board_url(plan), {"as_at": "2015-11-01"}).status_code == 200
    client.force_login(users["manager"])
    assert client.get(board_url(plan), {"as_at": "2015-11-06"}).status_code == 200
