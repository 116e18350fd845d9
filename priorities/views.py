from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from dscb.prepared import PreparedQuery, id_fits
from dscb.redirects import next_url
from plans.access import plan_for_reader
from plans.models import BusinessPlan
from plans.services import PeriodClosed, period_writable
from plans.versioning import UpdateConflict
from subgroups.access import may_write_for
from subgroups.roles import is_audit_contact, is_board_manager

from .evidence import objective_audit_links
from .filters import ActionFilter
from .forms import ProgressUpdateForm, ReturnUpdateForm
from .history import action_history
from .models import (
    Action,
    Objective,
    ProgressUpdate,
    Status,
    action_subgroups_attach,
    plan_objectives,
    plan_subgroups_attach,
    status_path,
)
from .services import update_return, update_rules, update_save
from .templatetags.plan_tags import CarriedLink, PlanAction, PlanKPI


def _get_action_for_user(user, pk):
    """An action in a plan the user may read, else 404; with its `leads` and `supporting_subgroups`."""
    found = _readable_action.rows(is_board_manager(user), pk=pk) if user.is_authenticated and id_fits(pk) else []
    if not found:
        raise Http404("No Action matches the given query.")
    action = found[0]
    if action.carried_over_from_id:
        # Only an action carried over unfinished at year end has one: read apart when there is one, rather than
        # joining four more tables into every action's read (3 of the page's 5 ms for that read).
        action.carried_over_from = Action.objects.select_related("objective__priority__plan").get(
            pk=action.carried_over_from_id
        )
    return action_subgroups_attach(action)


@PreparedQuery
def _readable_action(manager, *, pk):
    """The action with this id if it is in a plan its reader may read (visible_to), with its plan and lead: every
    page of an action asks, so the query is built once per process for the manager and once for everyone else."""
    plans = BusinessPlan.objects.visible_to_signed_in(manager=manager)
    actions = Action.objects.filter(pk=pk, objective__priority__plan__in=plans)
    return actions.select_related("objective__priority__plan", "lead")


@require_safe
def plan_detail(request, slug):
    plan = plan_for_reader(request.user, slug, with_periods=True)
    periods = list(plan.periods.all())
    reporting = plan.reporting_period_from(periods)
    period = _chosen_period(request, periods) or reporting
    # The objectives (with their priorities) first, in plan order: the actions are picked by them and grouped
    # under them, so they bring only their leads and are sorted within each objective, with no joins up to the
    # plan to filter or sort by.
    objectives = plan_objectives(plan)
    objective_ids = [objective.pk for objective in objectives]
    filtering = any(request.GET.get(name) for name in ActionFilter.base_filters)
    actions = _objectives_actions(objective_ids).with_status(period) if filtering else Action.objects.none()
    action_filter = ActionFilter(request.GET, queryset=actions, plan=plan)
    if filtering and action_filter.is_valid():
        filtered = list(action_filter.qs)
    elif period is not None:
        # Unfiltered, as most people open the page: a query built once per process (dscb.prepared).
        filtered = _unfiltered_actions.rows(objective_ids=objective_ids, period_id=period.pk, plan_id=plan.pk)
    else:
        filtered = list(_objectives_actions(objective_ids).with_status(None))
    plan_subgroups_attach(filtered, plan, supporting=True, objective_ids=objective_ids)
    rows = [_plan_row(action) for action in filtered]
    structure = _plan_structure(
        objectives,
        rows,
        _plan_kpis(objectives, period),
        objective_audit_links(objective_ids, request.user),
        show_empty=not filtering,
    )
    counts = dict.fromkeys(Status, 0)
    for row in rows:
        counts[row.status] += 1
    return render(
        request,
        "priorities/plan_detail.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "reporting": reporting,
            "corrections": plan.periods_open_for_corrections(periods),
            "filter": action_filter,
            "filtering": filtering,
            "structure": structure,
            "action_count": len(rows),
            "status_counts": [(status, counts[status]) for status in Status if counts[status]],
            "statuses": list(Status),
            "is_manager": is_board_manager(request.user),
            # An audit contact is refused the annual report draft (it holds every audit round's results).
            "may_download_annual_report": not is_audit_contact(request.user),
        },
    )


def _objectives_actions(objective_ids):
    """The live actions of the objectives in plan order within each, with their leads and what they were carried
    over from: the plan page's list, before its status for the period shown is annotated (with_status)."""
    return (
        Action.objects.filter(objective_id__in=objective_ids, archived=False)
        .select_related("lead")
        .with_carried_over_from()
        .order_by("position", "pk")
    )


@PreparedQuery
def _unfiltered_actions(*, objective_ids, period_id, plan_id):
    return _objectives_actions(objective_ids).with_status_in(period_id, plan_id)


def _plan_row(action):
    """What the plan page shows of one action, worked out once here (plan_tags draws it)."""
    status = Status(action.status_value)
    carried = action.carried_over_from
    return PlanAction(
        objective_id=action.objective_id,
        url=action.get_absolute_url(),
        code=action.code,
        text=action.text,
        status=status,
        last_reported=(
            Status(action.status_before).label if status == Status.NO_UPDATE and action.status_before else None
        ),
        carried=(
            CarriedLink(carried.get_absolute_url(), carried.code, action.carried_over_plan.year_label)
            if carried
            else None
        ),
        lead_names=action.lead_names,
        lead_officer=action.lead_officer,
        supporting=tuple(subgroup.name for subgroup in action.supporting_subgroups),
        due=action.due,
    )


def _plan_kpis(objectives, period):
    """{objective id: [PlanKPI]}: the objectives' live KPIs in plan order as the plan page shows them, with their value
    in the period shown (when one is), from two queries built once per process (dscb.prepared). Read by the
    objectives' ids and grouped here rather than prefetched, which would build a related manager for every objective
    and KPI."""
    kpis = _live_kpis.rows(objective_ids=[objective.pk for objective in objectives])
    # Every value of the period is of this plan's KPIs (a period belongs to one plan); an archived KPI's is left.
    values = {value.kpi_id: value for value in _period_kpi_values.rows(period_id=period.pk)} if period else {}
    by_objective = {}
    for kpi in kpis:
        value = values.get(kpi.pk)
        if value is not None:
            value.kpi = kpi  # already read: spares a query (its display and RAG read the KPI)
        by_objective.setdefault(kpi.objective_id, []).append(
            PlanKPI(
                url=kpi.get_absolute_url(),
                code=kpi.code,
                name=kpi.name,
                frequency=kpi.frequency,
                kind=kpi.get_kind_display(),
                owner=kpi.owner.name,
                target=kpi.target_display,
                has_target=kpi.has_target,
                with_period=period is not None,
                value=(value.display or "") if value is not None else "",
                rating=value.rating if value is not None else None,
            )
        )
    return by_objective


def _kpi_model():
    """The KPI model, reached through the relation, as priorities sits below kpis."""
    return Objective._meta.get_field("kpis").related_model


@PreparedQuery
def _live_kpis(*, objective_ids):
    return (
        _kpi_model()
        .objects.filter(objective_id__in=objective_ids, archived=False)
        .select_related("owner")
        .order_by("position", "pk")
    )


@PreparedQuery
def _period_kpi_values(*, period_id):
    value_model = _kpi_model()._meta.get_field("values").related_model
    return value_model.objects.filter(period=period_id).order_by()


def _chosen_period(request, periods):
    """The period asked for with ?period=N, if the plan has it."""
    wanted = request.GET.get("period", "")
    return next((period for period in periods if str(period.number) == wanted), None)


def _plan_structure(objectives, actions, kpis, audit_links, show_empty):
    """Group actions under their objectives and priorities, in the order the plan reads."""
    by_objective = {}
    for action in actions:
        by_objective.setdefault(action.objective_id, []).append(action)
    priorities = []
    for objective in objectives:
        objective_actions = by_objective.get(objective.pk, [])
        if not objective_actions and not show_empty:
            continue
        if not priorities or priorities[-1]["priority"].pk != objective.priority_id:
            priorities.append({"priority": objective.priority, "objectives": []})
        priorities[-1]["objectives"].append(
            {
                "objective": objective,
                "actions": objective_actions,
                "kpis": kpis.get(objective.pk, []),
                "audit_links": audit_links.get(objective.pk, []),
            }
        )
    return priorities


@require_safe
def action_detail(request, pk):
    action = _get_action_for_user(request.user, pk)
    plan = action.objective.priority.plan
    periods = list(plan.periods.all())
    may_write = may_write_for(request.user, action.lead_ids)
    updates = {update.period_id: update for update in _updates_seen.rows(may_write, action_id=action.pk)}
    current = plan.reporting_period_from(periods)
    corrections = plan.periods_open_for_corrections(periods)
    shown = periods[: periods.index(current) + 1] if current else []
    rows = [
        {
            "period": period,
            "update": updates.get(period.pk),
            "status": status,
            "is_current": period == current,
            "for_corrections": period in corrections,
        }
        for period, status in zip(shown, status_path(shown, updates), strict=True)
    ]
    return render(
        request,
        "priorities/action_detail.html",
        {
            "action": action,
            "plan": plan,
            "rows": rows,
            "current": rows[-1] if rows else None,
            "periods": periods,
            "corrections": corrections,
            "kpis": _objective_kpis(action.objective),
            **action_history(action, drafts=may_write),
            "carried_into": _carried_into(request.user, action),
            "may_write": may_write,
            "is_manager": is_board_manager(request.user),
        },
    )


@PreparedQuery
def _updates_seen(drafts, *, action_id):
    """The action's progress updates with their authors and periods: with `drafts`, for its lead subgroups and the
    board business manager, also the drafts."""
    updates = ProgressUpdate.objects.filter(action=action_id)
    return (updates if drafts else updates.reported()).select_related("author", "period")


def _objective_kpis(objective):
    """The objective's KPIs still measured, with their owners, in plan order, each given the objective already read.

    An archived KPI is no longer measured: left out here as on the plan page and in the reports."""
    kpis = _kpis_of.rows(objective_id=objective.pk)
    for kpi in kpis:
        kpi.objective = objective
    return kpis


@PreparedQuery
def _kpis_of(*, objective_id):
    # The KPI model is reached through the relation, as priorities sits below kpis.
    kpi_model = Objective._meta.get_field("kpis").related_model
    kpis = kpi_model.objects.filter(objective=objective_id, archived=False)
    return kpis.select_related("owner").order_by("position", "pk")


def _carried_into(user, action):
    """The action in next year's plan that this one was carried over into, if the user may see it."""
    into = _carried_into_readable.rows(is_board_manager(user), action_id=action.pk) if user.is_authenticated else []
    return into[0] if into else None


@PreparedQuery
def _carried_into_readable(manager, *, action_id):
    plans = BusinessPlan.objects.visible_to_signed_in(manager=manager)
    into = Action.objects.filter(carried_over_from=action_id, objective__priority__plan__in=plans)
    # As first() would: the model's own order, the first row.
    return into.select_related("objective__priority__plan")[:1]


def _get_period_for_action(action, number):
    """The action's plan's reporting period number N, else 404."""
    return get_object_or_404(action.objective.priority.plan.periods, number=number)


def draft_key(user, action, period):
    """Where the browser keeps unsaved text: per person, so that a shared computer never hands it to another."""
    return f"dscb-draft-u{user.pk}-update-{action.pk}-{period.number}"


@require_http_methods(["GET", "HEAD", "POST"])
def update_edit(request, pk, number):
    """Record or revise the action's progress update for one reporting period."""
    action = _get_action_for_user(request.user, pk)
    if not may_write_for(request.user, action.lead_ids):
        raise PermissionDenied("Only members of the lead subgroup and the board business manager update this action.")
    period = _get_period_for_action(action, number)
    update = ProgressUpdate.objects.filter(action=action, period=period).select_related("author", "returned_by").first()
    rules = update_rules(action=action, period=period)
    writable = period_writable(period, request.user)
    context = {
        "action": action,
        "period": period,
        "update": update,
        "rules": rules,
        "writable": writable,
        "draft_key": draft_key(request.user, action, period),
        "next": next_url(request, ""),
    }
    if request.method == "POST":
        if not writable:
            return render(request, "priorities/update_form.html", context, status=403)
        submitting = "save_draft" not in request.POST
        form = ProgressUpdateForm(request.POST, rules=rules, submitting=submitting)
        if form.is_valid():
            try:
                saved = update_save(
                    action=action,
                    period=period,
                    user=request.user,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                    submit=submitting,
                )
            except UpdateConflict as conflict:
                data = request.POST.copy()
                data["version"] = conflict.current.version if conflict.current else 0
                context["form"] = ProgressUpdateForm(data, rules=rules, submitting=submitting)
                context["conflict"] = conflict.current
                return render(request, "priorities/update_form.html", context, status=409)
            except PeriodClosed:
                return render(request, "priorities/update_form.html", {**context, "writable": False}, status=403)
            except ValidationError as invalid:
                # The form checks the same rules; this is for the previous period changing in between.
                form.add_error(None, invalid)
                context["form"] = form
                return render(request, "priorities/update_form.html", context)
            verb = "submitted" if saved.state == ProgressUpdate.State.SUBMITTED else "saved as a draft"
            messages.success(request, f"Update for action {action.code} {verb}.", extra_tags=context["draft_key"])
            return redirect(next_url(request, action.get_absolute_url()))
        context["form"] = form
        return render(request, "priorities/update_form.html", context)
    initial = {"version": update.version if update else 0}
    if update:
        initial.update({field: getattr(update, field) for field in ProgressUpdateForm.Meta.fields})
    elif rules.previous and rules.previous.status == Status.COMPLETE:
        initial["status"] = Status.COMPLETE
    context["form"] = ProgressUpdateForm(initial=initial, rules=rules)
    return render(request, "priorities/update_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def update_return_view(request, pk, number):
    """The board business manager returns a submitted update to its subgroup with a reason."""
    action = _get_action_for_user(request.user, pk)
    if not is_board_manager(request.user):
        raise PermissionDenied("Only the board business manager returns updates.")
    period = _get_period_for_action(action, number)
    update = get_object_or_404(ProgressUpdate, action=action, period=period)
    context = {"action": action, "period": period, "update": update}
    if update.state != ProgressUpdate.State.SUBMITTED:
        if request.method != "POST":
            raise Http404("No submitted update to return.")
        # Returned by someone else, or made a draft again, since the page was read: say so, with nothing to send.
        return render(request, "priorities/update_return.html", {**context, "conflict": True}, status=409)
    if not period.is_open:
        # The subgroup could not revise it: say so, rather than offer a return that would leave it stuck.
        return render(request, "priorities/update_return.html", {**context, "closed": True}, status=409)
    form = ReturnUpdateForm(request.POST or None, initial={"version": update.version})
    if request.method == "POST" and form.is_valid():
        try:
            update_return(
                update=update,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except UpdateConflict as conflict:
            # Changed since the page was read: show it as it is now. Still submitted (the chair saved it again), it
            # may be returned from here, the reason kept; returned by someone else, or a draft again, it may not.
            current = conflict.current
            context.update(update=current, conflict=True)
            if current.state == ProgressUpdate.State.SUBMITTED:
                data = request.POST.copy()
                data["version"] = current.version
                context["form"] = ReturnUpdateForm(data)
            return render(request, "priorities/update_return.html", context, status=409)
        except PeriodClosed:
            return render(request, "priorities/update_return.html", {**context, "closed": True}, status=409)
        messages.success(request, f"Update for action {action.code} returned to {action.lead_names}.")
        return redirect(action)
    return render(request, "priorities/update_return.html", {**context, "form": form})
