"""Every URL of the site × every role: the status each role gets, and the security headers on every answer.

The URLs come from walking the resolver, so a new page cannot slip past: a URL with no expectation below fails
until someone says who may open it. Admin pages are checked against the admin's own permission rules.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory

from .checks import header_problems
from .conftest import ROLES, SIGNED_IN
from .urls_walk import all_routes

pytestmark = pytest.mark.django_db

LOGIN = "sign-in"  # a redirect to the sign-in page, with ?next= the page asked for
WRITERS = {"chair", "member", "manager", "admin"}  # the action's and KPI's subgroup, and the board manager
MANAGERS = {"manager", "admin"}
RECORDERS = {"chair", "manager", "admin"}  # a meeting of the Quality Assurance sub: its chair and the board manager


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status):
    return {"anon": LOGIN, **dict.fromkeys(SIGNED_IN, status)}


def only(roles, status=200, others=403):
    return {"anon": LOGIN, **{role: status if role in roles else others for role in SIGNED_IN}}


def anonymous_only(status=200, signed_in_status=302):
    return {"anon": status, **dict.fromkeys(SIGNED_IN, signed_in_status)}


# url name → role → the status a GET gets. POST-only addresses answer a GET with 405.
EXPECTED = {
    "healthz": everyone(200),
    "readyz": everyone(200),
    "login": anonymous_only(200),
    "logout": signed_in(405),
    "signed-out": anonymous_only(200),
    "session-extend": signed_in(405),
    "two-factor": signed_in(200),
    "two-factor-verify": signed_in(302),  # no authenticator: nothing to enter, back to the start page
    "two-factor-set-up": signed_in(200),
    "two-factor-turn-off": signed_in(405),
    "password_reset": everyone(200),
    "password_reset_done": everyone(200),
    "password_reset_confirm": everyone(200),  # a made-up link: the page says it is not valid
    "password_reset_complete": everyone(200),
    "plans:plan-list": signed_in(200),
    "planfile:import": only(MANAGERS),
    "planfile:import-preview": only(MANAGERS, status=302),  # nothing uploaded yet: back to the upload page
    "planfile:export": signed_in(200),
    "planfile:export-with-progress": signed_in(200),
    "yearend:roll-over": only(MANAGERS),
    "yearend:activate": only(MANAGERS),  # the active plan: the page says it is active already
    "plans:period-list": only(MANAGERS),
    "plans:period-edit": only(MANAGERS),
    "plans:period-meeting": only(MANAGERS),
    "plans:period-open": signed_in(405),
    "plans:period-lock": signed_in(405),
    "plans:period-unlock": signed_in(405),
    "priorities:plan-detail": signed_in(200),
    "priorities:action-detail": signed_in(200),
    "priorities:update-edit": only(WRITERS),
    # The sweep's submitted update is in a locked period: its return page says why it cannot be returned yet.
    "priorities:update-return": only(MANAGERS, status=409),
    "kpis:kpi-detail": signed_in(200),
    "kpis:value-edit": only(WRITERS),
    "progress:kpi-value-in-place": only(WRITERS),
    "progress:my-work": signed_in(200),
    "progress:email-preference": signed_in(200),
    "progress:email-log": only(MANAGERS),
    "reports:dashboard": signed_in(200),
    "reports:report-list": signed_in(200),
    "reports:executive-report": signed_in(200),
    "reports:executive-report-pdf": signed_in(200),
    "reports:executive-report-xlsx": signed_in(200),
    "reports:board-report": signed_in(200),
    "reports:board-report-pdf": signed_in(200),
    "reports:board-report-xlsx": signed_in(200),
    "annualreport:annual-report": signed_in(200),  # readers of the Board report; not an audit contact
    "reports:report-issue": signed_in(405),
    "reports:issued": signed_in(200),
    "reports:issued-pdf": signed_in(200),
    "reports:issued-xlsx": signed_in(200),
    "reports:issued-pdf-redraw": signed_in(405),
    "meetings:meeting-list": signed_in(200),
    "meetings:meeting-detail": signed_in(200),
    "meetings:meeting-add": only(MANAGERS),
    "meetings:meeting-edit": only(MANAGERS),
    "meetings:meeting-generate": only(MANAGERS),
    "meetings:attendance-edit": only(RECORDERS),
    "meetings:item-add": signed_in(405),
    "meetings:item-close": signed_in(405),
    "meetings:agency-list": signed_in(200),
    "meetings:calendar": signed_in(200),
    "meetings:calendar-reset": signed_in(405),
    "meetings:board-feed": everyone(200),  # the board's public calendar: calendar apps do not sign in
    "meetings:person-feed": everyone(404),  # a made-up secret: no such calendar, whoever asks
    "risks:risk-list": signed_in(200),
    "risks:risk-export": signed_in(200),
    "risks:heat-map": signed_in(200),
    "risks:risk-detail": signed_in(200),
    "risks:risk-add": only(MANAGERS),
    # A risk the Quality Assurance sub holds: its chair and the board manager change it.
    "risks:risk-edit": only(RECORDERS),
    "risks:control-add": only(RECORDERS),
    "risks:control-edit": only(RECORDERS),
    "risks:review-add": only(RECORDERS),
    "risks:risk-escalation": only(RECORDERS),
    "risks:risk-close": only(RECORDERS),
    "audits:round-list": signed_in(200),
    "audits:round-detail": signed_in(200),  # the board reads the results; a contact, their own return
    "audits:round-export": signed_in(200),
    "audits:return-detail": only(MANAGERS, others=404),  # a return: its organisation's contacts and the manager
    "audits:return-edit": only(MANAGERS, status=403, others=404),  # only its contacts fill it in (see CONTACT)
    "audits:return-submit": only(MANAGERS, status=403, others=404),
    "audits:return-moderate": only(MANAGERS, others=404),
    "audits:return-send-back": signed_in(405),
    "audits:challenge-add": signed_in(405),
    "audits:action-done": signed_in(405),
    "selfassessment:window-list": signed_in(200),  # the board; not an audit contact (see CONTACT)
    "selfassessment:window-add": only(MANAGERS),
    "selfassessment:window-results": signed_in(200),  # totals only, for a group large enough
    "selfassessment:window-export": signed_in(200),
    "selfassessment:window-open": signed_in(405),
    "selfassessment:finding-action": signed_in(405),
    "selfassessment:member-list": only(set()),  # the Board's chair alone, who is none of the personas
    "selfassessment:respond": everyone(404),  # a made-up secret: no such invitation, whoever asks
    "selfassessment:respond-own": everyone(404),
    # The inspection map: the board reads it (audit contacts do not); the manager changes it.
    "assurance:coverage": signed_in(200),
    "assurance:framework-from-plan": signed_in(405),
    "assurance:requirement-detail": signed_in(200),
    "assurance:evidence-add": only(MANAGERS),
    "assurance:grade-edit": only(MANAGERS),
    "assurance:gap-action": only(MANAGERS),
    "assurance:evidence-accept": signed_in(405),
    "assurance:evidence-remove": signed_in(405),
    "assurance:pack": signed_in(200),
    "assurance:pack-pdf": signed_in(200),
    "assurance:pack-xlsx": signed_in(200),
}
# An audit contact (of the organisation whose submitted return the sweep opens) and nothing else: a partner agency
# that reads the plan, the reports and the registers as any signed-in reader does, and its own return; not the
# board's own pages (self-assessment, assurance), nor the round's results or the annual report draft, which hold
# every organisation's scores.
CONTACT = {
    "audits:round-export": 404,
    "audits:return-detail": 200,
    "audits:return-edit": 302,  # submitted already: sent back to the return
    "audits:return-submit": 302,
    "audits:return-moderate": 403,  # the manager moderates
    "annualreport:annual-report": 403,
    "selfassessment:window-list": 404,
    "selfassessment:window-results": 404,
    "selfassessment:window-export": 404,
    "assurance:coverage": 404,
    "assurance:requirement-detail": 404,
    "assurance:evidence-add": 404,
    "assurance:grade-edit": 404,
    "assurance:gap-action": 404,
    "assurance:pack": 404,
    "assurance:pack-pdf": 404,
    "assurance:pack-xlsx": 404,
}
for _name, _status in CONTACT.items():
    EXPECTED[_name]["contact"] = _status


def arguments(site, route):
    """The demo rows each URL's parameters name."""
    pk = {
        "priorities": site.action.pk,
        "kpis": site.kpi.pk,
        "progress": site.kpi.pk,  # a KPI's value entered in place on My work
        "reports": site.issued.pk,
        "meetings": site.meeting.pk,
        "risks": site.risk.controls.get().pk,
        "audits": site.audit_return.round_id,
        "selfassessment": site.self_assessment.pk,
        "assurance": site.requirement.pk,
    }.get(route.namespace)
    number = site.open_period.number
    if route.name == "priorities:update-return":
        pk, number = site.submitted.action_id, site.submitted.period.number
    values = {"slug": site.plan.slug, "pk": pk, "number": number, "uidb64": "MQ", "token": "made-up-token"}
    values["item_pk"] = site.meeting_item.pk
    values["organisation_pk"] = site.audit_return.organisation_id
    values["criterion_pk"] = site.audit_return.answers.exclude(improvement_action="").first().criterion_id
    values["secret"] = "made-up-secret-made-up-secret-made-up-secret"
    values["reference"] = site.risk.reference
    values["kind"] = "kpi"
    return {param: values[param] for param in route.params}


def url_for(route, kwargs):
    if route.pattern.startswith("^") or "(?P<" in route.pattern:
        return reverse(route.name, kwargs=kwargs)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match.group(1)]), route.pattern)


def site_routes():
    return [route for route in all_routes() if route.namespace != "admin"]


def admin_routes():
    return [route for route in all_routes() if route.namespace == "admin"]


def test_every_address_has_an_expectation():
    """A new page must be added to EXPECTED, saying who may open it, before the sweep passes."""
    names = {route.name for route in site_routes()}
    assert names - EXPECTED.keys() == set(), "add these URLs to EXPECTED in tests/security/test_every_url.py"
    assert EXPECTED.keys() - names == set(), "these URLs in EXPECTED no longer exist"


@pytest.fixture
def fast_pdf(monkeypatch):
    """Status and headers are the point here, not the PDF: a stand-in keeps the sweep quick."""
    monkeypatch.setattr("reports.pdfstore.render_pdf", lambda *args, **kwargs: b"%PDF-1.4 stand-in")
    monkeypatch.setattr("assurance.tasks.draw_pdf_document", lambda *args, **kwargs: b"%PDF-1.4 stand-in")


def sign_in_as(client, site, role):
    user = site.user(role)
    if user is not None:
        client.force_login(user)


def check(response, expected, url):
    problems = [f"{url}: {problem}" for problem in header_problems(response)]
    if expected == LOGIN:
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith(reverse("login") + "?next="):
            problems.append(f"{url}: {response.status_code} {location!r}, not a redirect to sign in")
    elif response.status_code != expected:
        problems.append(f"{url}: {response.status_code}, not {expected}")
    elif expected == 405 and ("This address takes a form, not a visit" not in response.text or not response["Allow"]):
        problems.append(f"{url}: a 405 without the page that explains it, or without Allow")
    elif expected == 403 and "<h1" not in response.text:
        problems.append(f"{url}: a 403 without a page that explains it")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected_with_the_security_headers(client, site, role, fast_pdf):
    sign_in_as(client, site, role)
    problems = []
    for route in site_routes():
        url = url_for(route, arguments(site, route))
        problems += check(client.get(url, secure=True), EXPECTED[route.name][role], url)
    assert problems == []


# The admin: every page of every registered model, for every role.
ADMIN_VIEWS = {
    "changelist": "view",
    "add": "add",
    "change": "view",
    "history": "view",
    "delete": "delete",
    "password_change": "change",
}


def _admin_object(model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the sweep needs a {model.__name__} row to open the admin's pages for it"
    return obj


def _permission(model_admin, request, kind, obj=None):
    """What the model's admin itself says the user may do: Django's own rule for each of its pages."""
    if kind == "view":
        return model_admin.has_view_or_change_permission(request, obj)
    if kind == "add":
        return model_admin.has_add_permission(request)
    return getattr(model_admin, f"has_{kind}_permission")(request, obj)


NOT_STAFF = ["anon", "chair", "member", "viewer", "contact"]
# Anonymous visitors are sent to a sign-in page (the site's or the admin's, whichever comes first); signed-in
# people who are not staff to the admin's.
NOT_STAFF_SENT_TO_SIGN_IN = {"anon": "any-login", **dict.fromkeys(NOT_STAFF[1:], "admin-login")}


def admin_cases(site):
    """(url, role → expected status) for every admin address; staff expectations come from the admin's rules."""
    registry = {f"{m._meta.app_label}_{m._meta.model_name}": (m, ma) for m, ma in admin.site._registry.items()}
    factory = RequestFactory()

    def request_as(role):
        request = factory.get("/admin/")
        request.user = site.user(role)
        return request

    for route in admin_routes():
        short = route.name.split(":", 1)[1]
        if short == "login":
            yield reverse(route.name), {**dict.fromkeys(NOT_STAFF, 200), "manager": 302, "admin": 302}
            continue
        if short == "logout":  # not signed in to the admin: sent to its start page
            yield (
                reverse(route.name),
                {"anon": "any-login", **dict.fromkeys(NOT_STAFF[1:], 302), "manager": 405, "admin": 405},
            )
            continue
        if short in {"index", "jsi18n", "password_change", "password_change_done"}:
            yield reverse(route.name), {**NOT_STAFF_SENT_TO_SIGN_IN, "manager": 200, "admin": 200}
            continue
        if short == "autocomplete":  # asked without the field it completes: refused
            yield reverse(route.name), {**NOT_STAFF_SENT_TO_SIGN_IN, "manager": 403, "admin": 403}
            continue
        if short == "app_list":
            for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                expected = {}
                for role in ("manager", "admin"):
                    request = request_as(role)
                    shown = any(
                        ma.has_module_permission(request) and any(ma.get_model_perms(request).values())
                        for m, ma in admin.site._registry.items()
                        if m._meta.app_label == app_label
                    )
                    expected[role] = 200 if shown else 404
                yield reverse(route.name, kwargs={"app_label": app_label}), {**NOT_STAFF_SENT_TO_SIGN_IN, **expected}
            continue
        if short == "view_on_site":
            action = site.action
            content_type = ContentType.objects.get_for_model(action)
            url = reverse(route.name, kwargs={"content_type_id": content_type.pk, "object_id": action.pk})
            yield url, {**NOT_STAFF_SENT_TO_SIGN_IN, "manager": 302, "admin": 302}
            continue
        model_key, _, view = short.rpartition("_")
        if short.endswith("_password_change"):
            model_key, view = short.removesuffix("_password_change"), "password_change"
        if model_key in registry and view in ADMIN_VIEWS:
            model, model_admin = registry[model_key]
            obj = None if view in {"changelist", "add"} else _admin_object(model)
            expected = {}
            for role in ("manager", "admin"):
                allowed = _permission(model_admin, request_as(role), ADMIN_VIEWS[view], obj)
                expected[role] = 200 if allowed else 403
            kwargs = {"object_id": obj.pk} if "object_id" in route.params else {}
            if "id" in route.params:
                kwargs = {"id": obj.pk}
            yield reverse(route.name, kwargs=kwargs), {**NOT_STAFF_SENT_TO_SIGN_IN, **expected}
            continue
        # A page a model's admin adds: kept from everyone but staff, and never a server error for them.
        pk = _admin_object(registry[model_key][0]).pk if model_key in registry else site.action.pk
        kwargs = {param: pk if param in {"object_id", "pk", "id"} else "x" for param in route.params}
        yield url_for(route, kwargs), {**NOT_STAFF_SENT_TO_SIGN_IN, "manager": "not-5xx", "admin": "not-5xx"}
    # The catch-all: any other admin address is "not found", for staff only.
    yield "/admin/no-such-page/", {**NOT_STAFF_SENT_TO_SIGN_IN, "manager": 404, "admin": 404}
    # The unnamed "<object id>/" address of each model sends staff on to its change page.
    for _, (model, _admin) in sorted(registry.items()):
        obj = _admin_object(model)
        yield (
            f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/",
            {**NOT_STAFF_SENT_TO_SIGN_IN, "manager": 302, "admin": 302},
        )


@pytest.fixture
def admin_rows(site, client):
    """A row in every admin table: a failed sign-in (django-axes), an authenticator, and a signed-in log."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post(reverse("login"), {"username": "viewer", "password": "demo-password-for-tests"})
    client.logout()
    client.post(reverse("login"), {"username": "viewer", "password": "wrong password"})
    TOTPDevice.objects.create(user=UserFactory(username="has-an-app"), name="Authenticator app", confirmed=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_its_rules_say(client, site, admin_rows, role):
    sign_in_as(client, site, role)
    problems, checked = [], 0
    for url, expectations in admin_cases(site):
        checked += 1
        expected = expectations[role]
        response = client.get(url, secure=True)
        problems += [f"{url}: {problem}" for problem in header_problems(response)]
        if expected in {"any-login", "admin-login"}:
            location = response.get("Location", "")
            pages = [reverse("admin:login")] + ([reverse("login")] if expected == "any-login" else [])
            if response.status_code != 302 or not any(location.startswith(f"{page}?next=") for page in pages):
                problems.append(f"{url}: {response.status_code} {location!r}, not a redirect to sign in")
        elif expected == "not-5xx":
            if response.status_code >= 500:
                problems.append(f"{url}: {response.status_code}")
        elif response.status_code != expected:
            problems.append(f"{url}: {response.status_code}, not {expected}")
    assert problems == []
    assert checked > 6 * len(admin.site._registry), "every model's list, add, change, history and delete pages"


def test_a_refusal_says_the_account_may_not_open_the_page_rather_than_that_it_can_see_it(client, site):
    """A viewer who opens a page for editing is refused it: the words must not claim they can see it."""
    sign_in_as(client, site, "viewer")
    refused = [route for route in site_routes() if EXPECTED[route.name]["viewer"] == 403]
    assert refused, "no page refuses a viewer"
    response = client.get(url_for(refused[0], arguments(site, refused[0])), secure=True)
    assert response.status_code == 403
    assert "Your account is not allowed to open this page or make this change" in response.text
    assert "You can see this page" not in response.text


def test_a_form_only_address_opened_in_the_browser_explains_itself(client, site):
    sign_in_as(client, site, "manager")
    response = client.get(reverse("reports:report-issue", args=[site.plan.slug]), secure=True)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert '<h1 class="govuk-heading-l">This address takes a form, not a visit</h1>' in response.text
    assert 'href="/"' in response.text
