from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Progress as the board reads it: one read model for an action's status and a KPI's value in a period,
    and the My work page, where chairs see what is due from their subgroups and record it.

    It reads actions and their updates (priorities) beside KPIs and their values (kpis), so it sits above
    both; the dashboard, the reports and the plan file read progress through it.
    """

    name = "progress"
    verbose_name = "Progress"
