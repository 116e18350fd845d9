"""Every app's pages. No two apps' patterns match the same address, so the order below does not matter
(tests/test_architecture.py reverses it and checks every page still reaches its own view)."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("plans.urls")),
    path("", include("priorities.urls")),
    path("", include("kpis.urls")),
    path("", include("meetings.urls")),
    path("", include("risks.urls")),
    path("", include("audits.urls")),
    path("", include("selfassessment.urls")),
    path("", include("progress.urls")),
    path("", include("planfile.urls")),
    path("", include("yearend.urls")),
    path("", include("reports.urls")),
    path("", include("annualreport.urls")),
    path("", include("assurance.urls")),
]

handler400 = "dscb.views.bad_request"
handler500 = "dscb.views.server_error"
