"""The database session store (SESSION_ENGINE), whose read of the session on every request is built once per process.

Django's own store builds and compiles `Session.objects.get(...)` for each request that carries a session cookie;
this one runs the same query from SQL compiled once (dscb.prepared). Writing, expiring and deleting sessions are
Django's."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from dscb.prepared import PreparedQuery


@PreparedQuery
def _live_session(*, session_key, now):
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _live_session.rows(session_key=self.session_key, now=timezone.now())
        if found:
            return found[0]
        self._session_key = None
        return None
