"""Writes to the risk register, each in a transaction and attributed to the acting user in the history: a risk added
or changed, its controls, its reviews (which move its current score and next review date), its escalation to the
Board and back, closing and reopening it, and the "review suggested" flag that the plan raises."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dscb.history import attributed_save, links_recorded, links_set
from meetings.models import Meeting
from priorities.due import due_day
from priorities.models import ProgressUpdate, Status

from .matrix import SCALE, band_of
from .models import TEXT_LIMIT, Control, Escalation, Review, Risk, Score
from .schedule import next_review_on

RISK_FIELDS = [
    "reference",
    "title",
    "cause",
    "event",
    "effect",
    "category",
    "level",
    "lead_body",
    "owner_name",
    "owner_user",
    "owner_agency",
    "treatment",
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "target_likelihood",
    "target_impact",
    "opened_on",
    "is_demo",
]
STORY = {"cause": "the cause", "event": "the event", "effect": "the effect"}
# Why a risk is reopened is kept only as the reason of the change in its history, a column of 100 characters; the
# words "Reopened: " go before it.
REOPEN_LIMIT = 90
CONTROL_FIELDS = ["description", "owner", "effectiveness", "position"]


class RiskChanged(Exception):
    """Someone saved the risk (or its controls, reviews or escalation) since the form was opened."""

    def __init__(self, current_version):
        super().__init__("The risk was saved by someone else since the form was opened.")
        self.current_version = current_version


def _risk_locked(risk, expected_version):
    """The risk as it is now in the database, locked for the transaction; RiskChanged when it was saved since
    `expected_version` (None: no check)."""
    current = Risk.objects.select_for_update().get(pk=risk.pk)
    if expected_version is not None and current.version != expected_version:
        raise RiskChanged(current.version)
    return current


def _risk_written(risk, user, reason=None):
    """Save the risk at its next version, attributed to `user`."""
    risk.version += 1
    return attributed_save(risk, user, reason)


def _version_raised(risk):
    """A change to one of the risk's rows (a control) moves the risk's version on, so that a form opened before it
    is refused; the version is not in the history, so this is no change there."""
    Risk.objects.filter(pk=risk.pk).update(version=F("version") + 1)
    risk.version += 1


def _invalid(field, message):
    return ValidationError({field: message})


def _check_text(field, label, text, limit=TEXT_LIMIT, required=True):
    if required and not (text or "").strip():
        raise _invalid(field, f"Enter {label}")
    if len(text or "") > limit:
        raise _invalid(field, f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer")


def _check_day(field, label, day, *, today, not_before=None, not_before_words=""):
    if day > today:
        raise _invalid(field, f"The {label} cannot be in the future")
    if not_before is not None and day < not_before:
        raise _invalid(field, f"The {label} cannot be before {not_before_words}, {not_before:%-d %B %Y}")


def _reference_taken(reference, risk):
    return Risk.objects.filter(reference=reference).exclude(pk=risk.pk).exists()


def _reference_refused(reference):
    return _invalid("reference", f"{reference} is already the reference of another risk: choose another number")


def _review_from(risk):
    """The day the next review is counted from: the last review, else the day the risk was added."""
    return risk.last_reviewed_on or risk.opened_on


@transaction.atomic
def risk_save(*, user, risk=None, expected_version=None, objectives=None, actions=None, kpis=None, **fields):
    """Add a risk, or change one (unless someone saved it since `expected_version`); its next review date follows
    its current band. ValidationError says what is wrong, in the user's words."""
    unknown = set(fields) - set(RISK_FIELDS)
    if unknown:
        raise TypeError(f"risk_save() has no field {', '.join(sorted(unknown))}")
    risk = Risk() if risk is None or risk.pk is None else _risk_locked(risk, expected_version)
    reference = fields.get("reference", risk.reference)
    if reference and _reference_taken(reference, risk):
        raise _reference_refused(reference)
    for name, value in fields.items():
        setattr(risk, name, value)
    if risk.is_escalated and risk.level != Risk.Level.EXECUTIVE:
        raise _invalid("level", "The risk is escalated to the Board: de-escalate it before changing its level")
    if risk.last_reviewed_on and risk.opened_on and risk.opened_on > risk.last_reviewed_on:
        raise _invalid(
            "opened_on",
            f"The date it was added cannot be after its last review, {risk.last_reviewed_on:%-d %B %Y}",
        )
    for name, label in STORY.items():
        _check_text(name, label, getattr(risk, name))
    if risk.reference and risk.reference[1:].isdigit():
        risk.number = int(risk.reference[1:])
    try:
        risk.next_review_on = next_review_on(_review_from(risk), band_of(risk.current_likelihood, risk.current_impact))
    except (TypeError, ValueError):
        raise _invalid("current_likelihood", "The current likelihood and impact are each 1 to 5") from None
    risk.full_clean(exclude=["number"], validate_unique=False)
    added = risk.pk is None
    if added:
        risk.version = 0
    links = {
        name: rows
        for name, rows in (("objectives", objectives), ("actions", actions), ("kpis", kpis))
        if rows is not None
    }
    try:
        with transaction.atomic():
            # The links go into the same history record as the fields: set before a change is saved, and for a new
            # risk (which has no row to link from until it is saved) copied into its "added" record.
            if not added:
                links_set(risk, links)
            _risk_written(risk, user)
            if added and links:
                links_set(risk, links)
                links_recorded(risk)
    except IntegrityError:
        # Someone took the reference between the check above and this save (two people adding R9 at once).
        if Risk.objects.filter(reference=reference).exclude(pk=risk.pk).exists():
            raise _reference_refused(reference) from None
        raise
    return risk


@transaction.atomic
def risks_links_recorded(*, risk_ids, user, reason):
    """Keep in each risk's history the links something else gave it (next year's plan, made from this year's, is
    linked to the same open risks), attributed to `user` with `reason`; each risk's version moves on, so that a form
    opened before cannot save its older links over them."""
    for risk in Risk.objects.select_for_update().filter(pk__in=risk_ids).order_by("pk"):
        _risk_written(risk, user, reason)


@transaction.atomic
def control_save(*, user, risk, control=None, expected_version=None, **fields):
    """Add a control to the risk, or change one of its controls."""
    unknown = set(fields) - set(CONTROL_FIELDS)
    if unknown:
        raise TypeError(f"control_save() has no field {', '.join(sorted(unknown))}")
    risk = _risk_locked(risk, expected_version)
    if control is not None and control.risk_id != risk.pk:
        raise ValueError(f"Control {control.pk} is not one of {risk.reference}'s")
    control = control or Control(risk=risk)
    for name, value in fields.items():
        setattr(control, name, value)
    _check_text("description", "what is in place", control.description)
    control.full_clean()
    attributed_save(control, user)
    _version_raised(risk)
    return control


@transaction.atomic
def control_remove(*, user, risk, control, expected_version=None):
    """Take a control off the risk (its history keeps it)."""
    risk = _risk_locked(risk, expected_version)
    if control.risk_id != risk.pk:
        raise ValueError(f"Control {control.pk} is not one of {risk.reference}'s")
    control._history_user = user
    control.delete()
    _version_raised(risk)


def direction_of(previous, score):
    """Up, down or no change, by the score's value (likelihood x impact) against the previous one."""
    if score.value > previous.value:
        return Review.Direction.UP
    if score.value < previous.value:
        return Review.Direction.DOWN
    return Review.Direction.SAME


@transaction.atomic
def review_record(
    *,
    user,
    risk,
    reviewed_on,
    likelihood,
    impact,
    meeting=None,
    direction=None,
    comment="",
    expected_version=None,
    today=None,
):
    """Record a review of the risk: its current score becomes the one reviewed ("no change" is a review too), its
    next review date is counted from this one by the new band, and the "review suggested" flag is cleared."""
    today = today or timezone.localdate()
    risk = _risk_locked(risk, expected_version)
    if not risk.is_open:
        raise ValidationError("This risk is closed: reopen it before reviewing it")
    if likelihood not in SCALE:
        raise _invalid("likelihood", "Select the likelihood, 1 to 5")
    if impact not in SCALE:
        raise _invalid("impact", "Select the impact, 1 to 5")
    _check_day("reviewed_on", "date of the review", reviewed_on, today=today)
    if risk.last_reviewed_on and reviewed_on < risk.last_reviewed_on:
        raise _invalid(
            "reviewed_on",
            f"The date of the review cannot be before the last review, {risk.last_reviewed_on:%-d %B %Y}",
        )
    if reviewed_on < risk.opened_on:
        raise _invalid(
            "reviewed_on",
            f"The date of the review cannot be before the risk was added to the register, {risk.opened_on:%-d %B %Y}",
        )
    if meeting is not None:
        if meeting.status == Meeting.Status.CANCELLED:
            raise _invalid("meeting", f"The meeting on {meeting.date:%-d %B %Y} was cancelled")
        if meeting.date != reviewed_on:
            raise _invalid(
                "meeting",
                f"The meeting was on {meeting.date:%-d %B %Y}, not on the date of the review, {reviewed_on:%-d %B %Y}",
            )
    _check_text("comment", "the comment", comment, required=False)
    score = Score(likelihood, impact)
    if direction is None or direction == "":
        direction = direction_of(risk.current, score)
    elif direction not in Review.Direction.values:
        raise _invalid("direction", "Select up, down or no change")
    review = attributed_save(
        Review(
            risk=risk,
            reviewed_on=reviewed_on,
            meeting=meeting,
            reviewer=user,
            likelihood=likelihood,
            impact=impact,
            direction=direction,
            comment=comment,
        ),
        user,
    )
    risk.current_likelihood, risk.current_impact = likelihood, impact
    risk.last_reviewed_on = reviewed_on
    risk.next_review_on = next_review_on(reviewed_on, score.band)
    risk.review_suggested = ""
    _risk_written(risk, user, reason=f"Reviewed on {reviewed_on:%-d %B %Y}")
    return review


def _escalation_checks(risk, on, reason, today):
    _check_day("on", "date", on, today=today, not_before=risk.opened_on, not_before_words="the risk was added")
    _check_text("reason", "the reason", reason)


@transaction.atomic
def risk_escalate(*, user, risk, on, reason, expected_version=None, today=None):
    """Escalate an open Safeguarding Executive risk to the Board."""
    risk = _risk_locked(risk, expected_version)
    if risk.level != Risk.Level.EXECUTIVE:
        raise ValidationError("Only a Safeguarding Executive risk is escalated to the Board")
    if not risk.is_open:
        raise ValidationError("This risk is closed: reopen it before escalating it")
    if risk.is_escalated:
        raise ValidationError("This risk is already escalated to the Board")
    _escalation_checks(risk, on, reason, today or timezone.localdate())
    escalation = attributed_save(
        Escalation(risk=risk, kind=Escalation.Kind.ESCALATED, on=on, reason=reason, by=user), user
    )
    risk.is_escalated = True
    _risk_written(risk, user, reason="Escalated to the Board")
    return escalation


@transaction.atomic
def risk_deescalate(*, user, risk, on, reason, expected_version=None, today=None):
    """Hand an escalated risk back from the Board to the Safeguarding Executive."""
    risk = _risk_locked(risk, expected_version)
    if not risk.is_escalated:
        raise ValidationError("This risk is not escalated to the Board")
    _escalation_checks(risk, on, reason, today or timezone.localdate())
    last = risk.escalations.filter(kind=Escalation.Kind.ESCALATED).order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        raise _invalid("on", f"The date cannot be before the risk was escalated, {last.on:%-d %B %Y}")
    escalation = attributed_save(
        Escalation(risk=risk, kind=Escalation.Kind.DEESCALATED, on=on, reason=reason, by=user), user
    )
    risk.is_escalated = False
    _risk_written(risk, user, reason="De-escalated")
    return escalation


@transaction.atomic
def risk_close(*, user, risk, on, reason, expected_version=None, today=None):
    """Close the risk, with the date and why (in its history)."""
    risk = _risk_locked(risk, expected_version)
    if not risk.is_open:
        raise ValidationError("This risk is already closed")
    _check_day(
        "on",
        "date",
        on,
        today=today or timezone.localdate(),
        not_before=risk.opened_on,
        not_before_words="the risk was added",
    )
    _check_text("reason", "why it is closed", reason)
    risk.status, risk.closed_on, risk.closed_reason = Risk.Status.CLOSED, on, reason
    return _risk_written(risk, user, reason=f"Closed: {reason}")


@transaction.atomic
def risk_reopen(*, user, risk, reason, expected_version=None):
    """Open a closed risk again; why is kept in its history."""
    risk = _risk_locked(risk, expected_version)
    if risk.is_open:
        raise ValidationError("This risk is already open")
    _check_text("reason", "why it is reopened", reason, limit=REOPEN_LIMIT)
    risk.status, risk.closed_on, risk.closed_reason = Risk.Status.OPEN, None, ""
    return _risk_written(risk, user, reason=f"Reopened: {reason}")


@transaction.atomic
def risk_review_suggest(*, risk, reason, user=None):
    """Flag an open risk "review suggested", with the reason added to any already given, until its next review.
    Not a change to what a form edits, so the risk's version stays (nobody's open form is refused)."""
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if not risk.is_open or reason in risk.review_suggested.splitlines():
        return risk
    suggested = f"{risk.review_suggested}\n{reason}" if risk.review_suggested else reason
    if len(suggested) > TEXT_LIMIT:
        return risk
    risk.review_suggested = suggested
    return attributed_save(risk, user, reason="Review suggested")


def _action_incomplete(action_ids):
    """Of these actions, those whose latest reported status is not Complete (none reported: not complete)."""
    latest = {}
    rows = (
        ProgressUpdate.objects.reported()
        .filter(action_id__in=action_ids)
        .order_by("action_id", "period__number")
        .values_list("action_id", "status")
    )
    for action_id, status in rows:
        latest[action_id] = status
    return {action_id for action_id in action_ids if latest.get(action_id) != Status.COMPLETE}


def review_suggestions_refresh(*, today, dry_run=False):
    """Flag each open risk with a linked action whose due date (when it names a day) has passed since the risk's
    last review and is not complete. Returns [(risk, reason)] for each flag raised."""
    risks = list(Risk.objects.filter(status=Risk.Status.OPEN).prefetch_related("actions"))
    linked = {action.pk: action for risk in risks for action in risk.actions.all()}
    incomplete = _action_incomplete(list(linked))
    raised = []
    for risk in risks:
        for action in sorted(risk.actions.all(), key=lambda action: action.pk):
            due = due_day(" ".join(action.due.split())) if action.pk in incomplete and action.due else None
            if due is None or due >= today or (risk.last_reviewed_on and due < risk.last_reviewed_on):
                continue
            reason = f"Action {action.code} was due by {due:%-d %B %Y} and is not complete"
            if reason in risk.review_suggested.splitlines():
                continue
            raised.append((risk, reason))
            if not dry_run:
                risk_review_suggest(risk=risk, reason=reason)
    return raised
