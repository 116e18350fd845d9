"""The risk register in brief, for the pages above it: the dashboard's counts and a chair's risks due a review on
My work, each in one query."""

from django.db.models import Count, Q
from django.urls import reverse

from meetings.models import Seat
from subgroups.models import Membership

from .filters import overdue, score_cells
from .matrix import band_cells
from .models import Risk

# The register's filters each count links to (risks.filters.RiskFilter), so the count and the list agree.
FILTERS = {
    "very_high": "band=very_high",
    "high": "band=high",
    "overdue": "overdue=on",
    "escalated": "escalated=on",
    "suggested": "suggested=on",
}


def in_band(code):
    """A filter for the risks whose current score is in the band, by the matrix's cells."""
    return score_cells("current", band_cells(code))


def review_due_on(day):
    """A filter for the open risks a chair should look at: the review is overdue, or one is suggested."""
    return overdue(day) | (Q(status=Risk.Status.OPEN) & ~Q(review_suggested=""))


def register_counts(day):
    """The open risks, how many are Very high and High, overdue a review on the day, escalated and flagged for review,
    with a link to each in the register; one query."""
    is_open = Q(status=Risk.Status.OPEN)
    counts = Risk.objects.aggregate(
        open=Count("pk", filter=is_open),
        very_high=Count("pk", filter=is_open & in_band("very_high")),
        high=Count("pk", filter=is_open & in_band("high")),
        overdue=Count("pk", filter=overdue(day)),
        escalated=Count("pk", filter=is_open & Q(is_escalated=True)),
        suggested=Count("pk", filter=is_open & ~Q(review_suggested="")),
    )
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
