"""Every address refuses a form posted without its CSRF token (403), and nothing changes."""

import pytest
from django.test import Client
from django.urls import reverse

from plans.services import period_dates_seen
from reports.models import IssuedReport

from .conftest import PASSWORD
from .snapshot import changed_tables, database_snapshot
from .test_every_url import arguments, site_routes, url_for

pytestmark = pytest.mark.django_db


def form_data(site):
    """What a real form would send to each address: every field filled in, valid as far as the form goes."""
    return {
        "login": {"username": "viewer", "password": PASSWORD},
        "logout": {},
        "password_reset": {"email": site.users["viewer"].email},
        "password_reset_confirm": {"new_password1": "Sunflower-Bicycle-42", "new_password2": "Sunflower-Bicycle-42"},
        "two-factor-verify": {"code": "123456"},
        "two-factor-set-up": {"code": "123456"},
        "priorities:update-edit": {
            "status": "green",
            "progress": "Posted from another site",
            "impact": "",
            "next_steps": "",
            "reason": "",
            "evidence_links": "",
            "version": "0",
        },
        "priorities:update-return": {"reason": "Posted from another site"},
        "kpis:value-edit": {"numerator": "1", "denominator": "2", "note": "Posted from another site", "version": "0"},
        "reports:report-issue": {
            "kind": IssuedReport.Kind.EXECUTIVE,
            "period": "3",
            "meeting": "Posted from another site",
        },
        "plans:period-meeting": {
            "meeting_on_0": "17",
            "meeting_on_1": "12",
            "meeting_on_2": "2015",
            "dates_seen": period_dates_seen(site.open_period),
        },
        "progress:email-preference": {"how": "digest"},
        "yearend:roll-over": {"confirm": "1"},
        "yearend:activate": {"confirm": "1"},
    }


@pytest.mark.parametrize("role", ["admin", "anon"])
def test_a_post_without_the_token_is_refused_everywhere_and_changes_nothing(site, role):
    client = Client(enforce_csrf_checks=True)
    if role != "anon":
        client.force_login(site.users[role])
    data = form_data(site)
    before = database_snapshot()
    problems = []
    for route in site_routes():
        url = url_for(route, arguments(site, route))
        response = client.post(url, data.get(route.name, {"anything": "x"}))
        if response.status_code != 403:
            problems.append(f"{url}: {response.status_code}, not 403")
        elif "Your form could not be sent" not in response.content.decode():
            problems.append(f"{url}: 403 without the page that says why")
    assert problems == []
    assert changed_tables(before, database_snapshot()) == []
    if role != "anon":
        assert client.get("/").status_code == 200, "still signed in: signing out needs the token too"


def test_the_same_form_with_its_token_is_accepted(site):
    """The refusal above is the missing token, not the form: with the token, the update is saved."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.users["chair"])
    url = reverse("priorities:update-edit", args=[site.action.pk, site.open_period.number])
    page = client.get(url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(url, {**form_data(site)["priorities:update-edit"], "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert site.action.updates.get(period=site.open_period).progress == "Posted from another site"
