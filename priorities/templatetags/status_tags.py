import functools

from django import template
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed

from priorities.models import Status

register = template.Library()


@register.simple_tag
def status_tag(status):
    """A status (or a KPI rating) as a tag, its word always beside its colour: includes/status_tag.html."""
    if not status:
        return ""
    return status_tag_html(status)


def status_tag_html(status):
    """The tag's markup: includes/status_tag.html, rendered once per status (render_constant)."""
    return render_constant("includes/status_tag.html", "status", status)


@register.simple_tag
def statuses():
    """Every status, in the order the status key lists them: `{% statuses as key %}`."""
    return list(Status)


@functools.lru_cache(maxsize=4096, typed=True)
def render_constant(template_name, name, value):
    """render_to_string(template_name, {name: value}), rendered once per value and then reused.

    For fragments whose output depends only on a constant: a status, or an action's statuses period by period.
    A 600-action report prints over 4,000 status tags of six kinds; rendering the template for each would cost
    more than the rest of the report. The markup stays in its template and autoescaping still escapes it.
    `value` must be hashable and never change (enum members, frozen dataclasses, tuples of them); `typed`,
    because a Status equals its value as a plain string, which renders differently.
    """
    return render_to_string(template_name, {name: value})


@receiver(file_changed, dispatch_uid="status_tags_template_changed")
def _template_changed(sender, file_path, **kwargs):
    """Under runserver, an edited template is rendered afresh, as the template loaders' own cache is emptied."""
    render_constant.cache_clear()
