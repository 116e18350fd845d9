"""An action's history: every change, attributed, but a subgroup's drafts only for those who may see drafts."""

import pytest
from django.urls import reverse

from priorities.services import update_save

pytestmark = pytest.mark.django_db

DRAFT = {"status": "amber", "reason": "Waiting", "impact": "", "next_steps": "", "evidence_links": ""}


def record(action, period, user, progress, version, submit):
    update_save(
        action=action,
        period=period,
        user=user,
        data={**DRAFT, "progress": progress},
        expected_version=version,
        submit=submit,
    )


@pytest.fixture
def drafted_then_submitted(action, period, chair):
    """The chair writes two drafts, then submits the final text."""
    record(action, period, chair, "SECRET-DRAFT-ONE half a thought", 0, submit=False)
    record(action, period, chair, "SECRET-DRAFT-TWO a second go", 1, submit=False)
    record(action, period, chair, "Standards agreed by all partners", 2, submit=True)
    return action


# Who sees the drafts in the history: the lead subgroup and the board manager, as on the updates list.
DRAFT_HISTORY_TABLE = [
    ("chair", True),
    ("member", True),
    ("manager", True),
    ("supporter", False),
    ("other_chair", False),
    ("viewer", False),
]


@pytest.mark.parametrize(("persona_name", "sees_drafts"), DRAFT_HISTORY_TABLE)
def test_draft_text_is_in_the_history_only_for_those_who_may_see_drafts(
    client, persona, drafted_then_submitted, persona_name, sees_drafts
):
    client.force_login(persona(persona_name))
    page = client.get(reverse("priorities:action-detail", args=[drafted_then_submitted.pk])).content.decode()
    assert page.count("Standards agreed by all partners") >= 1
    assert ("SECRET-DRAFT-ONE" in page) is sees_drafts
    assert ("SECRET-DRAFT-TWO" in page) is sees_drafts


def test_an_unsubmitted_draft_leaves_no_trace_for_other_readers(client, action, period, chair, viewer):
    record(action, period, chair, "SECRET-DRAFT-ONE not yet for the board", 0, submit=False)
    client.force_login(viewer)
    page = client.get(reverse("priorities:action-detail", args=[action.pk])).content.decode()
    assert "SECRET-DRAFT" not in page
    assert "Progress update for" not in page
