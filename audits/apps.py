from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Section 11 and Section 175 audits: a room of its own beside the risk register, as the rounds, returns and
    moderation are a cycle of their own that only feeds the plan's KPIs (3.3.K1, 3.3.K2)."""

    name = "audits"
    verbose_name = "Section 11 and Section 175 audits"
