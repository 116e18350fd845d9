"""Long pieces of HTML drawn already, in a page: a report's body, over a megabyte for a 600-action plan, and the
action blocks within it."""

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


# Where a template tag finds the Splice a template is drawn with, in its context.
SPLICE = "splice"


class Splice:
    """Long runs of HTML drawn already (a report's hundreds of action blocks), put into a template's output once it is
    drawn rather than while it is.

    A template tag that would return such a run returns stand_in(pieces) instead: a short stand-in that no text on
    the page can be (user text is escaped, so it never holds a comment's opening). join(drawn) then replaces each
    stand-in in the template's output by its pieces, joining the whole once. Returned through the template, each run
    was copied again at every level it sat in (a loop's output, the loop around it, the page) and again to be marked
    safe: for a 600-action report, 1.5 million characters copied about a dozen times."""

    def __init__(self):
        self._opening = f"<!--{secrets.token_hex(16)}:"
        self._runs = []

    def stand_in(self, pieces):
        """The stand-in for `pieces` (HTML strings, to be joined in order), marked safe for the template."""
        self._runs.append(pieces)
        return mark_safe(f"{self._opening}{len(self._runs) - 1}-->")  # noqa: S308 - a stand-in of our own

    def join(self, drawn):
        """`drawn` (the template's output) with each stand-in replaced by its pieces: one string."""
        parts = drawn.split(self._opening)
        out = [parts[0]]
        for part in parts[1:]:
            number, _, rest = part.partition("-->")
            out += self._runs[int(number)]
            out.append(rest)
        return "".join(out)
