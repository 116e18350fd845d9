from django.conf import settings


def board(request):
    return {"board_name": settings.BOARD_NAME}
