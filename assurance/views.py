"""The inspection map's pages: the coverage of every requirement, a requirement with its evidence and the forms
that change it (the board business manager's), and the pack in HTML, PDF and Excel as at a date."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services
from .access import may_edit, require_editor, require_reader
from .forms import EvidenceForm, GapActionForm, GradeForm
from .models import KIND_PHRASES, Evidence, Requirement, SelfGrade
from .pack import DATE, pack_context, pack_title, pack_xlsx, pdf_document
from .selectors import as_at_chosen, coverage_map, current_plan, default_as_at, requirement_page
from .services import GradeChanged
from .tasks import kept_pack, pack_pdf_enqueue

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREPARING_REFRESH_SECONDS = 5
FORM_PAGE = require_http_methods(["GET", "HEAD", "POST"])
CHANGED_SINCE = (
    "Someone else saved this self-grade since you opened the form. What you entered is below: check it against "
    "the requirement page, then save again to keep yours."
)


def _as_at(request, plan):
    """(the as-at date, its QueryDate for the date boxes): a bad date is said, and the default used."""
    chosen = as_at_chosen(request.GET, plan)
    if chosen.error:
        default = default_as_at(plan)
        chosen.error = f"{chosen.error}. Shown as at {date_format(default, DATE)} instead."
        return default, chosen
    chosen.show(chosen.date)
    return chosen.date, chosen


def _download_as_at(request):
    """(as-at date, None) for a download, or (None, a 400 page saying what is wrong with the date): a file is not
    silently drawn for another date than the one asked for."""
    plan = current_plan()
    chosen = as_at_chosen(request.GET, plan)
    if not chosen.error:
        return chosen.date, None
    default = default_as_at(plan)
    context = {
        "chosen": chosen,
        "pack_url": f"{reverse('assurance:pack')}?{urlencode({'as_at': default.isoformat()})}",
        "default": default,
    }
    return None, render(request, "assurance/pack_bad_date.html", context, status=400)


@require_safe
def coverage(request):
    """Every framework's requirements with their evidence count, newest date, gap flag and self-grade. Queries:
    the reader's roles, the current plan, the frameworks, the requirements and grades, the mappings, the evidence."""
    require_reader(request.user)
    plan = current_plan()
    as_at, chosen = _as_at(request, plan)
    frameworks = coverage_map(as_at)
    offer = None
    made_already = plan is not None and any(framework.framework.plan_id == plan.pk for framework in frameworks)
    if may_edit(request.user) and plan is not None and plan.ofsted_requirement_list and not made_already:
        offer = plan
    context = {
        "frameworks": frameworks,
        "as_at": as_at,
        "chosen": chosen,
        "plan": plan,
        "offer": offer,
        "may_edit": may_edit(request.user),
        "query": urlencode({"as_at": as_at.isoformat()}),
        "stale_months": settings.ASSURANCE_STALE_MONTHS,
    }
    return render(request, "assurance/coverage.html", context)


@require_POST
def framework_from_plan(request):
    require_editor(request.user)
    plan = current_plan()
    if plan is None:
        raise Http404("No plan is in use.")
    try:
        framework, made = services.framework_from_plan(plan=plan, user=request.user)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return redirect("assurance:coverage")
    if made:
        messages.success(request, f"Made the framework {framework.name} from the plan's Ofsted requirements.")
    return redirect("assurance:coverage")


def _requirement_or_404(pk):
    return get_object_or_404(Requirement.objects.select_related("framework"), pk=pk)


@require_safe
def requirement_detail(request, pk):
    """A requirement, its coverage, grade and evidence (its own and carried from earlier frameworks). Queries: the
    reader's roles, the current plan, the requirement, the mappings, the evidence."""
    require_reader(request.user)
    plan = current_plan()
    as_at, chosen = _as_at(request, plan)
    try:
        requirement, covered, grade, lines, more = requirement_page(pk, as_at)
    except Requirement.DoesNotExist:
        raise Http404("No such requirement.") from None
    context = {
        "requirement": requirement,
        "coverage": covered,
        "grade": grade,
        "lines": lines,
        "more": more,
        "as_at": as_at,
        "chosen": chosen,
        "may_edit": may_edit(request.user),
        "kinds": Evidence.Kind.choices,
        "stale_months": settings.ASSURANCE_STALE_MONTHS,
    }
    return render(request, "assurance/requirement_detail.html", context)


def _form_errors(form, invalid):
    if hasattr(invalid, "error_dict"):
        for name, errors in invalid.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in invalid.messages:
            form.add_error(None, error)


@FORM_PAGE
def evidence_add(request, pk, kind):
    require_editor(request.user)
    requirement = _requirement_or_404(pk)
    if kind not in Evidence.Kind.values:
        raise Http404("No such kind of evidence.")
    form = EvidenceForm(request.POST if request.method == "POST" else None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_add(
                requirement=requirement,
                user=request.user,
                kind=kind,
                source=data.get("found"),
                note=data.get("note", ""),
                document_title=data.get("document_title", ""),
                document_url=data.get("document_url", ""),
                document_owner=data.get("document_owner", ""),
                document_date=data.get("document_date"),
            )
        except ValidationError as invalid:
            _form_errors(form, invalid)
        else:
            messages.success(request, "Linked the evidence. It counts once it is accepted.")
            return redirect(requirement)
    context = {
        "requirement": requirement,
        "form": form,
        "kind_label": Evidence.Kind(kind).label,
        "kind_phrase": KIND_PHRASES[kind][0],
    }
    return render(request, "assurance/evidence_form.html", context)


def _evidence_or_404(pk):
    return get_object_or_404(Evidence.objects.select_related("requirement"), pk=pk)


@require_POST
def evidence_accept(request, pk):
    require_editor(request.user)
    evidence = _evidence_or_404(pk)
    services.evidence_accept(evidence=evidence, user=request.user)
    messages.success(request, "Accepted the evidence.")
    return redirect(evidence.requirement)


@require_POST
def evidence_remove(request, pk):
    require_editor(request.user)
    evidence = _evidence_or_404(pk)
    services.evidence_remove(evidence=evidence, user=request.user)
    messages.success(request, "Removed the evidence.")
    return redirect(evidence.requirement)


@FORM_PAGE
def grade_edit(request, pk):
    """The self-grade and the gaps; a form opened before someone else saved them comes back with what was typed."""
    require_editor(request.user)
    requirement = _requirement_or_404(pk)
    grade = SelfGrade.objects.filter(requirement=requirement).first()
    if request.method == "POST":
        form = GradeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.self_grade_save(
                    requirement=requirement,
                    user=request.user,
                    grade=data["grade"],
                    gaps=data["gaps"],
                    expected_version=data["version"] if data["version"] is not None else 0,
                )
            except GradeChanged as changed:
                fresh = request.POST.copy()
                fresh["version"] = changed.current_version
                form = GradeForm(fresh)
                form.is_valid()
                form.add_error(None, CHANGED_SINCE)
            except ValidationError as invalid:
                _form_errors(form, invalid)
            else:
                messages.success(request, "Saved the self-grade.")
                return redirect(requirement)
    else:
        initial = {"grade": grade.grade, "gaps": grade.gaps, "version": grade.version} if grade else {"version": 0}
        form = GradeForm(initial=initial)
    return render(request, "assurance/grade_form.html", {"requirement": requirement, "form": form})


@FORM_PAGE
def gap_action(request, pk):
    """Make the requirement's gap a plan action under an objective of the current plan, linked as evidence."""
    require_editor(request.user)
    requirement = _requirement_or_404(pk)
    plan = current_plan()
    plan = plan if plan is not None and not plan.is_closed else None
    grade = SelfGrade.objects.filter(requirement=requirement).first()
    initial = {"text": grade.gaps if grade and grade.gaps else ""}
    form = GapActionForm(request.POST if request.method == "POST" else None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action, _ = services.gap_action_create(
                requirement=requirement,
                objective=data["objective"],
                lead=data["lead"],
                text=data["text"],
                user=request.user,
            )
        except ValidationError as invalid:
            _form_errors(form, invalid)
        else:
            messages.success(
                request, f"Made action {action.code} and linked it to the requirement as proposed evidence."
            )
            return redirect(requirement)
    return render(request, "assurance/gap_action_form.html", {"requirement": requirement, "form": form, "plan": plan})


@require_safe
def pack_page(request):
    """The pack as a printable A4 page."""
    require_reader(request.user)
    plan = current_plan()
    as_at, chosen = _as_at(request, plan)
    context = pack_context(as_at)
    context |= {"chosen": chosen, "query": urlencode({"as_at": as_at.isoformat()})}
    return render(request, "assurance/pack.html", context)


@require_safe
def pack_xlsx_download(request):
    require_reader(request.user)
    as_at, refused = _download_as_at(request)
    if refused is not None:
        return refused
    response = HttpResponse(pack_xlsx(as_at, request.build_absolute_uri), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="inspection-pack-{as_at:%Y-%m-%d}.xlsx"'
    return response


@require_safe
def pack_pdf(request):
    """The pack's PDF if it is kept for what the pack shows now; else it is asked of the worker and a page says it
    is being prepared (and reloads itself). No request draws a PDF."""
    require_reader(request.user)
    as_at, refused = _download_as_at(request)
    if refused is not None:
        return refused
    _, _, fingerprint = pdf_document(as_at)
    kept = kept_pack(as_at, fingerprint)
    if kept is None:
        asked = pack_pdf_enqueue(as_at=as_at)
        if asked is not None and asked.is_finished:  # drawn already, by a backend that runs tasks at once
            kept = kept_pack(as_at, fingerprint)
    html_url = f"{reverse('assurance:pack')}?{urlencode({'as_at': as_at.isoformat()})}"
    title = pack_title(as_at)
    if kept is None:
        context = {"title": title, "as_at": as_at, "html_url": html_url, "refresh_seconds": PREPARING_REFRESH_SECONDS}
        response = render(request, "assurance/pack_being_prepared.html", context, status=202)
        response["Retry-After"] = str(PREPARING_REFRESH_SECONDS)
        return response
    if kept.pdf is None:
        context = {"title": title, "as_at": as_at, "html_url": html_url, "failure": kept.failure}
        return render(request, "assurance/pack_not_drawn.html", context, status=503)
    response = HttpResponse(bytes(kept.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="inspection-pack-{as_at:%Y-%m-%d}.pdf"'
    return response
