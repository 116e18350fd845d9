"""Tasks for the tests of the worker: they write rows in one transaction, as every task of the product must."""

import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from dscb.models import SentEmail

# TASKS settings for a test: the database queue (run by run_worker_batch below), and the backend that runs a task as
# it is enqueued (the suite's default, tests/settings.py).
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@task(takes_context=True)
def rows_write(context, *, key, pause_on_first_run=0):
    """Two rows, written together or not at all; on its first run the task waits between them (to be killed)."""
    with transaction.atomic():
        SentEmail.objects.create(key=f"{key}:1", to="first@example.org", subject="first row")
        if context.attempt == 1 and pause_on_first_run:
            time.sleep(pause_on_first_run)
        SentEmail.objects.create(key=f"{key}:2", to="second@example.org", subject="second row")
    return context.attempt


@task()
def slow_rows_write(*, key, seconds):
    """A long task that writes only at its end, as drawing a PDF does."""
    time.sleep(seconds)
    with transaction.atomic():
        SentEmail.objects.create(key=f"{key}:1", to="first@example.org", subject="first row")
        SentEmail.objects.create(key=f"{key}:2", to="second@example.org", subject="second row")


class FlakyEmailBackend(EmailBackend):
    """A mail server that refuses the first `failures` emails it is given, then takes them (into mail.outbox)."""

    failures = 0
    refused = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.refused < FlakyEmailBackend.failures:
            FlakyEmailBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def run_worker_batch(tasks=None):
    """What `manage.py run_worker --batch` does, in this process and the test's transaction: each task ready (or
    the first `tasks` of them), in the worker's order, is claimed and run by django-tasks-db's worker, which records
    its result. (The worker's own loop closes the
    database connection between tasks, which would end the test's transaction; tests/tasks/test_worker.py runs
    that loop in real processes.)"""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-test",
        excluded_queue_names=[],
    )
    ran = 0
    while (tasks is None or ran < tasks) and (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
