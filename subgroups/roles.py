"""Who may do what: the board-wide roles, held as Django groups, and who is one of the board's people.

The board's people are the board business manager (and superusers), the viewers, the members of a subgroup and
those with a seat on a body. Someone who is only an audit contact (the contact or substitute of an organisation's
Section 11 or 175 return), or who has no part in the board at all, is none of these: the board's own pages (the
self-assessment, the inspection map) are not theirs, and the menu does not offer them.

A seat lives in meetings and a return in audits, both above this app, so they are not imported here: each of those
apps registers, in its AppConfig.ready(), the rows that give a user that part (register_part). All of a user's
parts are asked with the query that loads the signed-in user on each request (with_parts, used by accounts.auth),
which then answers is_board_manager, is_board_person and is_audit_contact with no query of their own."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef

from .models import Membership

BOARD_MANAGER = "Board manager"
VIEWER = "Viewer"

# The parts a user can have, by name. Those marked as the board's make someone one of the board's people.
MANAGER_PART = "manager"
VIEWER_PART = "viewer"
MEMBER_PART = "member"
SEAT_PART = "seat"
AUDIT_CONTACT_PART = "audit_contact"

# {name: (function of an OuterRef to the user → the rows that give them the part, whether it is a board part)},
# filled by the apps above (meetings: a seat; audits: an audit contact).
PARTS = {}


def register_part(name, rows, *, of_the_board):
    """An app above says which rows give a user a part (rows(user_ref) → a queryset filtered on the user)."""
    PARTS[name] = (rows, of_the_board)


def _board_parts():
    return {MANAGER_PART, VIEWER_PART, MEMBER_PART} | {name for name, (_, board) in PARTS.items() if board}


ANNOTATION_PREFIX = "board_part_"


def _asked():
    """{part name: whether the user (the outer query's row) holds it}, as expressions for one query."""
    groups = get_user_model().groups.through.objects.filter(user=OuterRef("pk"))
    asked = {
        MANAGER_PART: Exists(groups.filter(group__name=BOARD_MANAGER)),
        VIEWER_PART: Exists(groups.filter(group__name=VIEWER)),
        MEMBER_PART: Exists(Membership.objects.filter(user=OuterRef("pk"))),
    }
    for name, (rows, _) in PARTS.items():
        asked[name] = Exists(rows(OuterRef("pk")))
    return asked


def with_parts(users):
    """The users' queryset, each user bringing the parts they hold: the query that loads the signed-in user on each
    request (accounts.auth) asks them, so that parts_of needs no query of its own."""
    return users.annotate(**{ANNOTATION_PREFIX + name: held for name, held in _asked().items()})


def parts_of(user):
    """The names of the parts the signed-in user holds: brought with the user by with_parts, else asked in one
    query; once per request either way (cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_board_parts", None)
    if cached is None:
        if hasattr(user, ANNOTATION_PREFIX + MANAGER_PART):
            names = [MANAGER_PART, VIEWER_PART, MEMBER_PART, *PARTS]
            row = {name: getattr(user, ANNOTATION_PREFIX + name, False) for name in names}
        else:
            row = get_user_model().objects.filter(pk=user.pk).values(**_asked()).first() or {}
        cached = frozenset(name for name, held in row.items() if held)
        user._board_parts = cached
    return cached


def is_board_manager(user):
    """True for the board business manager and superusers (asked once per request)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or MANAGER_PART in parts_of(user)


def is_board_person(user):
    """True for one of the board's people: the manager (and superusers), a viewer, a member of a subgroup or
    someone with a seat on a body. False for someone who is only an audit contact, or has no part at all."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(parts_of(user) & _board_parts())


def is_audit_contact(user):
    """True for the contact or substitute of an audit return who is not the manager, whatever else they are: they
    see only their own organisation's audits, so nothing that holds every round's results."""
    if AUDIT_CONTACT_PART not in PARTS:
        # Never answer "not a contact" for want of asking: that would hand every round's results to a contact.
        raise ImproperlyConfigured("The audits app has not registered who is an audit contact.")
    return not is_board_manager(user) and AUDIT_CONTACT_PART in parts_of(user)
