"""Updates written before the text limits are cut to fit when the limits arrive, saying so; nothing else changes."""

import datetime

import pytest

from tests.migrations import migrate, plan_with_objective

# The plans table as these migrations knew it, before the working-day deadlines (plans 0004).
PLANS = ("plans", "0003_reserve_plan_slugs")
BEFORE = [("priorities", "0006_remove_number"), ("kpis", "0006_check_numbers_fit_their_columns"), PLANS]
AFTER = [("priorities", "0007_limit_update_text_lengths"), ("kpis", "0007_limit_value_note_length"), PLANS]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_text_over_the_limit_is_cut_to_fit_with_a_note(migrated_back):
    old = migrate(BEFORE)
    plan, lead, objective = plan_with_objective(old)
    period = old.get_model("plans", "ReportingPeriod").objects.create(
        plan=plan, number=1, starts_on=datetime.date(2015, 4, 1), ends_on=datetime.date(2015, 5, 31),
        deadline=datetime.date(2015, 6, 10), meeting_on=datetime.date(2015, 6, 17),
    )  # fmt: skip
    action = old.get_model("priorities", "Action").objects.create(
        objective=objective, ref="1.1.1", position=1, text="Do", lead=lead
    )
    author = old.get_model("auth", "User").objects.create(username="chair")
    old.get_model("priorities", "ProgressUpdate").objects.create(
        action=action, period=period, author=author, status="amber", reason="Why " * 1000, progress="p" * 700_000,
        impact="Within the limit",
    )  # fmt: skip

    new = migrate(AFTER)
    update = new.get_model("priorities", "ProgressUpdate").objects.get()
    assert len(update.progress) == 5000 and update.progress.endswith("the whole text is in the history]")
    assert update.progress.startswith("p" * 4000)
    assert len(update.reason) == 2000 and update.reason.startswith("Why Why")
    assert update.impact == "Within the limit"
