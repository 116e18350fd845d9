"""Every write to the register: what it changes, who the history says did it, and what it refuses, in words."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from risks.models import Control, Escalation, Review, Risk
from risks.services import (
    RiskChanged,
    control_remove,
    control_save,
    review_record,
    risk_close,
    risk_deescalate,
    risk_escalate,
    risk_reopen,
    risk_review_suggest,
    risk_save,
)
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    ControlFactory,
    KPIFactory,
    MeetingFactory,
    ObjectiveFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2015, 12, 1)


def new_risk_fields(body, **changes):
    return {
        "reference": "R12",
        "title": "Child sexual exploitation not identified early",
        "cause": "Because partners do not all use the screening tool",
        "event": "there is a risk that children being exploited are not identified early",
        "effect": "which would leave them unprotected",
        "category": Risk.Category.PRACTICE,
        "level": Risk.Level.EXECUTIVE,
        "lead_body": body,
        "owner_name": "Jo Whitfield",
        "owner_agency": AgencyFactory(),
        "treatment": Risk.Treatment.TREAT,
        "inherent_likelihood": 5,
        "inherent_impact": 5,
        "current_likelihood": 4,
        "current_impact": 4,
        "target_likelihood": 2,
        "target_impact": 4,
        "opened_on": datetime.date(2015, 1, 31),
        **changes,
    }


def messages(invalid):
    return invalid.value.messages


class TestRiskSave:
    def test_a_new_risk_is_due_for_review_by_its_current_band_from_the_day_it_was_added(self, body, manager):
        action, kpi = ActionFactory(), KPIFactory()
        risk = risk_save(user=manager, actions=[action], kpis=[kpi], **new_risk_fields(body))
        risk.refresh_from_db()
        # 4 x 4 = 16 is Very high: reviewed monthly; 31 January + 1 month is the last day of February.
        assert risk.next_review_on == datetime.date(2015, 2, 28)
        assert (risk.number, risk.version) == (12, 1)
        assert list(risk.actions.all()) == [action] and list(risk.kpis.all()) == [kpi]
        assert risk.history.get().history_user == manager

    def test_a_reference_already_used_is_refused_in_words(self, body, manager, risk):
        with pytest.raises(ValidationError) as invalid:
            risk_save(user=manager, **new_risk_fields(body, reference=risk.reference))
        assert messages(invalid) == ["R3 is already the reference of another risk: choose another number"]
        assert Risk.objects.count() == 1

    def test_a_change_is_attributed_and_moves_the_next_review_by_the_new_band(self, chair, risk):
        risk.last_reviewed_on = datetime.date(2015, 6, 17)
        risk.save()
        changed = risk_save(
            user=chair, risk=risk, expected_version=risk.version, current_likelihood=1, current_impact=2
        )
        assert changed.version == risk.version + 1
        # Low is reviewed six-monthly, counted from the last review.
        assert Risk.objects.get(pk=risk.pk).next_review_on == datetime.date(2015, 12, 17)
        latest = risk.history.latest()
        assert latest.history_user == chair and latest.current_likelihood == 1

    def test_a_form_opened_before_someone_else_saved_is_refused_and_nothing_changes(self, chair, manager, risk):
        opened_at = risk.version
        risk_save(user=manager, risk=risk, expected_version=opened_at, title="Renamed by the manager")
        with pytest.raises(RiskChanged) as changed:
            risk_save(user=chair, risk=risk, expected_version=opened_at, title="Renamed by the chair")
        assert changed.value.current_version == opened_at + 1
        assert Risk.objects.get(pk=risk.pk).title == "Renamed by the manager"

    def test_the_level_of_an_escalated_risk_stays_until_it_is_deescalated(self, manager, risk):
        risk_escalate(user=manager, risk=risk, on=datetime.date(2015, 8, 19), reason="Funding", today=TODAY)
        with pytest.raises(ValidationError) as invalid:
            risk_save(user=manager, risk=risk, level=Risk.Level.BOARD)
        assert "de-escalate it before changing its level" in messages(invalid)[0]

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": "x" * 201}, "title"),
            ({"cause": "x" * 2001}, "cause"),
            ({"owner_name": "x" * 121}, "owner_name"),
            ({"reference": "R0"}, "reference"),
            ({"reference": "risk 3"}, "reference"),
            ({"title": ""}, "title"),
            ({"inherent_likelihood": 6}, "inherent_likelihood"),
            ({"target_impact": 0}, "target_impact"),
            ({"current_likelihood": 6}, "current_likelihood"),
        ],
    )
    def test_hostile_values_are_refused_not_saved(self, body, manager, changes, field):
        with pytest.raises(ValidationError) as invalid:
            risk_save(user=manager, **new_risk_fields(body, **changes))
        assert field in invalid.value.message_dict
        assert not Risk.objects.exists()


class TestLinksInHistory:
    """A risk's links to the plan are kept in its history, in the same record as the change that set them."""

    def links(self, record):
        return (
            {row.objective_id for row in record.objectives.all()},
            {row.action_id for row in record.actions.all()},
            {row.kpi_id for row in record.kpis.all()},
        )

    def test_a_new_risk_is_added_with_its_links_in_one_record(self, body, manager):
        objective, action, kpi = ObjectiveFactory(), ActionFactory(), KPIFactory()
        risk = risk_save(user=manager, objectives=[objective], actions=[action], kpis=[kpi], **new_risk_fields(body))
        [added] = risk.history.all()
        assert added.history_type == "+" and added.history_user == manager
        assert self.links(added) == ({objective.pk}, {action.pk}, {kpi.pk})

    def test_a_change_of_links_is_one_record_attributed_to_who_made_it(self, body, manager, chair, risk):
        first, second = ObjectiveFactory(), ObjectiveFactory()
        risk.objectives.set([first])
        before = risk.history.count()
        risk_save(user=chair, risk=risk, expected_version=risk.version, objectives=[second], kpis=[])
        records = list(risk.history.order_by("history_id"))
        assert len(records) == before + 1
        assert records[-1].history_user == chair and records[-1].history_type == "~"
        assert self.links(records[-1]) == ({second.pk}, set(), set())

    def test_links_not_given_are_left_as_they_are(self, body, manager, chair, risk):
        action = ActionFactory()
        risk_save(user=chair, risk=risk, expected_version=risk.version, actions=[action])
        risk_save(user=chair, risk=Risk.objects.get(pk=risk.pk), title="Renamed")
        latest = risk.history.order_by("history_id").last()
        assert latest.title == "Renamed" and self.links(latest) == (set(), {action.pk}, set())

    def test_a_change_refused_for_a_stale_form_leaves_the_links_alone(self, chair, risk):
        kept = ObjectiveFactory()
        risk_save(user=chair, risk=risk, expected_version=risk.version, objectives=[kept])
        with pytest.raises(RiskChanged):
            risk_save(user=chair, risk=risk, expected_version=risk.version - 1, objectives=[ObjectiveFactory()])
        assert list(Risk.objects.get(pk=risk.pk).objectives.all()) == [kept]

    def test_risks_kept_before_their_links_were_recorded_have_them_as_they_are_now(self, chair, risk):
        migration = importlib.import_module("risks.migrations.0002_links_in_history")
        action = ActionFactory()
        risk_save(user=chair, risk=risk, expected_version=risk.version, actions=[action])
        record_ids = set(risk.history.values_list("history_id", flat=True))
        kept = Risk.history.model.actions.model.objects
        kept.all().delete()  # as they were before the migration: no links in any record

        migration.links_as_they_are(django_apps, None)

        assert set(kept.filter(action_id=action.pk).values_list("history_id", flat=True)) == record_ids
        assert not Risk.history.model.objectives.model.objects.exists()


class TestControls:
    def test_a_control_is_added_changed_and_removed_in_history_moving_the_risk_on(self, chair, risk):
        opened_at = risk.version
        control = control_save(
            user=chair, risk=risk, expected_version=opened_at, description="Multi-agency CSE panel", owner="Police"
        )
        assert Risk.objects.get(pk=risk.pk).version == opened_at + 1
        control_save(user=chair, risk=risk, control=control, effectiveness=Control.Effectiveness.EFFECTIVE)
        assert Control.objects.get(pk=control.pk).effectiveness == "effective"
        control_id = control.pk
        control_remove(user=chair, risk=risk, control=control)
        assert not Control.objects.exists()
        assert [row.history_type for row in Control.history.filter(id=control_id).order_by("history_id")] == [
            "+",
            "~",
            "-",
        ]
        assert {row.history_user for row in Control.history.all()} == {chair}

    def test_a_control_saved_from_a_stale_form_is_refused(self, chair, risk):
        control_save(user=chair, risk=risk, description="Panel")
        with pytest.raises(RiskChanged):
            control_save(user=chair, risk=risk, expected_version=risk.version - 1, description="Another")
        assert Control.objects.count() == 1

    def test_a_control_of_another_risk_is_not_touched(self, chair, risk):
        elsewhere = ControlFactory()
        with pytest.raises(ValueError):
            control_save(user=chair, risk=risk, control=elsewhere, description="Taken over")
        with pytest.raises(ValueError):
            control_remove(user=chair, risk=risk, control=elsewhere)
        assert Control.objects.get(pk=elsewhere.pk).description != "Taken over"

    @pytest.mark.parametrize("description", ["", "   ", "x" * 2001])
    def test_a_control_says_what_is_in_place_within_bounds(self, chair, risk, description):
        with pytest.raises(ValidationError):
            control_save(user=chair, risk=risk, description=description)
        assert not Control.objects.exists()


class TestReviews:
    @pytest.mark.parametrize(
        ("likelihood", "impact", "direction"), [(3, 4, "same"), (4, 3, "same"), (4, 4, "up"), (2, 4, "down")]
    )
    def test_the_direction_is_worked_out_from_the_score_value(self, chair, risk, likelihood, impact, direction):
        review = review_record(
            user=chair,
            risk=risk,
            reviewed_on=datetime.date(2015, 6, 17),
            likelihood=likelihood,
            impact=impact,
            today=TODAY,
        )
        assert review.direction == direction

    def test_a_given_direction_is_kept(self, chair, risk):
        review = review_record(
            user=chair,
            risk=risk,
            reviewed_on=datetime.date(2015, 6, 17),
            likelihood=3,
            impact=4,
            direction="up",
            today=TODAY,
        )
        assert review.direction == "up"

    def test_no_change_is_a_review_that_moves_the_next_review_on_and_clears_the_flag(self, chair, risk, body):
        risk_review_suggest(risk=risk, reason="KPI 3.3.K4 was Red in period 3 (Oct–Nov 2015)")
        meeting = MeetingFactory(body=body, date=datetime.date(2015, 6, 17))
        review = review_record(
            user=chair,
            risk=risk,
            reviewed_on=meeting.date,
            meeting=meeting,
            likelihood=risk.current_likelihood,
            impact=risk.current_impact,
            comment="Reviewed, no change.",
            expected_version=risk.version,
            today=TODAY,
        )
        risk.refresh_from_db()
        assert (review.direction, review.reviewer, review.meeting) == ("same", chair, meeting)
        assert risk.last_reviewed_on == datetime.date(2015, 6, 17)
        assert risk.next_review_on == datetime.date(2015, 8, 17)  # High: every two months
        assert risk.review_suggested == ""
        assert risk.history.latest().history_user == chair
        assert Review.history.get().history_user == chair

    def test_a_new_score_sets_the_current_score_and_the_band_it_falls_in(self, chair, risk):
        review_record(
            user=chair, risk=risk, reviewed_on=datetime.date(2015, 6, 17), likelihood=5, impact=4, today=TODAY
        )
        risk.refresh_from_db()
        assert (risk.current_likelihood, risk.current_impact) == (5, 4)
        assert risk.next_review_on == datetime.date(2015, 7, 17)  # Very high: monthly

    @pytest.mark.parametrize(
        ("reviewed_on", "meeting_on", "message"),
        [
            (datetime.date(2015, 6, 1), None, "The date of the review cannot be before the last review, 17 June 2015"),
            (datetime.date(2015, 12, 2), None, "The date of the review cannot be in the future"),
            (datetime.date(2099, 1, 1), None, "The date of the review cannot be in the future"),
            (
                datetime.date(2015, 7, 1),
                datetime.date(2015, 7, 2),
                "The meeting was on 2 July 2015, not on the date of the review, 1 July 2015",
            ),
        ],
    )
    def test_a_review_out_of_time_is_refused_in_words(self, chair, risk, body, reviewed_on, meeting_on, message):
        review_record(
            user=chair, risk=risk, reviewed_on=datetime.date(2015, 6, 17), likelihood=3, impact=4, today=TODAY
        )
        meeting = MeetingFactory(body=body, date=meeting_on) if meeting_on else None
        with pytest.raises(ValidationError) as invalid:
            review_record(
                user=chair, risk=risk, reviewed_on=reviewed_on, meeting=meeting, likelihood=2, impact=2, today=TODAY
            )
        assert messages(invalid) == [message]
        assert Review.objects.count() == 1
        assert Risk.objects.get(pk=risk.pk).current_likelihood == 3

    def test_a_review_before_the_risk_was_added_is_refused(self, chair, risk):
        with pytest.raises(ValidationError) as invalid:
            review_record(
                user=chair, risk=risk, reviewed_on=datetime.date(2015, 3, 1), likelihood=3, impact=4, today=TODAY
            )
        assert "before the risk was added to the register, 1 April 2015" in messages(invalid)[0]

    def test_a_review_at_a_cancelled_meeting_is_refused(self, chair, risk, body):
        meeting = MeetingFactory(body=body, date=datetime.date(2015, 6, 17), status="cancelled")
        with pytest.raises(ValidationError) as invalid:
            review_record(
                user=chair, risk=risk, reviewed_on=meeting.date, meeting=meeting, likelihood=3, impact=4, today=TODAY
            )
        assert messages(invalid) == ["The meeting on 17 June 2015 was cancelled"]

    def test_a_closed_risk_is_not_reviewed(self, chair, risk):
        risk_close(user=chair, risk=risk, on=datetime.date(2015, 6, 1), reason="The post was filled", today=TODAY)
        with pytest.raises(ValidationError) as invalid:
            review_record(
                user=chair, risk=risk, reviewed_on=datetime.date(2015, 6, 17), likelihood=3, impact=4, today=TODAY
            )
        assert messages(invalid) == ["This risk is closed: reopen it before reviewing it"]
        assert not Review.objects.exists()

    @pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6), ("x", 3)])
    def test_a_score_off_the_scale_is_refused(self, chair, risk, likelihood, impact):
        with pytest.raises(ValidationError):
            review_record(
                user=chair,
                risk=risk,
                reviewed_on=datetime.date(2015, 6, 17),
                likelihood=likelihood,
                impact=impact,
                today=TODAY,
            )
        assert not Review.objects.exists()

    def test_a_review_from_a_stale_form_is_refused(self, chair, manager, risk):
        opened_at = risk.version
        review_record(
            user=manager,
            risk=risk,
            reviewed_on=datetime.date(2015, 6, 17),
            likelihood=3,
            impact=4,
            expected_version=opened_at,
            today=TODAY,
        )
        with pytest.raises(RiskChanged):
            review_record(
                user=chair,
                risk=risk,
                reviewed_on=datetime.date(2015, 6, 17),
                likelihood=2,
                impact=2,
                expected_version=opened_at,
                today=TODAY,
            )
        assert Review.objects.get().reviewer == manager


class TestEscalation:
    def test_escalated_and_deescalated_each_in_a_row_and_in_history(self, chair, manager, risk):
        risk_escalate(user=chair, risk=risk, on=datetime.date(2015, 8, 19), reason="Funding not agreed", today=TODAY)
        assert Risk.objects.get(pk=risk.pk).is_escalated
        risk_deescalate(user=manager, risk=risk, on=datetime.date(2015, 10, 21), reason="Funding agreed", today=TODAY)
        risk.refresh_from_db()
        assert not risk.is_escalated
        assert [(row.kind, row.by) for row in risk.escalations.all()] == [
            (Escalation.Kind.ESCALATED, chair),
            (Escalation.Kind.DEESCALATED, manager),
        ]
        flags = [(row.is_escalated, row.history_user) for row in risk.history.order_by("history_id")]
        assert flags[-2:] == [(True, chair), (False, manager)]
        assert risk.history.latest().history_change_reason == "De-escalated"

    @pytest.mark.parametrize(
        ("setup", "message"),
        [
            ({"level": "board"}, "Only a Safeguarding Executive risk is escalated to the Board"),
            ({"is_escalated": True}, "This risk is already escalated to the Board"),
            (
                {"status": "closed", "closed_on": datetime.date(2015, 6, 1), "closed_reason": "Gone"},
                "This risk is closed: reopen it before escalating it",
            ),
        ],
    )
    def test_only_an_open_executive_risk_not_yet_escalated_is_escalated(self, manager, body, setup, message):
        risk = RiskFactory(lead_body=body, **setup)
        with pytest.raises(ValidationError) as invalid:
            risk_escalate(user=manager, risk=risk, on=datetime.date(2015, 8, 19), reason="Funding", today=TODAY)
        assert messages(invalid) == [message]
        assert not Escalation.objects.exists()

    def test_a_risk_not_escalated_is_not_deescalated(self, manager, risk):
        with pytest.raises(ValidationError) as invalid:
            risk_deescalate(user=manager, risk=risk, on=datetime.date(2015, 8, 19), reason="Back", today=TODAY)
        assert messages(invalid) == ["This risk is not escalated to the Board"]

    @pytest.mark.parametrize(
        ("on", "reason", "field"),
        [
            (datetime.date(2015, 3, 1), "Funding", "on"),
            (datetime.date(2099, 3, 1), "Funding", "on"),
            (datetime.date(2015, 8, 19), "", "reason"),
            (datetime.date(2015, 8, 19), "x" * 2001, "reason"),
        ],
    )
    def test_the_date_and_reason_are_checked(self, manager, risk, on, reason, field):
        with pytest.raises(ValidationError) as invalid:
            risk_escalate(user=manager, risk=risk, on=on, reason=reason, today=TODAY)
        assert field in invalid.value.message_dict
        assert not Escalation.objects.exists()


class TestCloseAndReopen:
    def test_closed_then_reopened_with_the_reasons_in_history(self, chair, risk):
        risk_close(user=chair, risk=risk, on=datetime.date(2015, 9, 1), reason="The post was filled", today=TODAY)
        risk.refresh_from_db()
        assert (risk.status, risk.closed_on, risk.closed_reason) == (
            "closed",
            datetime.date(2015, 9, 1),
            "The post was filled",
        )
        risk_reopen(user=chair, risk=risk, reason="The post is vacant again")
        risk.refresh_from_db()
        assert (risk.status, risk.closed_on, risk.closed_reason) == ("open", None, "")
        reasons = [row.history_change_reason for row in risk.history.order_by("history_id")][-2:]
        assert reasons == ["Closed: The post was filled", "Reopened: The post is vacant again"]
        assert risk.history.latest().history_user == chair

    def test_closing_twice_or_reopening_an_open_risk_is_refused(self, chair, risk):
        with pytest.raises(ValidationError):
            risk_reopen(user=chair, risk=risk, reason="Why not")
        risk_close(user=chair, risk=risk, on=datetime.date(2015, 9, 1), reason="Filled", today=TODAY)
        with pytest.raises(ValidationError):
            risk_close(user=chair, risk=risk, on=datetime.date(2015, 9, 2), reason="Again", today=TODAY)

    @pytest.mark.parametrize(("on", "reason"), [(datetime.date(2099, 1, 1), "Filled"), (datetime.date(2015, 9, 1), "")])
    def test_closing_needs_a_real_date_and_a_reason(self, chair, risk, on, reason):
        with pytest.raises(ValidationError):
            risk_close(user=chair, risk=risk, on=on, reason=reason, today=TODAY)
        assert Risk.objects.get(pk=risk.pk).is_open


class TestReviewSuggested:
    def test_reasons_add_up_once_each_and_leave_the_version(self, risk):
        risk_review_suggest(risk=risk, reason="KPI 3.3.K4 was Red in period 3 (Oct–Nov 2015)")
        risk_review_suggest(risk=risk, reason="KPI 3.3.K4 was Red in period 3 (Oct–Nov 2015)")
        risk_review_suggest(risk=risk, reason="Action 3.3.2 was Red in period 3 (Oct–Nov 2015)")
        fresh = Risk.objects.get(pk=risk.pk)
        assert fresh.review_suggested.splitlines() == [
            "KPI 3.3.K4 was Red in period 3 (Oct–Nov 2015)",
            "Action 3.3.2 was Red in period 3 (Oct–Nov 2015)",
        ]
        assert fresh.version == risk.version

    def test_a_closed_risk_is_not_flagged(self, chair, risk):
        risk_close(user=chair, risk=risk, on=datetime.date(2015, 9, 1), reason="Filled", today=TODAY)
        risk_review_suggest(risk=risk, reason="KPI 3.3.K4 was Red")
        assert Risk.objects.get(pk=risk.pk).review_suggested == ""


def test_two_people_adding_the_same_reference_at_once_one_is_told_in_words(body, manager, risk, monkeypatch):
    """The other's risk is saved between this one's check and its save: the database's unique reference refuses
    it, and the person is told as if the check had seen it."""
    import risks.services

    monkeypatch.setattr(risks.services, "_reference_taken", lambda reference, risk: False)
    with pytest.raises(ValidationError) as invalid:
        risk_save(user=manager, **new_risk_fields(body, reference=risk.reference))
    assert messages(invalid) == ["R3 is already the reference of another risk: choose another number"]
    assert Risk.objects.count() == 1
