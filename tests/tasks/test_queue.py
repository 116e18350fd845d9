"""The queue's health (Reports page, /readyz), tasks of dead workers run again, failed tasks retried in the admin,
and the same task functions through two backends."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tasks import RESET, SET, password_email_send
from dscb.models import SentEmail, TaskWorker
from dscb.queue import lost_tasks_requeue, queue_health, task_retry
from reports.tasks import plan_draft_pdfs_draw
from tests.factories import TaskWorkerFactory, UserFactory
from tests.tasks.jobs import DATABASE, IMMEDIATE, rows_write, run_worker_batch

pytestmark = pytest.mark.django_db


def running_task(*, worker_ids, started_minutes_ago=10):
    result = rows_write.enqueue(key="k")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
    )
    return result.id


@override_settings(TASKS=DATABASE)
def test_readyz_gives_the_queue_health_as_a_field_and_stays_200_without_a_worker(client):
    rows_write.enqueue(key="waiting")
    failed = rows_write.enqueue(key="failed")
    DBTaskResult.objects.filter(pk=failed.id).update(status=TaskResultStatus.FAILED)

    response = client.get("/readyz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert body["tasks"] == {
        "backend": "database",
        "worker_seen": False,
        "worker_last_seen": None,
        "waiting": 1,
        "running": 0,
        "failed": 1,
    }

    TaskWorkerFactory(seen_at=timezone.now() - timedelta(minutes=1))
    assert json.loads(client.get("/readyz").content)["tasks"]["worker_seen"] is True


@override_settings(TASKS=DATABASE, TASKS_WORKER_SEEN_MINUTES=5)
def test_a_worker_silent_longer_than_the_setting_is_not_seen():
    TaskWorkerFactory(seen_at=timezone.now() - timedelta(minutes=6))
    health = queue_health()
    assert health["worker_seen"] is False and health["worker_last_seen"] is not None


def test_with_another_backend_the_health_names_it():
    assert queue_health()["backend"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert queue_health()["worker_seen"] is None


@override_settings(TASKS=DATABASE)
def test_the_reports_page_shows_the_manager_the_queue_health(client, manager, viewer, action):
    plan = action.objective.priority.plan
    failed = rows_write.enqueue(key="failed")
    DBTaskResult.objects.filter(pk=failed.id).update(status=TaskResultStatus.FAILED)
    url = reverse("reports:report-list", args=[plan.slug])

    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "Background work" in page and "Not running</strong>: never seen." in page
    assert "see their errors and retry them" in page

    TaskWorkerFactory()
    assert "Running</strong> last seen" in client.get(url).content.decode()

    client.force_login(viewer)
    assert "Background work" not in client.get(url).content.decode()


@override_settings(TASKS=DATABASE, TASKS_WORKER_LOST_SECONDS=60, TASKS_MAX_ATTEMPTS=3)
def test_tasks_of_a_silent_worker_are_queued_again_and_those_of_a_live_one_are_not():
    TaskWorkerFactory(worker_id="dead", seen_at=timezone.now() - timedelta(minutes=5))
    TaskWorkerFactory(worker_id="alive")
    of_dead = running_task(worker_ids=["dead"])
    of_alive = running_task(worker_ids=["alive"])
    of_unknown = running_task(worker_ids=["gone-without-a-trace"])
    just_started = running_task(worker_ids=["gone-too"], started_minutes_ago=0)
    third_time = running_task(worker_ids=["dead", "dead", "dead"])
    # A worker restarted under the id it had (a fixed --worker-id): what it ran before is not its own any more.
    TaskWorkerFactory(worker_id="restarted")
    of_restarted = running_task(worker_ids=["restarted"])
    TaskWorker.objects.exclude(worker_id="restarted").update(started_at=timezone.now() - timedelta(hours=1))

    assert lost_tasks_requeue() == (3, 1)

    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert {str(pk): value for pk, value in status.items()} == {
        of_dead: "READY",
        of_alive: "RUNNING",
        of_unknown: "READY",
        just_started: "RUNNING",
        third_time: "FAILED",
        of_restarted: "READY",
    }
    assert DBTaskResult.objects.get(pk=third_time).exception_class_path == "dscb.queue.WorkerLost"
    assert lost_tasks_requeue() == (0, 0)

    # Retried from the admin, it has its three runs again: its next worker's death queues it again, not fails it.
    assert task_retry(result_ids=[third_time]) == 1
    retried = DBTaskResult.objects.get(pk=third_time)
    # Claimed by a worker, which adds itself to the task's workers, and which dies.
    DBTaskResult.objects.filter(pk=third_time).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=5), worker_ids=[*retried.worker_ids, "dead"]
    )
    assert lost_tasks_requeue() == (1, 0)
    assert DBTaskResult.objects.get(pk=third_time).status == "READY"


@override_settings(TASKS=DATABASE)
def test_the_manager_sees_a_failed_task_with_its_error_and_retries_it(client, manager):
    failed = rows_write.enqueue(key="retry-me")
    DBTaskResult.objects.filter(pk=failed.id).update(
        status=TaskResultStatus.FAILED,
        exception_class_path="smtplib.SMTPServerDisconnected",
        traceback="smtplib.SMTPServerDisconnected: Connection unexpectedly closed",
        finished_at=timezone.now(),
    )
    manager.is_staff = True  # as the admin makes everyone with the Board manager role
    manager.save()
    client.force_login(manager)
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(changelist + "?status__exact=FAILED").content.decode()
    assert "rows_write" in page and "SMTPServerDisconnected" in page
    detail = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.id]))
    assert "Connection unexpectedly closed" in detail.content.decode()

    response = client.post(changelist, {"action": "retry", "_selected_action": [failed.id]}, follow=True)
    assert "1 failed task queued again." in response.content.decode()
    waiting = DBTaskResult.objects.get(pk=failed.id)
    assert waiting.status == TaskResultStatus.READY
    assert waiting.exception_class_path == "" and waiting.traceback == "", "waiting again, it shows no old error"

    run_worker_batch()
    assert DBTaskResult.objects.get(pk=failed.id).status == TaskResultStatus.SUCCESSFUL
    assert SentEmail.objects.filter(key__startswith="retry-me:").count() == 2


@pytest.mark.parametrize("backend", [IMMEDIATE, DATABASE], ids=["immediate", "database"])
@pytest.mark.parametrize("kind", [SET, RESET])
def test_the_email_task_does_the_same_on_either_backend(backend, kind):
    """The tasks depend on no backend: the one that runs as it is enqueued, and the database queue and worker."""
    person = UserFactory(username="nia", email="nia@example.org")
    with override_settings(TASKS=backend):
        result = password_email_send.enqueue(
            kind=kind, user_id=person.pk, site_url="https://plans.example.org", key="k"
        )
        if backend is DATABASE:
            assert mail.outbox == []
            run_worker_batch()
        result.refresh() if backend is DATABASE else None
        assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "sent"
    [message] = mail.outbox
    assert message.to == ["nia@example.org"]
    assert "https://plans.example.org/accounts/password/set/" in message.body


@override_settings(TASKS=DATABASE)
def test_a_redraw_of_draft_pdfs_waits_for_every_other_task():
    """Enqueued first, the background redraw of a plan's draft PDFs is run after the task enqueued after it."""
    redraw = plan_draft_pdfs_draw.enqueue(plan_id=0)  # no such plan: nothing to draw
    other = rows_write.enqueue(key="after")
    run_worker_batch()
    redraw, other = DBTaskResult.objects.get(pk=redraw.id), DBTaskResult.objects.get(pk=other.id)
    assert redraw.status == other.status == TaskResultStatus.SUCCESSFUL
    assert other.finished_at <= redraw.started_at
