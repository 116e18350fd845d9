"""Who belongs where: the subgroup side of every permission check."""

from .models import Membership
from .roles import is_board_manager


def subgroup_ids_for(user):
    """Ids of the subgroups the user chairs or is a member of."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_subgroup_ids", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("subgroup_id", flat=True))
        user._subgroup_ids = cached
    return cached


def may_write_for(user, subgroup_ids):
    """True when the user is the board manager or belongs to one of these subgroups."""
    return is_board_manager(user) or bool(subgroup_ids_for(user) & set(subgroup_ids))
