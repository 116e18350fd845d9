from django.urls import path

from . import views
from .planfile import views as planfile_views

app_name = "plans"
urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/import/", planfile_views.plan_import_upload, name="import"),
    path("plans/import/preview/", planfile_views.plan_import_preview, name="import-preview"),
    path("plans/<slug:slug>/export.xlsx", planfile_views.plan_export, name="export"),
    path(
        "plans/<slug:slug>/export-with-progress.xlsx",
        planfile_views.plan_export,
        {"with_progress": True},
        name="export-with-progress",
    ),
    path("plans/<slug:slug>/roll-over/", views.plan_roll_over_view, name="roll-over"),
    path("plans/<slug:slug>/periods/", views.period_list, name="period-list"),
    *[
        path(
            f"plans/<slug:slug>/periods/<int:number>/{transition}/",
            views.period_transition,
            {"transition": transition},
            name=f"period-{transition}",
        )
        for transition in views.TRANSITIONS
    ],
]
