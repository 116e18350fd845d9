"""Who may see and change the inspection map: the board's people read it (everyone signed in who is not only an
audit contact, who sees their own organisation's return and nothing of the board's assurance; a contact who also
sits on one of the board's bodies, or is a viewer, reads it as the board's people do); the board business manager
(and superusers) link evidence, accept it, grade and turn gaps into plan actions. A contact is told the page is not
found, as for any address outside their scope."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from audits.access import is_contact
from subgroups.models import Membership
from subgroups.roles import VIEWER, is_board_manager

MANAGERS_ONLY = "Only the board business manager changes the inspection requirements' evidence and grades."


def may_read(user):
    if not user.is_authenticated:
        return False
    if not is_contact(user):
        return True
    return user.groups.filter(name=VIEWER).exists() or Membership.objects.filter(user=user).exists()


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
