from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kpis.models import KPI
from plans.models import BusinessPlan
from subgroups.models import Subgroup
from subgroups.roles import is_board_manager

from .access import may_record, meeting_for_reader, meeting_for_recorder, require_manager
from .agenda import issued_report_link
from .forms import AttendanceForm, MeetingForm, MeetingItemForm, RuleForm
from .models import Agency, Attendance, Meeting, MeetingItem
from .services import (
    MeetingChanged,
    agencies_absent_in_a_row,
    attendance_record,
    expected_seats,
    matters_arising,
    meeting_item_add,
    meeting_item_close,
    meeting_save,
    meetings_generate,
    quorum,
    rule_dates,
)


def _flags(agencies=None):
    """Agencies absent from three meetings of a body in a row: the bodies, the agencies (unless given) and the
    attendance rows, three queries at most."""
    bodies = {body.pk: body for body in Subgroup.objects.all()}
    agencies = agencies if agencies is not None else list(Agency.objects.all())
    return agencies_absent_in_a_row(bodies, {agency.pk: agency for agency in agencies})


@require_safe
def meeting_list(request):
    """Every body's meetings, upcoming then past, for everyone signed in; `?body=<slug>` shows one body's. The
    manager also sees the agencies absent three times in a row. Queries: the bodies, the meetings (and the
    user's groups, and for the manager the three of the flags), however many meetings there are."""
    bodies = list(Subgroup.objects.filter(is_active=True).exclude(kind=Subgroup.Kind.ROLE))
    chosen = next((body for body in bodies if body.slug == request.GET.get("body")), None)
    meetings = Meeting.objects.select_related("body").annotate(
        recorded=Count("attendances"), open_actions=Count("items", filter=Q(items__kind="action", items__status="open"))
    )
    if chosen is not None:
        meetings = meetings.filter(body=chosen)
    today = timezone.localdate()
    meetings = list(meetings)
    manager = is_board_manager(request.user)
    context = {
        "bodies": bodies,
        "chosen": chosen,
        "upcoming": [meeting for meeting in meetings if meeting.date >= today],
        "past": sorted((meeting for meeting in meetings if meeting.date < today), key=lambda m: m.date, reverse=True),
        "is_manager": manager,
        "flags": _flags() if manager else [],
    }
    return render(request, "meetings/meeting_list.html", context)


@require_safe
def meeting_detail(request, pk):
    meeting = meeting_for_reader(pk)
    attendances = list(meeting.attendances.select_related("seat__agency"))
    items = list(meeting.items.all())
    context = {
        "meeting": meeting,
        "attendances": attendances,
        "quorum": quorum(meeting, attendances) if attendances else None,
        "decisions": [item for item in items if item.kind == MeetingItem.Kind.DECISION],
        "actions": [item for item in items if item.kind == MeetingItem.Kind.ACTION],
        "arising": matters_arising(meeting),
        "may_record": may_record(request.user, meeting),
        "is_manager": is_board_manager(request.user),
        "item_form": MeetingItemForm(),
        "issued_report": issued_report_link(meeting),
        "counts": {status: sum(row.status == status for row in attendances) for status in Attendance.Status.values},
    }
    return render(request, "meetings/meeting_detail.html", context)


CHANGED_SINCE = (
    "Someone else saved this meeting since you opened the page. What you entered is below: check it against the "
    "meeting page, then save again to keep yours."
)


def _conflicted(form, current_version):
    """The form as it was sent, with the conflict said and the version moved on, so that saving again (knowingly)
    keeps what the person entered."""
    data = form.data.copy()
    data["version"] = current_version
    again = type(form)(data, **form.rebind_kwargs) if hasattr(form, "rebind_kwargs") else type(form)(data)
    again.is_valid()
    again.add_error(None, CHANGED_SINCE)
    return again


def _save_meeting_form(request, form, meeting=None):
    try:
        return meeting_save(user=request.user, meeting=meeting, **form.cleaned_data)
    except MeetingChanged as changed:
        form.conflicted = _conflicted(form, changed.current_version)
    except ValidationError as invalid:
        for field, errors in invalid.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_add(request):
    require_manager(request.user)
    form = MeetingForm(request.POST or None, initial={"status": Meeting.Status.SCHEDULED})
    if request.method == "POST" and form.is_valid():
        meeting = _save_meeting_form(request, form)
        if meeting is not None:
            messages.success(request, f"Meeting of {meeting.body} on {meeting.date:%-d %B %Y} added.")
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request, pk):
    require_manager(request.user)
    meeting = meeting_for_reader(pk)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid() and _save_meeting_form(request, form, meeting) is not None:
        messages.success(request, "Meeting saved.")
        return redirect(meeting)
    form = getattr(form, "conflicted", form)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_generate(request):
    """The manager previews a body's meetings from a rule, then adds them (each can be changed after)."""
    require_manager(request.user)
    form = RuleForm(request.POST or None)
    dates = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dates = rule_dates(
            weekday_index=data["weekday_index"],
            nth=data["nth"],
            every_months=data["every_months"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        if "confirm" in request.POST:
            added = meetings_generate(
                user=request.user,
                body=data["body"],
                dates=dates,
                starts_at=data["starts_at"],
                place=data["place"],
                is_online=data["is_online"],
            )
            messages.success(request, f"{len(added)} meetings of {data['body']} added.")
            return redirect(f"{reverse('meetings:meeting-list')}?body={data['body'].slug}")
        taken = set(Meeting.objects.filter(body=data["body"], date__in=dates).values_list("date", flat=True))
        dates = [(day, day in taken) for day in dates]
    return render(request, "meetings/meeting_generate.html", {"form": form, "dates": dates})


@require_http_methods(["GET", "HEAD", "POST"])
def attendance_edit(request, pk):
    """The manager or the body's chair records who came: every expected seat, present unless changed."""
    meeting = meeting_for_recorder(request.user, pk)
    seats = expected_seats(meeting)
    if request.method == "POST":
        form = AttendanceForm(request.POST, seats=seats)
        if form.is_valid():
            try:
                attendance_record(
                    meeting=meeting,
                    user=request.user,
                    rows=form.rows(),
                    in_attendance=form.cleaned_data["in_attendance"],
                    expected_version=form.cleaned_data["version"],
                )
            except MeetingChanged as changed:
                form = _conflicted(form, changed.current_version)
            else:
                messages.success(
                    request, f"Attendance at the meeting of {meeting.body} on {meeting.date:%-d %B %Y} saved."
                )
                return redirect(meeting)
    else:
        form = AttendanceForm(initial=AttendanceForm.initial_for(meeting, meeting.attendances.all()), seats=seats)
    return render(request, "meetings/attendance_form.html", {"meeting": meeting, "form": form})


@require_POST
def item_add(request, pk):
    meeting = meeting_for_recorder(request.user, pk)
    form = MeetingItemForm(request.POST)
    if form.is_valid():
        meeting_item_add(meeting=meeting, user=request.user, **form.cleaned_data)
        messages.success(request, f"{form.cleaned_data['kind'].capitalize()} added.")
        return redirect(meeting)
    return render(request, "meetings/item_form.html", {"meeting": meeting, "item_form": form})


@require_POST
def item_close(request, pk, item_pk):
    meeting = meeting_for_recorder(request.user, pk)
    item = get_object_or_404(
        MeetingItem.objects.filter(meeting__body_id=meeting.body_id, kind=MeetingItem.Kind.ACTION), pk=item_pk
    )
    meeting_item_close(item=item, user=request.user)
    messages.success(request, "Action marked done.")
    return redirect(meeting)


@require_safe
def agency_list(request):
    """The agencies, and attendance by agency and by body over the meetings held in a period of the active plan
    (`?period=<n>`, the reporting period unless given), with the agencies absent three times in a row."""
    plan = BusinessPlan.objects.active().first()
    periods = list(plan.periods.all()) if plan else []
    period = None
    if periods:
        asked = request.GET.get("period", "")
        period = next((p for p in periods if str(p.number) == asked), None) or plan.reporting_period_from(periods)
    agencies = list(Agency.objects.all())
    by_agency, by_body, totals = {}, {}, [0, 0]
    if period is not None:
        rows = Attendance.objects.filter(
            meeting__status=Meeting.Status.HELD,
            meeting__date__gte=period.starts_on,
            meeting__date__lte=period.ends_on,
        ).values_list("seat__agency_id", "meeting__body__name", "status")
        for agency_id, body_name, status in rows:
            represented = status in Attendance.REPRESENTED
            for table, key in ((by_agency, agency_id), (by_body, body_name)):
                figures = table.setdefault(key, [0, 0])
                figures[0] += represented
                figures[1] += 1
            totals[0] += represented
            totals[1] += 1
    # An archived KPI is no longer measured and is shown nowhere else, so it is not named here either.
    computed = (
        list(KPI.objects.filter(value_source=KPI.Source.ATTENDANCE, objective__priority__plan=plan, archived=False))
        if plan
        else []
    )
    context = {
        "plan": plan,
        "periods": periods,
        "period": period,
        "agencies": [(agency, _figures(by_agency.get(agency.pk))) for agency in agencies],
        "bodies": [(name, _figures(figures)) for name, figures in sorted(by_body.items())],
        "total": _figures(totals if totals[1] else None),
        "flags": _flags(agencies),
        "computed": computed,
    }
    return render(request, "meetings/agency_list.html", context)


def _figures(pair):
    if not pair:
        return None
    represented, expected = pair
    return {"represented": represented, "expected": expected, "percent": round(100 * represented / expected)}
