from django.apps import AppConfig
from django.db.models import Q


class AuditsConfig(AppConfig):
    """Section 11 and Section 175 audits: a room of its own beside the risk register, as the rounds, returns and
    moderation are a cycle of their own that only feeds the plan's KPIs (3.3.K1, 3.3.K2)."""

    name = "audits"
    verbose_name = "Section 11 and Section 175 audits"

    def ready(self):
        from kpis.evidence import register_audit_link_finder as register_for_kpis
        from priorities.evidence import register_audit_link_finder as register_for_objectives
        from subgroups.roles import AUDIT_CONTACT_PART, register_part

        from .evidence import kpi_audit_links, objective_audit_links
        from .models import Return

        register_for_objectives(objective_audit_links)
        register_for_kpis(kpi_audit_links)
        # The contact or substitute of a return: not one of the board's people for that alone.
        register_part(
            AUDIT_CONTACT_PART,
            lambda user: Return.objects.filter(Q(contact=user) | Q(substitute=user)),
            of_the_board=False,
        )
