from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def status_tag(status):
    """A status (or a KPI rating) as a tag: its word always beside its colour.

    A tag rather than the include it replaces: reports print one for every action in every period.
    """
    if not status:
        return ""
    return mark_safe(status_tag_html(status))  # noqa: S308 - escaped in status_tag_html


def status_tag_html(status):
    """The tag's markup, escaped, for the report blocks that build their HTML in Python (reports.templatetags)."""
    return f'<strong class="govuk-tag app-status app-status--{escape(status.css)}">{escape(status.label)}</strong>'
