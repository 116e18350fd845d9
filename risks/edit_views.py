"""The risk register's forms, for the board business manager and the chair of a risk's lead body. Each write goes
through risks.services; a form opened before someone else saved the risk comes back with what was typed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import services
from .access import require_adder, risk_for_editor
from .forms import ControlForm, DatedReasonForm, ReopenForm, ReviewForm, RiskForm
from .models import Risk
from .services import (
    RiskChanged,
    control_remove,
    control_save,
    review_record,
    risk_deescalate,
    risk_escalate,
    risk_reopen,
    risk_save,
)

CHANGED_SINCE = (
    "Someone else changed this risk since you opened the form. What you entered is below: check it against the "
    "risk page, then save again to keep yours."
)
FORM_PAGE = require_http_methods(["GET", "HEAD", "POST"])


def _conflicted(form, current_version):
    """The form as it was sent, with the conflict said and the version moved on, so that saving again (knowingly)
    keeps what the person entered."""
    data = form.data.copy()
    data["version"] = current_version
    again = type(form)(data, **form.rebind_kwargs)
    again.is_valid()
    again.add_error(None, CHANGED_SINCE)
    return again


def _saved(form, write):
    """Run the write; on a conflict or a refusal, the form to show again (with the message) and None."""
    try:
        return write(), form
    except RiskChanged as changed:
        return None, _conflicted(form, changed.current_version)
    except ValidationError as invalid:
        if hasattr(invalid, "error_dict"):
            for field, errors in invalid.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            for error in invalid.messages:
                form.add_error(None, error)
        return None, form


def _page(request, template, risk, form, **context):
    return render(request, template, {"risk": risk, "form": form, **context})


def _next_reference():
    highest = Risk.objects.aggregate(highest=Max("number"))["highest"] or 0
    return f"R{highest + 1}"


@FORM_PAGE
def risk_add(request):
    require_adder(request.user)
    initial = {
        "reference": _next_reference(),
        "opened_on": timezone.localdate(),
        "level": Risk.Level.EXECUTIVE,
        "treatment": Risk.Treatment.TREAT,
    }
    form = RiskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        risk, form = _saved(form, lambda: risk_save(user=request.user, **fields))
        if risk is not None:
            messages.success(request, f"Risk {risk.reference} added to the register.")
            return redirect(risk)
    return _page(request, "risks/risk_form.html", None, form)


@FORM_PAGE
def risk_edit(request, reference):
    risk = risk_for_editor(request.user, reference)
    form = RiskForm(request.POST or None, instance=risk, initial=RiskForm.initial_for(risk))
    if request.method == "POST" and form.is_valid():
        fields, version = form.service_fields(), form.cleaned_data["version"]
        saved, form = _saved(form, lambda: risk_save(user=request.user, risk=risk, expected_version=version, **fields))
        if saved is not None:
            messages.success(request, f"Risk {saved.reference} saved.")
            return redirect(saved)
    return _page(request, "risks/risk_form.html", risk, form)


@FORM_PAGE
def control_add(request, reference):
    risk = risk_for_editor(request.user, reference)
    form = ControlForm(request.POST or None, initial={"version": risk.version, "effectiveness": "partly"})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        control, form = _saved(
            form,
            lambda: control_save(
                user=request.user,
                risk=risk,
                expected_version=version,
                position=risk.controls.count() + 1,
                **form.service_fields(),
            ),
        )
        if control is not None:
            messages.success(request, f"Control added to {risk.reference}.")
            return redirect(risk)
    return _page(request, "risks/control_form.html", risk, form, control=None)


@FORM_PAGE
def control_edit(request, reference, pk):
    """Change one of the risk's controls, or remove it (the button below the form)."""
    risk = risk_for_editor(request.user, reference)
    control = get_object_or_404(risk.controls.all(), pk=pk)
    form = ControlForm(request.POST or None, instance=control, initial={"version": risk.version})
    if request.method == "POST" and "remove" in request.POST:
        form = ControlForm(request.POST, instance=control)
        form.is_valid()  # only the version is wanted; a removal needs none of the other fields
        version = form.cleaned_data.get("version")
        removed, form = _saved(
            form,
            lambda: control_remove(user=request.user, risk=risk, control=control, expected_version=version) or True,
        )
        if removed:
            messages.success(request, f"Control removed from {risk.reference}.")
            return redirect(risk)
    elif request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        saved, form = _saved(
            form,
            lambda: control_save(
                user=request.user, risk=risk, control=control, expected_version=version, **form.service_fields()
            ),
        )
        if saved is not None:
            messages.success(request, f"Control of {risk.reference} saved.")
            return redirect(risk)
    return _page(request, "risks/control_form.html", risk, form, control=control)


@FORM_PAGE
def review_add(request, reference):
    """Record a review: the score is set to the risk's current one, so "reviewed, no change" is one click."""
    risk = risk_for_editor(request.user, reference)
    form = ReviewForm(request.POST or None, risk=risk, initial=ReviewForm.initial_for(risk))
    if request.method == "POST" and form.is_valid():
        fields, version = form.service_fields(), form.cleaned_data["version"]
        review, form = _saved(
            form, lambda: review_record(user=request.user, risk=risk, expected_version=version, **fields)
        )
        if review is not None:
            risk.refresh_from_db()
            messages.success(
                request,
                f"Review of {risk.reference} recorded ({review.get_direction_display().lower()}). "
                f"Next review by {risk.next_review_on:%-d %B %Y}.",
            )
            return redirect(risk)
    return _page(request, "risks/review_form.html", risk, form)


@FORM_PAGE
def escalation(request, reference):
    """Escalate a Safeguarding Executive risk to the Board, or de-escalate it: whichever its state allows."""
    risk = risk_for_editor(request.user, reference)
    escalated = risk.is_escalated
    button = "De-escalate risk" if escalated else "Escalate to the Board"
    reason_label = "Why is it de-escalated?" if escalated else "Why is it escalated to the Board?"
    form = DatedReasonForm(
        request.POST or None,
        button=button,
        reason_label=reason_label,
        initial={"version": risk.version, "on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        write = risk_deescalate if escalated else risk_escalate
        data = form.cleaned_data
        done, form = _saved(
            form,
            lambda: write(
                user=request.user, risk=risk, on=data["on"], reason=data["reason"], expected_version=data["version"]
            ),
        )
        if done is not None:
            words = "de-escalated" if escalated else "escalated to the Board"
            messages.success(request, f"{risk.reference} {words}.")
            return redirect(risk)
    may_escalate = escalated or (risk.is_open and risk.level == Risk.Level.EXECUTIVE)
    return _page(request, "risks/escalation_form.html", risk, form, escalated=escalated, may_escalate=may_escalate)


@FORM_PAGE
def risk_close(request, reference):
    """Close an open risk with the date and why, or reopen a closed one with why."""
    risk = risk_for_editor(request.user, reference)
    if risk.is_open:
        form = DatedReasonForm(
            request.POST or None,
            button="Close risk",
            reason_label="Why is it closed?",
            initial={"version": risk.version, "on": timezone.localdate()},
        )
    else:
        form = ReopenForm(request.POST or None, initial={"version": risk.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if risk.is_open:

            def write():
                return services.risk_close(
                    user=request.user, risk=risk, on=data["on"], reason=data["reason"], expected_version=data["version"]
                )
        else:

            def write():
                return risk_reopen(
                    user=request.user, risk=risk, reason=data["reason"], expected_version=data["version"]
                )

        done, form = _saved(form, write)
        if done is not None:
            messages.success(request, f"{risk.reference} {'reopened' if done.is_open else 'closed'}.")
            return redirect(done)
    return _page(request, "risks/close_form.html", risk, form)
