"""Recording a progress update over HTTP: who may, what is checked, and that nothing typed is lost."""

import pytest
from django.urls import reverse

from plans.models import BusinessPlan
from plans.services import PeriodClosed
from priorities.models import Action, ProgressUpdate, Status
from priorities.services import update_return
from tests.factories import ProgressUpdateFactory, ReportingPeriodFactory, SubgroupFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "status": "amber",
    "reason": "Two partner agencies have not yet responded",
    "progress": "Draft standards written",
    "impact": "Not yet: audit in period 3",
    "next_steps": "Consult practitioners",
    "evidence_links": "https://example.org/standards",
    "version": "0",
}


def url(action, number=1):
    return reverse("priorities:update-edit", args=[action.pk, number])


def snapshot():
    return (
        list(ProgressUpdate.objects.values_list("pk", "status", "progress", "version", "state")),
        list(ProgressUpdate.history.values_list("history_id", flat=True)),
        list(Action.objects.values_list("pk", "text", "lead_id")),
    )


# role × method → status. Lead members and the manager write; those who may see the plan but not change
# this action get 403; anonymous people are sent to sign in.
UPDATE_TABLE = [
    ("chair", "get", 200),
    ("chair", "post", 302),
    ("member", "get", 200),
    ("member", "post", 302),
    ("manager", "get", 200),
    ("manager", "post", 302),
    ("supporter", "get", 403),
    ("supporter", "post", 403),
    ("other_chair", "get", 403),
    ("other_chair", "post", 403),
    ("viewer", "get", 403),
    ("viewer", "post", 403),
    ("anon", "get", 302),
    ("anon", "post", 302),
]


@pytest.mark.parametrize(("persona_name", "method", "expected"), UPDATE_TABLE)
def test_permission_table(client, persona, action, period, persona_name, method, expected):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    before = snapshot()
    response = getattr(client, method)(url(action), GOOD if method == "post" else None)
    assert response.status_code == expected
    if persona_name == "anon":
        assert response["Location"].startswith(reverse("login"))
    if (method == "post" and expected != 302) or persona_name == "anon":
        assert snapshot() == before
    if method == "post" and expected == 302 and user:
        saved = ProgressUpdate.objects.get()
        assert (saved.status, saved.author, saved.state) == ("amber", user, "submitted")
        assert saved.history.get().history_user == user


@pytest.mark.parametrize("persona_name", ["chair", "viewer", "supporter", "other_chair"])
def test_a_draft_plans_forms_are_not_found(client, persona, action, period, persona_name):
    BusinessPlan.objects.filter(pk=period.plan_id).update(status="draft")
    client.force_login(persona(persona_name))
    assert client.get(url(action)).status_code == 404
    assert client.post(url(action), GOOD).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_a_joint_lead_writes_too(client, action, period):
    joint = SubgroupFactory()
    action.co_leads.add(joint)
    client.force_login(joint.memberships.get().user)
    assert client.post(url(action), GOOD).status_code == 302
    assert ProgressUpdate.objects.get().author.memberships.get().subgroup == joint


def test_chairs_cannot_change_the_plan_through_the_form(client, chair, action, period, other_chair):
    client.force_login(chair)
    other = other_chair.memberships.get().subgroup
    posted = {**GOOD, "text": "Rewritten", "lead": other.pk, "author": other_chair.pk, "target": "1", "is_demo": "on"}
    assert client.post(url(action), posted).status_code == 302
    action.refresh_from_db()
    update = ProgressUpdate.objects.get()
    assert action.text != "Rewritten" and action.lead_id != other.pk
    assert update.author == chair and not update.is_demo


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": ""}, "status", "Select the action&#x27;s status for this period"),
        ({"status": "amber", "reason": ""}, "reason", "Say why the action is Amber"),
        ({"status": "red", "reason": "  "}, "reason", "Say why the action is Red"),
        ({"status": "green", "progress": ""}, "progress", "Say what progress was made this period"),
        ({"evidence_links": "https://ok.example\nnot a link"}, "evidence_links", "Line 2 of the evidence links"),
    ],
)
def test_validation_keeps_everything_typed(client, chair, action, period, changes, field, message):
    client.force_login(chair)
    posted = {**GOOD, "next_steps": "Typed text that must survive", **changes}
    response = client.post(url(action), posted)
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and message in text
    assert "Typed text that must survive" in text
    assert not ProgressUpdate.objects.exists()


def test_an_empty_submit_lists_every_problem_at_once(client, chair, action, period):
    client.force_login(chair)
    response = client.post(url(action), {"version": "0"})
    text = response.content.decode()
    start = text.index('class="govuk-error-summary"')
    summary = text[start : text.index("</ul>", start)]
    # Both the status and the progress are asked for in the first answer, each linked to its field.
    assert "Select the action&#x27;s status for this period" in summary
    assert "Say what progress was made this period (not needed if the status is Not started)" in summary
    assert 'href="#id_status' in summary and 'href="#id_progress"' in summary
    assert not ProgressUpdate.objects.exists()


def test_choosing_amber_alone_lists_the_reason_and_the_progress(client, chair, action, period):
    client.force_login(chair)
    text = client.post(url(action), {"version": "0", "status": "amber"}).content.decode()
    assert "Say why the action is Amber" in text and "Say what progress was made this period" in text


def test_a_draft_needs_nothing_and_is_not_reported(client, chair, viewer, action, period):
    client.force_login(chair)
    response = client.post(url(action), {"progress": "Half a thought", "version": "0", "save_draft": ""})
    assert response.status_code == 302
    draft = ProgressUpdate.objects.get()
    assert (draft.state, draft.status, draft.progress) == ("draft", "", "Half a thought")
    assert Action.objects.with_status(period).get().status_value == Status.NO_UPDATE
    client.force_login(viewer)
    assert "Half a thought" not in client.get(action.get_absolute_url()).content.decode()
    client.force_login(chair)
    assert "Half a thought" in client.get(action.get_absolute_url()).content.decode()


def test_saving_again_edits_the_same_update_and_keeps_every_version(client, chair, action, period):
    client.force_login(chair)
    client.post(url(action), GOOD)
    client.post(url(action), {**GOOD, "status": "green", "reason": "", "version": "1"})
    update = ProgressUpdate.objects.get()
    assert (update.status, update.version) == ("green", 2)
    assert list(update.history.order_by("history_date").values_list("status", flat=True)) == ["amber", "green"]
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Status: Amber → Green" in page


def test_a_second_save_from_a_stale_form_is_a_conflict_that_loses_nothing(client, chair, member, action, period):
    client.force_login(chair)
    assert client.post(url(action), {**GOOD, "progress": "First person's progress"}).status_code == 302
    client.force_login(member)
    response = client.post(url(action), {**GOOD, "progress": "Second person's progress"})  # opened at version 0
    text = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this update while you were writing" in text
    assert "First person&#x27;s progress" in text and "Second person&#x27;s progress" in text
    assert ProgressUpdate.objects.get().progress == "First person's progress"
    # The form now carries the current version: submitting again deliberately replaces it.
    assert 'name="version" value="1"' in text
    assert client.post(url(action), {**GOOD, "progress": "Second person's progress", "version": "1"}).status_code == 302
    assert ProgressUpdate.objects.get().progress == "Second person's progress"


def test_complete_carries_forward_and_reopening_needs_a_reason(client, chair, action, period):
    ProgressUpdateFactory(action=action, period=period, status=Status.COMPLETE)
    period.state = "locked"
    period.save()
    later = ReportingPeriodFactory(plan=period.plan, number=2, state="open")
    assert Action.objects.with_status(later).get().status_value == Status.COMPLETE
    client.force_login(chair)
    form = client.get(url(action, 2)).content.decode()
    assert "Choosing another status reopens it" in form
    response = client.post(url(action, 2), {**GOOD, "status": "green", "reason": ""})
    assert "Say why the action is reopened" in response.content.decode()
    assert client.post(url(action, 2), {**GOOD, "status": "green", "reason": "New risk found"}).status_code == 302
    assert Action.objects.with_status(later).get().status_value == Status.GREEN


def test_a_locked_period_is_read_only_to_chairs_with_a_message(client, chair, manager, action, period):
    ProgressUpdateFactory(action=action, period=period, status=Status.GREEN, progress="As it was")
    period.state = "locked"
    period.save()
    client.force_login(chair)
    page = client.get(url(action)).content.decode()
    assert "is locked: its updates can no longer be changed" in page and "As it was" in page
    response = client.post(url(action), {**GOOD, "version": "1"})
    assert response.status_code == 403 and "is locked" in response.content.decode()
    assert ProgressUpdate.objects.get().progress == "As it was"
    client.force_login(manager)
    assert client.post(url(action), {**GOOD, "version": "1"}).status_code == 302


def test_a_late_update_lands_in_the_period_it_is_for(client, chair, action, period):
    current = ReportingPeriodFactory(plan=period.plan, number=2, state="open")
    client.force_login(chair)
    client.post(url(action, 1), GOOD)
    assert ProgressUpdate.objects.get().period == period != current


class TestReturn:
    def _submitted(self, action, period, chair):
        return ProgressUpdateFactory(action=action, period=period, author=chair, state="submitted")

    @pytest.mark.parametrize(
        ("persona_name", "expected"),
        [("manager", 302), ("chair", 403), ("member", 403), ("viewer", 403), ("other_chair", 403), ("anon", 302)],
    )
    def test_only_the_manager_returns(self, client, persona, action, period, chair, persona_name, expected):
        update = self._submitted(action, period, chair)
        user = persona(persona_name)
        if user:
            client.force_login(user)
        response = client.post(
            reverse("priorities:update-return", args=[action.pk, 1]), {"reason": "Too thin", "version": update.version}
        )
        assert response.status_code == expected
        update.refresh_from_db()
        assert update.state == ("returned" if persona_name == "manager" else "submitted")

    def test_the_chair_sees_the_reason_and_the_revision_is_kept(self, client, manager, chair, action, period):
        update = self._submitted(action, period, chair)
        client.force_login(manager)
        return_url = reverse("priorities:update-return", args=[action.pk, 1])
        assert client.post(return_url, {"reason": "", "version": update.version}).status_code == 200
        client.post(return_url, {"reason": "Say what changed for children", "version": update.version})
        client.force_login(chair)
        assert "Say what changed for children" in client.get(reverse("progress:my-work")).content.decode()
        form = client.get(url(action)).content.decode()
        assert "Returned for revision" in form and "Say what changed for children" in form
        update.refresh_from_db()
        client.post(url(action), {**GOOD, "version": str(update.version)})
        update.refresh_from_db()
        assert update.state == "submitted" and update.returned_reason == ""
        reasons = list(update.history.order_by("history_date").values_list("state", "returned_reason"))
        assert ("returned", "Say what changed for children") in reasons
        assert reasons[-1] == ("submitted", "")

    def test_a_return_keeps_the_chairs_time_of_saving(self, client, manager, chair, action, period):
        update = self._submitted(action, period, chair)
        saved_at = update.updated_at
        client.force_login(manager)
        client.post(
            reverse("priorities:update-return", args=[action.pk, 1]), {"reason": "Thin", "version": update.version}
        )
        update.refresh_from_db()
        assert update.state == "returned" and update.updated_at == saved_at and update.returned_at > saved_at

    def test_an_update_saved_again_since_the_page_was_read_is_not_returned(
        self, client, manager, chair, action, period
    ):
        update = self._submitted(action, period, chair)
        read_at = update.version
        ProgressUpdate.objects.filter(pk=update.pk).update(progress="Rewritten since", version=read_at + 1)
        client.force_login(manager)
        response = client.post(
            reverse("priorities:update-return", args=[action.pk, 1]), {"reason": "Too thin", "version": read_at}
        )
        assert response.status_code == 409
        page = response.content.decode()
        assert "The update changed while you were reading it" in page
        assert "Rewritten since" in page and "Too thin" in page  # as it is now, and the reason kept
        assert f'name="version" value="{read_at + 1}"' in page
        update.refresh_from_db()
        assert update.state == "submitted" and update.returned_reason == ""

    def test_two_managers_returning_at_once_return_it_once(self, client, manager, chair, action, period):
        update = self._submitted(action, period, chair)
        read_at = update.version
        other = UserFactory(username="manager-two", first_name="Second", last_name="Manager")
        update_return(update=update, user=other, reason="First reason", expected_version=read_at)
        client.force_login(manager)
        response = client.post(
            reverse("priorities:update-return", args=[action.pk, 1]), {"reason": "Second reason", "version": read_at}
        )
        assert response.status_code == 409
        page = response.content.decode()
        assert "Second Manager returned it at" in page and "with the reason: First reason" in page
        assert 'name="reason"' not in page  # nothing left to return
        update.refresh_from_db()
        assert (update.state, update.returned_reason, update.returned_by) == ("returned", "First reason", other)

    def test_a_page_sent_without_its_version_says_so(self, client, manager, chair, action, period):
        update = self._submitted(action, period, chair)
        client.force_login(manager)
        for version in ("", "-1", "NaN"):
            response = client.post(
                reverse("priorities:update-return", args=[action.pk, 1]), {"reason": "Thin", "version": version}
            )
            assert response.status_code == 200
            summary = response.content.decode().split('govuk-error-summary__list"')[1].split("</ul>")[0]
            assert "This page could not be saved as it was sent: open it again and make the change" in summary
        update.refresh_from_db()
        assert update.state == "submitted"

    def test_an_update_in_a_locked_period_is_not_offered_for_return(self, client, manager, chair, action, period):
        update = self._submitted(action, period, chair)
        period.state = "locked"
        period.save()
        return_url = reverse("priorities:update-return", args=[action.pk, 1])
        client.force_login(manager)
        assert return_url not in client.get(action.get_absolute_url()).content.decode()
        for response in (
            client.get(return_url),
            client.post(return_url, {"reason": "Thin", "version": update.version}),
        ):
            assert response.status_code == 409
            page = response.content.decode()
            assert "Period 1: Apr–May 2015 is locked" in page and "could not revise a returned update" in page
            assert 'name="reason"' not in page
        update.refresh_from_db()
        assert update.state == "submitted"
        with pytest.raises(PeriodClosed):
            update_return(update=update, user=manager, reason="Thin")


@pytest.mark.parametrize(
    ("next_given", "lands_on"),
    [
        ("/my/?period=1", "/my/?period=1"),  # from My work, back to My work
        ("", "action"),  # from nowhere in particular: the action's own page
        ("oops", "action"),  # not a path: never followed
        ("https://evil.example/", "action"),
    ],
)
def test_saving_goes_back_where_the_chair_came_from(client, chair, action, period, next_given, lands_on):
    client.force_login(chair)
    page = client.get(url(action) + (f"?next={next_given}" if next_given else "")).content.decode()
    assert ('type="hidden" name="next" value="/my/' in page) is (lands_on != "action")
    response = client.post(url(action), {**GOOD, "next": next_given})
    assert response.status_code == 302
    assert response["Location"] == (action.get_absolute_url() if lands_on == "action" else lands_on)


def test_pressing_submit_twice_says_you_already_saved_it(client, chair, action, period):
    """A double-submit is a conflict with oneself: say so, rather than blaming "someone else"."""
    client.force_login(chair)
    assert client.post(url(action), {**GOOD, "progress": "Pressed once"}).status_code == 302
    response = client.post(url(action), {**GOOD, "progress": "Pressed once"})
    text = response.content.decode()
    assert response.status_code == 409
    assert "You already saved this update" in text and "What you saved" in text
    assert "Someone else" not in text
    assert ProgressUpdate.objects.get(action=action).version == 1
