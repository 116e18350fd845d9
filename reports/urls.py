from django.urls import path

from plans import converters  # noqa: F401 - registers <plan:slug>

from . import dashboard, views

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("plans/<plan:slug>/reports/", views.report_list, name="report-list"),
    path(
        "plans/<plan:slug>/periods/<int:number>/executive-report/",
        views.executive_report,
        {"fmt": "html"},
        name="executive-report",
    ),
    path(
        "plans/<plan:slug>/periods/<int:number>/executive-report.pdf",
        views.executive_report,
        {"fmt": "pdf"},
        name="executive-report-pdf",
    ),
    path(
        "plans/<plan:slug>/periods/<int:number>/executive-report.xlsx",
        views.executive_report,
        {"fmt": "xlsx"},
        name="executive-report-xlsx",
    ),
    path("plans/<plan:slug>/board-report/", views.board_report, {"fmt": "html"}, name="board-report"),
    path("plans/<plan:slug>/board-report.pdf", views.board_report, {"fmt": "pdf"}, name="board-report-pdf"),
    path("plans/<plan:slug>/board-report.xlsx", views.board_report, {"fmt": "xlsx"}, name="board-report-xlsx"),
    path("plans/<plan:slug>/reports/issue/", views.report_issue_view, name="report-issue"),
    path("reports/<int:pk>/", views.issued_report, {"fmt": "html"}, name="issued"),
    path("reports/<int:pk>.pdf", views.issued_report, {"fmt": "pdf"}, name="issued-pdf"),
    path("reports/<int:pk>.xlsx", views.issued_report, {"fmt": "xlsx"}, name="issued-xlsx"),
    path("reports/<int:pk>/pdf/draw-again/", views.issued_pdf_redraw, name="issued-pdf-redraw"),
]
