"""Real worker processes (`manage.py run_worker`) on a database of their own, of the kind the suite runs on: a
SQLite file, migrated by manage.py, as on a developer's machine; or, when the suite runs on PostgreSQL (as CI's
second run and production do), a PostgreSQL database made for these tests and dropped after them."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from tests.resilience.server import ROOT, free_port

ENQUEUE = """
from tests.tasks.jobs import rows_write
print(rows_write.enqueue(key={key!r}, pause_on_first_run={pause}).id)
"""


class SQLiteFile:
    def __init__(self, path):
        self.path = path
        self.url = f"sqlite:///{path}"

    def query(self, sql, *params):
        with sqlite3.connect(self.path, timeout=20) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    def writing_uncommitted(self):
        """Whether another connection holds an open transaction that has written (SQLite's write lock)."""
        db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as locked:
            assert "locked" in str(locked)
            return True
        finally:
            db.close()

    def drop(self):
        pass


class PostgreSQLDatabase:
    def __init__(self, suite_url, name):
        parts = urlsplit(suite_url)
        self.name = name
        self.url = urlunsplit(parts._replace(path=f"/{name}"))
        self.server = urlunsplit(parts._replace(path="/postgres"))
        self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')

    def _admin(self, *statements):
        db = psycopg2.connect(self.server)
        db.autocommit = True
        try:
            with db.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            db.close()

    def query(self, sql, *params):
        db = psycopg2.connect(self.url)
        try:
            with db, db.cursor() as cursor:
                cursor.execute(sql, params)
                return [tuple(row) for row in cursor.fetchall()]
        finally:
            db.close()

    def writing_uncommitted(self):
        """Whether another connection holds an open transaction that has written (it has a transaction id)."""
        [(count,)] = self.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'idle in transaction' "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
            self.name,
        )
        return count > 0

    def drop(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def database(tmp_path_factory, worker_id):
    suite_url = os.environ.get("DATABASE_URL", "")
    if suite_url.startswith(("postgres://", "postgresql://")):
        # Named after the suite's own database, as pytest-django names its test twins, so that two suites on one
        # server (each on a database of its own) never share it, and CI's clean-up finds it.
        name = f"test_{urlsplit(suite_url).path.lstrip('/')}_{worker_id}_worker"
        assert len(name) <= 63, f"{name}: longer than PostgreSQL keeps a name"
        db = PostgreSQLDatabase(suite_url, name)
    else:
        db = SQLiteFile(tmp_path_factory.mktemp("worker") / "tasks.sqlite3")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": db.url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TASKS_HEARTBEAT_SECONDS": "0.5",
        "TASKS_WORKER_LOST_SECONDS": "2",
    }
    try:
        manage(env, "migrate", "--noinput", "-v0")
        yield db, env
    finally:
        db.drop()


def manage(env, *args, stdin=None, timeout=120):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def task_row(db, task_id):
    [(status, worker_ids)] = db.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s", task_id.replace("-", "")
    )
    return status, worker_ids


def attempts(worker_ids):
    """How many workers ran a task: its worker_ids, a JSON list (text on SQLite, a list on PostgreSQL)."""
    return len(json.loads(worker_ids) if isinstance(worker_ids, str) else worker_ids)


def rows(db, key):
    return sorted(key for (key,) in db.query("SELECT key FROM dscb_sentemail WHERE key LIKE %s", f"{key}:%"))


def worker_command(*extra):
    return ["run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", *extra]


def test_a_worker_process_runs_a_task_enqueued_in_the_database(database):
    db, env = database
    task_id = manage(env, "shell", stdin=ENQUEUE.format(key="first", pause=0)).splitlines()[-1]
    assert task_row(db, task_id)[0] == "READY" and rows(db, "first") == []

    manage(env, *worker_command("--batch"))

    status, worker_ids = task_row(db, task_id)
    assert status == "SUCCESSFUL" and attempts(worker_ids) == 1
    assert rows(db, "first") == ["first:1", "first:2"]
    # A worker that stops cleanly is no longer counted as running.
    assert db.query("SELECT count(*) FROM dscb_taskworker") == [(0,)]


def test_a_task_whose_worker_is_killed_runs_again_on_the_next_worker_and_nothing_is_half_written(database):
    db, env = database
    task_id = manage(env, "shell", stdin=ENQUEUE.format(key="killed", pause=60)).splitlines()[-1]
    assert not db.writing_uncommitted(), "no worker yet: nothing is being written"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", *worker_command()], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while task_row(db, task_id)[0] != "RUNNING":
            assert time.monotonic() < deadline, "the worker did not start the task"
            time.sleep(0.2)
        # Inside the task's transaction, between its two rows: the first is written, and not committed. Seen three
        # times in a row, so that a heartbeat's own short write is not taken for it.
        seen = 0
        while seen < 3:
            assert time.monotonic() < deadline, "the task did not write its first row"
            seen = seen + 1 if db.writing_uncommitted() else 0
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    assert task_row(db, task_id)[0] == "RUNNING"
    assert rows(db, "killed") == [], "the killed run's transaction was rolled back: no row of it is left"

    time.sleep(2.5)  # the dead worker's heartbeat is older than TASKS_WORKER_LOST_SECONDS
    manage(env, *worker_command("--batch"))

    status, worker_ids = task_row(db, task_id)
    assert status == "SUCCESSFUL" and attempts(worker_ids) == 2
    assert rows(db, "killed") == ["killed:1", "killed:2"]


def test_a_task_whose_worker_still_beats_is_left_to_it(database):
    """A long task of a live worker is not taken from it by another worker."""
    db, env = database
    enqueue = "from tests.tasks.jobs import slow_rows_write; print(slow_rows_write.enqueue(key='long', seconds=12).id)"
    task_id = manage(env, "shell", stdin=enqueue).splitlines()[-1]
    first = subprocess.Popen(
        [sys.executable, "manage.py", *worker_command()], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while task_row(db, task_id)[0] != "RUNNING":
            assert time.monotonic() < deadline, "the worker did not start the task"
            time.sleep(0.2)
        time.sleep(3)  # longer than TASKS_WORKER_LOST_SECONDS: only the heartbeat says the worker is alive
        manage(env, *worker_command("--batch"))
        assert task_row(db, task_id)[0] == "RUNNING"
        deadline = time.monotonic() + 30
        while task_row(db, task_id)[0] == "RUNNING":
            assert time.monotonic() < deadline, "the first worker did not finish the task"
            time.sleep(0.2)
    finally:
        first.terminate()
        first.wait(10)
    status, worker_ids = task_row(db, task_id)
    assert status == "SUCCESSFUL" and attempts(worker_ids) == 1
    assert rows(db, "long") == ["long:1", "long:2"]


def test_make_runs_script_serves_and_runs_a_worker_and_ctrl_c_stops_both(database):
    """scripts/run-dev.sh (`make run`): runserver and a worker from one command; Ctrl-C (SIGINT to the
    terminal's process group) stops every process it started."""
    _db, env = database
    port = free_port()
    script = subprocess.Popen(
        ["bash", "scripts/run-dev.sh", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "PYTHON": sys.executable},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "the server and worker did not come up"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    if json.load(response)["tasks"]["worker_seen"]:
                        break
            except OSError:
                pass
            time.sleep(0.5)
        os.killpg(script.pid, signal.SIGINT)
        script.wait(20)
        deadline = time.monotonic() + 20
        while group_members(script.pid):
            assert time.monotonic() < deadline, f"still running: {group_members(script.pid)}"
            time.sleep(0.5)
    finally:
        if group_members(script.pid):
            os.killpg(script.pid, signal.SIGKILL)


def group_members(group):
    listing = subprocess.run(["ps", "-o", "pid=,stat=", "-g", str(group)], capture_output=True, text=True).stdout
    return [line for line in listing.splitlines() if line.split()[1][0] != "Z"]
