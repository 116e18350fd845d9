"""The update services on their own: conflicts are refused at the database, and the rules of a submission in the
service, not only in the view and the form."""

import pytest
from django.core.exceptions import ValidationError

from plans.services import PeriodClosed
from plans.versioning import UpdateConflict
from priorities.models import ProgressUpdate, Status
from priorities.services import UpdateRules, update_return, update_save, update_submission_problems
from tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db

DATA = {"status": "green", "progress": "On track", "impact": "", "next_steps": "", "reason": "", "evidence_links": ""}


def save(action, period, user, version, **changes):
    return update_save(
        action=action, period=period, user=user, data={**DATA, **changes}, expected_version=version, submit=True
    )


def test_a_stale_version_is_refused_and_nothing_is_written(action, period, chair, member):
    first = save(action, period, chair, 0)
    save(action, period, member, 1, progress="Second")
    with pytest.raises(UpdateConflict) as refused:
        save(action, period, chair, 1, progress="Stale")
    assert refused.value.current.progress == "Second"
    assert ProgressUpdate.objects.get(pk=first.pk).version == 2
    assert ProgressUpdate.history.filter(id=first.pk).count() == 2


def test_two_first_saves_make_one_update(action, period, chair, member):
    save(action, period, chair, 0)
    with pytest.raises(UpdateConflict):
        save(action, period, member, 0, progress="Also first")
    assert ProgressUpdate.objects.count() == 1


def test_a_closed_period_refuses_chairs_but_not_the_manager(action, period, chair, manager):
    period.state = "locked"
    period.save()
    with pytest.raises(PeriodClosed):
        save(action, period, chair, 0)
    assert save(action, period, manager, 0).author == manager


def test_returning_records_who_and_why(action, period, chair, manager):
    update = save(action, period, chair, 0)
    returned = update_return(update=update, user=manager, reason="Impact missing")
    assert (returned.state, returned.returned_by, returned.returned_reason) == ("returned", manager, "Impact missing")
    assert returned.history.latest().history_user == manager
    with pytest.raises(ValueError):
        update_return(update=returned, user=manager, reason="Again")


def test_a_draft_of_a_returned_update_stays_returned(action, period, chair, manager):
    update = save(action, period, chair, 0)
    update_return(update=update, user=manager, reason="Impact missing")
    draft = update_save(
        action=action, period=period, user=chair, data=DATA, expected_version=update.version + 1, submit=False
    )
    assert draft.state == "returned"
    assert ProgressUpdate.objects.get().returned_reason == "Impact missing"


class TestSubmissionRules:
    """The rules a submitted update keeps live in the service: the form shows its messages, and update_save
    refuses a submission that breaks them, whoever calls it."""

    @pytest.mark.parametrize(
        ("changes", "problems"),
        [
            ({}, {}),
            ({"status": ""}, {"status": "Select the action's status for this period"}),
            (
                {"status": "", "progress": ""},
                {
                    "status": "Select the action's status for this period",
                    "progress": "Say what progress was made this period (not needed if the status is Not started)",
                },
            ),
            ({"status": "amber", "reason": ""}, {"reason": "Say why the action is Amber"}),
            ({"status": "red", "reason": "   "}, {"reason": "Say why the action is Red"}),
            ({"status": "red", "reason": "Two agencies have not replied"}, {}),
            ({"status": "green", "progress": " "}, {"progress": "Say what progress was made this period"}),
            ({"status": "not_started", "progress": ""}, {}),
        ],
    )
    def test_what_stops_a_submission(self, changes, problems):
        data = {**DATA, **changes}
        rules = UpdateRules(previous=None)
        found = update_submission_problems(
            status=data["status"], reason=data["reason"], progress=data["progress"], rules=rules
        )
        assert found == problems

    @pytest.mark.parametrize(
        ("status", "reason", "problems"),
        [
            ("green", "", {"reason": "Say why the action is reopened: it was Complete last period"}),
            ("green", "A new risk was found", {}),
            ("complete", "", {}),
        ],
    )
    def test_reopening_a_complete_action_needs_a_reason(self, status, reason, problems):
        rules = UpdateRules(previous=ProgressUpdate(status=Status.COMPLETE))
        assert update_submission_problems(status=status, reason=reason, progress="Done", rules=rules) == problems

    def test_update_save_refuses_amber_without_a_reason_and_writes_nothing(self, action, period, chair):
        with pytest.raises(ValidationError) as refused:
            save(action, period, chair, 0, status="amber", reason="")
        assert refused.value.message_dict == {"reason": ["Say why the action is Amber"]}
        assert not ProgressUpdate.objects.exists()

    def test_update_save_refuses_reopening_without_a_reason(self, action, period, chair):
        save(action, period, chair, 0, status="complete")
        later = ReportingPeriodFactory(plan=period.plan, number=2, state="open")
        with pytest.raises(ValidationError) as refused:
            save(action, later, chair, 0, status="green", reason="")
        assert "reopened" in refused.value.message_dict["reason"][0]
        assert save(action, later, chair, 0, status="green", reason="New risk").status == "green"

    def test_a_draft_is_not_held_to_the_rules(self, action, period, chair):
        draft = update_save(
            action=action,
            period=period,
            user=chair,
            data={**DATA, "status": "amber", "progress": ""},
            expected_version=0,
            submit=False,
        )
        assert draft.state == "draft"
