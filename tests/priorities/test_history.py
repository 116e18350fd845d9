"""An action's history: every change, attributed, but a subgroup's drafts only for those who may see drafts."""

import pytest
from django.urls import reverse

from priorities.history import HISTORY_SHOWN, action_history
from priorities.services import update_save
from tests.factories import ProgressUpdateFactory

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


def saved(update, times, words):
    for number in range(1, times + 1):
        update.progress = f"{words} {number}"
        update.save()


def test_the_history_read_is_bounded_and_each_change_shown_against_the_one_before(action, period, chair):
    """At most `limit` + 1 records of the action and of each update are read: the most recent `limit` changes are
    shown, the oldest of them against the record before it, and the page says there are earlier ones."""
    update = ProgressUpdateFactory(action=action, period=period, progress="First words", author=chair)
    saved(update, 6, "Words")
    # The action itself: created, then renamed twice.
    for text in ("Renamed once", "Renamed twice"):
        action.text = text
        action.save()
    # Every update's record but the newest four is left unread.
    shown = action_history(action, drafts=True, limit=3)
    entries, earlier = shown["history"], shown["earlier_history"]
    assert earlier and shown["history_shown"] == 3
    assert [entry["title"] for entry in entries] == [
        f"Action {action.code}",
        f"Action {action.code}",
        f"Progress update for {period}",
    ]
    assert entries[1]["kind"] == "Changed"
    assert {"field": "Action", "old": "Renamed once", "new": "Renamed twice"} in entries[0]["changes"]
    assert [change["new"] for change in entries[2]["changes"] if change["field"] == "Progress"] == ["Words 6"]
    assert [change["old"] for change in entries[2]["changes"] if change["field"] == "Progress"] == ["Words 5"]
    shown = action_history(action, drafts=True)
    every, earlier = shown["history"], shown["earlier_history"]
    assert not earlier
    assert len(every) == 3 + 7  # the action created and renamed twice; the update created and saved six times
    assert every[-1]["kind"] == "Created"


def test_the_action_page_shows_the_most_recent_changes_alone(client, action, period, chair, viewer):
    update = ProgressUpdateFactory(action=action, period=period, progress="First words", author=chair)
    saved(update, HISTORY_SHOWN + 10, "Saved again")
    client.force_login(viewer)
    page = client.get(reverse("priorities:action-detail", args=[action.pk])).content.decode()
    assert page.count('class="app-history__entry"') == HISTORY_SHOWN
    assert f"The {HISTORY_SHOWN} most recent changes, newest first. Earlier changes are kept." in page
    assert f"Saved again {HISTORY_SHOWN + 10}" in page
    assert "Saved again 9 → Saved again 10" not in page and "First words" not in page.split('id="history-shown"')[1]
