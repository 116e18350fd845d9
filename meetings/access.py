"""Who may do what with meetings: everyone signed in reads them; the board manager arranges them; the manager or
the body's chair records attendance, decisions and actions."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from subgroups.models import Membership
from subgroups.roles import is_board_manager

from .models import Meeting, Seat

MANAGERS_ONLY = "Only the board business manager arranges meetings."
RECORDERS_ONLY = "Only the board business manager and the chair of this body record its meetings."


def chairs(user, body):
    """True when the user chairs the body: its chair in the subgroup's members, or in a chair's seat with their
    account."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_chaired_bodies", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, role=Membership.Role.CHAIR).values_list("subgroup_id", flat=True)
        ) | set(Seat.objects.filter(user=user, role=Seat.Role.CHAIR).values_list("body_id", flat=True))
        user._chaired_bodies = cached
    return body.pk in cached


def may_record(user, meeting):
    return is_board_manager(user) or chairs(user, meeting.body)


def meeting_for_reader(pk):
    return get_object_or_404(Meeting.objects.select_related("body", "period__plan"), pk=pk)


def meeting_for_recorder(user, pk):
    """The meeting (else 404) if the user may record it (else 403)."""
    meeting = meeting_for_reader(pk)
    if not may_record(user, meeting):
        raise PermissionDenied(RECORDERS_ONLY)
    return meeting


def require_manager(user):
    if not is_board_manager(user):
        raise PermissionDenied(MANAGERS_ONLY)
