"""Sessions: 30 minutes idle, 12 hours in all, the warning's numbers, 'Stay signed in', no copies kept."""

import datetime
import json
import logging

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import SEEN_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair_client(client, site):
    client.force_login(site.users["chair"])
    return client


def _session_row(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def _age(client, **changes):
    """Make the session as old as asked: seconds since sign-in and since it was last refreshed."""
    session = client.session
    now = timezone.now().timestamp()
    if "signed_in" in changes:
        session[SIGNED_IN_AT] = now - changes["signed_in"]
    if "seen" in changes:
        session[SEEN_AT] = now - changes["seen"]
    session.save()


def test_the_limits_are_30_minutes_idle_and_12_hours_in_all(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_MAX_SECONDS == 12 * 60 * 60
    assert settings.SESSION_WARNING_SECONDS == 120


def test_after_30_idle_minutes_the_session_has_ended(chair_client):
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = chair_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_working_moves_the_idle_limit_on(chair_client):
    _age(chair_client, seen=10 * 60)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=20))
    response = chair_client.get("/")
    assert response.status_code == 200
    left = _session_row(chair_client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)
    assert response.cookies["sessionid"]["max-age"] == 1800


def test_the_session_is_written_at_most_once_a_minute(chair_client):
    chair_client.get("/")
    before = _session_row(chair_client).expire_date
    chair_client.get("/")
    assert _session_row(chair_client).expire_date == before, "a request within the minute writes nothing"


def test_after_12_hours_the_user_is_signed_out_however_busy(chair_client, caplog):
    caplog.set_level(logging.INFO, logger="dscb.security")
    _age(chair_client, signed_in=12 * 60 * 60 + 1, seen=5)
    response = chair_client.get("/my/")
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?next=/my/"
    assert "_auth_user_id" not in chair_client.session
    assert [r.event for r in caplog.records if r.name == "dscb.security"][:2] == ["session-ended", "signed-out"]


def test_a_session_without_a_sign_in_time_is_ended(chair_client):
    session = chair_client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert chair_client.get("/").status_code == 302


def test_pages_say_how_long_the_session_has_left_for_the_warning(chair_client):
    _age(chair_client, seen=30)
    response = chair_client.get("/")
    left = int(response["X-Session-Seconds-Left"])
    assert 1760 <= left <= 1770
    page = response.content.decode()
    assert f'data-seconds-left="{left}"' in page
    assert 'data-warning-seconds="120"' in page
    assert 'id="session-timeout"' in page and "You will be signed out soon" in page
    assert 'src="/static/js/session-timeout.js"' in page


def test_the_warning_counts_down_to_the_12_hour_limit_when_that_comes_first(chair_client):
    _age(chair_client, signed_in=12 * 60 * 60 - 300, seen=0)
    assert int(chair_client.get("/")["X-Session-Seconds-Left"]) <= 300


def test_signed_out_pages_have_no_warning(client, site):
    page = client.get(reverse("login")).content.decode()
    assert "session-timeout" not in page


def test_stay_signed_in_restarts_the_idle_limit(chair_client):
    _age(chair_client, seen=25 * 60)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    response = chair_client.post(reverse("session-extend"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"seconds_left": 1800}
    assert _session_row(chair_client).expire_date > timezone.now() + datetime.timedelta(minutes=29)


def test_stay_signed_in_needs_the_csrf_token_and_a_session(site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.users["chair"])
    assert client.post(reverse("session-extend")).status_code == 403
    page = client.get("/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert client.post(reverse("session-extend"), HTTP_X_CSRFTOKEN=token).status_code == 200
    assert Client().post(reverse("session-extend")).status_code == 302  # signed out: to the sign-in page


def test_the_signed_out_page_offers_to_sign_in_and_come_back(client, site):
    response = client.get(reverse("signed-out"), {"next": "/actions/1/periods/4/update/"})
    page = response.content.decode()
    assert response.status_code == 200 and "You have been signed out" in page
    assert 'href="/accounts/login/?next=%2Factions%2F1%2Fperiods%2F4%2Fupdate%2F"' in page
    assert "kept on this device" in page
    elsewhere = client.get(reverse("signed-out"), {"next": "https://example.com/"}).content.decode()
    assert "example.com" not in elsewhere
