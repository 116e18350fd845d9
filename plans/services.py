"""Writes to plans and reporting periods."""

import datetime

from django.db import transaction

from .models import BusinessPlan, ReportingPeriod, bimonthly_periods

# Updates are due ten days after a period ends; the Safeguarding Executive meets a week later.
DEADLINE_AFTER_PERIOD = datetime.timedelta(days=10)
MEETING_AFTER_DEADLINE = datetime.timedelta(days=7)


@transaction.atomic
def plan_create_periods(*, plan: BusinessPlan):
    """Cut the plan year into bi-monthly reporting periods (only where it has none yet)."""
    if plan.periods.exists():
        return list(plan.periods.all())
    periods = []
    for number, (starts_on, ends_on) in enumerate(bimonthly_periods(plan.starts_on, plan.ends_on), start=1):
        deadline = ends_on + DEADLINE_AFTER_PERIOD
        periods.append(
            ReportingPeriod.objects.create(
                plan=plan,
                number=number,
                starts_on=starts_on,
                ends_on=ends_on,
                deadline=deadline,
                meeting_on=deadline + MEETING_AFTER_DEADLINE,
            )
        )
    return periods
