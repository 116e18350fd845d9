"""How the app talks to PostgreSQL: asked of the server itself, over the connection the app opens."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresql_never_compiles_a_query_to_machine_code():
    # JIT costs tens of milliseconds and pays only for long analytical queries: a plan page's query on tables
    # not analysed yet was estimated high enough to be compiled, and took 40 ms instead of 1.
    if connection.vendor != "postgresql":
        pytest.skip(f"JIT is PostgreSQL's: this run is on {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
