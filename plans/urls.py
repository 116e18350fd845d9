from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
]
