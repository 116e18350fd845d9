"""The plan page shows, under an objective, the audit rounds that give evidence for it. Audits sit above priorities
and may not be imported here, so the links come through this slot: an app above registers a function
(objective ids, user → {objective id: [(label, address), ...]}) in its AppConfig.ready(), and the plan page asks it
once for the whole plan."""

AUDIT_LINK_FINDERS = []


def register_audit_link_finder(finder):
    if finder not in AUDIT_LINK_FINDERS:
        AUDIT_LINK_FINDERS.append(finder)
    return finder


def objective_audit_links(objective_ids, user):
    """{objective id: [(label, address), ...]}: the summaries of the audit rounds that give evidence for the
    objectives, as far as the user may open them; empty while nothing is registered or linked."""
    links = {}
    if not objective_ids:
        return links
    for finder in AUDIT_LINK_FINDERS:
        for objective_id, found in finder(objective_ids, user).items():
            links.setdefault(objective_id, []).extend(found)
    return links
