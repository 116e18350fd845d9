"""`manage.py run_worker`: django-tasks-db's worker (db_worker, same options), with a heartbeat.

At start, and every TASKS_HEARTBEAT_SECONDS while it runs, the worker says it is alive and puts back in the queue
the tasks of workers that have gone silent (dscb.queue). Run as many as needed, on any machine that reaches the
database; `--batch` runs what is waiting and exits.
"""

import contextlib
import os

from django.db import DatabaseError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from dscb.queue import Heartbeat, lost_tasks_requeue, worker_heartbeat, worker_stopped


class Command(db_worker.Command):
    help = "Run a background worker: runs the tasks stored in the database; tasks of dead workers are run again."

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        # With --reload the command runs twice: a watcher that restarts the worker, and the worker itself.
        watcher = options["reload"] and not options["batch"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        heartbeat = None
        if not watcher:
            worker_heartbeat(worker_id=worker_id, starting=True)
            lost_tasks_requeue()
            heartbeat = Heartbeat(worker_id=worker_id)
            heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            if heartbeat is not None:
                heartbeat.stop()
                with contextlib.suppress(DatabaseError):
                    worker_stopped(worker_id=worker_id)
