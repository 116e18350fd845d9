from django.urls import path

from plans import converters  # noqa: F401 - registers <plan:slug>

from . import views

app_name = "planfile"
urlpatterns = [
    path("plans/import/", views.plan_import_upload, name="import"),
    path("plans/import/preview/", views.plan_import_preview, name="import-preview"),
    path("plans/<plan:slug>/export.xlsx", views.plan_export, name="export"),
    path(
        "plans/<plan:slug>/export-with-progress.xlsx",
        views.plan_export,
        {"with_progress": True},
        name="export-with-progress",
    ),
]
