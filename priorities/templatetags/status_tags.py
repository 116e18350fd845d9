from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def status_tag(status):
    """A status (or a KPI rating) as a tag: its word always beside its colour.

    A tag rather than the include it replaces: reports print one for every action in every period.
    """
    if not status:
        return ""
    return format_html('<strong class="govuk-tag app-status app-status--{}">{}</strong>', status.css, status.label)
