"""Every page of the foundation: who may open what, what it shows, and how many queries it costs."""

import datetime
import re

import pytest
from django.urls import reverse

from plans.models import BusinessPlan
from priorities.models import Action, ProgressUpdate, Status
from tests.database import database_unreachable
from tests.factories import (
    ActionFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    StrategicPriorityFactory,
    SubgroupFactory,
    make_viewer,
)

pytestmark = pytest.mark.django_db


def open_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def pages(action):
    plan = action.objective.priority.plan
    return {
        "home": "/",
        "plan-list": reverse("plans:plan-list"),
        "plan": plan.get_absolute_url(),
        "action": action.get_absolute_url(),
        "meetings": reverse("meetings:meeting-list"),
        "agencies": reverse("meetings:agency-list"),
        "calendar": reverse("meetings:calendar"),
        "risks": reverse("risks:risk-list"),
        "heat-map": reverse("risks:heat-map"),
        "audits": reverse("audits:round-list"),
    }


# role × page → status code. The dashboard and active plans are read by every signed-in person; anonymous
# people sign in first.
ACTIVE_PLAN_TABLE = [
    (persona, page, 302 if persona == "anon" else 200)
    for persona in ["chair", "member", "other_chair", "manager", "viewer", "anon"]
    for page in ["home", "plan-list", "plan", "action", "meetings", "agencies", "calendar", "risks", "heat-map"]
    for page in ["home", "plan-list", "plan", "action", "meetings", "agencies", "calendar", "audits"]
]


@pytest.mark.parametrize(("persona_name", "page", "expected"), ACTIVE_PLAN_TABLE)
def test_permission_table_for_an_active_plan(client, persona, action, persona_name, page, expected):
    url = pages(action)[page]
    response = open_as(client, persona(persona_name), url)
    assert response.status_code == expected
    if persona_name == "anon":
        assert response["Location"].startswith(reverse("login") + "?next=")


DRAFT_PLAN_TABLE = [
    ("chair", 404),
    ("member", 404),
    ("other_chair", 404),
    ("viewer", 404),
    ("manager", 200),
    ("anon", 302),
]


@pytest.mark.parametrize(("persona_name", "expected"), DRAFT_PLAN_TABLE)
@pytest.mark.parametrize("page", ["plan", "action"])
def test_a_draft_plan_is_seen_only_by_the_board_manager(client, persona, action, persona_name, expected, page):
    BusinessPlan.objects.filter(pk=action.objective.priority.plan_id).update(status=BusinessPlan.Status.DRAFT)
    response = open_as(client, persona(persona_name), pages(action)[page])
    assert response.status_code == expected
    listing = open_as(client, persona(persona_name), reverse("plans:plan-list"))
    if persona_name != "anon":
        shown = action.objective.priority.plan.title.encode() in listing.content
        assert shown == (persona_name == "manager")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_pages_are_read_only(client, viewer, action, method):
    client.force_login(viewer)
    for url in pages(action).values():
        assert getattr(client, method)(url).status_code == 405


def test_health_endpoints_need_no_sign_in(client):
    assert client.get("/healthz").content == b"ok\n"
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_database_cannot_be_reached(client):
    """A real connection attempt to a database that is not there, swapped in for the request."""
    with database_unreachable():
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert ready.status_code == 503 and ready.content == b"database unavailable\n"
    assert alive.status_code == 200
    assert client.get("/readyz").status_code == 200


def test_the_sign_in_form_keeps_the_username_and_says_what_is_wrong(client):
    make_viewer(username="reader")
    response = client.post(reverse("login"), {"username": "reader", "password": "wrong"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and "Enter a correct username and password" in text
    assert 'value="reader"' in text
    assert client.post(reverse("login"), {"username": "reader", "password": "correct-horse-battery"}).status_code == 302


class TestPlanPage:
    def _plan(self):
        action = ActionFactory(objective__priority__plan__status="active", text="Produce practice standards")
        plan = action.objective.priority.plan
        period1 = ReportingPeriodFactory(plan=plan, number=1, state="locked")
        period2 = ReportingPeriodFactory(plan=plan, number=2, state="open")
        return plan, action, period1, period2

    def test_reads_like_the_paper_plan(self, client, viewer):
        plan, action, _, _ = self._plan()
        KPIFactory(objective=action.objective, name="% of conferences attended", target=90)
        client.force_login(viewer)
        text = client.get(plan.get_absolute_url()).content.decode()
        for expected in [
            f"Strategic priority {action.objective.priority.ref}",
            action.objective.priority.title,
            action.objective.title,
            action.objective.evidence,
            f"{action.code} Produce practice standards",
            f"Lead: {action.lead.name}",
            "% of conferences attended",
            "90%",
            "Status key",
        ]:
            assert expected in text, expected

    def test_names_joint_leads_and_supporting_subgroups_in_name_order(self, client, viewer):
        plan, action, _, _ = self._plan()
        action.co_leads.add(SubgroupFactory(name="Zeta joint sub"), SubgroupFactory(name="Alpha joint sub"))
        action.supporting.add(SubgroupFactory(name="Omega helping sub"), SubgroupFactory(name="Beta helping sub"))
        ActionFactory(objective=action.objective, text="Action with no one supporting it")
        client.force_login(viewer)
        text = " ".join(client.get(plan.get_absolute_url()).content.decode().split())
        assert (
            f"Lead: {action.lead.name} &amp; Alpha joint sub &amp; Zeta joint sub"
            " · Supported by Beta helping sub, Omega helping sub"
        ) in text
        assert text.count("Supported by") == 1

    def test_status_is_this_periods_with_complete_carried_forward(self, client, viewer):
        plan, action, period1, _ = self._plan()
        done = ActionFactory(objective=action.objective, text="Delivered last period")
        ProgressUpdateFactory(action=done, period=period1, status=Status.COMPLETE)
        ProgressUpdateFactory(action=action, period=period1, status=Status.AMBER, reason="Slipped")
        client.force_login(viewer)
        text = client.get(plan.get_absolute_url()).content.decode()
        assert "app-status--complete" in text  # carried forward into period 2
        assert "No update" in text and "Last reported: Amber" in text
        earlier = client.get(plan.get_absolute_url() + "?period=1").content.decode()
        assert "app-status--amber" in earlier

    @pytest.mark.parametrize(
        ("query", "shown", "hidden"),
        [
            ("?status=red", ["Off-track action"], ["On-track action", "Other lead action"]),
            ("?status=no_update", ["Other lead action"], ["Off-track action"]),
            ("?lead=lead-a", ["Off-track action", "On-track action"], ["Other lead action"]),
            ("?lead=lead-a&status=green", ["On-track action"], ["Off-track action", "Other lead action"]),
        ],
    )
    def test_filters_by_lead_and_status_without_javascript(self, client, viewer, query, shown, hidden):
        plan, action, _, period2 = self._plan()
        lead_a = SubgroupFactory(name="Lead A sub", slug="lead-a")
        red = ActionFactory(objective=action.objective, text="Off-track action", lead=lead_a)
        green = ActionFactory(objective=action.objective, text="On-track action", lead=SubgroupFactory())
        green.co_leads.add(lead_a)
        ActionFactory(objective=action.objective, text="Other lead action")
        ProgressUpdateFactory(action=red, period=period2, status=Status.RED, reason="No staff")
        ProgressUpdateFactory(action=green, period=period2, status=Status.GREEN)
        client.force_login(viewer)
        text = client.get(plan.get_absolute_url() + query).content.decode()
        for words in shown:
            assert words in text
        for words in hidden:
            assert words not in text

    def test_kpis_link_to_their_page_and_show_the_shown_periods_value_and_rag(self, client, viewer):
        plan, action, period1, period2 = self._plan()
        kpi = KPIFactory(objective=action.objective, name="Conferences attended", target=80, amber_tolerance=5)
        KPIValueFactory(kpi=kpi, period=period1, numerator=9, denominator=10, value=90)
        KPIValueFactory(kpi=kpi, period=period2, numerator=3, denominator=4, value=75)
        unrated = KPIFactory(objective=action.objective, name="Audits done", kind="count", target=None)
        client.force_login(viewer)

        def kpi_rows(query=""):
            text = client.get(plan.get_absolute_url() + query).content.decode()
            row = r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell"><a (.*?)</tr>'
            return re.findall(row, text, re.S)

        rated, not_entered = kpi_rows()
        assert f'href="{kpi.get_absolute_url()}"' in rated and "Conferences attended</a>" in rated
        assert "75%" in rated and "app-status--amber" in rated
        assert f'href="{unrated.get_absolute_url()}"' in not_entered and "Not entered" in not_entered
        earlier, _ = kpi_rows("?period=1")
        assert "90%" in earlier and "app-status--green" in earlier

    def test_a_change_to_a_kpi_shows_at_once(self, client, viewer):
        """Each KPI's row is drawn once per content (plan_tags.plan_kpi_html): a change to the KPI, its owner or its
        value, however written, shows on the next request; an archived KPI leaves the table."""
        plan, action, _, period2 = self._plan()
        kpi = KPIFactory(objective=action.objective, name="Conferences attended", target=80, amber_tolerance=5)
        value = KPIValueFactory(kpi=kpi, period=period2, numerator=9, denominator=10, value=90)
        client.force_login(viewer)

        def row():
            text = client.get(plan.get_absolute_url()).content.decode()
            found = re.search(
                r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell"><a (.*?)</tr>', text, re.S
            )
            return " ".join(found.group(1).split()) if found else None

        first = row()
        assert "Conferences attended</a>" in first and "90%" in first and "app-status--green" in first
        assert row() == first
        # Written straight to the database: nothing is told of the change.
        type(value).objects.filter(pk=value.pk).update(value=50, numerator=5)
        assert "50%" in row() and "app-status--red" in row()
        type(kpi).objects.filter(pk=kpi.pk).update(name="Renamed <KPI>", target=40, frequency="Quarterly")
        changed = row()
        assert "Renamed &lt;KPI&gt;</a>" in changed and "(Quarterly)" in changed and "40%" in changed
        assert "app-status--green" in changed
        type(kpi.owner).objects.filter(pk=kpi.owner_id).update(name="Owner renamed")
        assert "Owner renamed" in row()
        type(value).objects.filter(pk=value.pk).delete()
        assert "Not entered" in row() and "app-status" not in row()
        type(kpi).objects.filter(pk=kpi.pk).update(archived=True)
        assert row() is None

    def test_a_change_to_an_action_shows_at_once(self, client, viewer):
        """Each action's item is drawn once per content (plan_tags.plan_action_html): any change, however
        written, is a new key and shows on the next request."""
        plan, action, _, period2 = self._plan()
        update = ProgressUpdateFactory(action=action, period=period2, status=Status.GREEN)
        client.force_login(viewer)

        def item():
            text = client.get(plan.get_absolute_url()).content.decode()
            return " ".join(re.search(r'<li class="app-plan-action">(.*?)</li>', text, re.S).group(1).split())

        first = item()
        assert "Produce practice standards" in first and "app-status--green" in first
        assert item() == first
        # Written straight to the database: nothing is told of the change.
        ProgressUpdate.objects.filter(pk=update.pk).update(status=Status.RED, reason="Late")
        assert "app-status--red" in item()
        Action.objects.filter(pk=action.pk).update(text="Renamed action", lead_officer="Jo Bloggs", due="Q4")
        assert "Renamed action" in item() and "Lead officer: Jo Bloggs" in item() and "Due: Q4" in item()
        action.supporting.add(SubgroupFactory(name="Helping sub"))
        assert "Supported by Helping sub" in item()
        ProgressUpdate.objects.filter(pk=update.pk).delete()
        assert "app-status--no-update" in item()

    def test_a_change_to_the_filters_options_shows_at_once(self, client, viewer):
        """The filters' selects are drawn once per content (filters.DrawnOnceSelect): the option chosen, a renamed
        or new lead subgroup, each shows on the next request."""
        plan, action, _, _ = self._plan()
        lead = action.lead
        client.force_login(viewer)

        def select(name, query=""):
            text = client.get(plan.get_absolute_url() + query).content.decode()
            return " ".join(re.search(rf'<select name="{name}".*?</select>', text, re.S).group(0).split())

        first = select("lead")
        assert f'<option value="{lead.slug}">{lead.name}</option>' in first
        assert select("lead") == first
        chosen = select("lead", f"?lead={lead.slug}")
        assert f'<option value="{lead.slug}" selected>{lead.name}</option>' in chosen
        assert '<option value="red" selected>Red</option>' in select("status", "?status=red")
        assert '<option value="red">Red</option>' in select("status")
        # Written straight to the database: nothing is told of the change.
        type(lead).objects.filter(pk=lead.pk).update(name="Renamed <lead>")
        assert f'<option value="{lead.slug}">Renamed &lt;lead&gt;</option>' in select("lead")
        ActionFactory(objective=action.objective, lead=SubgroupFactory(name="Newly leading sub", slug="newly"))
        assert '<option value="newly">Newly leading sub</option>' in select("lead")

    def test_query_count_does_not_grow_with_the_plan(self, client, viewer, django_assert_num_queries):
        plan, _, period1, period2 = self._plan()
        client.force_login(viewer)

        def grow(times):
            for _ in range(times):
                objective = ObjectiveFactory(priority=StrategicPriorityFactory(plan=plan))
                for _ in range(3):
                    new = ActionFactory(objective=objective)
                    new.supporting.add(SubgroupFactory())
                    ProgressUpdateFactory(action=new, period=period1)
                kpi = KPIFactory(objective=objective)
                KPIValueFactory(kpi=kpi, period=period1)
                KPIValueFactory(kpi=kpi, period=period2)

        grow(2)
        # session, user (with their roles: manager?), plan, periods, actions with status, co-leads, supporting,
        # objectives, KPIs with their owners, the KPIs' values in the period shown, lead subgroups for the filter,
        # and the audit rounds that give evidence for the objectives (one query for the whole plan, from audits)
        with django_assert_num_queries(12):
            small = client.get(plan.get_absolute_url())
        grow(20)
        with django_assert_num_queries(12):
            large = client.get(plan.get_absolute_url())
        assert large.content.count(b"app-plan-action__text") == 1 + 22 * 3
        assert small.status_code == large.status_code == 200


class TestActionPage:
    def test_shows_every_periods_update_and_who_changed_what(self, client, viewer):
        action = ActionFactory(objective__priority__plan__status="active")
        plan = action.objective.priority.plan
        period1 = ReportingPeriodFactory(plan=plan, number=1, state="locked", starts_on=datetime.date(2015, 4, 1))
        ReportingPeriodFactory(
            plan=plan, number=2, state="open", starts_on=datetime.date(2015, 6, 1), ends_on=datetime.date(2015, 7, 31)
        )
        update = ProgressUpdateFactory(action=action, period=period1, status=Status.GREEN, impact="Children heard")
        update.status, update.reason = Status.AMBER, "Partner capacity"
        update._history_user = update.author
        update.save()
        client.force_login(viewer)
        text = client.get(action.get_absolute_url()).content.decode()
        assert "Children heard" in text and "Partner capacity" in text
        assert "Nothing was recorded for this period." in text  # period 2
        assert "Status: Green → Amber" in text
        assert update.author.get_full_name() in text

    def test_query_count_does_not_grow_with_history(self, client, viewer, django_assert_num_queries):
        action = ActionFactory(objective__priority__plan__status="active")
        plan = action.objective.priority.plan
        client.force_login(viewer)

        def add_periods(first, count):
            for number in range(first, first + count):
                period = ReportingPeriodFactory(plan=plan, number=number, state="locked")
                update = ProgressUpdateFactory(action=action, period=period)
                update.progress = "Edited"
                update.save()

        add_periods(1, 1)
        # session, user (with their roles), action (+plan), co-leads and supporting subgroups (one query), the
        # user's subgroups, periods, updates, action history, update history, subgroup names, KPIs, the action it
        # was carried into
        with django_assert_num_queries(12):
            client.get(action.get_absolute_url())
        add_periods(2, 5)
        with django_assert_num_queries(12):
            response = client.get(action.get_absolute_url())
        assert response.content.count(b'class="app-update"') == 6

    def test_an_action_carried_over_links_to_last_years_action_for_one_query_more(
        self, client, viewer, django_assert_num_queries
    ):
        old = ActionFactory(objective__priority__plan__year_label="2014/15", ref="2.1.3")
        action = ActionFactory(objective__priority__plan__status="active", carried_over_from=old)
        plan = old.objective.priority.plan
        client.force_login(viewer)
        # The queries of any action's page, and the action it was carried over from with its plan.
        with django_assert_num_queries(13):
            text = client.get(action.get_absolute_url()).content.decode()
        assert (
            f'Carried over unfinished from <a class="govuk-link" href="{old.get_absolute_url()}">action 2.1.3 of the '
            f"2014/15 plan</a> ({plan.title})."
        ) in text


def test_plan_page_queries_are_the_same_at_seed_size_and_ten_times_it(client, demo, django_assert_num_queries):
    plan, users = demo
    client.force_login(users["chair-quality-assurance"])
    period = plan.periods.get(number=3)
    # the eleven of TestPlanPage's count, and one more for the audit rounds that give evidence for the objectives
    with django_assert_num_queries(12):
        seed_size = client.get(plan.get_absolute_url() + "?period=3")
    for _ in range(9):  # nine more copies of the plan's 26 actions, with updates and KPIs
        priority = StrategicPriorityFactory(plan=plan)
        for _ in range(2):
            objective = ObjectiveFactory(priority=priority)
            KPIValueFactory(kpi=KPIFactory(objective=objective), period=period)
            for _ in range(13):
                ProgressUpdateFactory(action=ActionFactory(objective=objective), period=period)
    with django_assert_num_queries(12):
        ten_times = client.get(plan.get_absolute_url() + "?period=3")
    assert seed_size.content.count(b"app-plan-action__text") == 26
    assert ten_times.content.count(b"app-plan-action__text") == 260
