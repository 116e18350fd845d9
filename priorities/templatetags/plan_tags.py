import functools
from dataclasses import dataclass

from django import template
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.safestring import mark_safe

from dscb.reversing import reverse_ids
from dscb.templaterows import TemplateRow
from priorities.models import Status

register = template.Library()


@dataclass(frozen=True, slots=True)
class CarriedLink(TemplateRow):
    """The action in last year's plan that a plan page's action was carried over from."""

    url: str
    code: str
    year_label: str


@dataclass(frozen=True, slots=True)
class PlanAction(TemplateRow):
    """Everything priorities/_plan_action.html shows of one action on the plan page, and nothing else: the item is
    drawn from this alone, so two equal PlanActions draw the same markup."""

    objective_id: int
    url: str
    code: str
    text: str
    status: Status
    last_reported: str | None  # the status last reported in an earlier period, shown beside No update
    carried: CarriedLink | None
    lead_names: str
    lead_officer: str
    supporting: tuple  # the supporting subgroups' names
    due: str


@dataclass(frozen=True, slots=True)
class PlanKPI(TemplateRow):
    """Everything priorities/_plan_kpi_row.html shows of one KPI on the plan page, and nothing else: the row is drawn
    from this alone, so two equal PlanKPIs draw the same markup."""

    url: str
    code: str
    name: str
    frequency: str
    kind: str
    owner: str
    target: str  # "" without a target
    has_target: bool
    with_period: bool  # whether the page shows a period (and so the value and rating columns)
    value: str  # the value in the period shown, as displayed; "" when none is entered
    rating: Status | None


@register.simple_tag
def address(name, *ids):
    """{% url name id ... %} for an address whose arguments are all integers, as a page with hundreds of rows links
    each: reversed once per name (dscb.reversing) rather than once per link."""
    return reverse_ids(name, *ids)


@register.simple_tag
def plan_actions(items):
    """An objective's actions on the plan page: priorities/_plan_action.html for each PlanAction."""
    return mark_safe("".join(plan_action_html(item) for item in items))  # noqa: S308 - rendered templates


@functools.lru_cache(maxsize=2048)
def plan_action_html(item):
    """One action's list item, drawn once per content and then reused while nothing it shows changes: the key is
    everything it shows, so any change draws it afresh. At 600 actions the template engine spent most of the plan
    page's time on these items. At most 2,048 are kept, three 600-action plans: a megabyte or two, as
    an action's text is a sentence or two."""
    return render_to_string("priorities/_plan_action.html", {"item": item})


@register.simple_tag
def plan_kpis(rows):
    """An objective's KPI table rows on the plan page: priorities/_plan_kpi_row.html for each PlanKPI."""
    return mark_safe("".join(plan_kpi_html(row) for row in rows))  # noqa: S308 - rendered templates


@functools.lru_cache(maxsize=2048)
def plan_kpi_html(row):
    """One KPI's table row, drawn once per content as plan_action_html: the template engine took about a fifth of
    the demo plan page's time for these rows. At most 2,048 are kept, a KPI's name and figures, well under a
    megabyte."""
    return render_to_string("priorities/_plan_kpi_row.html", {"row": row})


@receiver(file_changed, dispatch_uid="plan_tags_template_changed")
def _template_changed(sender, file_path, **kwargs):
    """Under runserver, an edited template is drawn afresh, as the template loaders' own cache is emptied."""
    plan_action_html.cache_clear()
    plan_kpi_html.cache_clear()
