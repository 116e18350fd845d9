"""Background work of plans: the daily locking of overdue reporting periods."""

import datetime

from django_tasks import task

from .services import periods_lock_overdue


@task()
def overdue_periods_lock(*, today):
    """Lock every period overdue on `today` (an ISO date); return their names.

    Idempotent: a period it locks is no longer open, so the task run again (a retry, a second cron line) locks
    nothing more, and each period is locked in a transaction of its own.
    """
    return [str(period) for period in periods_lock_overdue(today=datetime.date.fromisoformat(today))]
