from django.conf import settings

# Which item of the service navigation a page belongs to, by its URL namespace (or name, for the unnamespaced).
NAV_SECTIONS = {
    "reports:dashboard": "dashboard",
    "progress": "progress",
    "plans": "plans",
    "priorities": "plans",
    "meetings": "meetings",
    "risks": "risks",
    "audits": "audits",
    "selfassessment": "selfassessment",
    "assurance": "assurance",
    "login": "login",
}


def board(request):
    match = getattr(request, "resolver_match", None)
    section = ""
    if match is not None:
        section = NAV_SECTIONS.get(match.view_name) or NAV_SECTIONS.get(match.namespace, "")
    return {"board_name": settings.BOARD_NAME, "nav_section": section}
