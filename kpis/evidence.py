"""A KPI's page links the audit round it is computed from (3.3.K1 from Section 11 returns, 3.3.K2 from Section 175).
Audits sit above kpis and may not be imported here, so the links come through this slot: an app above registers a
function (KPI, user → [(label, address), ...]) in its AppConfig.ready(), and the KPI page asks it."""

AUDIT_LINK_FINDERS = []


def register_audit_link_finder(finder):
    if finder not in AUDIT_LINK_FINDERS:
        AUDIT_LINK_FINDERS.append(finder)
    return finder


def kpi_audit_links(kpi, user):
    """[(label, address), ...]: the summaries of the audit rounds the KPI is computed from, as far as the user may
    open them; empty while nothing is registered."""
    links = []
    for finder in AUDIT_LINK_FINDERS:
        links.extend(finder(kpi, user))
    return links
