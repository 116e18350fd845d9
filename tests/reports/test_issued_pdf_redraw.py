"""An issued report's PDF that could not be drawn (over the budget, an error) or whose drawing was lost: its pages
say so, and the board business manager, alone, has it drawn again from the report as it was issued."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dscb.queue import task_retry
from reports.models import IssuedReport
from reports.services import report_issue
from reports.tasks import DRAWING_ERROR, _issued_key, issued_pdf_redraw_enqueue, issued_pdf_waiting
from tests.reports.test_reports import pdf_pages, squash
from tests.tasks.jobs import run_worker_batch

pytestmark = pytest.mark.django_db

TASK = "reports.tasks.issued_pdf_draw"


@pytest.fixture
def issued(action, period, manager, database_queue, django_capture_on_commit_callbacks):
    """Issued version 1 of period 1's Executive report; its drawing asked for and not run yet."""
    action.text = "The action as it was issued"
    action.save()
    with django_capture_on_commit_callbacks(execute=True):
        return report_issue(
            plan=action.objective.priority.plan,
            kind=IssuedReport.Kind.EXECUTIVE,
            period=period,
            user=manager,
            meeting="Safeguarding Executive",
        )


def redraw_url(issued):
    return reverse("reports:issued-pdf-redraw", args=[issued.pk])


def pdf_url(issued):
    return reverse("reports:issued-pdf", args=[issued.pk])


def tasks():
    return list(DBTaskResult.objects.filter(task_path=TASK).values_list("status", flat=True).order_by("enqueued_at"))


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [
        ("anon", "sign-in"),
        ("chair", 403),
        ("member", 403),
        ("supporter", 403),
        ("other_chair", 403),
        ("viewer", 403),
        ("manager", 302),
    ],
)
def test_only_the_board_manager_has_an_issued_pdf_drawn_again(
    client, persona, issued, persona_name, expected, django_capture_on_commit_callbacks
):
    run_worker_batch()  # the drawing the issue asked for; then, as if it had gone over the budget:
    IssuedReport.objects.filter(pk=issued.pk).update(pdf=None, pdf_failure="drawing it took longer than 60 seconds")
    before = tasks()
    user = persona(persona_name)
    if user is not None:
        client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(redraw_url(issued))
    after = IssuedReport.objects.get(pk=issued.pk)
    if expected == "sign-in":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == pdf_url(issued)
        assert after.pdf_failure == "" and tasks() == [*before, "READY"]
    else:
        assert after.pdf_failure == "drawing it took longer than 60 seconds" and tasks() == before
    # A visit is not a request to draw.
    tasks_before_visit = tasks()
    assert client.get(redraw_url(issued)).status_code == (302 if expected == "sign-in" else 405)
    assert tasks() == tasks_before_visit


def test_a_pdf_over_the_budget_is_drawn_again_when_the_manager_asks(
    client, issued, manager, viewer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.REPORT_PDF_SECONDS = 0.01
    run_worker_batch()
    failed = IssuedReport.objects.get(pk=issued.pk)
    assert failed.pdf is None and failed.pdf_failure.startswith("drawing it took longer than 0.01 seconds")

    client.force_login(viewer)
    page = client.get(pdf_url(issued))
    assert page.status_code == 503
    assert "could not be drawn: drawing it took longer" in page.text
    assert "The board business manager can have it drawn again." in page.text and redraw_url(issued) not in page.text
    assert f'href="{pdf_url(issued)}">PDF (could not be drawn' in client.get(issued.get_absolute_url()).text

    client.force_login(manager)
    page = client.get(pdf_url(issued))
    assert f'action="{redraw_url(issued)}"' in page.text and "Draw the PDF again" in page.text

    settings.REPORT_PDF_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(redraw_url(issued), follow=True)
    assert asked.status_code == 202 and "The PDF is being prepared" in asked.text
    assert "issued version 1, is being drawn." in asked.text
    # Asked twice before the worker runs: one drawing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(redraw_url(issued))
    assert tasks() == ["SUCCESSFUL", "READY"]

    run_worker_batch()
    assert tasks() == ["SUCCESSFUL", "SUCCESSFUL"]
    drawn = IssuedReport.objects.get(pk=issued.pk)
    assert drawn.pdf_failure == "" and drawn.pdf is not None
    pdf = client.get(pdf_url(issued))
    assert pdf.status_code == 200 and "The action as it was issued" in squash(
        " ".join(pdf_pages(pdf.content, tmp_path))
    )
    listing = client.get(reverse("reports:report-list", args=[issued.plan.slug])).text
    assert "PDF not drawn" not in listing and "PDF being prepared" not in listing

    # Drawn: asking again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(redraw_url(issued), follow=True)
    assert "This issued report&#x27;s PDF is drawn already." in again.text and len(tasks()) == 2
    assert bytes(IssuedReport.objects.get(pk=issued.pk).pdf) == pdf.content


def test_a_drawing_that_stops_with_an_error_fails_with_it_and_is_retried_from_the_admin(
    client, issued, viewer, monkeypatch
):
    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("reports.tasks.draw_pdf_document", disk_full)
        run_worker_batch()
    [failed] = DBTaskResult.objects.filter(task_path=TASK)
    assert failed.status == "FAILED" and failed.exception_class_path == "builtins.OSError"
    assert "No space left on device" in failed.traceback
    assert IssuedReport.objects.get(pk=issued.pk).pdf_failure == DRAWING_ERROR
    client.force_login(viewer)
    page = client.get(pdf_url(issued))
    assert page.status_code == 503 and f"could not be drawn: {DRAWING_ERROR}." in page.text

    assert task_retry(result_ids=[failed.pk]) == 1
    run_worker_batch()
    drawn = IssuedReport.objects.get(pk=issued.pk)
    assert drawn.pdf is not None and drawn.pdf_failure == ""
    assert client.get(pdf_url(issued)).status_code == 200


def test_a_drawing_waited_for_longer_than_a_drawing_takes_can_be_asked_for_again(
    client, issued, manager, viewer, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    waiting = client.get(pdf_url(issued))
    assert waiting.status_code == 202 and redraw_url(issued) not in waiting.text

    # Eleven minutes on, its drawing is still said to be waiting: not offered yet.
    IssuedReport.objects.filter(pk=issued.pk).update(issued_at=timezone.now() - timedelta(minutes=11))
    assert redraw_url(issued) not in client.get(pdf_url(issued)).text

    # Its drawing was lost (its task failed with its worker, say): what said it was waiting has expired.
    cache.delete(_issued_key(issued.pk))
    waiting = client.get(pdf_url(issued))
    assert waiting.status_code == 202 and f'action="{redraw_url(issued)}"' in waiting.text
    assert "A PDF is usually drawn within a minute, and no drawing of this one is waiting." in waiting.text
    client.force_login(viewer)
    waiting = client.get(pdf_url(issued)).text
    assert redraw_url(issued) not in waiting and "the board business manager can have it drawn again" in waiting

    # Asked for again: waiting again, so not offered again until that drawing too is lost.
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(redraw_url(issued)).status_code == 302
    assert tasks() == ["READY", "READY"]
    assert redraw_url(issued) not in client.get(pdf_url(issued)).text


def test_a_drawing_that_could_not_be_queued_is_not_said_to_be_waiting(
    issued, monkeypatch, django_capture_on_commit_callbacks
):
    run_worker_batch()
    IssuedReport.objects.filter(pk=issued.pk).update(pdf=None, pdf_failure="drawing it took longer than 60 seconds")

    class QueueDown:
        def enqueue(self, **kwargs):
            raise DatabaseError("the queue could not be written to")

    with monkeypatch.context() as patched:
        patched.setattr("reports.tasks.issued_pdf_draw", QueueDown())
        with pytest.raises(DatabaseError), django_capture_on_commit_callbacks(execute=True):
            issued_pdf_redraw_enqueue(issued_id=issued.pk)
    assert not issued_pdf_waiting(issued_id=issued.pk), "the manager may ask again at once"
    with django_capture_on_commit_callbacks(execute=True):
        assert issued_pdf_redraw_enqueue(issued_id=issued.pk)
    assert tasks() == ["SUCCESSFUL", "READY"]
