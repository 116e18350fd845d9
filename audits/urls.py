from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("audits/", views.round_list, name="round-list"),
    path("audits/<int:pk>/", views.round_detail, name="round-detail"),
    path("audits/<int:pk>/summary.xlsx", views.round_export, name="round-export"),
    path("audits/<int:pk>/returns/<int:organisation_pk>/", views.return_detail, name="return-detail"),
    path("audits/<int:pk>/returns/<int:organisation_pk>/edit/", views.return_edit, name="return-edit"),
    path("audits/<int:pk>/returns/<int:organisation_pk>/submit/", views.return_submit_view, name="return-submit"),
    path("audits/<int:pk>/returns/<int:organisation_pk>/moderate/", views.return_moderate_view, name="return-moderate"),
    path(
        "audits/<int:pk>/returns/<int:organisation_pk>/send-back/", views.return_send_back_view, name="return-send-back"
    ),
    path("audits/<int:pk>/returns/<int:organisation_pk>/challenge/", views.challenge_add_view, name="challenge-add"),
    path(
        "audits/<int:pk>/returns/<int:organisation_pk>/actions/<int:criterion_pk>/done/",
        views.action_done_view,
        name="action-done",
    ),
]
