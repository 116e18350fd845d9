"""On SQLite too, people saving one update at the same moment get one save and conflict pages, never a 503.

SQLite writes one transaction at a time. Its transactions begin IMMEDIATE with a busy timeout (settings), so
that a save waits its turn rather than failing with "database is locked", which the app answers as "database
unavailable". The database here is a file of its own (gunicorn's workers and pytest cannot share pytest's
in-memory one), migrated and filled by manage.py.
"""

import os
import subprocess
import sys
import threading

from .server import ROOT, Browser, Gunicorn, form_fields

EDITORS = 30
SETUP = f"""
from tests.factories import ActionFactory, MembershipFactory, ReportingPeriodFactory, UserFactory
action = ActionFactory(objective__priority__plan__status="active")
ReportingPeriodFactory(plan=action.objective.priority.plan, number=1, state="open")
for n in range({EDITORS}):
    MembershipFactory(subgroup=action.lead, user=UserFactory(username=f"editor-{{n:02d}}"))
print(action.pk)
"""
COUNT = "from priorities.models import ProgressUpdate as U; u = U.objects.get(); print(u.version, U.history.count())"


def manage(database, *args, stdin=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database}
    command = [sys.executable, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_simultaneous_saves_on_sqlite_queue_and_conflict(tmp_path):
    database = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
    manage(database, "migrate", "--noinput", "-v0")
    action_id = manage(database, "shell", stdin=SETUP).splitlines()[-1]
    server = Gunicorn(workers=2, database=database)
    try:
        path = f"/actions/{action_id}/periods/1/update/"
        browsers, forms = [], []
        for n in range(EDITORS):
            browser = Browser(server.port).sign_in(f"editor-{n:02d}", "correct-horse-battery")
            status, _, page = browser.request("GET", path)
            assert status == 200, page
            token, version = form_fields(page)
            browsers.append(browser)
            forms.append(
                {"csrfmiddlewaretoken": token, "version": str(version), "status": "green", "progress": f"By {n}."}
            )
        barrier = threading.Barrier(EDITORS)
        replies = [None] * EDITORS

        def submit(n):
            browsers[n].connect()
            barrier.wait(timeout=30)
            replies[n] = browsers[n].request("POST", path, forms[n])

        threads = [threading.Thread(target=submit, args=(n,)) for n in range(EDITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    finally:
        server.stop()

    statuses = [reply[0] if reply else 0 for reply in replies]
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == EDITORS - 1, statuses
    assert all("Someone else saved this update" in reply[2] for reply in replies if reply[0] == 409)
    assert manage(database, "shell", "-c", COUNT).splitlines()[-1] == "1 1"
