from django.urls import path

from plans import converters  # noqa: F401 - registers <plan:slug>

from . import views

app_name = "annualreport"
urlpatterns = [
    path("plans/<plan:slug>/annual-report.docx", views.annual_report, name="annual-report"),
]
