from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    """Inspection requirements mapped to evidence: a room of its own because it reads every register below it (the
    plan, KPIs, meetings, risks, audits and issued reports) to show the board's assurance as at a date."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "assurance"
    verbose_name = "Inspection assurance"

    def ready(self):
        from . import signals  # noqa: F401 (connects the demo's receiver)
