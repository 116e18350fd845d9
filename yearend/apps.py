from django.apps import AppConfig


class YearendConfig(AppConfig):
    """The year's end: rolling a plan over into next year's, copying its priorities, objectives and KPIs and
    carrying its unfinished actions forward, then closing the old plan.

    It writes across the whole plan (priorities, actions, KPIs), so it sits above `kpis`.
    """

    name = "yearend"
    verbose_name = "Year end"
