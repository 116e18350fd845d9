from django import template

from kpis.charts import sparkline_svg
from priorities.templatetags.status_tags import render_constant

register = template.Library()


@register.filter
def sparkline(row):
    """A KPI row's values so far as a small line chart, with its words as the label."""
    values = ", ".join(f"{period.label}: {value.display if value else 'no value'}" for period, value in row.series)
    return sparkline_svg(row.numbers, label=f"{row.kpi.code} values so far: {values}")


@register.filter
def in_period(row, number):
    """The action's reported update in period `number`, for the Board report's evidence."""
    return row.updates.get(number)


@register.simple_tag
def status_strip(path, plain=False):
    """An action's status in each period: reports/_status_strip.html (P1, P2 ... with their tags), or with
    `plain` reports/_status_strip_plain.html (the words alone, for the PDF). Rendered once per sequence of
    statuses (render_constant): 600 actions over six periods have a few hundred between them."""
    template_name = "reports/_status_strip_plain.html" if plain else "reports/_status_strip.html"
    return render_constant(template_name, "path", tuple(path))
