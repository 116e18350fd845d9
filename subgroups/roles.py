"""Who may do what: the board-wide roles, held as Django groups."""

BOARD_MANAGER = "Board manager"
VIEWER = "Viewer"


def is_board_manager(user):
    """True for the board business manager and superusers (asked once per request)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_board_manager", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=BOARD_MANAGER).exists()
        user._is_board_manager = cached
    return cached
