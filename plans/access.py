"""Which plans a user may reach: the one place views ask, so that every page answers 404 and 403 alike."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dscb.prepared import PreparedQuery, as_prefetched
from subgroups.roles import is_board_manager

from .models import BusinessPlan, ReportingPeriod

MANAGERS_ONLY = "Only the board business manager manages plans and their reporting periods."


@PreparedQuery
def _plan_by_slug(manager, *, slug):
    """plan_for_reader's query, built once per process for the manager and for everyone else (dscb.prepared)."""
    return BusinessPlan.objects.visible_to_signed_in(manager=manager).filter(slug=slug)


def plan_for_reader(user, slug, *, with_periods=False):
    """The plan with this slug if the user may read it, else 404; `with_periods`: with its periods read as
    prefetch_related("periods") reads them (one query more, built once per process), for a page that reads them."""
    found = _plan_by_slug.rows(is_board_manager(user), slug=slug) if user.is_authenticated else []
    if not found:
        raise Http404("No plan has that address.")
    return _with_periods(found[0]) if with_periods else found[0]


@PreparedQuery
def _active_plan():
    return BusinessPlan.objects.active()


@PreparedQuery
def _periods_of(*, plan_id):
    return ReportingPeriod.objects.filter(plan=plan_id)


def _with_periods(plan):
    """The plan with its periods where prefetch_related("periods") puts them: plan.periods.all() does not ask again."""
    return as_prefetched(plan, "periods", _periods_of.rows(plan_id=plan.pk))


def active_plan_with_periods():
    """The plan being delivered (or None), with its periods read as prefetch_related("periods") reads them, so that
    plan.periods.all() does not ask again: the dashboard's, My work's and the reminders' first two queries, built once
    per process (dscb.prepared)."""
    found = _active_plan.rows()
    return _with_periods(found[0]) if found else None


def plan_for_manager(user, slug, refusal=MANAGERS_ONLY):
    """The plan with this slug if the user may read it (else 404) and manage it (else 403, saying `refusal`)."""
    plan = plan_for_reader(user, slug)
    if not is_board_manager(user):
        raise PermissionDenied(refusal)
    return plan
