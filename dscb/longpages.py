"""A page around a long piece of HTML drawn already: a report's body, over a megabyte for a 600-action plan."""

import secrets

from django.shortcuts import render
from django.utils.safestring import mark_safe


def render_around(request, template_name, context, name, html, status=200):
    """render(), with `html` (HTML drawn already) as context[name].

    Django's templates join each level's output into a new string, so HTML placed in a page several levels deep
    (its blocks, the base template's) was copied a dozen times over: 10 ms of a 600-action report page's 70 ms.
    Here the page is drawn around a short stand-in that no text on it can be, which is then replaced by the HTML's
    bytes: encoded and copied once."""
    stand_in = f"<!--{secrets.token_hex(16)}-->"
    response = render(request, template_name, {**context, name: mark_safe(stand_in)}, status=status)  # noqa: S308
    head, found, tail = response.content.partition(stand_in.encode())
    if found:
        response.content = b"".join((head, html.encode(response.charset), tail))
    return response
