from django.urls import path

from . import (
    converters,  # noqa: F401 - registers <plan:slug>
    views,
)

app_name = "plans"
urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/<plan:slug>/periods/", views.period_list, name="period-list"),
    path("plans/<plan:slug>/periods/<int:number>/dates/", views.period_edit, name="period-edit"),
    path("plans/<plan:slug>/periods/<int:number>/meeting/", views.period_meeting, name="period-meeting"),
    *[
        path(
            f"plans/<plan:slug>/periods/<int:number>/{transition}/",
            views.period_transition,
            {"transition": transition},
            name=f"period-{transition}",
        )
        for transition in views.TRANSITIONS
    ],
]
