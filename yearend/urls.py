from django.urls import path

from plans import converters  # noqa: F401 - registers <plan:slug>

from . import views

app_name = "yearend"
urlpatterns = [
    path("plans/<plan:slug>/roll-over/", views.plan_roll_over_view, name="roll-over"),
    path("plans/<plan:slug>/activate/", views.plan_activate_view, name="activate"),
]
