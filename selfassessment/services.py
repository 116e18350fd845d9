"""Writes to the self-assessment, each attributed in the history where the row keeps one, and the reads that
guard its privacy: the board's answers only as totals per question, and only for a group of at least
SELF_ASSESSMENT_MIN_GROUP respondents."""

import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dscb.history import attributed_save
from meetings.models import Seat
from priorities.services import action_add

from .models import (
    COMMENT_LIMIT,
    DONT_KNOW,
    SCALE,
    Answer,
    Invitation,
    Question,
    Questionnaire,
    Response,
    Window,
    min_group,
)

CLOSED = "This self-assessment is closed: answers can no longer be given or changed."
CHANGED_SINCE = (
    "You saved these answers in another window since this page was opened. What you chose is below: check it, "
    "then save again to keep it."
)


def _secret():
    """A long random secret for an invitation's link: 32 random bytes, 43 URL-safe characters."""
    return secrets.token_urlsafe(32)


@transaction.atomic
def questionnaire_new_version(*, questionnaire, user, title=None):
    """A new version of the questionnaire with the same questions (and keys), to be changed in its place."""
    latest = Questionnaire.objects.filter(kind=questionnaire.kind).order_by("-version").first()
    made = attributed_save(
        Questionnaire(
            kind=questionnaire.kind,
            version=latest.version + 1,
            title=title or questionnaire.title,
            introduction=questionnaire.introduction,
            is_demo=questionnaire.is_demo,
        ),
        user,
    )
    for question in questionnaire.questions.all():
        attributed_save(Question(questionnaire=made, order=question.order, key=question.key, text=question.text), user)
    return made


def question_change(*, question, user, **fields):
    """Change a question, unless its questionnaire has been answered (then make a new version instead)."""
    if question.questionnaire.is_frozen:
        raise ValidationError("This questionnaire has been answered: make a new version to change its questions.")
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    return attributed_save(question, user)


def board_seats(window, day=None):
    """The seats on the window's body sitting on `day` (its opening date unless given)."""
    return list(
        Seat.objects.on(day or window.opens_on)
        .filter(body_id=window.body_id)
        .select_related("agency", "user")
        .order_by("person_name", "pk")
    )


@transaction.atomic
def window_open(*, window, user):
    """Invite every seat sitting on the Board on the window's opening date (once each), and have each emailed
    its personal link. Opening again invites only seats not yet invited. Returns the new invitations."""
    window = Window.objects.select_for_update().get(pk=window.pk)
    invited = set(window.invitations.values_list("seat_id", flat=True))
    made = []
    for seat in board_seats(window):
        if seat.pk not in invited:
            made.append(attributed_save(Invitation(window=window, seat=seat, secret=_secret()), user))
    if window.opened_at is None:
        window.opened_at = timezone.now()
        attributed_save(window, user)
    from .tasks import invitation_enqueue

    for invitation in made:
        invitation_enqueue(invitation=invitation)
    return made


def answer_problems(questions, answers):
    """{question id: message} for answers that are not on the scale, have a comment too long or a comment without an
    answer (never dropped unsaid), or name a question that is not in the questionnaire; `answers` is {question id:
    (score or None, comment)}."""
    known = {question.pk for question in questions}
    problems = {}
    for question_id, (score, comment) in answers.items():
        if question_id not in known:
            problems[question_id] = "That question is not in this questionnaire"
        elif score is not None and score not in {DONT_KNOW, *(value for value, _ in SCALE)}:
            problems[question_id] = "Choose one of the answers given"
        elif len(comment or "") > COMMENT_LIMIT:
            problems[question_id] = f"The comment must be {COMMENT_LIMIT} characters or fewer"
        elif score is None and (comment or "").strip():
            problems[question_id] = "A comment needs an answer beside it: choose one, or Don't know"
    return problems


class ResponseChanged(Exception):
    """The response was saved since the form was opened."""

    def __init__(self, current_version):
        super().__init__(CHANGED_SINCE)
        self.current_version = current_version


def response_save(*, invitation, questionnaire, answers, expected_version=None, today=None):
    """Record (or change) the invitation's answers to the questionnaire, `answers` being {question id: (score or
    None, comment)}; a question left unanswered has no answer. One response per invitation and questionnaire:
    answering again edits it. The window must be open; the invitation is marked responded (when, not what)."""
    today = today or timezone.localdate()
    window = invitation.window
    if not window.is_open_on(today):
        raise ValidationError(CLOSED)
    if questionnaire.pk not in (window.board_questionnaire_id, window.member_questionnaire_id):
        raise ValidationError("That questionnaire is not part of this self-assessment")
    questions = list(questionnaire.questions.all())
    problems = answer_problems(questions, answers)
    if problems:
        raise ValidationError(problems)
    try:
        return _response_write(invitation, questionnaire, answers, expected_version)
    except IntegrityError:
        # Two submissions of a first response at once: the second finds the first's row and edits it.
        return _response_write(invitation, questionnaire, answers, expected_version)


@transaction.atomic
def _response_write(invitation, questionnaire, answers, expected_version):
    response = Response.objects.select_for_update().filter(invitation=invitation, questionnaire=questionnaire).first()
    if response is None:
        if expected_version not in (None, 0):
            raise ResponseChanged(0)
        with transaction.atomic():
            response = Response.objects.create(invitation=invitation, questionnaire=questionnaire)
    else:
        if expected_version is not None and expected_version != response.version:
            raise ResponseChanged(response.version)
        response.version += 1
        response.save()
    kept = {answer.question_id: answer for answer in response.answers.all()}
    for question_id, (score, comment) in answers.items():
        answer = kept.pop(question_id, None)
        if score is None:
            if answer is not None:
                answer.delete()
            continue
        answer = answer or Answer(response=response, question_id=question_id)
        answer.score, answer.comment = score, (comment or "").strip()
        answer.save()
    Invitation.objects.filter(pk=invitation.pk, responded_at__isnull=True).update(responded_at=timezone.now())
    invitation.responded_at = invitation.responded_at or timezone.now()
    return response


def response_of(invitation, questionnaire):
    """The invitation's response to the questionnaire with its answers by question id, or (None, {})."""
    response = Response.objects.filter(invitation=invitation, questionnaire=questionnaire).first()
    if response is None:
        return None, {}
    return response, {answer.question_id: answer for answer in response.answers.all()}


@dataclass
class QuestionTotals:
    """One question's totals: how many chose each point of the scale, don't knows, the mean of the scale's
    answers, and the comments (never whose)."""

    key: str
    text: str
    counts: dict = field(default_factory=lambda: {value: 0 for value, _ in SCALE})
    dont_know: int = 0
    comments: list = field(default_factory=list)
    last_year: "QuestionTotals | None" = None

    @property
    def answered(self):
        return sum(self.counts.values())

    @property
    def mean(self):
        return (
            round(sum(value * count for value, count in self.counts.items()) / self.answered, 2)
            if self.answered
            else None
        )

    @property
    def scale_counts(self):
        return [(value, words, self.counts[value]) for value, words in SCALE]

    @property
    def change(self):
        if self.last_year is None or self.mean is None or self.last_year.mean is None:
            return None
        return round(self.mean - self.last_year.mean, 2)


@dataclass
class Results:
    """The board questionnaire's totals for a window, or none (`shown` False) below the minimum group."""

    window: Window
    respondents: int
    minimum: int
    questions: list

    @property
    def shown(self):
        return self.respondents >= self.minimum


def board_respondents(window):
    """How many responded to the window's board questionnaire."""
    return Response.objects.filter(invitation__window=window, questionnaire_id=window.board_questionnaire_id).count()


def board_results(window):
    """The board's totals per question, from its board questionnaire; no totals (and no query of the answers) when
    fewer than the minimum group responded. Three queries: respondents, questions, answers."""
    respondents = board_respondents(window)
    minimum = min_group()
    if respondents < minimum:
        return Results(window=window, respondents=respondents, minimum=minimum, questions=[])
    totals = {
        question.pk: QuestionTotals(key=question.key, text=question.text)
        for question in window.board_questionnaire.questions.all()
    }
    answers = Answer.objects.filter(
        response__invitation__window=window, response__questionnaire_id=window.board_questionnaire_id
    ).values_list("question_id", "score", "comment")
    for question_id, score, comment in answers.order_by("question_id", "comment"):
        row = totals.get(question_id)
        if row is None:
            continue
        if score == DONT_KNOW:
            row.dont_know += 1
        else:
            row.counts[score] += 1
        if comment:
            row.comments.append(comment)
    for row in totals.values():
        row.comments.sort()  # in the order of their words, never of who gave them or when
    return Results(window=window, respondents=respondents, minimum=minimum, questions=list(totals.values()))


def previous_window(window):
    """Last year's window (the latest one opening before this one), or None."""
    return (
        Window.objects.filter(opens_on__lt=window.opens_on)
        .select_related("plan", "board_questionnaire")
        .order_by("-opens_on")
        .first()
    )


def compared_results(window):
    """This window's totals, each beside last year's for the question with the same key (shown only when last
    year's group was large enough too)."""
    results = board_results(window)
    earlier = previous_window(window)
    if results.shown and earlier is not None:
        last = {row.key: row for row in board_results(earlier).questions}
        for row in results.questions:
            row.last_year = last.get(row.key)
    return results, earlier


def member_assessments(window):
    """The members' own-contribution responses in the window, with the seat they came from and their answers, for
    the Board's chair alone. Two queries."""
    responses = (
        Response.objects.filter(invitation__window=window, questionnaire_id=window.member_questionnaire_id)
        .select_related("invitation__seat__agency")
        .prefetch_related("answers__question")
        .order_by("invitation__seat__person_name", "pk")
    )
    return list(responses)


@transaction.atomic
def finding_to_action(*, window, user, question_key, text, objective, lead):
    """Make one of the board's chosen priorities from its self-assessment a plan action under `objective`,
    attributed to `user`; the action says which question it answers."""
    question = window.board_questionnaire.questions.filter(key=question_key).first()
    if question is None:
        raise ValidationError("Choose a question from this self-assessment")
    if objective.priority.plan_id != window.plan_id:
        raise ValidationError("Choose an objective of this plan")
    return action_add(objective=objective, user=user, text=text, lead=lead, due="")
