"""Every write of the audit cycle: framework versions, rounds and who is in scope, drafting, signing off and
submitting a return, sending it back, moderating it, challenge events, and the KPIs the returns feed."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dscb.history import attributed_save, links_recorded, links_set
from kpis.services import kpi_value_computed
from plans.models import ReportingPeriod

from .models import (
    TOP_SCORE,
    AuditMeasure,
    ChallengeEvent,
    Criterion,
    CriterionAnswer,
    Framework,
    Return,
    Round,
    Standard,
)

ANSWER_FIELDS = [
    "self_score",
    "evidence",
    "evidence_links",
    "improvement_area",
    "improvement_action",
    "action_owner",
    "action_due_on",
]
PREFILL_FIELDS = ["self_score", "evidence", "evidence_links", "improvement_area", "improvement_action", "action_owner"]


class ReturnChanged(Exception):
    """Someone saved the return since the form was opened."""

    def __init__(self, current_version):
        super().__init__("The return was saved by someone else since the form was opened.")
        self.current_version = current_version


class ReturnStateError(Exception):
    """The return is not in a state that allows this step."""


def _return_written(return_form, user, expected_version=None):
    """Save the return at its next version, attributed to `user`; with `expected_version`, only when nobody saved
    it since the form was opened (ReturnChanged otherwise, and the transaction is undone)."""
    current = Return.objects.select_for_update().values_list("version", flat=True).get(pk=return_form.pk)
    if expected_version is not None and current != expected_version:
        raise ReturnChanged(current)
    return_form.version = current + 1
    return attributed_save(return_form, user)


@transaction.atomic
def framework_new_version(*, framework, user):
    """Copy a framework version, its descriptors, standards (with the objectives and KPIs they are linked to) and
    criteria into the next version; the rounds on the old version keep it."""
    latest = Framework.objects.filter(kind=framework.kind).order_by("-version").first()
    copy = Framework(
        kind=framework.kind,
        name=framework.name,
        version=latest.version + 1,
        scale=framework.scale,
        introduction=framework.introduction,
    )
    attributed_save(copy, user)
    for level in framework.scale_levels.all():
        copy.scale_levels.create(score=level.score, descriptor=level.descriptor)
    for standard in framework.standards.prefetch_related("criteria", "objectives", "kpis"):
        new = Standard(framework=copy, number=standard.number, title=standard.title, description=standard.description)
        attributed_save(new, user)
        links_set(new, {"objectives": standard.objectives.all(), "kpis": standard.kpis.all()})
        links_recorded(new)
        for criterion in standard.criteria.all():
            new.criteria.create(number=criterion.number, text=criterion.text, guidance=criterion.guidance)
    return copy


@transaction.atomic
def standards_links_recorded(*, standard_ids, user, reason):
    """Keep in each standard's history the links something else gave it (next year's plan, made from this year's,
    gives evidence for the same standards), attributed to `user` with `reason`."""
    for standard in Standard.objects.select_for_update().filter(pk__in=standard_ids).order_by("pk"):
        attributed_save(standard, user, reason)


def contact_account(*, name, email, username):
    """The person's account by email (so a contact who has one uses it), else a new one with no usable password
    until they set it from their invitation. (account, made now)."""
    User = get_user_model()
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        return existing, False
    first, _, last = name.strip().partition(" ")
    base = slugify(username)[:140] or "contact"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    user = User(username=candidate, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    return user, True


@transaction.atomic
def round_scope_add(*, round, organisation, contact, substitute=None, user, site_url=""):
    """Put an organisation in the round's scope with its contact and substitute (a Return, not started); each of
    them is sent an invitation with a link to set a password (audits.tasks), once the transaction commits."""
    from .tasks import invitation_enqueue

    if substitute is not None and substitute.pk == contact.pk:
        raise ValidationError({"substitute": "The substitute must be someone other than the contact"})
    return_form = Return.objects.filter(round=round, organisation=organisation).first()
    made = return_form is None
    if made:
        return_form = Return(round=round, organisation=organisation)
    return_form.contact, return_form.substitute = contact, substitute
    attributed_save(return_form, user)
    if made:
        return_form = return_prefill(return_form=return_form, user=user)
    people = [person for person in (contact, substitute) if person is not None]
    keys = [invitation_enqueue(person=person, return_form=return_form, site_url=site_url) for person in people]
    return return_form, keys


def answers_for(return_form):
    """{criterion id: answer} of the return, from the database."""
    return {answer.criterion_id: answer for answer in return_form.answers.all()}


def previous_return(return_form):
    """The same organisation's return in the round's previous round (the last one before), or None."""
    if return_form.round.previous_id is None:
        return None
    return (
        Return.objects.filter(round_id=return_form.round.previous_id, organisation_id=return_form.organisation_id)
        .exclude(state=Return.State.NOT_STARTED)
        .first()
    )


@transaction.atomic
def return_prefill(*, return_form, user):
    """Start a return from the same organisation's return in the previous round: each answer whose criterion (by
    standard and criterion number) is in both frameworks is copied and marked as pre-filled. Only a return not
    started; nothing from any other organisation."""
    return_form = Return.objects.select_for_update().select_related("round").get(pk=return_form.pk)
    earlier = previous_return(return_form)
    if return_form.state != Return.State.NOT_STARTED or earlier is None:
        return return_form
    criteria = {
        (criterion.standard.number, criterion.number): criterion
        for criterion in Criterion.objects.filter(standard__framework_id=return_form.round.framework_id).select_related(
            "standard"
        )
    }
    for old in earlier.answers.select_related("criterion__standard"):
        criterion = criteria.get((old.criterion.standard.number, old.criterion.number))
        if criterion is None:
            continue
        answer = CriterionAnswer(return_form=return_form, criterion=criterion, prefilled=True)
        for name in PREFILL_FIELDS:
            setattr(answer, name, getattr(old, name))
        attributed_save(answer, user)
    return_form.prefilled_from = earlier
    return_form.state = Return.State.DRAFT
    return _return_written(return_form, user)


@transaction.atomic
def return_save_draft(*, return_form, user, answers, expected_version):
    """Save what was typed, whatever it is (a draft keeps all), unless someone saved the return since the form was
    opened. `answers` is {criterion id: {field: value}}."""
    return_form = Return.objects.select_for_update().get(pk=return_form.pk)
    if not return_form.is_editable:
        raise ReturnStateError("This return has been signed off: it can no longer be changed")
    existing = answers_for(return_form)
    for criterion_id, values in answers.items():
        answer = existing.get(criterion_id) or CriterionAnswer(return_form=return_form, criterion_id=criterion_id)
        before = [getattr(answer, name) for name in ANSWER_FIELDS]
        for name in ANSWER_FIELDS:
            setattr(answer, name, values.get(name, getattr(answer, name)))
        if answer.pk is None or before != [getattr(answer, name) for name in ANSWER_FIELDS]:
            answer.prefilled = answer.prefilled and before == [getattr(answer, name) for name in ANSWER_FIELDS]
            attributed_save(answer, user)
    if return_form.state == Return.State.NOT_STARTED:
        return_form.state = Return.State.DRAFT
    return _return_written(return_form, user, expected_version)


def return_problems(return_form):
    """Why the return cannot be signed off yet, in the contact's words: a criterion not scored, or below Green with
    no improvement action."""
    criteria = Criterion.objects.filter(standard__framework_id=return_form.round.framework_id).select_related(
        "standard"
    )
    answers = answers_for(return_form)
    problems = []
    for criterion in criteria:
        answer = answers.get(criterion.pk)
        if answer is None or answer.self_score is None:
            problems.append(f"Score criterion {criterion.code}")
        elif answer.self_score < TOP_SCORE and not answer.improvement_action.strip():
            problems.append(f"Give an improvement action for criterion {criterion.code}, which is not scored the top")
    return problems


def _receipt(return_form):
    kind = "S11" if return_form.round.kind == "section_11" else "S175"
    return f"{kind}-{return_form.round_id}-{return_form.organisation_id}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def return_submit(*, return_form, user, officer_name, officer_role, expected_version):
    """Sign the return off in the accountable officer's name and submit it: dated, with a receipt reference, and the
    contacts emailed the receipt. ValidationError lists what must be done first."""
    from .tasks import receipt_enqueue

    return_form = Return.objects.select_for_update().select_related("round", "organisation").get(pk=return_form.pk)
    if not return_form.is_editable:
        raise ReturnStateError("This return has already been submitted")
    problems = return_problems(return_form)
    if not officer_name.strip():
        problems.insert(0, "Enter the name of the accountable officer who signs the return off")
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    return_form.officer_name, return_form.officer_role = officer_name.strip(), officer_role.strip()
    return_form.state = Return.State.SIGNED_OFF
    return_form.signed_off_at = now
    _return_written(return_form, user, expected_version)
    return_form.state = Return.State.SUBMITTED
    return_form.submitted_at = now
    return_form.receipt = _receipt(return_form)
    _return_written(return_form, user)
    receipt_enqueue(return_form=return_form)
    audit_kpis_update(round=return_form.round, user=user)
    return return_form


@transaction.atomic
def return_send_back(*, return_form, user, reason):
    """The manager sends a submitted return back with a reason: the contact changes it and submits it again; it
    no longer counts as received until then."""
    return_form = Return.objects.select_for_update().select_related("round").get(pk=return_form.pk)
    if return_form.state != Return.State.SUBMITTED:
        raise ReturnStateError("Only a submitted return can be sent back")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason the return is sent back"})
    return_form.state = Return.State.RETURNED
    return_form.returned_reason = reason.strip()
    return_form.submitted_at = None
    return_form.receipt = ""
    _return_written(return_form, user)
    audit_kpis_update(round=return_form.round, user=user)
    return return_form


@transaction.atomic
def return_moderate(*, return_form, user, scores):
    """The manager's moderated score and note for each criterion answered, beside the self score; `scores` is
    {criterion id: (score or None, note)}."""
    return_form = Return.objects.select_for_update().get(pk=return_form.pk)
    if return_form.state != Return.State.SUBMITTED:
        raise ReturnStateError("Only a submitted return can be moderated")
    existing = answers_for(return_form)
    for criterion_id, (score, note) in scores.items():
        answer = existing.get(criterion_id)
        if answer is None or (answer.moderated_score, answer.moderation_note) == (score, note):
            continue
        answer.moderated_score, answer.moderation_note = score, note
        attributed_save(answer, user)
    return _return_written(return_form, user)


@transaction.atomic
def improvement_action_done(*, answer, user):
    """Mark an improvement action done: it leaves the overdue list. Allowed whatever the return's state, as the
    work goes on after the return is in."""
    answer = CriterionAnswer.objects.select_for_update().get(pk=answer.pk)
    if answer.improvement_action and not answer.action_done:
        answer.action_done = True
        attributed_save(answer, user)
    return answer


@transaction.atomic
def challenge_add(*, return_form, user, held_on, attended, outcome, agreed_actions=""):
    """Record a challenge event with the organisation about its return."""
    event = ChallengeEvent(
        return_form=return_form, held_on=held_on, attended=attended, outcome=outcome, agreed_actions=agreed_actions
    )
    return attributed_save(event, user)


def received_and_expected(rounds):
    """(returns received, returns expected) over these rounds: every return in scope is expected, a submitted one
    received."""
    states = list(Return.objects.filter(round__in=rounds).values_list("state", flat=True))
    return sum(state == Return.State.SUBMITTED for state in states), len(states)


def audit_kpis_update(*, round, user):
    """Write again each KPI computed from rounds of this kind, for the period of its plan that the round closes in:
    received / expected over the rounds of that kind closing in that period."""
    written = []
    for measure in AuditMeasure.objects.filter(kind=round.kind).select_related("kpi"):
        period = ReportingPeriod.objects.filter(
            plan__priorities__objectives__kpis=measure.kpi, starts_on__lte=round.closes_on, ends_on__gte=round.closes_on
        ).first()
        if period is None:
            continue
        rounds = Round.objects.filter(kind=round.kind, closes_on__gte=period.starts_on, closes_on__lte=period.ends_on)
        received, expected = received_and_expected(rounds)
        written.append(
            kpi_value_computed(
                kpi=measure.kpi,
                period=period,
                user=user,
                numerator=received,
                denominator=expected,
                note=f"Computed from audit returns: {received} of {expected} returns received.",
            )
        )
    return written


@transaction.atomic
def audit_measure_set(*, kpi, kind, user):
    """Mark the KPI as computed from the returns of rounds of this kind."""
    measure, _ = AuditMeasure.objects.update_or_create(kpi=kpi, defaults={"kind": kind})
    if kpi.value_source != kpi.Source.AUDITS:
        kpi.value_source = kpi.Source.AUDITS
        kpi._history_user = user
        kpi.save(update_fields=["value_source"])
    return measure


@dataclass
class Summary:
    """What a round came to: see round_summary."""

    round: Round
    returns: list
    standards: list
    received: int = 0
    expected: int = 0
    green_by_standard: dict = field(default_factory=dict)  # standard id -> (green, scored)
    overdue: list = field(default_factory=list)  # answers with an improvement action past due

    @property
    def percent_received(self):
        return round(100 * self.received / self.expected) if self.expected else None


def _percent(pair):
    green, scored = pair
    return round(100 * green / scored) if scored else None


def round_summary(round, *, today=None):
    """The round's results, from five queries: its returns (with organisation), the framework's standards, their
    criteria and the plan objectives they give evidence for, and every answer. Per organisation: state, % Green
    (moderated score where there is one, else self), the optimism gap (mean self score minus mean moderated score
    over the criteria moderated); per standard: % Green; and the improvement actions overdue."""
    today = today or timezone.localdate()
    returns = list(round.returns.select_related("organisation").order_by("organisation__name"))
    standards = list(round.framework.standards.prefetch_related("criteria", "objectives"))
    answers = list(CriterionAnswer.objects.filter(return_form__round=round).select_related("criterion__standard"))
    by_return = {row.pk: [] for row in returns}
    for answer in answers:
        by_return[answer.return_form_id].append(answer)
    summary = Summary(round=round, returns=returns, standards=standards)
    by_standard = {standard.pk: [0, 0] for standard in standards}
    for row in returns:
        row.counted = row.state == Return.State.SUBMITTED
        mine = by_return[row.pk] if row.counted else []
        scored = [a for a in mine if a.self_score is not None]
        final = [a.moderated_score if a.moderated_score is not None else a.self_score for a in scored]
        row.green = _percent((sum(score == TOP_SCORE for score in final), len(final)))
        moderated = [a for a in scored if a.moderated_score is not None]
        gaps = [a.self_score - a.moderated_score for a in moderated]
        row.optimism = _two_places(sum(gaps) / len(gaps)) if gaps else None
        row.answer_by_criterion = {a.criterion_id: a for a in by_return[row.pk]}
        row.scored_answers = sorted(scored, key=lambda a: (a.criterion.standard.number, a.criterion.number))
        for answer, score in zip(scored, final, strict=True):
            pair = by_standard.setdefault(answer.criterion.standard_id, [0, 0])
            pair[0] += score == TOP_SCORE
            pair[1] += 1
        for answer in by_return[row.pk]:
            if (
                answer.improvement_action
                and not answer.action_done
                and answer.action_due_on
                and answer.action_due_on < today
            ):
                answer.organisation_name = row.organisation.name
                summary.overdue.append(answer)
    for standard in standards:
        standard.green = _percent(by_standard[standard.pk])
    summary.received = sum(row.counted for row in returns)
    summary.expected = len(returns)
    summary.overdue.sort(key=lambda a: (a.action_due_on, a.organisation_name))
    return summary


def _two_places(value):
    return float(f"{value:.2f}")
