"""The background-work queue: the workers' heartbeats, the re-run of tasks whose worker died, and its health.

Tasks are defined with `@task` (django_tasks, Django 6's django.tasks) and enqueued with `.enqueue()`; by default
they are stored in the project's database and run by `manage.py run_worker` (dscb/management/commands), which
writes a heartbeat (a TaskWorker row) every TASKS_HEARTBEAT_SECONDS. A task whose worker has been silent for
TASKS_WORKER_LOST_SECONDS (killed, or its machine gone) goes back to the queue and is run again, by the next worker
that beats; after TASKS_MAX_ATTEMPTS runs it is left failed, to be retried from the admin. So every task must be
idempotent: it writes in one transaction (a killed run writes nothing), or it checks first whether its work is done.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Q
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .models import TaskWorker

logger = logging.getLogger("dscb.queue")

# A worker's row is forgotten this long after its last heartbeat.
FORGET_WORKER_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """The error recorded on a task whose worker died while running it, TASKS_MAX_ATTEMPTS times."""


def _database_backend():
    """The default task backend when it is the database one, else None (the queue is elsewhere)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return backend if isinstance(backend, DatabaseBackend) else None


def worker_heartbeat(*, worker_id, starting=False):
    """Say that the worker is alive now; `starting`: it has just started (under an id used before, perhaps)."""
    now = timezone.now()
    worker, created = TaskWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={"seen_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
    )
    if starting and not created:
        TaskWorker.objects.filter(pk=worker.pk).update(started_at=now, host=socket.gethostname()[:255], pid=os.getpid())
    TaskWorker.objects.filter(seen_at__lt=now - FORGET_WORKER_AFTER).delete()


def worker_stopped(*, worker_id):
    """A worker that stops cleanly says so: it is no longer counted as seen."""
    TaskWorker.objects.filter(worker_id=worker_id).delete()


def lost_tasks_requeue(*, now=None):
    """Tasks left running by a worker silent for TASKS_WORKER_LOST_SECONDS go back to the queue.

    A task already run TASKS_MAX_ATTEMPTS times is marked failed (WorkerLost) instead. Each change is conditional
    on the task being still as read, so two workers doing this at once change it once. Returns (requeued, failed).
    """
    now = now or timezone.now()
    lost_before = now - timedelta(seconds=settings.TASKS_WORKER_LOST_SECONDS)
    # Each live worker, and when it started: a task begun before its worker (re)started is not its own any more.
    alive = dict(TaskWorker.objects.filter(seen_at__gte=lost_before).values_list("worker_id", "started_at"))
    requeued = failed = 0
    running = DBTaskResult.objects.running().filter(started_at__lt=lost_before)
    for result in running.only("id", "worker_ids", "started_at", "task_path"):
        worker_started = alive.get(result.worker_ids[-1]) if result.worker_ids else None
        if worker_started is not None and worker_started <= result.started_at:
            continue
        same = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at)
        if len(result.worker_ids) >= settings.TASKS_MAX_ATTEMPTS:
            failed += same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the worker running this task stopped without finishing it, "
                f"{len(result.worker_ids)} times.",
            )
            logger.error(
                "Task %s (%s) failed: its worker died %s times", result.pk, result.task_path, len(result.worker_ids)
            )
        else:
            changed = same.update(status=TaskResultStatus.READY, started_at=None)
            requeued += changed
            if changed:
                logger.warning("Task %s (%s) queued again: its worker stopped during it", result.pk, result.task_path)
    return requeued, failed


def enqueue_once(key, seconds, enqueue):
    """`enqueue()`, unless the same work is waiting already: a key in the cache says so, added here in one step (of
    two requests at once, one enqueues) and kept for `seconds` or until the task deletes it when it ends. Returns
    what enqueue() returns, or None if the work was waiting. If enqueue() raises (refused, or the queue could not be
    written to) the key is taken back, as nothing is waiting."""
    if not cache.add(key, 1, seconds):
        return None
    try:
        return enqueue()
    except BaseException:
        cache.delete(key)
        raise


def task_retry(*, result_ids):
    """Failed tasks go back to the queue, as they were enqueued (the admin's Retry action). Returns how many.

    Their error and the workers that ran them are cleared: a task waiting again shows no error, and it has its
    TASKS_MAX_ATTEMPTS runs again (a task failed because its worker died that often is not failed again at the
    next death)."""
    return (
        DBTaskResult.objects.failed()
        .filter(pk__in=result_ids)
        .update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            worker_ids=[],
            exception_class_path="",
            traceback="",
        )
    )


def queue_health(*, now=None):
    """Whether a worker has been seen in the last TASKS_WORKER_SEEN_MINUTES, and how many tasks wait or failed.

    With a backend other than the database one, the queue is watched with that queue's own tools: only the backend
    is given. Read by the Reports page (the manager) and /readyz.
    """
    backend = _database_backend()
    if backend is None:
        path = settings.TASKS[DEFAULT_TASK_BACKEND_ALIAS]["BACKEND"]
        return {"backend": path, "worker_seen": None, "worker_last_seen": None, "waiting": None, "failed": None}
    now = now or timezone.now()
    last_seen = TaskWorker.objects.aggregate(last=Max("seen_at"))["last"]
    counts = DBTaskResult.objects.filter(backend_name=backend.alias).aggregate(
        waiting=Count("pk", filter=Q(status=TaskResultStatus.READY)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
    )
    seen = last_seen is not None and last_seen >= now - timedelta(minutes=settings.TASKS_WORKER_SEEN_MINUTES)
    return {"backend": "database", "worker_seen": seen, "worker_last_seen": last_seen, **counts}


class Heartbeat(threading.Thread):
    """Beside the worker's loop: a heartbeat every TASKS_HEARTBEAT_SECONDS (during a long task too), and the
    re-queueing of tasks whose worker died."""

    def __init__(self, *, worker_id):
        super().__init__(name="task-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def beat(self):
        try:
            worker_heartbeat(worker_id=self.worker_id)
            lost_tasks_requeue()
        except DatabaseError:
            logger.warning("Worker %s could not write its heartbeat", self.worker_id, exc_info=True)
        finally:
            connection.close()

    def run(self):
        while not self.stopping.wait(settings.TASKS_HEARTBEAT_SECONDS):
            self.beat()

    def stop(self):
        self.stopping.set()
        self.join(timeout=5)
