from django.apps import AppConfig


class WorkConfig(AppConfig):
    """My work: what is due from a person's subgroups this period.

    It reads actions and progress (priorities) beside KPIs and their values (kpis), so it sits above both
    rather than inside either.
    """

    name = "work"
    verbose_name = "My work"
