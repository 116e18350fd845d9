"""Which plans a user may reach: the one place views ask, so that every page answers 404 and 403 alike."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from subgroups.roles import is_board_manager

from .models import BusinessPlan

MANAGERS_ONLY = "Only the board business manager manages plans and their reporting periods."


def plan_for_reader(user, slug):
    """The plan with this slug if the user may read it, else 404."""
    return get_object_or_404(BusinessPlan.objects.visible_to(user), slug=slug)


def plan_for_manager(user, slug, refusal=MANAGERS_ONLY):
    """The plan with this slug if the user may read it (else 404) and manage it (else 403, saying `refusal`)."""
    plan = plan_for_reader(user, slug)
    if not is_board_manager(user):
        raise PermissionDenied(refusal)
    return plan
