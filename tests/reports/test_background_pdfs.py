"""Report PDFs are drawn by the worker, never in a request; changes ask for a redraw, coalesced."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.models import DraftPDF, IssuedReport
from reports.services import report_issue
from reports.tasks import REDRAW_PRIORITY, draft_pdf_draw, issued_pdf_draw, plan_draft_pdfs_draw
from tests.factories import KPIValueFactory, ProgressUpdateFactory
from tests.reports.test_reports import executive_url, pdf_pages, squash
from tests.tasks.jobs import run_worker_batch

pytestmark = pytest.mark.django_db


def test_a_pdf_not_ready_is_prepared_by_the_worker_while_the_page_refreshes_itself(
    client, viewer, action, period, database_queue, settings
):
    settings.REPORT_PDF_DRAWS_PER_PERSON = 1
    plan = action.objective.priority.plan
    client.force_login(viewer)
    url = executive_url(plan, 1, "pdf")

    first = client.get(url)
    assert first.status_code == 202 and first["Retry-After"] == "5"
    page = first.content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page and "The PDF is being prepared" in page
    assert not DraftPDF.objects.exists(), "nothing is drawn in the request"
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "reports.tasks.draft_pdf_draw" and queued.status == "READY"

    # The page reloads (without JavaScript) or checks (htmx): the drawing already asked for is not asked for again,
    # nor counted against the person.
    assert client.get(url).status_code == 202
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 204
    assert DBTaskResult.objects.count() == 1

    run_worker_batch()
    check = client.get(url, headers={"HX-Request": "true"})
    assert check.status_code == 286, "htmx stops checking"
    assert f'The PDF is ready: <a class="govuk-link" href="{url}">download the PDF</a>' in check.content.decode()
    ready = client.get(url)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")
    assert ready.content == bytes(DraftPDF.objects.get().pdf)
    assert DBTaskResult.objects.get().return_value == "drawn"


def test_a_second_drawing_of_the_same_report_draws_nothing(client, viewer, action, period, database_queue):
    plan = action.objective.priority.plan
    for _ in range(2):
        draft_pdf_draw.enqueue(plan_id=plan.pk, kind="executive", period_number=1)
    run_worker_batch()
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == ["drawn", "up to date"]
    assert DraftPDF.objects.count() == 1


def test_a_chairs_update_then_a_download_gets_the_new_pdf_drawn_by_the_worker_not_the_request(
    client, chair, action, period, database_queue, tmp_path, django_capture_on_commit_callbacks
):
    """Issue 13's journey: the PDF is kept; a chair saves an update; a download a few seconds later says the PDF is
    being prepared (and draws nothing); the worker draws it; the next download is the new PDF."""
    plan = action.objective.priority.plan
    url = executive_url(plan, 1, "pdf")
    client.force_login(chair)
    assert client.get(url).status_code == 202
    run_worker_batch()
    before = client.get(url)
    assert before.status_code == 200 and "Audit of case files finished" not in pdf_text(before, tmp_path)

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            reverse("priorities:update-edit", args=[action.pk, 1]),
            {
                "status": "green",
                "progress": "Audit of case files finished",
                "impact": "",
                "next_steps": "",
                "reason": "",
                "evidence_links": "",
                "version": "0",
            },
        )
    assert saved.status_code == 302
    kept = bytes(DraftPDF.objects.get(plan=plan, period_number=1).pdf)
    waiting = client.get(url)
    assert waiting.status_code == 202 and "The PDF is being prepared" in waiting.text
    assert bytes(DraftPDF.objects.get(plan=plan, period_number=1).pdf) == kept, "the request drew nothing"

    run_worker_batch()  # the drawing the download asked for; the plan's redraw waits its minute
    assert DBTaskResult.objects.filter(task_path="reports.tasks.plan_draft_pdfs_draw", status="READY").exists()
    after = client.get(url)
    assert after.status_code == 200 and "Audit of case files finished" in pdf_text(after, tmp_path)


def pdf_text(response, tmp_path):
    return squash(" ".join(pdf_pages(response.content, tmp_path)))


def test_many_saves_in_a_minute_ask_for_one_redraw_a_minute_later(
    action, period, chair, database_queue, django_capture_on_commit_callbacks
):
    plan = action.objective.priority.plan
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        update = ProgressUpdateFactory(action=action, period=period, author=chair)
    for text in ["first", "second", "third"]:
        with django_capture_on_commit_callbacks(execute=True):
            update.progress = text
            update.save()
    [redraw] = DBTaskResult.objects.all()
    assert redraw.task_path == "reports.tasks.plan_draft_pdfs_draw"
    assert redraw.args_kwargs["kwargs"] == {"plan_id": plan.pk}
    assert redraw.run_after >= before + timedelta(seconds=60)

    # Once it has run, the next change asks for another.
    DBTaskResult.objects.filter(pk=redraw.pk).update(run_after=timezone.now())
    run_worker_batch()
    assert DraftPDF.objects.filter(plan=plan, period_number=1).exists()
    with django_capture_on_commit_callbacks(execute=True):
        update.progress = "fourth"
        update.save()
    assert DBTaskResult.objects.filter(status="READY").count() == 1


# A saved change to each thing the reports show, made the way its model is saved (reports.signals.PLAN_OF).
CHANGES = {
    "plan": lambda action, period, kpi: action.objective.priority.plan.save(),
    "period": lambda action, period, kpi: period.save(),
    "priority": lambda action, period, kpi: action.objective.priority.save(),
    "objective": lambda action, period, kpi: action.objective.save(),
    "action": lambda action, period, kpi: action.save(),
    "update": lambda action, period, kpi: _saved(
        action.updates.first() or ProgressUpdateFactory(action=action, period=period)
    ),
    "kpi": lambda action, period, kpi: kpi.save(),
    "kpi value": lambda action, period, kpi: _saved(kpi.values.first() or KPIValueFactory(kpi=kpi, period=period)),
}


def _saved(row):
    row.save()


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_anything_a_report_shows_asks_for_its_plans_redraw(
    action, period, kpi, database_queue, django_capture_on_commit_callbacks, change
):
    plan = action.objective.priority.plan
    assert DBTaskResult.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        CHANGES[change](action, period, kpi)
        CHANGES[change](action, period, kpi)
    [redraw] = DBTaskResult.objects.all()
    assert redraw.task_path == "reports.tasks.plan_draft_pdfs_draw"
    assert redraw.args_kwargs["kwargs"] == {"plan_id": plan.pk}


def test_the_redraw_draws_each_report_in_a_task_of_its_own_after_a_download_asked_for_meanwhile(
    client, viewer, action, period, database_queue
):
    """A PDF someone asks for while the redraw's drawings wait is drawn first; then the redraw finds it up to date."""
    plan = action.objective.priority.plan
    redraw = plan_draft_pdfs_draw.enqueue(plan_id=plan.pk)
    run_worker_batch(tasks=1)
    asked = DBTaskResult.objects.get(pk=redraw.id).return_value
    assert [name for name, _ in asked] == [
        f"{plan.slug} Executive report, period 1",
        f"{plan.slug} Board report as at 30 June 2015",
    ]
    drawings = DBTaskResult.objects.filter(pk__in=[drawing for _, drawing in asked])
    assert {(task.task_path, task.priority, task.status) for task in drawings} == {
        ("reports.tasks.draft_pdf_draw", REDRAW_PRIORITY, "READY")
    }

    client.force_login(viewer)
    assert client.get(executive_url(plan, 1, "pdf")).status_code == 202
    download = DBTaskResult.objects.exclude(pk__in=[redraw.id, *[drawing for _, drawing in asked]]).get()
    assert download.priority == 0
    run_worker_batch()
    download.refresh_from_db()
    executive, board = (DBTaskResult.objects.get(pk=drawing) for _, drawing in asked)
    assert download.return_value == "drawn" and download.finished_at <= executive.started_at
    assert executive.return_value == "up to date" and board.return_value == "drawn"
    assert client.get(executive_url(plan, 1, "pdf")).status_code == 200


def test_a_rolled_back_save_asks_for_nothing(action, period, chair, database_queue, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        action.text = "A change that is rolled back"
        action.save()
        raise RuntimeError("the save failed")
    assert not DBTaskResult.objects.exists()


def test_issuing_returns_at_once_and_the_worker_draws_the_frozen_report(
    client, manager, viewer, action, period, database_queue, django_capture_on_commit_callbacks, tmp_path
):
    plan = action.objective.priority.plan
    action.text = "The action as it was issued"
    action.save()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report-issue", args=[plan.slug]),
            {"kind": "executive", "period": "1", "meeting": "Safeguarding Executive"},
        )
    issued = IssuedReport.objects.get()
    assert response["Location"] == issued.get_absolute_url()
    assert issued.pdf is None, "the PDF is not drawn in the request"
    [queued] = DBTaskResult.objects.filter(task_path="reports.tasks.issued_pdf_draw")
    assert queued.args_kwargs["kwargs"] == {"issued_id": issued.pk}

    client.force_login(viewer)
    listing = client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()
    assert "PDF being prepared" in listing
    pdf_url = reverse("reports:issued-pdf", args=[issued.pk])
    waiting = client.get(pdf_url)
    assert waiting.status_code == 202 and '<meta http-equiv="refresh" content="5">' in waiting.content.decode()
    assert client.get(pdf_url, headers={"HX-Request": "true"}).status_code == 204

    # Changed after the issue, before the worker draws: the PDF is drawn from what was frozen.
    action.text = "Rewritten after the meeting"
    action.save()
    run_worker_batch()
    assert client.get(pdf_url, headers={"HX-Request": "true"}).status_code == 286
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = squash(" ".join(pdf_pages(pdf.content, tmp_path)))
    assert "The action as it was issued" in text and "Rewritten after the meeting" not in text
    assert "PDF being prepared" not in client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()

    # Run again (a retry, a second worker): the PDF stays as drawn.
    assert issued_pdf_draw.enqueue(issued_id=issued.pk) is not None
    run_worker_batch()
    assert bytes(IssuedReport.objects.get().pdf) == pdf.content
    assert DBTaskResult.objects.filter(return_value="drawn already").count() == 1


def test_an_issue_that_is_rolled_back_asks_for_no_pdf(
    manager, action, period, database_queue, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        report_issue(
            plan=action.objective.priority.plan,
            kind=IssuedReport.Kind.EXECUTIVE,
            period=period,
            user=manager,
            meeting="M",
        )
        raise RuntimeError("the issue failed")
    assert not IssuedReport.objects.exists() and not DBTaskResult.objects.exists()
