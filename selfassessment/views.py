import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meetings.services import seat_attendance
from priorities.models import Objective
from subgroups.models import Subgroup
from subgroups.roles import is_board_manager

from .access import (
    chairs_board,
    invitation_for_secret,
    my_invitations,
    require_board_person,
    require_chair_or_manager,
    require_manager,
    window_for_chair,
    window_for_reader,
)
from .export import totals_workbook
from .forms import FindingActionForm, ResponseForm, WindowForm
from .models import Window
from .services import (
    CHANGED_SINCE,
    CLOSED,
    ResponseChanged,
    compared_results,
    finding_to_action,
    member_assessments,
    response_of,
    response_save,
    window_open,
)

WINDOWS_SHOWN = 20


@require_safe
def window_list(request):
    """The windows with how many were invited and have responded (counts, never who), and my invitations.
    Queries: session, user, the manager check, the board check, the windows with counts, my invitations."""
    require_board_person(request.user)
    windows = list(Window.objects.with_counts().select_related("plan")[:WINDOWS_SHOWN])
    context = {
        "windows": windows,
        "mine": list(my_invitations(request.user).order_by("-window__opens_on")[:WINDOWS_SHOWN]),
        "is_manager": is_board_manager(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "selfassessment/window_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def window_add(request):
    """The manager sets up a year's self-assessment, then opens it from its page."""
    require_manager(request.user)
    form = WindowForm(request.POST or None)
    missing = form.missing()
    if request.method == "POST" and missing:
        for problem in missing:
            form.add_error(None, problem)
    elif request.method == "POST" and form.is_valid():
        body = Subgroup.objects.filter(kind=Subgroup.Kind.BOARD).order_by("pk").first()
        if body is None:
            form.add_error(None, "There is no Board among the bodies: add it first")
        else:
            window = Window(body=body, **form.cleaned_data)
            window._history_user = request.user
            window.save()
            messages.success(request, "The self-assessment is set up. Open it to invite the Board's members.")
            return redirect(window)
    return render(request, "selfassessment/window_form.html", {"form": form, "missing": missing})


@require_POST
def window_open_view(request, pk):
    """Invite the Board's seats sitting on the opening date; each is emailed their personal link."""
    require_manager(request.user)
    window = window_for_reader(pk)
    made = window_open(window=window, user=request.user)
    messages.success(request, f"{len(made)} invitation(s) sent.")
    return redirect(window)


def _objectives(window):
    return list(
        Objective.objects.filter(priority__plan=window.plan).select_related("priority").order_by("priority__ref", "ref")
    )


@require_safe
def window_results(request, pk):
    """The board's totals per question beside last year's, only for a group of at least the minimum; the chair
    and the manager may turn a finding into a plan action."""
    require_board_person(request.user)
    window = window_for_reader(pk)
    results, earlier = compared_results(window)
    may_act = (
        results.shown
        and window.plan_id is not None
        and (is_board_manager(request.user) or chairs_board(request.user, window))
    )
    context = {
        "window": window,
        "results": results,
        "earlier": earlier,
        "is_manager": is_board_manager(request.user),
        "is_chair": chairs_board(request.user, window),
        "may_act": may_act,
        "action_form": FindingActionForm(questions=results.questions, objectives=_objectives(window))
        if may_act
        else None,
    }
    return render(request, "selfassessment/window_results.html", context)


@require_safe
def window_export(request, pk):
    """The totals as an Excel workbook: what the page shows, and no answers below the minimum group."""
    require_board_person(request.user)
    window = window_for_reader(pk)
    results, earlier = compared_results(window)
    response = HttpResponse(
        totals_workbook(results, earlier),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    year = re.sub(r"[^0-9A-Za-z]+", "-", window.year_label).strip("-") or str(window.opens_on.year)
    response["Content-Disposition"] = f'attachment; filename="self-assessment-{year}-totals.xlsx"'
    return response


@require_POST
def finding_action(request, pk):
    """One POST: a finding the board chose becomes an action of the plan, led by the Board, in its history."""
    window = window_for_reader(pk)
    require_chair_or_manager(request.user, window)
    results, earlier = compared_results(window)
    if not results.shown:
        messages.error(request, "Too few have responded for findings to be shown.")
        return redirect(window)
    form = FindingActionForm(request.POST, questions=results.questions, objectives=_objectives(window))
    if form.is_valid():
        try:
            action = finding_to_action(
                window=window,
                user=request.user,
                question_key=form.cleaned_data["question"],
                text=form.cleaned_data["text"],
                objective=form.cleaned_data["objective"],
                lead=window.body,
            )
        except ValidationError as invalid:
            for message in invalid.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Action {action.ref} added to the plan.")
            return redirect(action)
    context = {
        "window": window,
        "results": results,
        "earlier": earlier,
        "is_manager": is_board_manager(request.user),
        "is_chair": chairs_board(request.user, window),
        "may_act": True,
        "action_form": form,
    }
    return render(request, "selfassessment/window_results.html", context, status=400)


@require_safe
def member_list(request, pk):
    """The members' own assessments, named, for the Board's chair alone."""
    window = window_for_chair(request.user, pk)
    context = {"window": window, "responses": member_assessments(window)}
    return render(request, "selfassessment/member_list.html", context)


def _respond(request, pk, secret, *, own):
    invitation = invitation_for_secret(pk, secret)
    window = invitation.window
    questionnaire = window.member_questionnaire if own else window.board_questionnaire
    questions = list(questionnaire.questions.all())
    response, answers = response_of(invitation, questionnaire)
    is_open = window.is_open_on(timezone.localdate())
    year_start, year_end = window.year_dates
    form = None
    if is_open:
        initial = {"version": response.version if response else 0}
        if request.method == "POST":
            form = ResponseForm(request.POST, questions=questions, answers=answers, initial=initial, own=own)
            if form.is_valid():
                try:
                    response_save(
                        invitation=invitation,
                        questionnaire=questionnaire,
                        answers=form.answers(),
                        expected_version=form.cleaned_data.get("version"),
                    )
                except ResponseChanged as changed:
                    data = request.POST.copy()
                    data["version"] = changed.current_version
                    form = ResponseForm(data, questions=questions, answers=answers, own=own)
                    form.is_valid()
                    form.add_error(None, CHANGED_SINCE)
                except ValidationError as invalid:
                    for message in invalid.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, "Thank you: your answers are saved. You can change them until it closes.")
                    return redirect(request.path)
        else:
            form = ResponseForm(questions=questions, answers=answers, initial=initial, own=own)
    elif request.method == "POST":
        messages.error(request, CLOSED)
    context = {
        "invitation": invitation,
        "window": window,
        "questionnaire": questionnaire,
        "form": form,
        "own": own,
        "is_open": is_open,
        "answers": [(question, answers.get(question.pk)) for question in questions],
        "attendance": seat_attendance(invitation.seat, starts_on=year_start, ends_on=year_end) if own else None,
    }
    response = render(
        request, "selfassessment/respond.html", context, status=200 if is_open or request.method != "POST" else 403
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def respond(request, pk, secret):
    """The board effectiveness questionnaire, through the invitation's personal link."""
    return _respond(request, pk, secret, own=False)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def respond_own(request, pk, secret):
    """The member's own contribution, with their attendance over the year, through their personal link: seen by
    them, and by the Board's chair on the members' page."""
    return _respond(request, pk, secret, own=True)
