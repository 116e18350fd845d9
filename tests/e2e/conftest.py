"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's live server.

Each test gets its own copy of the demo plan: the live server needs transactional_db, which empties the
database after every test, so the rows the migrations made (the role groups) come back by serialized rollback.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections

from planfile.demo import demo_load
from priorities.models import Action

from .checks import CHROMIUM_MISSING, PASSWORD, find_chromium, in_ci, missing_tool, sign_in

# Playwright's sync API runs an event loop in the test thread; Django refuses database access from a thread
# with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _is_e2e(item):
    return E2E_DIR in Path(item.path).resolve().parents


def pytest_itemcollected(item):
    """Mark each browser test e2e (before -m selects), and skip it when there is no Chromium, except on CI."""
    if _is_e2e(item):
        item.add_marker(pytest.mark.e2e)
        if not in_ci() and find_chromium() is None:
            item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last, after pytest-django has put the database tests in order.

    They go last: they are the slowest, each one empties the database when it ends, and once Playwright has
    started, Django hands out new connection objects (see the playwright fixture below).
    """
    browser_tests = [item for item in items if _is_e2e(item)]
    if browser_tests:
        items[:] = [item for item in items if not _is_e2e(item)] + browser_tests


@pytest.fixture(scope="session")
def _serialized_test_databases(django_db_setup):
    """What serialized rollback puts back in each test database, read before Playwright starts."""
    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(scope="session")
def playwright(_serialized_test_databases, playwright):
    """Playwright, with Django's connections made ready for the event loop that its sync API leaves running.

    With a loop running, Django looks connections up per async context rather than per thread, so the tests
    get new connection objects (to the same test databases) that lack the serialized copy; hand it over.
    """
    for alias, contents in _serialized_test_databases.items():
        connections[alias]._test_serialized_contents = contents
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = find_chromium()
    if chromium is None:
        missing_tool(CHROMIUM_MISSING)
    return {"headless": True, **browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url():
    """None: addresses come from the live server. Replaces pytest-playwright's own, which pytest 9 warns about."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
    }


@dataclass
class DemoSite:
    url: str
    plan: object
    users: dict

    @property
    def plan_url(self):
        return self.url + self.plan.get_absolute_url()

    def action_url(self, code):
        return self.url + self.action(code).get_absolute_url()

    def action(self, code):
        return next(action for action in Action.objects.in_plan(self.plan) if action.code == code)


@pytest.fixture(scope="session")
def _browser_closed_before_live_server(live_server, browser):
    """At the end of the run, close the browser before the live server stops.

    Connections Chromium keeps alive would otherwise end, on the server's threads, after the live server has
    stopped sharing its in-memory SQLite connection with them, and each would raise there.
    """
    yield
    browser.close()


@pytest.fixture
def demo_site(live_server, _browser_closed_before_live_server, django_db_serialized_rollback):
    """The demo plan and accounts, loaded for this test, served by the live server."""
    plan, users = demo_load(password=PASSWORD)
    return DemoSite(url=live_server.url, plan=plan, users=users)


@pytest.fixture
def signed_in_page(page, demo_site):
    """A page signed in through the sign-in form; call it with a demo username."""

    def signed_in(username="chair-quality-assurance"):
        page.goto(f"{demo_site.url}/accounts/login/")
        sign_in(page, demo_site.url, username)
        return page

    return signed_in
