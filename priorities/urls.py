from django.urls import path

from . import views

app_name = "priorities"
urlpatterns = [
    path("plans/<slug:slug>/", views.plan_detail, name="plan-detail"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
]
