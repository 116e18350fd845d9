from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Section 11 and Section 175 audits: a room of its own beside the risk register, as the rounds, returns and
    moderation are a cycle of their own that only feeds the plan's KPIs (3.3.K1, 3.3.K2)."""

    name = "audits"
    verbose_name = "Section 11 and Section 175 audits"

    def ready(self):
        from kpis.evidence import register_audit_link_finder as register_for_kpis
        from priorities.evidence import register_audit_link_finder as register_for_objectives

        from .evidence import kpi_audit_links, objective_audit_links

        register_for_objectives(objective_audit_links)
        register_for_kpis(kpi_audit_links)
