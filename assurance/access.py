"""Who may see and change the inspection map: the board's people read it (subgroups.roles.is_board_person: the
manager, viewers, members of a subgroup and those with a seat on a body; a contact who is also one of those reads
it as the board's people do); the board business manager (and superusers) link evidence, accept it, grade and turn
gaps into plan actions. Someone who is only an audit contact, who sees their own organisation's return and nothing
of the board's assurance, or who has no part in the board, is told the page is not found, as for any address
outside their scope, and the menu does not offer it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from subgroups.roles import is_board_manager, is_board_person

MANAGERS_ONLY = "Only the board business manager changes the inspection requirements' evidence and grades."


def may_read(user):
    return is_board_person(user)


def may_edit(user):
    return is_board_manager(user)


def require_reader(user):
    """404 for anyone who does not read the map (the views sign anonymous people in first)."""
    if not may_read(user):
        raise Http404("No such page.")


def require_editor(user):
    """404 for those who do not read the map, 403 for readers who may not change it."""
    require_reader(user)
    if not may_edit(user):
        raise PermissionDenied(MANAGERS_ONLY)
