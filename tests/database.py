"""A database that is not there, for the tests of what people see when it is down."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend


@contextmanager
def database_unreachable():
    """Swap in a connection to a database that is not there: a real failed connection attempt on each use."""
    original = connections[DEFAULT_DB_ALIAS]
    broken = {**original.settings_dict}
    if original.vendor == "sqlite":
        broken["NAME"] = "/nonexistent-folder/db.sqlite3"
    else:
        broken.update(HOST="127.0.0.1", PORT="1")
    connections[DEFAULT_DB_ALIAS] = load_backend(broken["ENGINE"]).DatabaseWrapper(broken)
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = original
