"""Background work of the risk register: the daily flagging of risks whose linked actions are past due."""

import datetime

from django_tasks import task

from .services import review_suggestions_refresh


@task()
def review_suggestions_daily(*, today):
    """Flag the open risks with a linked action past due on `today` (an ISO date); return what was flagged.

    Idempotent: a reason already on a risk is not added again, so a retry flags nothing more.
    """
    raised = review_suggestions_refresh(today=datetime.date.fromisoformat(today))
    return [f"{risk.reference}: {reason}" for risk, reason in raised]
