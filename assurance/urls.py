from django.urls import path

from . import views

app_name = "assurance"
urlpatterns = [
    path("assurance/", views.coverage, name="coverage"),
    path("assurance/frameworks/from-plan/", views.framework_from_plan, name="framework-from-plan"),
    path("assurance/requirements/<int:pk>/", views.requirement_detail, name="requirement-detail"),
    path("assurance/requirements/<int:pk>/evidence/<slug:kind>/", views.evidence_add, name="evidence-add"),
    path("assurance/requirements/<int:pk>/grade/", views.grade_edit, name="grade-edit"),
    path("assurance/requirements/<int:pk>/gap-action/", views.gap_action, name="gap-action"),
    path("assurance/evidence/<int:pk>/accept/", views.evidence_accept, name="evidence-accept"),
    path("assurance/evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("assurance/pack/", views.pack_page, name="pack"),
    path("assurance/pack.pdf", views.pack_pdf, name="pack-pdf"),
    path("assurance/pack.xlsx", views.pack_xlsx_download, name="pack-xlsx"),
]
