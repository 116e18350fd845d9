"""The plan flags linked risks "review suggested": a KPI value saved Red, a progress update submitted Red, a linked
action past due (daily); a review clears the flag."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from kpis.services import kpi_value_save
from risks.models import Risk
from risks.services import review_record, review_suggestions_refresh, risk_close
from tests.factories import (
    KPIValueFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    RiskFactory,
)
from tests.tasks.jobs import run_worker_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(risk, kpi, action):
    risk.kpis.add(kpi)
    risk.actions.add(action)
    return risk


def suggested(risk):
    return Risk.objects.get(pk=risk.pk).review_suggested


class TestKPIs:
    def test_a_red_value_entered_flags_the_linked_risk_with_the_reason_and_the_enterer(
        self, linked, kpi, period, chair
    ):
        kpi_value_save(kpi=kpi, period=period, user=chair, values={"value": 60}, expected_version=0)
        assert suggested(linked) == f"KPI {kpi.code} was Red in period 1 (Apr–May 2015)"
        latest = linked.history.latest()
        assert latest.history_user == chair and latest.history_change_reason == "Review suggested"

    @pytest.mark.parametrize("value", [80, 90, 76])  # on target, beyond it, Amber within the tolerance of 5
    def test_a_value_that_is_not_red_flags_nothing(self, linked, kpi, period, value):
        KPIValueFactory(kpi=kpi, period=period, value=value, numerator=None, denominator=None)
        assert suggested(linked) == ""

    def test_a_red_value_of_a_kpi_not_linked_flags_nothing(self, risk, kpi, period):
        KPIValueFactory(kpi=kpi, period=period, value=10, numerator=None, denominator=None)
        assert suggested(risk) == ""

    def test_a_closed_risk_is_not_flagged(self, linked, kpi, period, chair):
        risk_close(
            user=chair, risk=linked, on=datetime.date(2015, 5, 1), reason="Filled", today=datetime.date(2015, 6, 1)
        )
        KPIValueFactory(kpi=kpi, period=period, value=10, numerator=None, denominator=None)
        assert suggested(linked) == ""

    def test_the_next_review_clears_the_flag(self, linked, kpi, period, chair):
        KPIValueFactory(kpi=kpi, period=period, value=10, numerator=None, denominator=None)
        assert suggested(linked)
        review_record(
            user=chair,
            risk=linked,
            reviewed_on=datetime.date(2015, 6, 17),
            likelihood=3,
            impact=4,
            today=datetime.date(2015, 7, 1),
        )
        assert suggested(linked) == ""


class TestProgressUpdates:
    def test_a_red_update_submitted_flags_the_linked_risk(self, linked, action, period, chair):
        ProgressUpdateFactory(
            action=action, period=period, status="red", reason="Lead officer post vacant", author=chair
        )
        assert suggested(linked) == f"Action {action.code} was Red in period 1 (Apr–May 2015)"
        assert linked.history.latest().history_user == chair

    @pytest.mark.parametrize(("state", "status"), [("draft", "red"), ("submitted", "amber"), ("submitted", "green")])
    def test_a_draft_or_another_status_flags_nothing(self, linked, action, period, state, status):
        ProgressUpdateFactory(action=action, period=period, state=state, status=status, reason="Slipping")
        assert suggested(linked) == ""


class TestPastDueActions:
    @pytest.fixture
    def due(self, linked, action):
        action.due = "30 September 2015"
        action.save()
        return linked

    def test_an_action_past_due_and_not_complete_flags_the_risk_the_day_after(self, due, action):
        assert review_suggestions_refresh(today=datetime.date(2015, 9, 30)) == []
        [(risk, reason)] = review_suggestions_refresh(today=datetime.date(2015, 10, 1))
        assert risk == due
        assert reason == suggested(due) == f"Action {action.code} was due by 30 September 2015 and is not complete"
        assert review_suggestions_refresh(today=datetime.date(2015, 10, 2)) == [], "flagged once"

    def test_a_complete_action_is_not_past_due(self, due, action, period):
        ProgressUpdateFactory(action=action, period=period, status="complete")
        assert review_suggestions_refresh(today=datetime.date(2015, 10, 1)) == []

    def test_an_action_reopened_after_it_was_complete_is_past_due_again(self, due, action, period):
        ProgressUpdateFactory(action=action, period=period, status="complete")
        later = ReportingPeriodFactory(
            plan=period.plan, number=2, starts_on=datetime.date(2015, 6, 1), ends_on=datetime.date(2015, 7, 31)
        )
        ProgressUpdateFactory(action=action, period=later, status="green")
        assert len(review_suggestions_refresh(today=datetime.date(2015, 10, 1))) == 1

    def test_a_review_after_the_due_date_has_looked_at_it_already(self, due, chair):
        review_record(
            user=chair,
            risk=due,
            reviewed_on=datetime.date(2015, 10, 1),
            likelihood=3,
            impact=4,
            today=datetime.date(2015, 10, 1),
        )
        assert review_suggestions_refresh(today=datetime.date(2015, 10, 20)) == []

    @pytest.mark.parametrize("words", ["ongoing", "Q3", "2015-2016", ""])
    def test_words_that_name_no_day_are_never_past_due(self, linked, action, words):
        action.due = words
        action.save()
        assert review_suggestions_refresh(today=datetime.date(2017, 1, 1)) == []

    def test_the_dry_run_says_what_it_would_flag_and_flags_nothing(self, due):
        out = io.StringIO()
        call_command("risks_daily", "--dry-run", "--today", "2015-10-01", stdout=out)
        assert "Would flag R3: Action" in out.getvalue()
        assert suggested(due) == ""

    def test_a_day_with_nothing_to_flag_says_so(self, db):
        RiskFactory()
        out = io.StringIO()
        call_command("risks_daily", "--dry-run", stdout=out)
        assert "No open risk has a linked action newly past due." in out.getvalue()

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_the_daily_command_enqueues_the_flagging_and_a_worker_does_it(self, due):
        call_command("risks_daily", "--today", "2015-10-01", stdout=io.StringIO())
        assert suggested(due) == "", "the command only enqueues"
        [queued] = DBTaskResult.objects.all()
        assert queued.task_path == "risks.tasks.review_suggestions_daily"
        run_worker_batch()
        assert "was due by 30 September 2015" in suggested(due)
