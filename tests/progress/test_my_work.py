"""My work: what is due from a person's subgroups this period, and the manager's view of who has updated."""

import datetime
import re

import pytest
from django.urls import reverse

from priorities.models import Action, Status
from tests.factories import (
    ActionFactory,
    KPIFactory,
    KPIValueFactory,
    MembershipFactory,
    ProgressUpdateFactory,
    RiskFactory,
    SeatFactory,
    SubgroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MY_WORK = "/my/"


def test_address_is_the_one_people_bookmark():
    assert reverse("progress:my-work") == MY_WORK


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [("chair", 200), ("member", 200), ("supporter", 200), ("manager", 200), ("viewer", 200), ("anon", 302)],
)
def test_everyone_signed_in_has_a_my_work_page(client, persona, action, period, persona_name, expected):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    assert client.get(MY_WORK).status_code == expected


def test_a_chair_sees_each_task_and_its_state(client, chair, action, period, kpi):
    led = action.lead
    submitted = ActionFactory(objective=action.objective, lead=led, text="Submitted one")
    drafted = ActionFactory(objective=action.objective, lead=led, text="Drafted one")
    returned = ActionFactory(objective=action.objective, lead=led, text="Returned one")
    ProgressUpdateFactory(action=submitted, period=period, status=Status.GREEN)
    ProgressUpdateFactory(action=drafted, period=period, state="draft", status="")
    ProgressUpdateFactory(action=returned, period=period, state="returned", returned_reason="Add the impact")
    ActionFactory(objective=action.objective, text="Someone else's action")
    client.force_login(chair)
    text = client.get(MY_WORK).content.decode()
    assert led.name in text and "Chair" in text
    assert "Returned: Add the impact" in text
    # Each row has its update state's tag and its status's tag (the status key's), told apart.
    assert task_tags(text, submitted) == [("govuk-tag--turquoise", "Submitted"), ("app-status--green", "Green")]
    assert task_tags(text, drafted) == [("govuk-tag--purple", "Draft"), ("app-status--no-update", "No update")]
    assert task_tags(text, returned)[0] == ("govuk-tag--pink", "Returned")
    # The fixture's action has no update: it is to do, and its status is No update, never "Not started".
    assert task_tags(text, action) == [("govuk-tag--yellow", "To do"), ("app-status--no-update", "No update")]
    assert "Not started" not in text.split("What the tags mean")[0] + text.split("</details>")[1]
    assert kpi.name in text and "Not entered" in text
    assert "Someone else&#x27;s action" not in text
    assert "1 of 5 done." in text
    assert f"updates are due by <strong>{period.deadline:%-d %B %Y}</strong>" in text


def task_tags(text, action):
    """The (colour class, word) of each tag in the action's row on My work."""
    status = re.search(rf'id="task-[^"]*-{action.pk}-status">(.*?)</div>', text, re.S).group(1)
    return re.findall(
        r'<strong class="govuk-tag (?:app-status )?(govuk-tag--[a-z-]+|app-status--[a-z-]+)[^"]*">([^<]+)</strong>',
        status,
    )


def test_supported_actions_are_listed_apart_and_read_only(client, supporter, action, period):
    client.force_login(supporter)
    text = client.get(MY_WORK).content.decode()
    assert "Actions you support" in text and action.text in text
    assert reverse("priorities:update-edit", args=[action.pk, period.number]) not in text


def test_someone_in_two_subgroups_sees_both_grouped(client, chair, action, period):
    second = SubgroupFactory(name="Second sub")
    MembershipFactory(subgroup=second, user=chair)
    ActionFactory(objective=action.objective, lead=second, text="Second subgroup's action")
    client.force_login(chair)
    text = client.get(MY_WORK).content.decode()
    sections = dict(
        re.findall(
            r'<section class="app-subgroup-work"[^>]*>\s*<h2[^>]*><span[^>]*>[^<]*</span>([^<]+)</h2>(.*?)</section>',
            text,
            re.S,
        )
    )
    # One section per subgroup, each with its own action and not the other's.
    assert sorted(sections) == sorted([action.lead.name, "Second sub"])
    assert action.text in sections[action.lead.name] and "Second subgroup" not in sections[action.lead.name]
    assert "Second subgroup&#x27;s action" in sections["Second sub"] and action.text not in sections["Second sub"]


def test_complete_last_period_needs_no_update(client, chair, action, period):
    from tests.factories import ReportingPeriodFactory

    ProgressUpdateFactory(action=action, period=period, status=Status.COMPLETE)
    period.state = "locked"
    period.save()
    ReportingPeriodFactory(plan=period.plan, number=2, state="open")
    client.force_login(chair)
    text = client.get(MY_WORK).content.decode()
    assert "Complete in an earlier period: no update needed" in text and "1 of 1 done." in text
    assert task_tags(text, action) == [("govuk-tag--turquoise", "Not needed"), ("app-status--complete", "Complete")]


def test_the_manager_sees_updates_in_per_subgroup(client, manager, action, period, kpi):
    ProgressUpdateFactory(action=action, period=period)
    ActionFactory(objective=action.objective, lead=action.lead)
    other = ActionFactory(objective=action.objective)
    ProgressUpdateFactory(action=other, period=period, state="returned", returned_reason="Thin")
    KPIValueFactory(kpi=kpi, period=period)
    client.force_login(manager)
    text = client.get(MY_WORK).content.decode()
    assert "Updates in, by subgroup" in text
    row = text[text.index(f">{action.lead.name}</th>") :]
    assert "1 of 2" in row[:400] and "1 of 1" in row[:400]
    other_row = text[text.index(f">{other.lead.name}</th>") :]
    assert "0 of 1" in other_row[:400]


def test_query_count_does_not_grow_with_the_plan(client, chair, action, period, django_assert_num_queries):
    client.force_login(chair)

    def grow(times):
        for _ in range(times):
            new = ActionFactory(objective=action.objective, lead=action.lead)
            new.supporting.add(SubgroupFactory())
            ProgressUpdateFactory(action=new, period=period)
            KPIValueFactory(kpi=KPIFactory(objective=action.objective, owner=action.lead), period=period)

    grow(2)
    # session, user (with their roles: manager?), plan, its periods (prefetched), the user's memberships; the rows
    # (progress.selectors.plan_rows): objectives with priorities, subgroups, joint leads and supporting subgroups
    # (one query), actions, updates up to the period (this period's drafts and text too), KPIs, KPI values; the
    # risks of the bodies the user chairs due a review (one query)
    RiskFactory(lead_body=action.lead, review_suggested="A linked KPI is Red.")
    with django_assert_num_queries(13):
        client.get(MY_WORK)
    grow(20)
    for number in range(10):
        RiskFactory(lead_body=action.lead, next_review_on=datetime.date(2015, 6, 1 + number))
    with django_assert_num_queries(13):
        response = client.get(MY_WORK)
    assert "44 of 45 done." in response.content.decode()  # 23 actions, one without an update; 22 KPIs
    assert response.content.decode().count('href="/risks/R') == 11


def test_my_work_and_the_dashboard_use_the_same_words_for_an_action_without_an_update(client, demo):
    plan, _users = demo
    action = next(action for action in Action.objects.in_plan(plan) if action.code == "1.1.2")
    client.force_login(action.lead.memberships.get(role="chair").user)
    dashboard = client.get("/").content.decode()
    no_update = dashboard[dashboard.index('id="exceptions-no-update-table"') :]
    assert action.get_absolute_url() in no_update[: no_update.index("</table>")]
    my_work = client.get(MY_WORK).content.decode()
    assert task_tags(my_work, action) == [("govuk-tag--yellow", "To do"), ("app-status--no-update", "No update")]


def risks_listed(response):
    text = response.content.decode()
    if 'id="risks-to-review"' not in text:
        return []
    section = text.split('id="risks-to-review"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="/risks/(R[0-9]+)/"', section)


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("chair-safeguarding-executive", ["R1", "R2", "R4", "R5", "R6"]),
        ("chair-dscb", ["R3", "R7", "R8"]),
        ("chair-quality-assurance", []),  # owns R7 but does not chair the Board that holds it
        ("viewer", []),
        ("manager", []),
    ],
)
def test_a_chair_sees_the_risks_of_the_bodies_they_chair_due_a_review(client, demo, username, expected):
    _, users = demo
    client.force_login(users[username])
    assert risks_listed(client.get(MY_WORK)) == expected


def test_my_work_says_why_a_risk_is_due_a_review(client, demo):
    _, users = demo
    client.force_login(users["chair-dscb"])
    text = client.get(MY_WORK).content.decode()
    section = text.split('id="risks-to-review"', 1)[1].split("</section>", 1)[0]
    r3 = section.split('href="/risks/R3/"', 1)[1].split("</li>", 1)[0]
    assert "Review overdue: it was due by" in r3 and "Review suggested: KPI 3.3.K4" in r3 and ">Overdue<" in r3


def test_a_risk_is_listed_only_when_its_review_is_overdue_or_suggested(client, chair, action, period):
    today = datetime.date.today()
    RiskFactory(reference="R1", lead_body=action.lead, next_review_on=today + datetime.timedelta(days=1))
    RiskFactory(reference="R2", lead_body=action.lead, next_review_on=today, review_suggested="Action 1.1.1 is Red.")
    RiskFactory(reference="R3", lead_body=action.lead, next_review_on=today - datetime.timedelta(days=1))
    RiskFactory(
        reference="R4",
        lead_body=action.lead,
        status="closed",
        closed_on=today,
        closed_reason="Gone.",
        next_review_on=today - datetime.timedelta(days=1),
    )
    RiskFactory(reference="R5", next_review_on=today - datetime.timedelta(days=1))  # another body's
    client.force_login(chair)
    response = client.get(MY_WORK)
    assert risks_listed(response) == ["R2", "R3"]
    assert ">Suggested<" in response.content.decode()


def test_a_chair_in_a_seat_sees_the_bodys_risks(client, period):
    body = SubgroupFactory()
    person = UserFactory()
    SeatFactory(body=body, user=person, role="chair")
    RiskFactory(reference="R9", lead_body=body, next_review_on=datetime.date(2015, 6, 1))
    client.force_login(person)
    assert risks_listed(client.get(MY_WORK)) == ["R9"]
