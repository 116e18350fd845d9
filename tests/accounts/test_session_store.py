"""The session store reads a live session in one query, and an expired or unknown one as no session."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_keeps_its_sessions_in_this_store():
    assert settings.SESSION_ENGINE == "accounts.session_store"


def test_a_live_session_is_read_in_one_query_and_others_are_not(django_assert_num_queries):
    stores = []
    for name in ("first", "second"):
        store = SessionStore()
        store["name"] = name
        store.save()
        stores.append(store.session_key)
    expired = SessionStore()
    expired["name"] = "expired"
    expired.save()
    Session.objects.filter(pk=expired.session_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    for key, name in zip(stores, ("first", "second"), strict=True):
        with django_assert_num_queries(1):
            assert SessionStore(key).load() == {"name": name}
    for key in (expired.session_key, "no-such-session-key-at-all"):
        store = SessionStore(key)
        assert store.load() == {}
        # Not taken on: saving it makes a new session rather than writing under the key it was given.
        assert store.session_key is None
