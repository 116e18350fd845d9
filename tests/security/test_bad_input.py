"""Bad input, generated with Hypothesis, for every form and the plan importer: never a server error, and
nothing stored that the form would not have accepted."""

import csv
import io
import re

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.models import KPI, KPIValue
from planfile.services import plan_import
from plans.models import BusinessPlan, ReportingPeriod
from plans.services import period_dates_seen
from priorities.models import ProgressUpdate, Status
from reports.models import IssuedReport

from .conftest import PASSWORD
from .snapshot import changed_tables, database_snapshot

pytestmark = pytest.mark.django_db

# Reproducible in CI; the examples still cover every shape below. No example database in the work tree.
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as people and programs send it: any character a browser can (no lone surrogates), markup, NULs,
# numbers written every way, and very long strings.
awkward = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "=1+1",
        "NaN",
        "Infinity",
        "-1",
        "-0",
        "0",
        "1e309",
        "99999999999999999999",
        "2147483648",
        "1" * 40,
        "12.345",
        "１２",
        "x" * 20000,
        "\u202e\u200b",
        "null",
        "[]",
        "{}",
    ]
)
text = st.one_of(awkward, st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
# Numbers within what the database columns hold; larger ones have a test of their own below.
numberish = st.one_of(
    awkward.filter(lambda value: not re.fullmatch(r"\d{10,}|2147483648|1e309", value)),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3).map(str),
)


def fields(names, values=text, extra=True):
    """A form's worth of fields, any of them left out, plus names the form does not have."""
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(names, values))
    if not extra:
        return known
    unknown = st.dictionaries(
        st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12), text, max_size=3
    )
    return st.tuples(known, unknown).map(lambda both: {**both[1], **both[0]})


def not_a_server_error(response):
    assert response.status_code < 500, response.content[:500]
    location = response.get("Location", "")
    assert not location.startswith("//") and "://" not in location.split("?")[0], f"sent off the site: {location}"


def clean_text(value):
    return isinstance(value, str) and "\x00" not in value


UPDATE_FIELDS = ["status", "progress", "impact", "next_steps", "reason", "evidence_links", "version", "save_draft"]


@given(data=fields(UPDATE_FIELDS))
@EXAMPLES
def test_the_update_form(client, site, data):
    client.force_login(site.users["chair"])
    action, period = site.action, site.open_period
    before = list(ProgressUpdate.objects.filter(action=action, period=period).values())
    response = client.post(reverse("priorities:update-edit", args=[action.pk, period.number]), data)
    not_a_server_error(response)
    after = list(ProgressUpdate.objects.filter(action=action, period=period).values())
    if response.status_code != 302:
        assert after == before, "a refused form stores nothing"
        return
    (update,) = after
    assert update["status"] in {value for value, _ in Status.recorded()} | {""}
    for field in ["progress", "impact", "next_steps", "reason", "evidence_links"]:
        assert clean_text(update[field]), field
    assert all(re.match(r"https?://", line) for line in update["evidence_links"].splitlines())
    if update["state"] == ProgressUpdate.State.SUBMITTED:
        assert update["status"], "a submitted update has a status"
        if update["status"] in {"amber", "red"}:
            assert update["reason"].strip()


KPI_FIELDS = ["numerator", "denominator", "percentage", "count", "answer", "note", "version"]
KIND_FIELDS = {
    "percentage": ["numerator", "denominator", "percentage"],
    "count": ["count"],
    "yes_no": ["answer"],
    "report": ["answer"],
}


def kpi_forms(kind):
    """The kind's own fields usually filled in (with numbers, mostly), the rest sometimes, and strangers."""
    own = {name: st.one_of(numberish, st.sampled_from(["yes", "no"]), text) for name in KIND_FIELDS[kind]}
    return st.tuples(
        st.fixed_dictionaries(own, optional={"version": st.one_of(st.just("0"), numberish)}),
        fields(KPI_FIELDS, values=st.one_of(numberish, text)),
    ).map(lambda both: {**both[1], **both[0]})


@pytest.mark.parametrize("kind", [kind.value for kind in KPI.Kind])
@given(data=st.data())
@EXAMPLES
def test_the_kpi_value_form_for_each_kind(client, site, kind, data):
    data = data.draw(kpi_forms(kind))
    kpi = site.kpi
    if kpi.kind != kind:
        KPI.objects.filter(pk=kpi.pk).update(kind=kind)
        kpi.refresh_from_db()
        KPIValue.objects.filter(kpi=kpi).delete()
    client.force_login(site.users["chair"])
    period = site.open_period
    before = list(KPIValue.objects.filter(kpi=kpi, period=period).values())
    response = client.post(reverse("kpis:value-edit", args=[kpi.pk, period.number]), data)
    not_a_server_error(response)
    after = list(KPIValue.objects.filter(kpi=kpi, period=period).values())
    if response.status_code != 302:
        assert after == before, "a refused value stores nothing"
        return
    (value,) = after
    assert clean_text(value["note"])
    if value["numerator"] is not None:
        assert value["numerator"] < 2**31 and value["denominator"] < 2**31, "fits the database's integer column"
    if value["value"] is not None:
        assert abs(value["value"]) < 10**10, "fits the database's value column"
    if kind == KPI.Kind.PERCENTAGE:
        assert value["value"] is not None and 0 <= value["value"] <= 100
        if value["denominator"] is not None:
            assert 0 <= value["numerator"] <= value["denominator"] and value["denominator"] > 0
    elif kind == KPI.Kind.COUNT:
        assert value["value"] is not None and value["value"] >= 0 and value["value"] == int(value["value"])
    else:
        assert value["received"] in {True, False} and value["value"] is None


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("percentage", {"numerator": "2147483648", "denominator": "2147483649"}),
        ("count", {"count": "10000000000"}),
        ("count", {"count": "99999999999999999999"}),
    ],
)
def test_numbers_too_big_for_the_database_are_refused_in_words(site, kind, data):
    KPI.objects.filter(pk=site.kpi.pk).update(kind=kind)
    client = Client(raise_request_exception=False)
    client.force_login(site.users["chair"])
    url = reverse("kpis:value-edit", args=[site.kpi.pk, site.open_period.number])
    response = client.post(url, {**data, "version": "0"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not KPIValue.objects.filter(kpi=site.kpi, period=site.open_period).exists()


@given(data=fields(["reason"]))
@EXAMPLES
def test_the_return_form(client, site, data):
    client.force_login(site.users["manager"])
    update = site.submitted
    ProgressUpdate.objects.filter(pk=update.pk).update(state=ProgressUpdate.State.SUBMITTED, returned_reason="")
    ReportingPeriod.objects.filter(pk=update.period_id).update(state=ReportingPeriod.State.OPEN)  # returnable
    data = {"version": str(ProgressUpdate.objects.get(pk=update.pk).version), **data}
    response = client.post(reverse("priorities:update-return", args=[update.action_id, update.period.number]), data)
    not_a_server_error(response)
    stored = ProgressUpdate.objects.get(pk=update.pk)
    if response.status_code == 302:
        assert stored.state == ProgressUpdate.State.RETURNED
        assert clean_text(stored.returned_reason) and stored.returned_reason.strip()
    else:
        assert stored.state == ProgressUpdate.State.SUBMITTED and stored.returned_reason == ""


@given(data=fields(["username", "password", "next"]))
@EXAMPLES
def test_the_sign_in_form(site, data):
    client = Client()
    response = client.post(reverse("login"), data)
    not_a_server_error(response)
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_a_username_longer_than_any_is_refused_in_words_and_not_logged(site, length):
    """Found by the sign-in form's generated examples on PostgreSQL: a username over 255 characters reached the
    sign-in attempts log, whose column is shorter, and the sign-in page answered 500."""
    client = Client()
    response = client.post(reverse("login"), {"username": "x" * length, "password": " "})
    assert response.status_code == 200
    assert "Enter a correct username and password. Both are case-sensitive." in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="x" * 100).exists()


def test_the_sign_in_form_still_signs_in(site):
    """The generated examples above never sign in; the right password does."""
    client = Client()
    assert client.post(reverse("login"), {"username": "viewer", "password": PASSWORD}).status_code == 302


ISSUE_FIELDS = ["kind", "period", "as_at", "meeting"]


@given(
    data=fields(ISSUE_FIELDS, values=st.one_of(text, st.sampled_from([*IssuedReport.Kind.values, "3", "2015-12-01"])))
)
@EXAMPLES
def test_the_issue_report_form(client, site, data):
    # Issuing draws no PDF (the worker does, once the issue commits), so the many examples stay quick.
    client.force_login(site.users["manager"])
    before = set(IssuedReport.objects.values_list("pk", flat=True))
    response = client.post(reverse("reports:report-issue", args=[site.plan.slug]), data)
    assert response.status_code < 500
    for issued in IssuedReport.objects.exclude(pk__in=before):
        assert issued.kind in IssuedReport.Kind.values and issued.meeting.strip() and clean_text(issued.meeting)
        assert len(issued.meeting) <= 200
        if issued.kind == IssuedReport.Kind.EXECUTIVE:
            assert issued.period_number in range(1, 7)


@pytest.mark.parametrize("back", ["not a page", "//attacker.example/", "https://attacker.example/"])
def test_the_issue_form_goes_back_only_to_a_page_of_the_site(site, back):
    client = Client(raise_request_exception=False)
    client.force_login(site.users["manager"])
    response = client.post(
        reverse("reports:report-issue", args=[site.plan.slug]), {"kind": IssuedReport.Kind.EXECUTIVE, "back": back}
    )
    not_a_server_error(response)


@given(
    transition=st.sampled_from(["open", "lock", "unlock"]),
    number=st.integers(min_value=0, max_value=9),
    data=fields([], extra=True),
)
@EXAMPLES
def test_period_transitions(client, site, transition, number, data):
    client.force_login(site.users["manager"])
    states = dict(site.plan.periods.values_list("number", "state"))
    url = f"/plans/{site.plan.slug}/periods/{number}/{transition}/"
    response = client.post(url, data)
    not_a_server_error(response)
    after = dict(site.plan.periods.values_list("number", "state"))
    allowed = {"open": ("upcoming", "open"), "lock": ("open", "locked"), "unlock": ("locked", "open")}[transition]
    for period_number, state in after.items():
        if state != states[period_number]:
            assert period_number == number and (states[period_number], state) == allowed
    assert set(after.values()) <= set(ReportingPeriod.State.values)


# The importer: random bytes, and rows built from the plan file's own words put together at random.
ROW_TYPES = ["Plan", "Priority", "Objective", "Action", "KPI", "Evidence", "", "plan", "Actn"]
cells = st.one_of(text, st.sampled_from(["1", "1.1", "1.1.1", "1.1.K1", "Percentage", "Count", "Yes/No", "slug"]))
rows = st.lists(st.tuples(st.sampled_from(ROW_TYPES), st.lists(cells, max_size=12)), max_size=15)


def as_csv(header, generated):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for kind, rest in generated:
        writer.writerow([kind, *rest])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def _header():
    from planfile.demo import DEMO_PLAN_FILE

    return next(csv.reader(io.StringIO(DEMO_PLAN_FILE.read_text(encoding="utf-8"))))


@given(
    content=st.one_of(st.binary(max_size=2000), rows.map(lambda generated: as_csv(_header(), generated))),
    filename=st.sampled_from(["plan.csv", "plan.xlsx", "plan.txt", "plan", "../../etc/passwd.csv"]),
)
@EXAMPLES
def test_the_plan_importer(site, content, filename):
    before = database_snapshot()
    plans_before = BusinessPlan.objects.count()
    result = plan_import(content=content, filename=filename)
    if result.problems:
        assert changed_tables(before, database_snapshot()) == [], "a file with problems stores nothing"
        assert all(str(problem) for problem in result.problems), "each problem says what it is"
    else:
        assert BusinessPlan.objects.count() in {plans_before, plans_before + 1}


@given(content=st.binary(max_size=3000), filename=st.sampled_from(["plan.csv", "plan.xlsx", "x.exe", ""]))
@EXAMPLES
def test_the_import_upload_page(client, site, content, filename):
    client.force_login(site.users["manager"])
    before = database_snapshot()
    upload = io.BytesIO(content)
    upload.name = filename or "unnamed"
    response = client.post(reverse("planfile:import"), {"file": upload})
    not_a_server_error(response)
    if response.status_code == 302:
        not_a_server_error(client.get(response["Location"]))
    # The upload itself waits in planfile.PendingImport until it is confirmed; nothing else may change.
    assert set(changed_tables(before, database_snapshot())) <= {"planfile.PendingImport"}, "previewing stores nothing"


# Numbers at and beyond what a KPI's target and amber tolerance columns hold (12 digits, 2 after the point).
column_numbers = st.one_of(
    st.sampled_from(
        [
            "9999999999.99",
            "9999999999.994",
            "9999999999.995",
            "10000000000",
            "-9999999999.99",
            "-10000000000",
            "1E+400",
            "-1E+400",
            "1e-400",
            "1.23456789012346e+29",
            "0.005",
            "Infinity",
            "NaN",
            "sNaN",
        ]
    ),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@given(target=column_numbers, tolerance=column_numbers)
@EXAMPLES
def test_the_importer_keeps_kpi_numbers_within_their_columns(site, target, tolerance):
    header = _header()
    rows = [
        ("Plan", ["slug", "2030-31"]),
        ("Plan", ["title", "Numbers"]),
        ("Plan", ["plan year", "2030/31"]),
        ("Plan", ["starts", "2030-04-01"]),
        ("Plan", ["ends", "2031-03-31"]),
        ("Priority", ["1", "Safe"]),
        ("Objective", ["1.1", "Heard"]),
    ]
    kpi = dict.fromkeys(header, "") | {
        "Type": "KPI",
        "Ref": "1.1.K1",
        "Text": "Count of things",
        "Lead subgroup": "Quality Assurance sub",
        "KPI kind": "Count",
        "Target": target,
        "Amber tolerance": tolerance,
    }
    rows.append((kpi["Type"], [kpi[column] for column in header[1:]]))
    with transaction.atomic():  # each example starts from the same database
        _import_and_read_back(site, as_csv(header, rows))
        transaction.set_rollback(True)


def _import_and_read_back(site, content):
    result = plan_import(content=content, filename="plan.csv")
    created = KPI.objects.filter(objective__priority__plan__slug="2030-31")
    if result.problems:
        assert not created.exists(), "a file with problems stores nothing"
        assert all(str(problem).startswith(("Row 9, Target", "Row 9, Amber tolerance")) for problem in result.problems)
        return
    stored = created.get()  # reads back: the page that lists it would too
    for value in (stored.target, stored.amber_tolerance):
        assert value is None or (value.is_finite() and abs(value) < 10**10 and value == round(value, 2))
    client = Client()
    client.force_login(site.users["manager"])
    assert client.get(reverse("priorities:plan-detail", args=["2030-31"])).status_code == 200


@given(
    number=st.integers(min_value=0, max_value=9),
    data=fields(["meeting_on_0", "meeting_on_1", "meeting_on_2"], numberish),
)
@EXAMPLES
def test_the_meeting_move_form(client, site, number, data):
    client.force_login(site.users["manager"])
    before = dict(site.plan.periods.values_list("number", "meeting_on"))
    period = site.plan.periods.filter(number=number).first()
    if period is not None:  # as the page sends it, so that a good date moves the meeting
        data = {**data, "dates_seen": period_dates_seen(period)}
    response = client.post(f"/plans/{site.plan.slug}/periods/{number}/meeting/", data)
    not_a_server_error(response)
    after = dict(site.plan.periods.values_list("number", "meeting_on"))
    if response.status_code != 302:
        assert after == before
    for period in site.plan.periods.all():  # whatever moved, the dates still come in order
        assert period.deadline <= (period.papers_deadline or period.deadline) <= (period.meeting_on or period.deadline)


@given(data=fields(["how"], st.one_of(text, st.sampled_from(["single", "digest"]))))
@EXAMPLES
def test_the_email_preference_form(client, site, data):
    client.force_login(site.users["member"])
    response = client.post("/my/emails/", data)
    not_a_server_error(response)
    if data.get("how") not in ("single", "digest"):
        assert response.status_code == 200


@pytest.mark.parametrize("part", [0, 1, 2])
def test_a_date_too_long_for_the_calendar_is_refused_in_words(client, site, part):
    """A day, month or year with more digits than a date can hold gets the form's message, not a server error."""
    client.force_login(site.users["manager"])
    parts = ["10", "6", "2015"]
    parts[part] = str(2**63)
    data = {f"deadline_{index}": value for index, value in enumerate(parts)}
    data["dates_seen"] = period_dates_seen(site.plan.periods.get(number=5))
    response = client.post(f"/plans/{site.plan.slug}/periods/5/dates/", data)
    assert response.status_code == 200
    assert "The update deadline must be a real date, for example 10 6 2015" in response.content.decode()
    names = {0: "day", 1: "month", 2: "year"}
    query = {f"as_at-{names[index]}": value for index, value in enumerate(parts)}
    response = client.get(reverse("reports:board-report", args=[site.plan.slug]), query)
    assert response.status_code == 400
    expected = {
        0: "The date must be a real date",
        1: "The month must be a number from 1 to 12",
        2: "The year must have 4",
    }
    assert expected[part] in response.content.decode()


def test_a_meeting_moved_to_the_first_year_of_the_calendar_is_refused_in_words(client, site):
    client.force_login(site.users["manager"])
    period = site.plan.periods.get(number=5)
    before = (period.deadline, period.papers_deadline, period.meeting_on)
    response = client.post(
        f"/plans/{site.plan.slug}/periods/5/meeting/",
        {"meeting_on_0": "1", "meeting_on_1": "1", "meeting_on_2": "1", "dates_seen": period_dates_seen(period)},
    )
    assert response.status_code == 200
    assert "The Safeguarding Executive meeting must be on or after 1 December 2015, when Period 5 starts" in (
        response.content.decode()
    )
    period.refresh_from_db()
    assert (period.deadline, period.papers_deadline, period.meeting_on) == before
