from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .access import (
    is_contact,
    may_edit,
    may_moderate,
    require_moderator,
    return_for_contact,
    return_for_user,
    round_for_user,
    visible_rounds,
)
from .export import summary_workbook
from .forms import ChallengeForm, ModerateForm, ReturnForm, SendBackForm, SubmitForm
from .models import Criterion, Return
from .services import (
    ReturnChanged,
    ReturnStateError,
    answers_for,
    challenge_add,
    improvement_action_done,
    return_moderate,
    return_problems,
    return_save_draft,
    return_send_back,
    return_submit,
    round_summary,
)

CHANGED_SINCE = (
    "Someone else saved this return since you opened the page. What you entered is below: check it against the "
    "return, then save again to keep yours."
)


@require_safe
def round_list(request):
    """The rounds the user sees, with returns received / expected; a contact sees only theirs. Queries: the
    session, the user, the manager check, the contact's returns, the rounds with their counts."""
    rounds = visible_rounds(request.user).annotate(
        expected=Count("returns", distinct=True),
        received=Count("returns", filter=Q(returns__state=Return.State.SUBMITTED), distinct=True),
    )
    contact = is_contact(request.user)
    mine = []
    if contact:
        mine = list(
            Return.objects.filter(Q(contact=request.user) | Q(substitute=request.user)).select_related(
                "round", "organisation"
            )
        )
    context = {"rounds": list(rounds), "is_contact": contact, "mine": mine}
    return render(request, "audits/round_list.html", context)


@require_safe
def round_detail(request, pk):
    """A round: its window and framework; for the manager and readers the results (returns received, % Green by
    standard and by organisation, the optimism gap, improvement actions overdue); for a contact only their own
    return."""
    round = round_for_user(request.user, pk)
    if is_contact(request.user):
        mine = list(
            round.returns.filter(Q(contact=request.user) | Q(substitute=request.user)).select_related("organisation")
        )
        return render(request, "audits/round_contact.html", {"round": round, "mine": mine})
    summary = round_summary(round)
    earlier = _earlier_optimism(round)
    for row in summary.returns:
        row.earlier_optimism = earlier.get(row.organisation_id)
    context = {"round": round, "summary": summary, "is_manager": may_moderate(request.user, round)}
    return render(request, "audits/round_detail.html", context)


def _earlier_optimism(round):
    """{organisation id: optimism gap} in the previous round, to compare across rounds."""
    if round.previous_id is None:
        return {}
    earlier = round_summary(round.previous)
    return {row.organisation_id: row.optimism for row in earlier.returns}


@require_safe
def round_export(request, pk):
    """The round's summary as an Excel workbook (formula-safe)."""
    round = round_for_user(request.user, pk)
    if is_contact(request.user):
        raise Http404("No such round")
    content = summary_workbook(round_summary(round))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="audit-round-{round.pk}.xlsx"'
    return response


def _criteria(return_form):
    return list(
        Criterion.objects.filter(standard__framework_id=return_form.round.framework_id).select_related("standard")
    )


@require_safe
def return_detail(request, pk, organisation_pk):
    """An organisation's return: each criterion's self score and evidence, the moderated score beside it, the
    challenge events; for its contacts the way to change and submit it, for the manager to moderate it."""
    return_form = return_for_user(request.user, pk, organisation_pk)
    answers = answers_for(return_form)
    rows = [(criterion, answers.get(criterion.pk)) for criterion in _criteria(return_form)]
    manager = may_moderate(request.user, return_form.round)
    context = {
        "return": return_form,
        "round": return_form.round,
        "may_mark_done": manager or may_edit(request.user, return_form),
        "framework": return_form.round.framework,
        "rows": rows,
        "challenges": list(return_form.challenges.all()),
        "is_manager": manager,
        "may_edit": return_form.is_editable and may_edit(request.user, return_form),
        "send_back_form": SendBackForm(),
        "challenge_form": ChallengeForm(),
    }
    return render(request, "audits/return_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def return_edit(request, pk, organisation_pk):
    """The contact fills the return in, saving as a draft as often as they like; nothing typed is lost."""
    return_form = return_for_contact(request.user, pk, organisation_pk)
    if not return_form.is_editable:
        messages.info(request, "This return has been submitted: it can no longer be changed.")
        return redirect(return_form)
    criteria = _criteria(return_form)
    framework = return_form.round.framework
    answers = answers_for(return_form)
    if request.method == "POST":
        form = ReturnForm(request.POST, criteria=criteria, framework=framework, answers=answers)
        if form.is_valid():
            try:
                return_save_draft(
                    return_form=return_form,
                    user=request.user,
                    answers=form.answers(),
                    expected_version=form.cleaned_data["version"],
                )
            except ReturnChanged as changed:
                data = request.POST.copy()
                data["version"] = changed.current_version
                form = ReturnForm(data, criteria=criteria, framework=framework, answers=answers)
                form.is_valid()
                form.add_error(None, CHANGED_SINCE)
            else:
                messages.success(request, "Your return is saved as a draft.")
                if "submit" in request.POST:
                    return redirect("audits:return-submit", pk=pk, organisation_pk=organisation_pk)
                return redirect("audits:return-edit", pk=pk, organisation_pk=organisation_pk)
    else:
        form = ReturnForm(
            criteria=criteria, framework=framework, answers=answers, initial={"version": return_form.version}
        )
    return render(request, "audits/return_form.html", {"return": return_form, "round": return_form.round, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def return_submit_view(request, pk, organisation_pk):
    """Sign-off by the accountable officer and submission, once every criterion is scored."""
    return_form = return_for_contact(request.user, pk, organisation_pk)
    if not return_form.is_editable:
        return redirect(return_form)
    form = SubmitForm(request.POST or None, initial={"version": return_form.version})
    if request.method == "POST" and form.is_valid():
        try:
            submitted = return_submit(
                return_form=return_form,
                user=request.user,
                officer_name=form.cleaned_data["officer_name"],
                officer_role=form.cleaned_data["officer_role"],
                expected_version=form.cleaned_data["version"],
            )
        except ReturnChanged:
            form.add_error(None, "Someone else saved this return since you opened the page: check it, then submit.")
        except ValidationError as invalid:
            for message in invalid.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Return submitted. Your receipt reference is {submitted.receipt}.")
            return redirect(submitted)
    context = {
        "return": return_form,
        "round": return_form.round,
        "form": form,
        "problems": return_problems(return_form),
    }
    return render(request, "audits/return_submit.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def return_moderate_view(request, pk, organisation_pk):
    """The manager's moderated score and note per criterion, the self score beside each."""
    return_form = return_for_user(request.user, pk, organisation_pk)
    require_moderator(request.user, return_form.round)
    if return_form.state != Return.State.SUBMITTED:
        messages.info(request, "Only a submitted return can be moderated.")
        return redirect(return_form)
    framework = return_form.round.framework
    answers = answers_for(return_form)
    form = ModerateForm(request.POST or None, criteria=_criteria(return_form), framework=framework, answers=answers)
    if request.method == "POST" and form.is_valid():
        return_moderate(return_form=return_form, user=request.user, scores=form.scores())
        messages.success(request, "Moderation saved.")
        return redirect(return_form)
    return render(
        request, "audits/return_moderate.html", {"return": return_form, "round": return_form.round, "form": form}
    )


@require_http_methods(["POST"])
def return_send_back_view(request, pk, organisation_pk):
    return_form = return_for_user(request.user, pk, organisation_pk)
    require_moderator(request.user, return_form.round)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            return_send_back(return_form=return_form, user=request.user, reason=form.cleaned_data["reason"])
        except ReturnStateError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"The return is sent back to {return_form.organisation}.")
        return redirect(return_form)
    context = {"return": return_form, "round": return_form.round, "form": form, "heading": "Send the return back"}
    return render(request, "audits/return_action.html", context)


@require_http_methods(["POST"])
def challenge_add_view(request, pk, organisation_pk):
    return_form = return_for_user(request.user, pk, organisation_pk)
    require_moderator(request.user, return_form.round)
    form = ChallengeForm(request.POST)
    if form.is_valid():
        challenge_add(return_form=return_form, user=request.user, **form.cleaned_data)
        messages.success(request, "Challenge event recorded.")
        return redirect(return_form)
    context = {"return": return_form, "round": return_form.round, "form": form, "heading": "Record a challenge event"}
    return render(request, "audits/return_action.html", context)


@require_http_methods(["POST"])
def action_done_view(request, pk, organisation_pk, criterion_pk):
    """The organisation's contact, or whoever moderates the round, marks an improvement action done."""
    return_form = return_for_user(request.user, pk, organisation_pk)
    if not (may_edit(request.user, return_form) or may_moderate(request.user, return_form.round)):
        raise PermissionDenied("Only the organisation's contacts and the moderators mark its actions done.")
    answer = get_object_or_404(return_form.answers.exclude(improvement_action=""), criterion_id=criterion_pk)
    improvement_action_done(answer=answer, user=request.user)
    messages.success(request, f"The improvement action for {answer.criterion.code} is marked done.")
    return redirect(return_form)
