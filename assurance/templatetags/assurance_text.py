"""The inspection map's text filter: `clip` cuts at a word boundary with an ellipsis (assurance.text)."""

from django import template

from assurance.text import clip as clip_text

register = template.Library()


@register.filter
def clip(text, limit):
    return clip_text(text, int(limit))
