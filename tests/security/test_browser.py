"""In Chromium, against the app served by gunicorn as in production (DEBUG off, two-factor sign-in required):
set two-factor sign-in up and use it; every page works under the Content-Security-Policy with nothing
refused; the timeout warning comes, keeps the session when asked and, when not, signs out without losing text.

The app runs in processes of its own, on a database of its own, so that these tests share nothing with the
test database; Playwright runs inside each test module and is stopped before the e2e tests start theirs.
"""

import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from tests.e2e.checks import (
    CHROMIUM_MISSING,
    assert_no_axe_violations,
    assert_valid_html,
    find_chromium,
    missing_tool,
    vnu_command,
)

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "browser-test-password-2015"
ACTION = re.compile(r"^1\.1\.2 Review and strengthen processes")
# A short idle limit, so that the warning comes after 3 seconds and the session ends after 8.
SHORT_IDLE = {"SESSION_IDLE_SECONDS": "8", "SESSION_WARNING_SECONDS": "5"}

# Each page's Content-Security-Policy violations, as the page itself reports them.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database, **overrides):
    kept = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    return {
        **kept,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "OTP_REQUIRED_FOR_STAFF": "1",
        **overrides,
    }


class Server:
    """gunicorn serving the app on a loopback port; stopped by its process group."""

    def __init__(self, database, **overrides):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "dscb.wsgi", "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{self.port}"],
            cwd=REPO,
            env=_environment(database, **overrides),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2):  # noqa: S310 - loopback
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A migrated SQLite database with the demo plan, made once for the module."""
    if not (find_chromium()):
        missing_tool(CHROMIUM_MISSING)
    path = tmp_path_factory.mktemp("browser") / "db.sqlite3"
    for command in (["migrate", "--noinput"], ["load_demo", "--force", "--password", PASSWORD]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO,
            env=_environment(path),
            check=True,
            capture_output=True,
            timeout=300,
        )
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.refused = refused
    yield page
    context.close()


def copy_of(database, tmp_path):
    """Each test changes its own copy of the demo database."""
    copy = tmp_path / "db.sqlite3"
    shutil.copy(database, copy)
    return copy


def violations(page):
    return page.evaluate("window.__cspViolations || []") + page.refused


def sign_in(page, url, username):
    from playwright.sync_api import expect

    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def code_for(secret, steps_ahead=0):
    compact = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(compact + "=" * (-len(compact) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_manager_sets_up_two_factor_sign_in_and_no_page_breaks_the_policy(page, database, tmp_path):
    from playwright.sync_api import expect

    vnu_command()
    documents = {}
    server = Server(copy_of(database, tmp_path))
    try:
        url = server.url
        sign_in(page, url, "manager")
        expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
        expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
        assert_no_axe_violations(page)
        documents["set-up"] = page.content()
        page.goto(f"{url}/plans/2015-16/")
        expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/\?next=%2Fplans%2F2015-16%2F$"))

        secret = page.locator("#two-factor-secret").inner_text()
        page.get_by_label("Code from your authenticator app").fill(code_for(secret))
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(f"{url}/plans/2015-16/")
        expect(page.get_by_role("alert")).to_contain_text("Two-factor sign-in is set up")
        page.goto(f"{url}/accounts/two-factor/")
        assert_no_axe_violations(page)
        documents["two-factor"] = page.content()

        # The pages a manager uses, each checked for anything the policy refused.
        visited = {}
        for path in [
            "/",
            "/plans/2015-16/",
            "/actions/1/",
            "/plans/2015-16/periods/",
            "/plans/2015-16/reports/",
            "/plans/2015-16/periods/4/executive-report/",
            "/admin/",
            "/admin/priorities/action/1/change/",
            # Last, a page of the app's own (the admin's pages are Django's, without GOV.UK Frontend).
            "/accounts/two-factor/",
        ]:
            page.goto(url + path)
            visited[path] = violations(page)
        # GOV.UK Frontend ran: it marks the page as supported and sets its components up.
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        page.get_by_role("button", name="Sign out").first.click()

        # A chair on My work: a KPI value entered in place with htmx, and the update form.
        sign_in(page, url, "chair-quality-assurance")
        page.goto(f"{url}/my/")
        page.get_by_role("button", name="Enter here the value of 1.1.K1").click()
        page.get_by_label("Number that met the measure (numerator)").fill("45")
        page.get_by_label("Out of (denominator)").fill("60")
        page.get_by_role("button", name="Save value").click()
        expect(page.get_by_role("status")).to_contain_text("Saved: 75% (Green) for Period 4")
        visited["/my/ (htmx)"] = violations(page)
        page.get_by_role("link", name=ACTION).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Progress update")
        visited["update form"] = violations(page)
        assert {path: found for path, found in visited.items() if found} == {}
        page.get_by_role("button", name="Sign out").first.click()

        sign_in(page, url, "manager")
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
        assert_no_axe_violations(page)
        documents["code"] = page.content()
        page.get_by_label("Code from your authenticator app").fill(code_for(secret, 1))
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(f"{url}/")
        assert violations(page) == []
        assert_valid_html(documents)
    finally:
        server.stop()


def test_the_timeout_warning_keeps_the_session_when_asked_and_signs_out_without_losing_text(page, database, tmp_path):
    from playwright.sync_api import expect

    server = Server(copy_of(database, tmp_path), OTP_REQUIRED_FOR_STAFF="0", **SHORT_IDLE)
    try:
        url = server.url
        sign_in(page, url, "chair-quality-assurance")
        page.goto(f"{url}/my/")
        page.get_by_role("link", name=ACTION).click()
        form_url = page.url
        page.get_by_role("radio", name="Green").check()
        page.get_by_label("Progress this period").fill("Typed before the warning")

        dialog = page.get_by_role("dialog", name="You will be signed out soon")
        expect(dialog).to_be_visible(timeout=6000)
        expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
        assert_no_axe_violations(page)
        dialog.get_by_role("button", name="Stay signed in").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_label("Progress this period")).to_be_focused()  # focus goes back where it was

        # Past the end of the first 8 seconds, the session is still there.
        time.sleep(5)
        page.reload()
        expect(page).to_have_url(form_url)
        expect(page.get_by_label("Progress this period")).to_have_value("Typed before the warning")

        # Nobody answers the next warning: the page signs out and says why.
        expect(dialog).to_be_visible(timeout=6000)
        expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out", timeout=10000)
        assert_no_axe_violations(page)
        signed_out_page = page.content()
        page.goto(form_url)
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        page.go_back()
        page.get_by_role("button", name="Sign in again").click()
        page.get_by_label("Username").fill("chair-quality-assurance")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(form_url)
        expect(page.get_by_role("region", name="Text restored")).to_be_visible()
        expect(page.get_by_label("Progress this period")).to_have_value("Typed before the warning")
        assert violations(page) == []
        assert_valid_html({"signed out": signed_out_page})
    finally:
        server.stop()
