"""Report PDFs are drawn by the worker, never in a request; changes ask for a redraw, coalesced."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.models import DraftPDF
from tests.reports.test_reports import executive_url
from tests.tasks.jobs import run_worker_batch

pytestmark = pytest.mark.django_db

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue():
    with override_settings(TASKS=DATABASE):
        yield


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

    # The page reloads: the drawing already asked for is not asked for again, nor counted against the person.
    assert client.get(url).status_code == 202
    assert DBTaskResult.objects.count() == 1

    run_worker_batch()
    ready = client.get(url)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")
    assert ready.content == bytes(DraftPDF.objects.get().pdf)
    assert DBTaskResult.objects.get().return_value == "drawn"


def test_a_second_drawing_of_the_same_report_draws_nothing(client, viewer, action, period, database_queue):
    from reports.tasks import draft_pdf_draw

    plan = action.objective.priority.plan
    for _ in range(2):
        draft_pdf_draw.enqueue(plan_id=plan.pk, kind="executive", period_number=1)
    run_worker_batch()
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == ["drawn", "up to date"]
    assert DraftPDF.objects.count() == 1


def test_many_saves_in_a_minute_ask_for_one_redraw_a_minute_later(
    action, period, chair, database_queue, django_capture_on_commit_callbacks
):
    from tests.factories import ProgressUpdateFactory

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
