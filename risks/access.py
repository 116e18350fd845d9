"""Who may do what with the risk register: everyone signed in reads it; the board business manager adds risks and
changes any of them; the chair of a risk's lead body changes, reviews, escalates and closes that risk."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from meetings.access import chairs
from subgroups.roles import is_board_manager

from .models import Risk

MANAGERS_ONLY = "Only the board business manager adds risks to the register."
EDITORS_ONLY = "Only the board business manager and the chair of the risk's lead body change this risk."


def may_add(user):
    return is_board_manager(user)


def may_edit(user, risk):
    return is_board_manager(user) or chairs(user, risk.lead_body)


def risk_for_reader(reference):
    return get_object_or_404(Risk.objects.select_related("lead_body", "owner_agency"), reference=reference)


def risk_for_editor(user, reference):
    """The risk (else 404) if the user may change it (else 403)."""
    risk = risk_for_reader(reference)
    if not may_edit(user, risk):
        raise PermissionDenied(EDITORS_ONLY)
    return risk


def require_adder(user):
    if not may_add(user):
        raise PermissionDenied(MANAGERS_ONLY)
