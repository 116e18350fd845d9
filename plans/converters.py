"""The `<plan:slug>` path converter: a plan's slug, never one of the words other pages use after /plans/."""

import re

from django.urls import register_converter

# Pages at /plans/<word>/ that are not a plan; no plan may take one of these slugs.
RESERVED_PLAN_SLUGS = frozenset({"import"})


class PlanSlugConverter:
    regex = r"(?!(?:" + "|".join(map(re.escape, sorted(RESERVED_PLAN_SLUGS))) + r")(?![-a-zA-Z0-9_]))[-a-zA-Z0-9_]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PlanSlugConverter, "plan")
