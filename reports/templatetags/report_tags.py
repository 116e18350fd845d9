from django import template

from reports.charts import sparkline_svg

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
