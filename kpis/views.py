from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from dscb.redirects import next_url
from plans.models import BusinessPlan
from plans.services import PeriodClosed, period_writable
from plans.versioning import UpdateConflict
from subgroups.access import may_write_for

from .forms import KPIValueForm
from .models import KPI, KPIValue
from .rag import rate, trend
from .services import kpi_value_save


def _get_kpi_for_user(user, pk):
    """A KPI in a plan the user may read, else 404."""
    kpis = KPI.objects.filter(objective__priority__plan__in=BusinessPlan.objects.visible_to(user))
    return get_object_or_404(kpis.select_related("objective__priority__plan", "owner"), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def value_edit(request, pk, number):
    """Enter or correct a KPI's value for one reporting period."""
    kpi = _get_kpi_for_user(request.user, pk)
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
        form = KPIValueForm(request.POST, kpi=kpi)
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
                context.update(form=KPIValueForm(data, kpi=kpi), conflict=conflict.current)
                # A conflict entered in place on My work answers the inline form (htmx swaps a 409: base.html).
                return render(request, _template(request), context, status=409)
            except PeriodClosed:
                return render(request, "kpis/value_form.html", {**context, "writable": False}, status=403)
            if request.htmx:
                saved = KPIValue.objects.select_related("kpi").get(kpi=kpi, period=period)
                return render(
                    request, "kpis/_value_saved.html", {**context, "current": saved, "rating": rate(kpi, saved.value)}
                )
            messages.success(request, f"Value for KPI {kpi.code} saved.")
            return redirect(next_url(request, kpi.get_absolute_url()))
        context["form"] = form
        return render(request, _template(request), context)
    context["form"] = KPIValueForm(initial=KPIValueForm.initial_for(current), kpi=kpi)
    return render(request, _template(request), context)


def _template(request):
    """The whole page, or for htmx on My work just the form, entered in place."""
    return "kpis/_value_form.html" if request.htmx else "kpis/value_form.html"
