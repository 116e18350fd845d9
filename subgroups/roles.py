"""Who may do what: the board-wide roles, held as Django groups."""

BOARD_MANAGER = "Board manager"
VIEWER = "Viewer"


def is_board_manager(user):
    """True for the board business manager and superusers."""
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=BOARD_MANAGER).exists())
