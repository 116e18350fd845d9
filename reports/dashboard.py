"""The dashboard at the site root: the active plan's progress this period at a glance, for every signed-in user."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kpis.charts import sparkline_svg
from kpis.models import KPI
from plans.access import active_plan_with_periods
from progress.selectors import subgroup_work
from risks.summary import register_counts

from .charts import status_bars_svg
from .data import EXCEPTIONS, STATUS_ORDER, plan_progress

CHARTED_KINDS = (KPI.Kind.PERCENTAGE, KPI.Kind.COUNT)


def _in_words(counts):
    """'3 Red, 2 Amber and 20 Green': the statuses that have actions, in report order."""
    parts = [f"{count} {status.label}" for status, count, _ in counts.rows() if count]
    if not parts:
        return "no actions"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _status_groups(progress):
    """(label, priority title, Counts) for each priority, then the whole plan."""
    groups = [
        (f"Priority {item['priority'].ref}", item["priority"].title, item["counts"]) for item in progress.priorities
    ]
    return [*groups, ("Overall", "", progress.counts)]


def _kpi_items(progress):
    """Each KPI's row with its last value before this period (when this period has none) and its sparkline."""
    items = []
    for row in progress.kpis:
        earlier = [(period, value) for period, value in row.series[:-1] if value is not None and value.display]
        sparkline = None
        if row.kpi.kind in CHARTED_KINDS:
            values = ", ".join(
                f"period {period.number}: {value.display if value is not None and value.display else 'no value'}"
                for period, value in row.series
            )
            sparkline = sparkline_svg(row.numbers, label=f"Values of {row.kpi.code} so far. {values}.")
        items.append({"row": row, "earlier": earlier[-1] if earlier else None, "sparkline": sparkline})
    return items


def _subgroups_in(progress):
    """The subgroups that lead an action (alone or jointly) or own a KPI in the plan, from rows already fetched."""
    subgroups = {}
    for row in progress.actions:
        for subgroup in row.action.leads:
            subgroups[subgroup.pk] = subgroup
    for row in progress.kpis:
        subgroups[row.kpi.owner_id] = row.kpi.owner
    return list(subgroups.values())


@require_safe
def dashboard(request):
    """For the active plan and its reporting period: status counts, exceptions, KPIs, the next deadline, updates in."""
    # The periods come with the plan, so plan_progress reads them from the prefetch rather than asking again.
    plan = active_plan_with_periods()
    if plan is None:
        return render(request, "reports/dashboard.html", {"plan": None})
    periods = list(plan.periods.all())
    period = plan.reporting_period_from(periods)
    if period is None:
        return render(request, "reports/dashboard.html", {"plan": plan, "period": None, "periods": periods})

    # With this period's drafts: an action completed earlier but reopened in a draft is not "in".
    progress = plan_progress(plan, period, drafts=True)
    groups = _status_groups(progress)
    chart_options = {
        "title": f"Actions by status for each priority, {period}",
        "description": (
            f"One bar for each priority and one for the whole plan, divided by status. Overall, of "
            f"{progress.counts.total} actions: {_in_words(progress.counts)}. "
            "The table below gives every figure."
        ),
    }
    # Both layouts go in the page; the stylesheet shows the narrow one (labels above the bars) on a phone.
    bars = [(label, counts) for label, _, counts in groups]
    chart = status_bars_svg(bars, id_prefix="status-chart", **chart_options) + status_bars_svg(
        bars, id_prefix="status-chart-narrow", layout="narrow", **chart_options
    )
    today = timezone.localdate()
    # The next deadline is the reporting period's: an earlier period open for corrections sets none.
    deadline_period = period if period.is_open else None
    return render(
        request,
        "reports/dashboard.html",
        {
            "plan": plan,
            "period": period,
            "progress": progress,
            "chart": chart,
            "status_groups": groups,
            "status_order": STATUS_ORDER,
            "exceptions": [
                (status, [row for row in progress.exceptions if row.status == status]) for status in EXCEPTIONS
            ],
            "kpis": _kpi_items(progress),
            "work": [
                item for item in subgroup_work(progress.actions, progress.kpis, _subgroups_in(progress)) if item.total
            ],
            "deadline_period": deadline_period,
            "days_left": deadline_period.days_left(today) if deadline_period else None,
            "risks": register_counts(today),
            "today": today,
        },
    )
