"""What the site menu needs to know of the signed-in user."""

from django.utils.functional import SimpleLazyObject

from .roles import is_board_person


def board_person(request):
    """Whether the user is one of the board's people, for the menu's Self-assessment and Assurance items (their
    pages refuse anyone else). Asked only when a page draws the menu, with the query that finds the user's roles."""
    user = getattr(request, "user", None)
    if user is None:
        return {"is_board_person": False}
    return {"is_board_person": SimpleLazyObject(lambda: is_board_person(user))}
