"""Backup and restore as the README's Deploying section gives them: pg_dump --format=custom, then pg_restore
--no-owner into a new, empty database, gives back the same data: every table's rows, byte for byte, and every
sequence where it was (so the first row added after a restore does not collide with a restored one).
"""

import subprocess
from contextlib import closing

import pytest
from django.apps import apps
from django.db import connection

from planfile.demo import demo_load

from .conftest import require_postgresql, require_tool
from .server import database_url

# The project's own apps and the accounts: every table they have, history and many-to-many tables included.
APP_LABELS = ["auth", "subgroups", "plans", "priorities", "kpis", "reports"]
# Rows as text, in a fixed order: equal checksums mean equal contents. Table names come from the models.
TABLE_CHECKSUM = "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
UPDATE_TEXT_CHECKSUM = (
    "SELECT md5(string_agg(concat_ws('|', id, state, status, progress, impact, next_steps, reason), E'\\n' "
    "ORDER BY id)) FROM priorities_progressupdate"
)


def _tables():
    return sorted(
        {
            model._meta.db_table
            for label in APP_LABELS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )


def _connect(dbname):
    """A connection of its own to a database on the test database's server."""
    db = connection.settings_dict
    params = {"dbname": dbname, "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"]}
    return closing(connection.Database.connect(**{key: value for key, value in params.items() if value}))


def _snapshot(dbname):
    """{table: (rows, checksum)}, {sequence: last value} and the progress updates' text checksum of a database."""
    with _connect(dbname) as link, link.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        tables = {}
        for table in _tables():
            cursor.execute(TABLE_CHECKSUM.format(connection.ops.quote_name(table)))
            tables[table] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = dict(cursor.fetchall())
        cursor.execute(UPDATE_TEXT_CHECKSUM)
        return tables, sequences, cursor.fetchone()[0]


def _run(command):
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stderr}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restored_into_an_empty_database_gives_the_same_data(tmp_path):
    require_postgresql()
    pg_dump, pg_restore = require_tool("pg_dump"), require_tool("pg_restore")
    demo_load(password="demo-password-for-tests")
    source = connection.settings_dict["NAME"]
    scratch = f"{source}_restored"[:63]
    quoted = connection.ops.quote_name(scratch)
    dump = tmp_path / "dscb.dump"

    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        # Truly empty, as PostgreSQL's documentation advises for a restore: nothing copied from template1.
        cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0")
    try:
        # The README's two commands, with this run's file name and database addresses.
        _run([pg_dump, "--format=custom", f"--file={dump}", database_url()])
        _run([pg_restore, "--no-owner", f"--dbname={database_url(scratch)}", str(dump)])

        before_tables, before_sequences, before_text = _snapshot(source)
        after_tables, after_sequences, after_text = _snapshot(scratch)
        assert before_tables["priorities_progressupdate"][0] > 0, "the demo plan's updates should be in the dump"
        assert before_tables["kpis_kpivalue"][0] > 0
        assert before_tables["priorities_historicalprogressupdate"][0] > 0
        assert after_tables == before_tables
        assert after_sequences == before_sequences
        assert after_text == before_text
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
