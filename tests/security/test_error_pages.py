"""Error pages (400, 403, 404, 500) say what happened in plain words and reveal nothing of how the site works."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from .checks import header_problems
from .error_urls import SECRET_DETAIL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.error_urls")]

PAGES = {
    "/failing/500/": (500, "Sorry, there is a problem with the service"),
    "/failing/403/": (403, "You cannot do that"),
    "/failing/400/": (400, "Sorry, there is a problem with that request"),
    "/failing/404/": (404, "Page not found"),
    "/actions/999999/": (404, "Page not found"),
}


def revealing(page):
    """What an error page must never show: the error, the code, the settings, the software."""
    giveaways = [
        SECRET_DETAIL,
        settings.SECRET_KEY,
        "Traceback",
        "RuntimeError",
        "PermissionDenied",
        "SuspiciousOperation",
        "Http404",
        ".py",
        "/work/",
        "site-packages",
        "DATABASES",
        "Django",
        "settings",
        "DEBUG",
    ]
    return [giveaway for giveaway in giveaways if giveaway in page]


@pytest.mark.parametrize("role", ["anon", "viewer"])
@pytest.mark.parametrize("url", PAGES)
def test_error_pages_are_plain_and_reveal_nothing(site, role, url):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    if role != "anon":
        client.force_login(site.users[role])
    response = client.get(url, secure=True)
    status, words = PAGES[url]
    if role == "anon" and url == "/actions/999999/":
        status, words = 302, ""
    assert response.status_code == status
    page = response.content.decode()
    assert words in page
    assert revealing(page) == []
    assert header_problems(response) == []


def test_a_request_for_another_host_is_a_plain_400(site):
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert revealing(response.content.decode()) == []
    assert "attacker.example" not in response.content.decode()


@override_settings(DEBUG=False)
def test_a_form_sent_without_its_token_says_so_without_the_reason(site):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "viewer", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403 and "Your form could not be sent" in page
    assert "CSRF" not in page, page
    assert "Referer" not in page and revealing(page) == []
