from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from dscb.redirects import next_url
from plans.models import BusinessPlan
from plans.services import PeriodClosed, period_writable
from plans.versioning import UpdateConflict
from subgroups.access import may_write_for
from subgroups.roles import is_board_manager

from .charts import TREND_NARROW_WIDTH, trend_svg
from .evidence import kpi_audit_links
from .forms import KPIValueForm
from .history import kpi_history
from .models import KPI, KPIValue
from .rag import rate, trend
from .services import computed_message, kpi_value_save


def _get_kpi_for_user(user, pk):
    """A KPI in a plan the user may read, else 404."""
    kpis = KPI.objects.filter(objective__priority__plan__in=BusinessPlan.objects.visible_to(user))
    return get_object_or_404(kpis.select_related("objective__priority__plan", "owner"), pk=pk)


CHARTED_KINDS = (KPI.Kind.PERCENTAGE, KPI.Kind.COUNT)


@require_safe
def kpi_detail(request, pk):
    """A KPI for every reader of its plan: what it measures, its target, each period's value with its RAG and who
    entered it, the trend, and the history. Queries: the KPI, the periods, the values, two of history, and the
    user's groups and subgroups (who may enter values), however many periods and values there are."""
    kpi = _get_kpi_for_user(request.user, pk)
    plan = kpi.objective.priority.plan
    periods = list(plan.periods.all())
    current = plan.reporting_period_from(periods)
    values = {value.period_id: value for value in kpi.values.select_related("entered_by")}
    may_write = not kpi.is_computed and may_write_for(request.user, [kpi.owner_id])
    rows, previous = [], None
    for period in periods:
        value = values.get(period.pk)
        if value is None and (current is None or period.number > current.number):
            continue  # a period still to come, with nothing in it
        if value is not None:
            value.kpi = kpi  # already fetched: spares a query per value
        number = value.value if value is not None else None
        rows.append(
            {
                "period": period,
                "value": value,
                "rating": value.rating if value is not None else None,
                "trend": trend(kpi, number, previous) if number is not None else None,
                "is_current": period == current,
                "writable": may_write and period_writable(period, request.user),
            }
        )
        previous = number
    chart = None
    if kpi.kind in CHARTED_KINDS and any(row["value"] is not None for row in rows):
        in_words = "; ".join(f"{row['period']}: {row['value'].display if row['value'] else 'no value'}" for row in rows)
        drawn = {
            "points": [(f"P{row['period'].number}", row["value"].value if row["value"] else None) for row in rows],
            "target": kpi.target,
            "percentage": kpi.kind == KPI.Kind.PERCENTAGE,
            "title": f"KPI {kpi.code}: value in each period",
            "description": (
                f"{in_words}."
                + (f" Target {kpi.target_display} ({kpi.get_direction_display().lower()})." if kpi.has_target else "")
            ),
        }
        # One for wide screens and one for a phone (its words at a size it can show); CSS shows one of them.
        chart = trend_svg(**drawn, css="app-chart--wide") + trend_svg(
            **drawn, css="app-chart--narrow", id_prefix="kpi-trend-narrow", width=TREND_NARROW_WIDTH
        )
    return render(
        request,
        "kpis/kpi_detail.html",
        {
            "kpi": kpi,
            "plan": plan,
            "current": current,
            "current_row": next((row for row in rows if row["is_current"]), None),
            "rows": rows,
            "chart": chart,
            "may_write": may_write,
            "audit_links": kpi_audit_links(kpi, request.user),
            **kpi_history(kpi, periods={period.pk: period for period in periods}),
            "is_manager": is_board_manager(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def value_edit(request, pk, number, *, saved_in_place=None):
    """Enter or correct a KPI's value for one reporting period.

    `saved_in_place`, for a page above this app that enters values in place with htmx (My work): called with
    (request, kpi, period) once a value is saved, it returns markup that follows the saved message, such as
    out-of-band swaps of that page's own counts.
    """
    kpi = _get_kpi_for_user(request.user, pk)
    if kpi.is_computed:
        return render(request, "kpis/value_computed.html", {"kpi": kpi, "message": computed_message(kpi)}, status=403)
    if not may_write_for(request.user, [kpi.owner_id]):
        raise PermissionDenied(
            "Only members of the subgroup that owns this KPI and the board business manager enter it."
        )
    period = get_object_or_404(kpi.objective.priority.plan.periods, number=number)
    values = {
        value.period.number: value
        for value in KPIValue.objects.filter(kpi=kpi, period__number__lte=number).select_related("period", "entered_by")
    }
    current, previous = values.get(number), values.get(number - 1)
    writable = period_writable(period, request.user)
    context = {
        "next": next_url(request, ""),
        "kpi": kpi,
        "period": period,
        "current": current,
        "previous": previous,
        "history": [values[n] for n in sorted(values)],
        "writable": writable,
        "rating": rate(kpi, current.value) if current else None,
        "trend": trend(kpi, current.value, previous.value) if current and previous else None,
    }
    if request.method == "POST":
        if not writable:
            return render(request, "kpis/value_form.html", context, status=403)
        form = KPIValueForm(request.POST, kpi=kpi, auto_id=_auto_id(request, kpi))
        if form.is_valid():
            try:
                kpi_value_save(
                    kpi=kpi,
                    period=period,
                    user=request.user,
                    values=form.values(),
                    expected_version=form.cleaned_data["version"],
                )
            except UpdateConflict as conflict:
                data = request.POST.copy()
                data["version"] = conflict.current.version if conflict.current else 0
                context.update(
                    form=KPIValueForm(data, kpi=kpi, auto_id=_auto_id(request, kpi)), conflict=conflict.current
                )
                # A conflict entered in place on My work answers the inline form (htmx swaps a 409: base.html).
                return render(request, _template(request), context, status=409)
            except PeriodClosed:
                return render(request, "kpis/value_form.html", {**context, "writable": False}, status=403)
            if request.htmx:
                saved = KPIValue.objects.select_related("kpi").get(kpi=kpi, period=period)
                also = saved_in_place(request, kpi, period) if saved_in_place else ""
                return render(
                    request,
                    "kpis/_value_saved.html",
                    {**context, "current": saved, "rating": rate(kpi, saved.value), "also": also},
                )
            messages.success(request, f"Value for KPI {kpi.code} saved.")
            return redirect(next_url(request, kpi.get_absolute_url()))
        context["form"] = form
        return render(request, _template(request), context)
    context["form"] = KPIValueForm(initial=KPIValueForm.initial_for(current), kpi=kpi, auto_id=_auto_id(request, kpi))
    return render(request, _template(request), context)


def _auto_id(request, kpi):
    """The form's ids: its own for each KPI when entered in place (htmx), as My work may have several forms open."""
    return f"id_kpi{kpi.pk}_%s" if request.htmx else "id_%s"


def _template(request):
    """The whole page, or for htmx on My work just the form, entered in place."""
    return "kpis/_value_form.html" if request.htmx else "kpis/value_form.html"
