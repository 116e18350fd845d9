"""My work: what is due from a person's subgroups this period, and the manager's view of who has updated."""

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
    SubgroupFactory,
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
    # session, user, groups (manager?), plan, its periods (prefetched), the user's memberships; the rows
    # (progress.selectors.plan_rows): objectives with priorities, subgroups, joint leads and supporting subgroups
    # (one query), actions, updates up to the period (this period's drafts and text too), KPIs, KPI values
    with django_assert_num_queries(13):
        client.get(MY_WORK)
    grow(20)
    with django_assert_num_queries(13):
        response = client.get(MY_WORK)
    assert "44 of 45 done." in response.content.decode()  # 23 actions, one without an update; 22 KPIs


def test_my_work_and_the_dashboard_use_the_same_words_for_an_action_without_an_update(client, demo):
    plan, _users = demo
    action = next(action for action in Action.objects.in_plan(plan) if action.code == "1.1.2")
    client.force_login(action.lead.memberships.get(role="chair").user)
    dashboard = client.get("/").content.decode()
    no_update = dashboard[dashboard.index('id="exceptions-no-update-table"') :]
    assert action.get_absolute_url() in no_update[: no_update.index("</table>")]
    my_work = client.get(MY_WORK).content.decode()
    assert task_tags(my_work, action) == [("govuk-tag--yellow", "To do"), ("app-status--no-update", "No update")]
