"""Faults: without the database every page is a plain 503 at once; the database coming back needs no restart;
a change and its history row are written together or not at all."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from kpis.models import KPIValue
from priorities.models import ProgressUpdate
from priorities.services import update_save
from tests.database import database_unreachable

from .checks import header_problems
from .test_every_url import arguments, site_routes, url_for

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anon", "chair"])
def test_without_the_database_every_page_is_a_plain_503_at_once(site, role):
    client = Client(raise_request_exception=False)
    if role != "anon":
        client.force_login(site.users[role])
    urls = {route.name: url_for(route, arguments(site, route)) for route in site_routes()}
    problems = []
    with database_unreachable():
        for name, url in urls.items():
            started = time.monotonic()
            response = client.get(url, secure=True)
            took = time.monotonic() - started
            page = response.content.decode()
            if name == "healthz":
                expected = (200, "ok\n")
            elif name == "readyz":
                expected = (503, "database unavailable\n")
            else:
                expected = (503, "Sorry, the service is unavailable")
            if response.status_code != expected[0] or expected[1] not in page:
                problems.append(f"{url}: {response.status_code}")
            if response.status_code == 503 and name != "readyz" and response.get("Retry-After") != "30":
                problems.append(f"{url}: Retry-After {response.get('Retry-After')!r}")
            if took > 2:
                problems.append(f"{url}: took {took:.1f} s")
            if "Traceback" in page or "OperationalError" in page or "Error" in page:
                problems.append(f"{url}: shows the error")
            problems += [f"{url}: {problem}" for problem in header_problems(response)]
        posted = client.post(reverse("priorities:update-edit", args=[site.action.pk, 4]), {"progress": "x"})
        if posted.status_code != 503:
            problems.append(f"a form sent without the database: {posted.status_code}")
    assert problems == []
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_database_failure_inside_a_page_is_the_503_page(client, site, monkeypatch):
    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    client.force_login(site.users["chair"])
    monkeypatch.setattr("progress.views.plan_rows", lost)
    response = client.get(reverse("progress:my-work"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "server closed" not in response.content.decode()


@pytest.mark.django_db
def test_a_database_failure_in_the_middleware_is_the_503_page_too(site, monkeypatch):
    """Where no view is running yet (reading the session), the 500 handler recognises the cause."""
    client = Client(raise_request_exception=False)
    client.force_login(site.users["chair"])

    def lost(self, *args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("accounts.session_store.SessionStore._get_session_from_db", lost)
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "could not connect" not in response.content.decode()


# A change and its history row: a trigger makes the history insert fail in the database itself.
TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER refuse_history BEFORE INSERT ON {table} BEGIN SELECT RAISE(FAIL, 'history refused'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_history() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'history refused'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_history BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_history()",
    ],
}


@contextmanager
def history_refused(model):
    table = model.history.model._meta.db_table
    with connection.cursor() as cursor:
        for statement in TRIGGERS[connection.vendor]:
            cursor.execute(statement.format(table=table))
    yield


@pytest.mark.django_db
def test_an_update_is_not_saved_when_its_history_row_cannot_be_written(client, site):
    chair, action, period = site.users["chair"], site.action, site.open_period
    update_save(
        action=action,
        period=period,
        user=chair,
        data={"status": "green", "progress": "First"},
        expected_version=0,
        submit=True,
    )
    history_before = ProgressUpdate.history.filter(action=action, period=period).count()
    with history_refused(ProgressUpdate):
        client.force_login(chair)
        client.raise_request_exception = False
        response = client.post(
            reverse("priorities:update-edit", args=[action.pk, period.number]),
            {"status": "amber", "reason": "Late", "progress": "Second", "version": "1"},
        )
        assert response.status_code >= 400
        update = ProgressUpdate.objects.get(action=action, period=period)
        assert (update.progress, update.status, update.version) == ("First", "green", 1)
        assert ProgressUpdate.history.filter(action=action, period=period).count() == history_before


@pytest.mark.django_db
def test_a_kpi_value_is_not_saved_when_its_history_row_cannot_be_written(client, site):
    kpi, period = site.kpi, site.open_period
    with history_refused(KPIValue):
        client.force_login(site.users["chair"])
        client.raise_request_exception = False
        response = client.post(
            reverse("kpis:value-edit", args=[kpi.pk, period.number]),
            {"numerator": "1", "denominator": "2", "percentage": "", "count": "", "answer": "yes", "version": "0"},
        )
        assert response.status_code >= 400
        assert not KPIValue.objects.filter(kpi=kpi, period=period).exists()
        assert not KPIValue.history.filter(kpi=kpi, period=period).exists()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback address
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL=postgres://...): SQLite has no server to drop the connection",
)
@pytest.mark.django_db
def test_after_postgresql_drops_the_connection_the_next_request_succeeds_without_a_restart():
    """gunicorn keeps its database connection between requests; the server ends it; the app notices and
    reconnects on the next request (CONN_HEALTH_CHECKS) rather than failing it."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}?application_name=dscb-reconnect-test"
    )
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "600",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "dscb.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if _get(f"{base}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert _get(f"{base}/readyz") == 200
        assert _get(f"{base}/accounts/login/") == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'dscb-reconnect-test'"
            )
            assert cursor.fetchone()[0] >= 1, "the app's connection was found and ended"
        assert _get(f"{base}/readyz") == 200, "the first request after the drop succeeds"
        assert _get(f"{base}/accounts/login/") == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
