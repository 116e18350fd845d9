from django.urls import path

from . import views

app_name = "selfassessment"
urlpatterns = [
    path("self-assessment/", views.window_list, name="window-list"),
    path("self-assessment/new/", views.window_add, name="window-add"),
    path("self-assessment/<int:pk>/", views.window_results, name="window-results"),
    path("self-assessment/<int:pk>/totals.xlsx", views.window_export, name="window-export"),
    path("self-assessment/<int:pk>/open/", views.window_open_view, name="window-open"),
    path("self-assessment/<int:pk>/actions/", views.finding_action, name="finding-action"),
    path("self-assessment/<int:pk>/members/", views.member_list, name="member-list"),
    path("self-assessment/<int:pk>/respond/<slug:secret>/", views.respond, name="respond"),
    path("self-assessment/<int:pk>/respond/<slug:secret>/own/", views.respond_own, name="respond-own"),
]
