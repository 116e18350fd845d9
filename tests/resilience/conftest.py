"""Resilience tests run against real servers and tools, and on PostgreSQL only (the CI's PostgreSQL run)."""

import os
import shutil

import pytest
from django.db import connection

from .server import Gunicorn

ON_SQLITE = "needs PostgreSQL (row locks under concurrent HTTP requests, pg_dump): covered by the CI's PostgreSQL run"


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(f"{connection.vendor}: {ON_SQLITE}")


def require_tool(name):
    """The path of a command-line tool; skipped when it is missing, except on CI, where that is a failure."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install postgresql-client)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def gunicorn(django_db_setup):
    """gunicorn with 2 workers on the test database, for the tests of one module; stopped whatever happens."""
    require_postgresql()
    server = Gunicorn(workers=2)
    try:
        yield server
    finally:
        server.stop()
