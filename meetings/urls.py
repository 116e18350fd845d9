from django.urls import path

from . import calendar_views, views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_add, name="meeting-add"),
    path("meetings/generate/", views.meeting_generate, name="meeting-generate"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance-edit"),
    path("meetings/<int:pk>/items/", views.item_add, name="item-add"),
    path("meetings/<int:pk>/items/<int:item_pk>/done/", views.item_close, name="item-close"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/reset/", calendar_views.calendar_reset, name="calendar-reset"),
    path("calendar/board.ics", calendar_views.board_feed, name="board-feed"),
    path("calendar/<slug:secret>.ics", calendar_views.person_feed, name="person-feed"),
]
