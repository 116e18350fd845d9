"""The risk register in brief, for the pages above it: the dashboard's counts and a chair's risks due a review on
My work, each in one query."""

from django.db.models import Q
from django.urls import reverse

from dscb.prepared import PreparedQuery
from meetings.models import Seat
from subgroups.models import Membership

from .filters import overdue
from .matrix import band_of
from .models import Risk

# The register's filters each count links to (risks.filters.RiskFilter), so the count and the list agree.
FILTERS = {
    "very_high": "band=very_high",
    "high": "band=high",
    "overdue": "overdue=on",
    "escalated": "escalated=on",
    "suggested": "suggested=on",
}


def review_due_on(day):
    """A filter for the open risks a chair should look at: the review is overdue, or one is suggested."""
    return overdue(day) | (Q(status=Risk.Status.OPEN) & ~Q(review_suggested=""))


@PreparedQuery
def _open_risk_rows():
    """The open risks' scores and review fields: the dashboard asks on every view, so the query is built once per
    process (dscb.prepared)."""
    return Risk.objects.filter(status=Risk.Status.OPEN).values_list(
        "current_likelihood", "current_impact", "next_review_on", "is_escalated", "review_suggested"
    )


def register_counts(day):
    """The open risks, how many are Very high and High, overdue a review on the day, escalated and flagged for review,
    with a link to each in the register; one query.

    The open risks' scores and review fields are read as plain rows and counted here by the same rules as the
    register's filters (band_of the matrix, overdue, escalated, suggested; tests/reports/test_dashboard.py opens
    each count's link and finds the same risks): a register holds tens of risks, and counting them in one
    aggregate with a condition per cell of the matrix cost more to build than to run (2.3 ms of the dashboard)."""
    counts = dict.fromkeys(("open", "very_high", "high", "overdue", "escalated", "suggested"), 0)
    for likelihood, impact, next_review_on, is_escalated, review_suggested in _open_risk_rows.rows():
        band = band_of(likelihood, impact).code
        counts["open"] += 1
        counts["very_high"] += band == "very_high"
        counts["high"] += band == "high"
        counts["overdue"] += next_review_on is not None and next_review_on < day
        counts["escalated"] += is_escalated
        counts["suggested"] += review_suggested != ""
    register = reverse("risks:risk-list")
    return {
        "counts": counts,
        "register": register,
        "links": {name: f"{register}?{query}" for name, query in FILTERS.items()},
    }


def risks_to_review_for(user, day):
    """The open risks whose lead body the user chairs (as its subgroup chair or in a chair's seat) with a review
    overdue on the day or suggested; one query."""
    if not user.is_authenticated:
        return []
    chaired = Membership.objects.filter(user=user, role=Membership.Role.CHAIR).values("subgroup_id")
    seated = Seat.objects.filter(user=user, role=Seat.Role.CHAIR).values("body_id")
    return list(
        Risk.objects.filter(review_due_on(day))
        .filter(Q(lead_body_id__in=chaired) | Q(lead_body_id__in=seated))
        .select_related("lead_body")
        .order_by("number")
    )
