"""Real worker processes (`manage.py run_worker`) on a database of their own: a SQLite file, migrated by
manage.py, as on a developer's machine (the same code runs on PostgreSQL in production)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.resilience.server import ROOT, free_port

ENQUEUE = """
from tests.tasks.jobs import rows_write
print(rows_write.enqueue(key={key!r}, pause_on_first_run={pause}).id)
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("worker") / "tasks.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{path}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TASKS_HEARTBEAT_SECONDS": "0.5",
        "TASKS_WORKER_LOST_SECONDS": "2",
    }
    manage(env, "migrate", "--noinput", "-v0")
    return path, env


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


def query(path, sql, *params):
    with sqlite3.connect(path, timeout=20) as db:
        return db.execute(sql, params).fetchall()


def task_row(path, task_id):
    [(status, worker_ids)] = query(
        path, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?", task_id.replace("-", "")
    )
    return status, worker_ids


def rows(path, key):
    return sorted(key for (key,) in query(path, "SELECT key FROM dscb_sentemail WHERE key LIKE ?", f"{key}:%"))


def worker_command(*extra):
    return ["run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", *extra]


def test_a_worker_process_runs_a_task_enqueued_in_the_database(database):
    path, env = database
    task_id = manage(env, "shell", stdin=ENQUEUE.format(key="first", pause=0)).splitlines()[-1]
    assert task_row(path, task_id)[0] == "READY" and rows(path, "first") == []

    manage(env, *worker_command("--batch"))

    status, worker_ids = task_row(path, task_id)
    assert status == "SUCCESSFUL" and len(worker_ids.strip("[]").split(",")) == 1
    assert rows(path, "first") == ["first:1", "first:2"]
    # A worker that stops cleanly is no longer counted as running.
    assert query(path, "SELECT count(*) FROM dscb_taskworker") == [(0,)]


def test_a_task_whose_worker_is_killed_runs_again_on_the_next_worker_and_nothing_is_half_written(database):
    path, env = database
    task_id = manage(env, "shell", stdin=ENQUEUE.format(key="killed", pause=60)).splitlines()[-1]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", *worker_command()], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while task_row(path, task_id)[0] != "RUNNING":
            assert time.monotonic() < deadline, "the worker did not start the task"
            time.sleep(0.2)
        time.sleep(1)  # inside the task's transaction, between its two rows
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    assert task_row(path, task_id)[0] == "RUNNING"
    assert rows(path, "killed") == [], "the killed run's transaction was rolled back: no row of it is left"

    time.sleep(2.5)  # the dead worker's heartbeat is older than TASKS_WORKER_LOST_SECONDS
    manage(env, *worker_command("--batch"))

    status, worker_ids = task_row(path, task_id)
    assert status == "SUCCESSFUL" and len(worker_ids.strip("[]").split(",")) == 2
    assert rows(path, "killed") == ["killed:1", "killed:2"]


def test_a_task_whose_worker_still_beats_is_left_to_it(database):
    """A long task of a live worker is not taken from it by another worker."""
    path, env = database
    enqueue = "from tests.tasks.jobs import slow_rows_write; print(slow_rows_write.enqueue(key='long', seconds=6).id)"
    task_id = manage(env, "shell", stdin=enqueue).splitlines()[-1]
    first = subprocess.Popen(
        [sys.executable, "manage.py", *worker_command()], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while task_row(path, task_id)[0] != "RUNNING":
            assert time.monotonic() < deadline, "the worker did not start the task"
            time.sleep(0.2)
        time.sleep(3)  # longer than TASKS_WORKER_LOST_SECONDS: only the heartbeat says the worker is alive
        manage(env, *worker_command("--batch"))
        assert task_row(path, task_id)[0] == "RUNNING"
        deadline = time.monotonic() + 30
        while task_row(path, task_id)[0] == "RUNNING":
            assert time.monotonic() < deadline, "the first worker did not finish the task"
            time.sleep(0.2)
    finally:
        first.terminate()
        first.wait(10)
    status, worker_ids = task_row(path, task_id)
    assert status == "SUCCESSFUL" and len(worker_ids.strip("[]").split(",")) == 1
    assert rows(path, "long") == ["long:1", "long:2"]


def test_make_runs_script_serves_and_runs_a_worker_and_ctrl_c_stops_both(database):
    """scripts/run-dev.sh (`make run`): runserver and a worker from one command; Ctrl-C (SIGINT to the
    terminal's process group) stops every process it started."""
    _path, env = database
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
