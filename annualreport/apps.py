from django.apps import AppConfig


class AnnualReportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annualreport"
    verbose_name = "Annual report draft"
