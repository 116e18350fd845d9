"""Two-factor sign-in: required of the admin and the board business manager (when on), offered to everyone.

Over HTTP through the real forms: the password, then the set-up page or the code. The sweep shows that a
manager who has not finished signing in reaches no page of the site at all.
"""

import base64
import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import PASSWORD
from .test_every_url import arguments, site_routes, url_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def code_for(secret, steps_ahead=0):
    """The code an authenticator app shows for this secret now (or a step later)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def secret_on(page):
    match = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page.content.decode())
    assert match, "the set-up page shows the secret as text"
    return match.group(1)


def set_up(client):
    """Follow the set-up page as a person does: read the secret, enter the app's code."""
    page = client.get(reverse("two-factor-set-up"))
    assert page.status_code == 200
    secret = secret_on(page)
    done = client.post(reverse("two-factor-set-up"), {"code": code_for(secret)})
    assert done.status_code == 302
    return secret


# Where a signed-in manager who still owes two-factor sign-in may go: everything else sends them back to it.
STILL_REACHABLE = {"healthz": 200, "readyz": 200, "logout": 405}


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_without_an_authenticator_a_manager_reaches_only_the_set_up_page(client, site, required, role):
    sign_in(client, site.users[role].username)
    target = reverse("two-factor-set-up")
    problems = []
    for route in site_routes():
        url = url_for(route, arguments(site, route))
        response = client.get(url)
        expected = 200 if route.name == "two-factor-set-up" else STILL_REACHABLE.get(route.name, 302)
        if response.status_code != expected:
            problems.append(f"{url}: {response.status_code}, not {expected}")
        elif expected == 302 and not response["Location"].startswith(target):
            problems.append(f"{url}: sent to {response['Location']}, not the set-up page")
    for url in ["/admin/", "/admin/auth/user/"]:
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(target):
            problems.append(f"{url}: {response.status_code} {response.get('Location')}")
    # A form posted before set-up changes nothing: it is sent to the set-up page too.
    transition = reverse("plans:period-lock", args=[site.plan.slug, site.open_period.number])
    assert client.post(transition)["Location"] == target
    site.open_period.refresh_from_db()
    assert site.open_period.state == "open"
    assert problems == []


def test_a_manager_sets_up_an_authenticator_then_signs_in_with_password_and_code(client, site, required):
    manager = site.users["manager"]
    first = sign_in(client, "manager")
    assert first["Location"] == "/"
    assert client.get("/")["Location"] == reverse("two-factor-set-up") + "?next=%2F"

    wrong = client.post(reverse("two-factor-set-up"), {"code": "000000"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=manager).exists()

    secret = set_up(client)
    assert TOTPDevice.objects.get(user=manager).confirmed
    assert client.get("/").status_code == 200

    client.post(reverse("logout"))
    sign_in(client, "manager")
    owed = client.get(site.plan.get_absolute_url())
    assert owed["Location"] == reverse("two-factor-verify") + "?next=%2Fplans%2F2015-16%2F"
    session_before = client.cookies["sessionid"].value

    refused = client.post(reverse("two-factor-verify"), {"code": "123456", "next": "/plans/2015-16/"})
    assert refused.status_code == 200 and "The code is not right" in refused.content.decode()
    assert client.get("/")["Location"].startswith(reverse("two-factor-verify"))

    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    passed = client.post(reverse("two-factor-verify"), {"code": code_for(secret, 1), "next": "/plans/2015-16/"})
    assert passed["Location"] == "/plans/2015-16/"
    assert client.get(site.plan.get_absolute_url()).status_code == 200
    assert client.cookies["sessionid"].value != session_before, "the session key changes once the code is right"


def test_the_same_code_cannot_be_used_twice(client, site, required):
    sign_in(client, "manager")
    secret = set_up(client)
    code = code_for(secret, 1)
    client.post(reverse("logout"))
    sign_in(client, "manager")
    assert client.post(reverse("two-factor-verify"), {"code": code})["Location"] == "/"
    client.post(reverse("logout"))
    sign_in(client, "manager")
    again = client.post(reverse("two-factor-verify"), {"code": code})
    assert again.status_code == 200 and "The code is not right" in again.content.decode()


def test_codes_are_not_guessed_by_trying_many(client, site, required):
    sign_in(client, "manager")
    secret = set_up(client)
    client.post(reverse("logout"))
    sign_in(client, "manager")
    for _ in range(3):
        client.post(reverse("two-factor-verify"), {"code": "000000"})
    # django-otp doubles the wait after each wrong code: even the right one is refused for now.
    throttled = client.post(reverse("two-factor-verify"), {"code": code_for(secret, 1)})
    assert throttled.status_code == 200 and "too many wrong codes" in throttled.content.decode()


def test_with_the_requirement_off_a_manager_signs_in_with_a_password(client, site, settings):
    """Development and the demo: OTP_REQUIRED_FOR_STAFF is off when DEBUG is on (see test_settings)."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    sign_in(client, "manager")
    assert client.get("/").status_code == 200
    assert client.get(reverse("plans:period-list", args=[site.plan.slug])).status_code == 200


def test_a_chair_may_turn_two_factor_sign_in_on_and_off(client, site, required):
    sign_in(client, "chair-quality-assurance")
    assert client.get("/").status_code == 200, "not required of a chair"
    page = client.get(reverse("two-factor")).content.decode()
    assert "Two-factor sign-in is off" in page

    secret = set_up(client)
    client.post(reverse("logout"))
    sign_in(client, "chair-quality-assurance")
    assert client.get("/")["Location"].startswith(reverse("two-factor-verify")), "once on, it is asked for"
    client.post(reverse("two-factor-verify"), {"code": code_for(secret, 1)})
    assert "Two-factor sign-in is on" in client.get(reverse("two-factor")).content.decode()

    client.post(reverse("two-factor-turn-off"))
    assert not TOTPDevice.objects.filter(user=site.users["chair"]).exists()
    client.post(reverse("logout"))
    sign_in(client, "chair-quality-assurance")
    assert client.get("/").status_code == 200


def test_a_manager_cannot_turn_it_off(client, site, required):
    sign_in(client, "manager")
    set_up(client)
    client.post(reverse("two-factor-turn-off"))
    assert TOTPDevice.objects.filter(user=site.users["manager"]).exists()


def test_the_set_up_page_works_under_the_content_security_policy(client, site, required):
    sign_in(client, "manager")
    page = client.get(reverse("two-factor-set-up")).content.decode()
    qr = page[page.index('<div class="app-qr-code">') :]
    qr = qr[: qr.index("</svg>")]
    assert "<svg" in qr and "style=" not in qr and "<script" not in qr
    assert 'role="img" aria-label="QR code for your authenticator app"' in qr
    assert 'href="/my/"' not in page and "Sign out" in page, "until it is set up, only signing out is offered"


def test_a_password_alone_cannot_reach_a_page_by_another_route(client, site, required):
    """Signing in to the admin's own sign-in form leads to the same set-up page."""
    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith(reverse("two-factor-set-up"))


@pytest.mark.parametrize("bad_next", ["oops", "password_reset", "//evil.example/", "https://evil.example/x"])
def test_a_next_that_is_not_a_path_here_goes_home_after_the_code(client, site, required, bad_next):
    """The code is used up and the session verified, whatever `next` says; only a same-site path is followed."""
    sign_in(client, "manager")
    secret = set_up(client)
    client.post(reverse("logout"))
    sign_in(client, "manager")
    passed = client.post(reverse("two-factor-verify"), {"code": code_for(secret, 1), "next": bad_next})
    assert passed.status_code == 302 and passed["Location"] == "/"
    assert client.get(site.plan.get_absolute_url()).status_code == 200, "the session is verified"


@pytest.mark.parametrize("bad_next", ["0", "null", "'", "oops", "password_reset", "//evil.example/", "%00", "/\\x"])
def test_the_signed_out_page_takes_any_next_without_an_error(client, site, bad_next):
    response = client.get(reverse("signed-out"), {"next": bad_next})
    assert response.status_code == 200
    text = response.content.decode()
    assert "evil.example" not in text
