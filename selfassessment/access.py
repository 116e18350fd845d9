"""Who may see what of the self-assessment. The board's people (subgroups.roles.is_board_person: the manager,
viewers, members of a subgroup and those with a seat on a body) see the windows, how many have responded, and the
board's totals (only ever totals, and only for a large enough group); someone who is only an audit contact, or has
no part in the board, is told the page is not found, as for the board's other pages, and the menu does not offer
it. A member answers through their invitation's personal link (a seat needs no account; signed in, they find their
links on /self-assessment/). A member's own assessment is seen by them and by the Board's chair, not by the
manager; the manager opens windows. The chair or the manager turns a finding into a plan action. A made-up or
another window's link is 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from meetings.models import Seat
from subgroups.roles import is_board_manager, is_board_person

from .models import Invitation, Window

CHAIR_ONLY = "Only the Board's chair sees the members' own assessments."
MANAGERS_ONLY = "Only the board business manager sets up a self-assessment."
CHAIR_OR_MANAGER = "Only the Board's chair and the board business manager turn a finding into a plan action."


def chairs_board(user, window):
    """True when the user sits in a chair's seat on the window's body today (asked once per request)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_self_assessment_chaired", None)
    if cached is None:
        cached = set(
            Seat.objects.on(timezone.localdate())
            .filter(user=user, role=Seat.Role.CHAIR)
            .values_list("body_id", flat=True)
        )
        user._self_assessment_chaired = cached
    return window.body_id in cached


def require_board_person(user):
    """404 for anyone outside the board (an audit contact only, say): the board's self-assessment is not theirs."""
    if not is_board_person(user):
        raise Http404("No such page.")


def window_for_reader(pk):
    return get_object_or_404(
        Window.objects.select_related("plan", "body", "board_questionnaire", "member_questionnaire"), pk=pk
    )


def window_for_chair(user, pk):
    """The window (else 404) if the user chairs its body (else 403)."""
    window = window_for_reader(pk)
    if not chairs_board(user, window):
        raise PermissionDenied(CHAIR_ONLY)
    return window


def require_manager(user):
    if not is_board_manager(user):
        raise PermissionDenied(MANAGERS_ONLY)


def require_chair_or_manager(user, window):
    if not (is_board_manager(user) or chairs_board(user, window)):
        raise PermissionDenied(CHAIR_OR_MANAGER)


def invitation_for_secret(pk, secret):
    """The invitation of this window with this secret (a unique indexed field), else 404, whoever asks."""
    return get_object_or_404(
        Invitation.objects.select_related(
            "window__plan", "window__board_questionnaire", "window__member_questionnaire", "seat__agency", "seat__body"
        ),
        window_id=pk,
        secret=secret,
    )


def my_invitations(user):
    """The signed-in person's invitations: those of the seats their account sits in."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return Invitation.objects.filter(seat__user=user).select_related("window__plan", "seat")
