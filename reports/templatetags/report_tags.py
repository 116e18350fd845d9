from html import escape

from django import template
from django.utils.safestring import mark_safe

from priorities.templatetags.status_tags import status_tag_html
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


def _update_fields(update):
    """(label, words) of an update as an action block prints them: the reason only where there is one."""
    return [
        *([("Reason", update.reason)] if update.reason else []),
        ("Progress", update.progress or "None recorded"),
        ("Impact on children and young people", update.impact or "None recorded"),
        ("Next steps", update.next_steps or "None recorded"),
    ]


@register.simple_tag
def action_blocks(rows, plain=False):
    """An objective's actions, each as action_block: one tag for them all spares the template a loop."""
    return mark_safe("".join(action_block(row, plain) for row in rows))  # noqa: S308 - each block escapes its text


def action_block(row, plain=False):
    """One action of the Safeguarding Executive report: its status, its status in each period, its update.

    Built here with the standard library's escaping rather than in a template: a report prints it for every
    action of the plan, and at 600 actions the template engine alone took longer than the page's time budget.
    Every piece of stored text goes through escape(); status words and classes are the code's own.
    """
    update = row.update
    if plain:
        return _plain_action_block(row)
    if update is not None:
        detail = (
            '<dl class="govuk-summary-list govuk-summary-list--no-border app-report-update">'
            + "".join(
                f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{label}</dt>'
                f'<dd class="govuk-summary-list__value app-prose">{escape(text)}</dd></div>'
                for label, text in _update_fields(update)
            )
            + "</dl>"
        )
    elif row.status.value == "complete":
        detail = '<p class="govuk-body-s">Complete in an earlier period.</p>'
    else:
        detail = '<p class="govuk-body-s">No update was recorded for this period.</p>'
    strip = " ".join(
        f'<span class="app-strip__item">P{n} {status_tag_html(status)}</span>' for n, status in enumerate(row.path, 1)
    )
    action = row.action
    return mark_safe(  # noqa: S308 - stored text is escaped above and below; the rest is fixed markup
        f'<div class="app-report-action"><h4 class="govuk-heading-s">{escape(action.code)} {escape(action.text)}</h4>'
        f'<p class="govuk-body-s">Lead: {escape(action.lead_with_officer)} · '
        f"This period: {status_tag_html(row.status)}</p>"
        f'<p class="govuk-body-s app-strip"><span class="app-strip__label">Each period:</span> {strip}</p>'
        f"{detail}</div>"
    )


@register.simple_tag
def exception_row(row):
    """One row of the Executive report's exceptions table, built like action_blocks: a report can have hundreds."""
    action, update = row.action, row.update
    reason = escape(update.reason) if update else f"No update from {escape(action.lead_names)}"
    return mark_safe(  # noqa: S308 - stored text is escaped; the rest is fixed markup
        f'<tr class="govuk-table__row"><td class="govuk-table__cell">{escape(action.code)} {escape(action.text)}</td>'
        f'<td class="govuk-table__cell">{escape(action.lead_with_officer)}</td>'
        f'<td class="govuk-table__cell">{status_tag_html(row.status)}</td>'
        f'<td class="govuk-table__cell">{reason}</td></tr>'
    )


@register.simple_tag
def kpi_row(row):
    """One row of the reports' KPI table, built like action_blocks: a large plan has over a hundred KPIs."""
    kpi, value = row.kpi, row.value
    rating = status_tag_html(row.rating) if row.rating else "Not rated"
    trend = row.trend
    trend = f'<span aria-hidden="true">{trend.arrow}</span> {trend.words}' if trend else "–"
    cells = [
        f"{escape(kpi.code)} {escape(kpi.name)}",
        escape(kpi.owner.name),
        escape(value.display) if value and value.display else "No value",
        escape(kpi.target_display) if kpi.target_display else "No target",
        rating,
        trend,
    ]
    return mark_safe(  # noqa: S308 - stored text is escaped; the rest is fixed markup or the chart's own SVG
        '<tr class="govuk-table__row">'
        + "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells)
        + f'<td class="govuk-table__cell app-sparkline">{sparkline(row)}</td></tr>'
    )


def _plain_action_block(row):
    """The same block with the fewest boxes, for the PDF: WeasyPrint's time grows with every box it lays out."""
    action, update = row.action, row.update
    path = ", ".join(f"P{n} {status.label}" for n, status in enumerate(row.path, 1))
    if update is not None:
        detail = "".join(
            f'<p class="app-prose"><b>{label}:</b> {escape(text)}</p>' for label, text in _update_fields(update)
        )
    elif row.status.value == "complete":
        detail = "<p>Complete in an earlier period.</p>"
    else:
        detail = "<p>No update was recorded for this period.</p>"
    return mark_safe(  # noqa: S308 - stored text is escaped; the rest is fixed markup
        f'<div class="app-report-action"><h4>{escape(action.code)} {escape(action.text)}</h4>'
        f"<p>Lead: {escape(action.lead_with_officer)} · This period: {status_tag_html(row.status)} · "
        f"Each period: {path}</p>"
        f"{detail}</div>"
    )
