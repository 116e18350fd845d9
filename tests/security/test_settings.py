"""Production settings, read in a process of their own with production's environment, and their cookies."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from .conftest import PASSWORD

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "plans.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://plans.example.org",
    "DATABASE_URL": "postgres://dscb@db.example.org:5432/dscb",
}
NAMES = [
    "DEBUG",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "SESSION_MAX_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "OTP_REQUIRED_FOR_STAFF",
    "AXES_FAILURE_LIMIT",
    "AXES_LOCKOUT_PARAMETERS",
    "TRUSTED_PROXY_COUNT",
    "DATABASES",
    "CONTENT_SECURITY_POLICY",
]


def settings_under(env):
    """The settings module as a process started with this environment (and nothing of the test run's) sees it."""
    code = (
        "import json, dscb.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {NAMES!r}}}, default=str))"
    )
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def production():
    return settings_under(PRODUCTION)


def test_production_cookies_are_host_only_secure_and_same_site(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True and production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"


def test_production_sessions_sign_in_and_transport(production):
    assert production["SESSION_COOKIE_AGE"] == 1800
    assert production["SESSION_MAX_SECONDS"] == 43200
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["OTP_REQUIRED_FOR_STAFF"] is True
    assert 1 <= production["AXES_FAILURE_LIMIT"] <= 10
    assert production["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert production["TRUSTED_PROXY_COUNT"] == 1


def test_production_gives_up_on_an_unreachable_database_within_two_seconds(production):
    database = production["DATABASES"]["default"]
    assert database["OPTIONS"]["connect_timeout"] == 2
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["options"] == "-c jit=off"


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(production):
    directives = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == directives["base-uri"] == directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


def test_development_keeps_the_demo_usable_over_plain_http():
    development = settings_under({"DEBUG": "1"})
    assert development["OTP_REQUIRED_FOR_STAFF"] is False, "demo accounts sign in with a password in development"
    assert development["SESSION_COOKIE_NAME"] == "sessionid" and development["SESSION_COOKIE_SECURE"] is False
    # Either can be turned on in development too.
    assert settings_under({"DEBUG": "1", "OTP_REQUIRED_FOR_STAFF": "1"})["OTP_REQUIRED_FOR_STAFF"] is True


def test_the_deployment_checklist_is_clean_with_production_settings():
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    env = {**clean, **PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.django_db
def test_production_cookies_as_the_browser_receives_them(client, site, production):
    names = ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    with override_settings(SECURE_COOKIES=True, **{name: production[name] for name in names}):
        page = client.get(reverse("login"), secure=True)
        csrf = page.cookies["__Host-csrftoken"]
        signed_in = client.post(
            reverse("login"),
            {"username": "viewer", "password": PASSWORD, "csrfmiddlewaretoken": csrf.value},
            secure=True,
        )
    session = signed_in.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True and cookie["path"] == "/" and not cookie["domain"]
        assert cookie["samesite"] == "Lax" and cookie["httponly"] is True
    assert session["max-age"] == 1800
