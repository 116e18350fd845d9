from django.apps import AppConfig


class PlanfileConfig(AppConfig):
    """The plan file: one spreadsheet layout (docs/plan-file.md) read and written for a whole plan, with the
    import preview in the browser, the exports, and the demo plan that is loaded through the same importer.

    It creates priorities, objectives, actions and KPIs, so it sits above `kpis`; nothing below imports it.
    """

    name = "planfile"
    verbose_name = "Plan file"
