"""Who may see and do what in the audits: the board business manager (and a round's moderation panel, for that
round) sees every return, moderates, sends back and records challenge events; an organisation's contact (or
substitute) sees the rounds their organisation is in, and only their own organisation's return, which they draft
and submit; any other signed-in reader sees the rounds' results, never a return. Outside someone's scope is 404,
so a guessed address says nothing of what is there."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from subgroups.roles import is_audit_contact, is_board_manager

from .models import Return, Round

MANAGERS_ONLY = "Only the board business manager and the round's moderation panel moderate its returns."
CONTACTS_ONLY = "Only the organisation's contact and substitute change its return."


def contact_return_ids(user):
    """The ids of the returns the user is the contact or substitute of (asked once per request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_audit_return_ids", None)
    if cached is None:
        cached = frozenset(Return.objects.filter(Q(contact=user) | Q(substitute=user)).values_list("pk", flat=True))
        user._audit_return_ids = cached
    return cached


def is_contact(user):
    """True for someone who is the contact or substitute of a return (and not the manager): they see only theirs.
    The rule is subgroups.roles.is_audit_contact, which the pages below audits (the plan's link to the annual
    report draft) ask too; it is answered by the query that finds the user's roles."""
    return is_audit_contact(user)


def visible_rounds(user):
    """The rounds the user sees: a contact only the rounds of their returns; everyone else signed in all of them."""
    rounds = Round.objects.select_related("framework")
    if is_contact(user):
        return rounds.filter(returns__in=contact_return_ids(user)).distinct()
    return rounds


def round_for_user(user, pk):
    """The round, if the user sees it (else 404)."""
    return get_object_or_404(visible_rounds(user), pk=pk)


def may_edit(user, return_form):
    return return_form.pk in contact_return_ids(user)


def may_moderate(user, round):
    """The board business manager, or a member of the round's moderation panel (asked once per round)."""
    if is_board_manager(user):
        return True
    if not user.is_authenticated:
        return False
    cached = getattr(round, "_moderator_ids", None)
    if cached is None:
        cached = frozenset(round.moderators.values_list("pk", flat=True))
        round._moderator_ids = cached
    return user.pk in cached


def return_for_user(user, round_pk, organisation_pk):
    """The return, if the user is one of its contacts or may moderate its round (else 404)."""
    return_form = get_object_or_404(
        Return.objects.select_related("round__framework", "organisation", "contact", "substitute"),
        round_id=round_pk,
        organisation_id=organisation_pk,
    )
    if not (may_edit(user, return_form) or may_moderate(user, return_form.round)):
        raise Http404("No such return")
    return return_form


def return_for_contact(user, round_pk, organisation_pk):
    """The return (else 404) if the user is its contact or substitute (else 403: the manager does not fill it)."""
    return_form = return_for_user(user, round_pk, organisation_pk)
    if not may_edit(user, return_form):
        raise PermissionDenied(CONTACTS_ONLY)
    return return_form


def require_moderator(user, round):
    if not may_moderate(user, round):
        raise PermissionDenied(MANAGERS_ONLY)
