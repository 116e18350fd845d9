"""Signing in: lockout after 10 failures, strong passwords, and a security log that never holds a password."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.audit import client_ip

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-Xq7"


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_nine_failures_still_let_the_right_password_in(client, site):
    for _ in range(9):
        assert sign_in(client, "viewer", WRONG).status_code == 200
    assert sign_in(client, "viewer", PASSWORD)["Location"] == "/"


def test_the_tenth_failure_locks_that_account_from_that_address_for_an_hour(client, site):
    answers = [sign_in(client, "viewer", WRONG).status_code for _ in range(10)]
    assert answers == [200] * 9 + [429]
    response = sign_in(client, "viewer", WRONG)
    assert response.status_code == 429
    text = response.content.decode()
    assert "You cannot sign in for now" in text
    assert "wrong password was entered 10 times" in text and "for an hour" in text

    refused = sign_in(client, "viewer", PASSWORD)
    assert refused.status_code == 429, "even the right password is refused while locked out"
    assert "_auth_user_id" not in client.session

    # Another account from the same address, and the same account from another address, are not locked.
    assert sign_in(client, "manager", PASSWORD)["Location"] == "/"
    client.post(reverse("logout"))
    assert sign_in(client, "viewer", PASSWORD, address="198.51.100.7")["Location"] == "/"
    client.post(reverse("logout"))

    # An hour later the lock has gone.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=61))
    assert sign_in(client, "viewer", PASSWORD)["Location"] == "/"


def test_a_success_clears_the_count(client, site):
    for _ in range(9):
        sign_in(client, "viewer", WRONG)
    sign_in(client, "viewer", PASSWORD)
    client.post(reverse("logout"))
    for _ in range(9):
        sign_in(client, "viewer", WRONG)
    assert sign_in(client, "viewer", PASSWORD)["Location"] == "/"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Sh0rt-pass!", "too short"),  # 11 characters
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("12345678901234", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert problem in " ".join(refused.value.messages)


def test_a_long_uncommon_password_is_accepted():
    validate_password("Sunflower-Bicycle-42")


def _security_lines(caplog):
    return [record for record in caplog.records if record.name == "dscb.security"]


def test_sign_in_sign_out_and_failures_are_logged_with_time_user_and_address_never_the_password(client, site, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, "viewer", WRONG, address="203.0.113.5")
    sign_in(client, "viewer", PASSWORD, address="203.0.113.5")
    client.post(reverse("logout"), REMOTE_ADDR="203.0.113.5")

    lines = _security_lines(caplog)
    events = [(record.event, record.username, record.ip) for record in lines]
    assert events == [
        ("sign-in-failed", "viewer", "203.0.113.5"),
        ("signed-in", "viewer", "203.0.113.5"),
        ("signed-out", "viewer", "203.0.113.5"),
    ]
    assert lines[0].levelname == "WARNING"
    for record in lines:
        assert abs(record.created - timezone.now().timestamp()) < 60
        assert "viewer" in record.getMessage() and "203.0.113.5" in record.getMessage()
    every_line = "\n".join(f"{record.getMessage()} {record.args} {record.__dict__}" for record in caplog.records)
    assert WRONG not in every_line and PASSWORD not in every_line


def test_a_lockout_is_logged(client, site, caplog):
    caplog.set_level(logging.INFO, logger="dscb.security")
    for _ in range(10):
        sign_in(client, "viewer", WRONG)
    assert ("locked-out", "viewer") in [(record.event, record.username) for record in _security_lines(caplog)]


def test_refused_access_is_logged(client, site, caplog):
    caplog.set_level(logging.INFO, logger="dscb.security")
    client.force_login(site.users["viewer"])
    url = reverse("priorities:update-edit", args=[site.action.pk, site.open_period.number])
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 403
    refused = [record for record in _security_lines(caplog) if record.event == "access-refused"]
    assert [(record.username, record.ip) for record in refused] == [("viewer", "203.0.113.9")]
    assert url in refused[0].getMessage()


def test_a_form_without_its_csrf_token_is_logged_as_refused(site, caplog):
    from django.test import Client

    caplog.set_level(logging.INFO, logger="dscb.security")
    Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "viewer", "password": PASSWORD})
    assert [record.event for record in _security_lines(caplog)] == ["access-refused"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "127.0.0.1"),  # no proxy: the header is the client's own word, ignored
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "10.9.9.9, 198.51.100.1", "198.51.100.1"),  # what the client wrote before the proxy's entry
        (2, "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "", "127.0.0.1"),
    ],
)
def test_the_address_logged_is_the_one_the_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_username_is_locked_from_every_address_after_twice_the_limit(client, site, settings):
    """A forged X-Forwarded-For (or a botnet) gives every guess a new address: the username-wide limit holds."""
    settings.TRUSTED_PROXY_COUNT = 1
    answers = [
        client.post(
            reverse("login"),
            {"username": "viewer", "password": WRONG},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        ).status_code
        for attempt in range(settings.AXES_USERNAME_FAILURE_LIMIT + 1)
    ]
    assert answers[: settings.AXES_USERNAME_FAILURE_LIMIT] == [200] * settings.AXES_USERNAME_FAILURE_LIMIT
    assert answers[-1] == 429
    refused = sign_in(client, "viewer", PASSWORD, address="203.0.113.99")
    assert refused.status_code == 429, "the right password from yet another address is refused too"
    assert "from anywhere" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Other usernames are not affected, and the lock ends with the cool-off time.
    assert sign_in(client, "manager", PASSWORD)["Location"] == "/"
    client.post(reverse("logout"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=61))
    assert sign_in(client, "viewer", PASSWORD)["Location"] == "/"
