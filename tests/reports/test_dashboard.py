"""The dashboard at /: the active plan's status counts, exceptions, KPIs, next deadline and updates in, checked
against the database, for everyone signed in, in the same few queries however large the plan."""

import datetime
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, ProgressUpdate, Status
from reports.data import STATUS_ORDER
from risks.models import Risk
from subgroups.models import Subgroup
from tests.factories import (
    ActionFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
    ProgressUpdateFactory,
    RiskFactory,
    StrategicPriorityFactory,
    SubgroupFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/"


class _Tables(HTMLParser):
    """Every table's rows as lists of cell texts (whitespace collapsed), by the table's id."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def expected_statuses(plan, number):
    """Each action's status in the period, worked out from the rows, independently of the dashboard's code."""
    statuses = {}
    for action in Action.objects.filter(objective__priority__plan=plan).select_related("objective__priority"):
        reported = {
            update.period.number: update.status
            for update in ProgressUpdate.objects.filter(action=action).exclude(state="draft").select_related("period")
        }
        earlier = [reported[n] for n in sorted(reported) if n < number]
        if number in reported:
            status = Status(reported[number])
        elif earlier and earlier[-1] == Status.COMPLETE:
            status = Status.COMPLETE
        else:
            status = Status.NO_UPDATE
        statuses[action] = status
    return statuses


def expected_count_rows(plan, number):
    """The status table as the database says it should read: a row per priority and Overall."""
    statuses = expected_statuses(plan, number)
    by_priority = {}
    for action, status in statuses.items():
        priority = action.objective.priority
        by_priority.setdefault((priority.position, priority.ref), Counter())[status] += 1
    rows = []
    for label, counter in [*((f"Priority {n[1]}", by_priority[n]) for n in sorted(by_priority)), ("Overall", None)]:
        counter = counter if counter is not None else Counter(statuses.values())
        rows.append([label, *(str(counter[status]) for status in STATUS_ORDER), str(sum(counter.values()))])
    return rows


def count_rows(response):
    """The status table's body rows, each row header cut to "Priority N" (its title left out) or "Overall"."""
    rows = tables(response)["status-counts"][1:]
    return [[" ".join(row[0].split()[:2]).rstrip(":"), *row[1:]] for row in rows]


def action_by_code(plan, code):
    return next(action for action in Action.objects.in_plan(plan) if action.code == code)


def exception_codes(response, status):
    rows = tables(response).get(f"exceptions-{status.css}-table", [])[1:]
    return {row[0].split(" ")[0] for row in rows}


def make_current(plan, number):
    """Make period `number` the open (current) one and every later period upcoming."""
    plan.periods.filter(number__gt=number).update(state=ReportingPeriod.State.UPCOMING)
    plan.periods.filter(number=number).update(state=ReportingPeriod.State.OPEN)
    plan.periods.filter(number__lt=number).update(state=ReportingPeriod.State.LOCKED)


def test_the_dashboard_is_at_the_site_root():
    assert reverse("reports:dashboard") == DASHBOARD


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [("chair", 200), ("member", 200), ("other_chair", 200), ("manager", 200), ("viewer", 200), ("anon", 302)],
)
def test_everyone_signed_in_reads_the_dashboard(client, persona, action, period, persona_name, expected):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == expected
    if user is None:
        assert response["Location"] == reverse("login") + "?next=/"
    else:
        assert action.objective.priority.plan.title in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_dashboard_is_read_only(client, viewer, action, period, method):
    client.force_login(viewer)
    assert getattr(client, method)(DASHBOARD).status_code == 405


def test_in_the_open_period_without_updates_every_action_is_no_update_unless_carried_complete(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    response = client.get(DASHBOARD)
    text = response.content.decode()
    assert "Progress in <strong>Period 4: Oct–Nov 2015</strong>" in text

    rows = count_rows(response)
    assert rows == expected_count_rows(plan, 4)
    header = tables(response)["status-counts"][0]
    assert header == ["Priority", *(status.label for status in STATUS_ORDER), "Total"]
    # 26 actions; four were completed in periods 2 and 3 and stay complete.
    assert rows[-1] == ["Overall", "0", "0", "22", "0", "0", "4", "26"]


def test_mixed_counts_and_exceptions_match_the_database(client, demo):
    plan, users = demo
    make_current(plan, 3)
    client.force_login(users["viewer"])
    response = client.get(DASHBOARD)
    assert "Progress in <strong>Period 3: Aug–Sep 2015</strong>" in response.content.decode()

    assert count_rows(response) == expected_count_rows(plan, 3)
    assert count_rows(response)[-1] == ["Overall", "2", "5", "1", "0", "14", "4", "26"]

    statuses = expected_statuses(plan, 3)
    for status in (Status.RED, Status.AMBER, Status.NO_UPDATE):
        assert exception_codes(response, status) == {a.code for a, s in statuses.items() if s == status}, status
    assert exception_codes(response, Status.RED) == {"1.2.2", "2.3.1"}
    assert exception_codes(response, Status.NO_UPDATE) == {"3.3.5"}


def test_exceptions_give_the_reason_and_the_lead_and_link_to_the_action(client, demo):
    plan, users = demo
    make_current(plan, 3)
    client.force_login(users["viewer"])
    response = client.get(DASHBOARD)
    found = tables(response)
    red = {row[0].split(" ")[0]: row for row in found["exceptions-red-table"][1:]}
    red_action = action_by_code(plan, "1.2.2")
    reason = red_action.updates.get(period__number=3).reason
    assert red["1.2.2"] == [f"1.2.2 {' '.join(red_action.text.split())}", red_action.lead_names, reason]
    amber = {row[0].split(" ")[0]: row for row in found["exceptions-amber-table"][1:]}
    assert amber["3.3.4"][2] == action_by_code(plan, "3.3.4").updates.get(period__number=3).reason
    missing = action_by_code(plan, "3.3.5")
    assert found["exceptions-no-update-table"][1:] == [[f"3.3.5 {' '.join(missing.text.split())}", missing.lead_names]]
    for action in (red_action, missing):
        assert f'href="{action.get_absolute_url()}"' in response.content.decode()


def test_no_exceptions_say_none(client, demo):
    plan, users = demo
    period = plan.periods.get(number=4)
    author = users["manager"]
    for action in Action.objects.in_plan(plan):
        ProgressUpdateFactory(action=action, period=period, status=Status.GREEN, author=author)
    client.force_login(users["viewer"])
    response = client.get(DASHBOARD)
    assert count_rows(response)[-1] == ["Overall", "0", "0", "0", "0", "26", "0", "26"]
    text = response.content.decode()
    assert text.count('<p class="govuk-body">None.</p>') == 3
    assert not any(name.startswith("exceptions-") for name in tables(response))


def test_every_kpi_appears_with_owner_value_target_rating_and_trend(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    response = client.get(DASHBOARD)
    rows = {row[0].split(" ")[0]: row for row in tables(response)["kpis"][1:]}

    kpis = KPI.objects.filter(objective__priority__plan=plan).select_related("owner", "objective__priority")
    assert set(rows) == {kpi.code for kpi in kpis}
    for kpi in kpis:
        assert rows[kpi.code][1] == kpi.owner.name
    # Values the demo has for period 4, against their targets (Amber within 10 points for these three):
    # 3.3.K4, computed from the demo's attendance, fell a little further short of 100%; 1.2.K2 rose to within 10
    # of its 80%; 1.2.K3, where lower is better, fell below its 25%.
    assert rows["3.3.K4"][2:6] == ["83.78%", "100%", "Red", "↓ Down from 84.31% last period (worse)"]
    assert rows["1.2.K2"][2:6] == ["79.31%", "80%", "Amber", "↑ Up from 66.67% last period (better)"]
    assert rows["1.2.K3"][2:6] == ["20.93%", "25%", "Green", "↓ Down from 25% last period (better)"]
    # A KPI with nothing for period 4 says so, shows what period 3 had, and is not rated, with a target or without.
    period_3 = plan.periods.get(number=3)
    for percentage in (
        kpis.filter(kind=KPI.Kind.PERCENTAGE, target__isnull=True).first(),
        kpis.filter(kind=KPI.Kind.PERCENTAGE, target__isnull=False).first(),
    ):
        last = percentage.values.get(period=period_3).display
        assert rows[percentage.code][2:6] == [
            f"No value; Period 3: {last}",
            percentage.target_display or "No target",
            "Not rated",
            "No trend",
        ]


def test_kpi_sparklines_name_their_values(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    text = client.get(DASHBOARD).content.decode()
    kpi = KPI.objects.get(objective__priority__plan=plan, ref="1.1.K1")
    values = [value.display for value in kpi.values.order_by("period__number").select_related("kpi")]
    label = (
        f"Values of 1.1.K1 so far. period 1: {values[0]}, period 2: {values[1]}, period 3: {values[2]}, "
        "period 4: no value."
    )
    assert f'aria-label="{label}"' in text
    assert text.count('class="app-sparkline"') == KPI.objects.filter(kind__in=["percentage", "count"]).count()


def test_updates_in_per_subgroup_count_submitted_updates_and_kpi_values(client, demo):
    plan, users = demo
    period = plan.periods.get(number=4)
    qa = Subgroup.objects.get(name="Quality Assurance sub")
    led = list(Action.objects.led_by(qa).filter(objective__priority__plan=plan))
    before = expected_statuses(plan, 3)
    carried = [action for action in led if before[action] == Status.COMPLETE]
    owed = [action for action in led if action not in carried]
    ProgressUpdateFactory(action=owed[0], period=period, author=users["manager"])
    ProgressUpdateFactory(action=owed[1], period=period, author=users["manager"], state="draft", status="")
    # The KPIs the subgroup enters (3.3.K1 and 3.3.K2 are computed from the audit rounds: nobody owes them).
    qa_kpis = list(KPI.objects.filter(objective__priority__plan=plan, owner=qa, value_source=KPI.Source.ENTERED))
    KPIValueFactory(kpi=qa_kpis[0], period=period, entered_by=users["manager"])
    client.force_login(users["viewer"])
    rows = {row[0]: row[1:] for row in tables(client.get(DASHBOARD))["updates-in"][1:]}
    # The submitted update is in, the draft is not; actions completed earlier owe nothing and count as in.
    assert rows[qa.name] == [f"{1 + len(carried)} of {len(led)}", f"1 of {len(qa_kpis)}"]
    # The Practitioners group owns a KPI but leads no action.
    assert rows["Practitioners group"] == ["None due", "0 of 1"]
    # Every subgroup that leads an action, alone or jointly, or owns a KPI has a row, and no other.
    in_plan = Action.objects.in_plan(plan)
    subgroups = {subgroup.name for action in in_plan for subgroup in action.leads}
    subgroups |= set(KPI.objects.filter(objective__priority__plan=plan).values_list("owner__name", flat=True))
    assert set(rows) == subgroups


def test_a_complete_action_reopened_in_a_draft_is_not_in(client, demo):
    plan, users = demo
    before = expected_statuses(plan, 3)
    reopened = next(action for action, status in before.items() if status == Status.COMPLETE)
    lead = reopened.lead
    led = list(Action.objects.led_by(lead).filter(objective__priority__plan=plan))
    carried = [action for action in led if before[action] == Status.COMPLETE]
    client.force_login(users["viewer"])
    rows = {row[0]: row[1:] for row in tables(client.get(DASHBOARD))["updates-in"][1:]}
    assert rows[lead.name][0] == f"{len(carried)} of {len(led)}"

    period = plan.periods.get(number=4)
    ProgressUpdateFactory(action=reopened, period=period, author=users["manager"], state="draft", status=Status.AMBER)
    response = client.get(DASHBOARD)
    rows = {row[0]: row[1:] for row in tables(response)["updates-in"][1:]}
    # The lead owes an update again; the draft is not reported, so the status counts still carry Complete.
    assert rows[lead.name][0] == f"{len(carried) - 1} of {len(led)}"
    assert count_rows(response) == expected_count_rows(plan, 4)


def test_the_next_deadline_is_the_open_periods(client, action, period, viewer):
    today = timezone.localdate()
    ReportingPeriod.objects.filter(pk=period.pk).update(deadline=today + datetime.timedelta(days=9))
    client.force_login(viewer)
    text = client.get(DASHBOARD).content.decode()
    assert f"are due by <strong>{today + datetime.timedelta(days=9):%-d %B %Y}</strong>" in text
    assert "9 days left." in text

    ReportingPeriod.objects.filter(pk=period.pk).update(state=ReportingPeriod.State.LOCKED)
    text = client.get(DASHBOARD).content.decode()
    assert "No reporting period is open for updates." in text


def test_links_to_the_reports_and_the_plan(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    text = client.get(DASHBOARD).content.decode()
    for url in (
        reverse("reports:executive-report", args=[plan.slug, 4]),
        reverse("reports:report-list", args=[plan.slug]),
        plan.get_absolute_url(),
    ):
        assert f'href="{url}"' in text


def test_without_an_active_plan_the_dashboard_says_so(client, viewer):
    client.force_login(viewer)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is no active business plan" in text
    assert f'href="{reverse("plans:plan-list")}"' in text


def test_an_active_plan_without_periods_says_so(client, action, viewer):
    client.force_login(viewer)
    assert "The plan has no reporting periods yet." in client.get(DASHBOARD).content.decode()


def test_user_text_is_escaped(client, action, period, viewer):
    Action.objects.filter(pk=action.pk).update(text="<script>alert('action')</script>")
    Subgroup.objects.filter(pk=action.lead_id).update(name="<b>Lead</b>")
    client.force_login(viewer)
    text = client.get(DASHBOARD).content.decode()
    assert "<script>alert" not in text and "<b>Lead</b>" not in text
    assert "&lt;script&gt;alert" in text


def grow(plan, times):
    """Add `times` times the demo plan's size again: a priority of objectives, actions (joint leads, supporters,
    updates) and KPIs (with values) for each time, led by new subgroups as well as the demo's."""
    periods = list(plan.periods.order_by("number"))
    author = plan.periods.first().updates.first().author
    demo_leads = list({action.lead for action in Action.objects.filter(objective__priority__plan=plan)})
    statuses = [Status.GREEN, Status.AMBER, Status.RED, Status.COMPLETE]
    next_number = plan.priorities.count() + 1
    for time in range(times):
        priority = StrategicPriorityFactory(plan=plan, ref=str(next_number + time), position=next_number + time)
        new_lead = SubgroupFactory()
        for objective_number in range(1, 4):
            objective = ObjectiveFactory(
                priority=priority, ref=f"{priority.ref}.{objective_number}", position=objective_number
            )
            for action_number in range(1, 10):
                action = ActionFactory(
                    objective=objective, position=action_number, lead=demo_leads[action_number % len(demo_leads)]
                )
                action.co_leads.add(new_lead)
                action.supporting.add(demo_leads[(action_number + 1) % len(demo_leads)])
                for period in periods[: 1 + action_number % 4]:
                    status = statuses[(action_number + period.number) % len(statuses)]
                    ProgressUpdateFactory(action=action, period=period, status=status, reason="Behind", author=author)
            for kpi_number in range(1, 8):
                kpi = KPIFactory(objective=objective, position=kpi_number, owner=new_lead, target=80)
                for period in periods[:4]:
                    KPIValueFactory(kpi=kpi, period=period, entered_by=author)


def test_query_count_does_not_grow_with_the_plan(client, demo, django_assert_num_queries):
    plan, users = demo
    client.force_login(users["viewer"])
    # 1 session, 2 user;
    # 3 active plan, 4 its periods (prefetched: the rows read them from the prefetch);
    # the rows (progress.selectors.plan_rows): 5 objectives with priorities, 6 subgroups, 7 joint leads, 8 actions,
    # 9 updates up to the period (this period's drafts and text too), 10 KPIs, 11 KPI values up to the period.
    # "Updates in" is counted from the same rows: no query of its own. 12 the risk register's counts.
    with django_assert_num_queries(12):
        client.get(DASHBOARD)

    actions_before = Action.objects.filter(objective__priority__plan=plan).count()
    grow(plan, 10)
    assert Action.objects.filter(objective__priority__plan=plan).count() >= 10 * actions_before
    grow_risks(10)
    with django_assert_num_queries(12):
        response = client.get(DASHBOARD)
    assert count_rows(response) == expected_count_rows(plan, 4)
    assert BusinessPlan.objects.active().get() == plan


def grow_risks(times):
    """Times as many risks as the demo has, in every state the panel counts."""
    body = Subgroup.objects.get(slug="safeguarding-executive")
    for number in range(Risk.objects.count() * (times - 1)):
        RiskFactory(
            reference=f"R{100 + number}",
            lead_body=body,
            current_likelihood=1 + number % 5,
            current_impact=1 + (number // 5) % 5,
            next_review_on=datetime.date(2015, 6, 1) if number % 2 else datetime.date(2999, 1, 1),
            is_escalated=number % 3 == 0,
            review_suggested="A linked KPI is Red." if number % 4 == 0 else "",
        )


def risk_counts(response):
    return {row[0]: row[1].split(" ", 1)[0] for row in tables(response)["risk-counts"]}


def test_the_risks_panel_counts_the_register_and_links_to_its_filters(client, demo):
    _, users = demo
    client.force_login(users["viewer"])
    response = client.get(DASHBOARD)
    # The demo's eight risks: five High or Very high now, all due a review before today (the demo is 2015/16),
    # R4 escalated to the Board and R3 flagged since KPI 3.3.K4 went Red.
    assert risk_counts(response) == {
        "Open risks": "8",
        "Very high": "2",
        "High": "3",
        "Review overdue": "8",
        "Escalated to the Board": "1",
        "Review suggested": "1",
    }
    text = response.content.decode()
    register = reverse("risks:risk-list")
    for query in ("band=very_high", "band=high", "overdue=on", "escalated=on", "suggested=on"):
        assert f'href="{register}?{query}"' in text, query
    assert f'href="{reverse("risks:heat-map")}"' in text


def test_the_risks_panel_counts_only_open_risks_and_bands_them_by_the_matrix(client, demo, settings):
    _, users = demo
    today = timezone.localdate()
    Risk.objects.filter(reference="R2").update(status="closed", closed_on=today, closed_reason="Post filled.")
    Risk.objects.filter(reference="R5").update(next_review_on=today)  # due today: not yet overdue
    client.force_login(users["viewer"])
    counts = risk_counts(client.get(DASHBOARD))
    assert (counts["Open risks"], counts["Very high"], counts["High"], counts["Review overdue"]) == ("7", "1", "3", "6")
    settings.RISK_MATRIX = [["high"] * 5 for _ in range(5)]
    counts = risk_counts(client.get(DASHBOARD))
    assert (counts["Very high"], counts["High"]) == ("0", "7")


def test_the_risks_panel_says_when_the_register_is_empty(client, demo):
    _, users = demo
    Risk.objects.all().delete()
    client.force_login(users["viewer"])
    text = client.get(DASHBOARD).content.decode()
    assert "There are no open risks on the register." in text and 'id="risk-counts"' not in text


@pytest.mark.parametrize(
    ("row", "references"),
    [
        ("Very high", ["R2", "R4"]),
        ("High", ["R1", "R3", "R6"]),
        ("Review overdue", [f"R{n}" for n in range(1, 9)]),
        ("Escalated to the Board", ["R4"]),
        ("Review suggested", ["R3"]),
    ],
)
def test_each_count_opens_the_register_at_those_risks(client, demo, row, references):
    _, users = demo
    client.force_login(users["viewer"])
    section = client.get(DASHBOARD).content.decode().split('id="risk-counts"', 1)[1]
    cell = section.split(f">{row}</th>", 1)[1]
    link = cell.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    register = client.get(link).content.decode()
    listed = sorted(set(re.findall(r'href="/risks/(R[0-9]+)/"', register)), key=lambda ref: int(ref[1:]))
    assert listed == references
