"""The demo's board self-assessment: the two questionnaires drawn from the plan's objectives 3.2 (the board
understands its impact, through self-assessment and its stakeholders' views) and 3.3 (it scrutinises, challenges
and supports its partners; an annual board member self-assessment), a 2014/15 window and a 2015/16 one with
invitations to the Board's seats and enough responses for the totals to show. Once: a second load changes
nothing."""

import datetime

from django.utils import timezone

from meetings.models import Seat
from subgroups.models import Subgroup

from .models import Answer, Invitation, Question, Questionnaire, Response, Window
from .services import _secret

BOARD_QUESTIONS = [
    ("scrutiny", "The board scrutinises the work of partner agencies rigorously, not just receiving reports."),
    ("challenge", "Members challenge each other, and the challenge changes what agencies do."),
    ("impact", "The board knows what difference its work makes to children and young people."),
    ("evidence", "The board's decisions rest on evidence: performance data, audits and case reviews."),
    ("stakeholders", "The views of children, young people, families and practitioners shape the board's priorities."),
    ("priorities", "The business plan's priorities are the right ones, and the board holds to them."),
    ("learning", "Learning from audits and case reviews reaches front-line practice."),
    ("partnership", "Every partner agency plays its full part in the board's work."),
    ("risks", "The board knows its main risks and acts on them through its risk register."),
]
MEMBER_QUESTIONS = [
    ("attendance", "I attend the board, or send a briefed deputy, whenever I cannot come."),
    ("own-challenge", "I challenge other agencies, and accept challenge of my own, constructively."),
    ("sharing", "I share the board's learning and decisions within my own agency."),
    ("own-priorities", "I make sure my agency contributes to the board's priorities."),
    ("preparation", "I read the papers and come prepared to contribute."),
]
# The 2015/16 answers of the demo's respondents to the board questionnaire, one score per question (0 don't know).
BOARD_ANSWERS = [
    [4, 3, 3, 4, 2, 4, 3, 3, 4],
    [5, 4, 3, 4, 3, 5, 3, 4, 4],
    [4, 4, 2, 3, 2, 4, 2, 3, 3],
    [3, 3, 3, 4, 2, 4, 3, 2, 0],
    [4, 3, 2, 3, 1, 4, 3, 3, 3],
    [5, 4, 4, 5, 3, 5, 4, 4, 4],
    [4, 3, 3, 4, 2, 4, 0, 3, 3],
]
EARLIER_ANSWERS = [
    [3, 2, 2, 3, 1, 3, 2, 3, 2],
    [4, 3, 2, 3, 2, 4, 2, 3, 3],
    [3, 3, 2, 3, 1, 4, 2, 2, 2],
    [3, 2, 1, 3, 2, 3, 3, 2, 2],
    [4, 3, 2, 4, 2, 4, 2, 3, 3],
]
COMMENTS = {
    (0, "stakeholders"): "We hear from practitioners, but very little directly from children and young people.",
    (2, "impact"): "Our reports count activity; we rarely know the difference it made.",
    (4, "stakeholders"): "The young people's forum should present to the board at least once a year.",
    (5, "challenge"): "Challenge has improved since the risk register came to the Executive.",
}
MEMBER_ANSWERS = [[5, 4, 4, 4, 5], [3, 3, 2, 4, 4], [4, 4, 3, 3, 4]]


def _questionnaire(kind, title, introduction, questions, manager):
    made, created = Questionnaire.objects.get_or_create(
        kind=kind, version=1, defaults={"title": title, "introduction": introduction, "is_demo": True}
    )
    if created:
        for order, (key, text) in enumerate(questions, start=1):
            question = Question(questionnaire=made, order=order, key=key, text=text)
            question._history_user = manager
            question.save()
    return made


def _window(*, year_label, plan, body, board, member, opens_on, closes_on, manager, seats):
    window = Window(
        year_label=year_label,
        plan=plan,
        body=body,
        board_questionnaire=board,
        member_questionnaire=member,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_at=timezone.make_aware(datetime.datetime.combine(opens_on, datetime.time(9))),
        is_demo=True,
    )
    window._history_user = manager
    window.save()
    invitations = []
    for seat in seats:
        invitation = Invitation(window=window, seat=seat, secret=_secret())
        invitation._history_user = manager
        invitation.save()
        invitations.append(invitation)
    return window, invitations


def _answer(invitation, questionnaire, scores, *, comments=None, on):
    response = Response.objects.create(invitation=invitation, questionnaire=questionnaire)
    questions = list(questionnaire.questions.order_by("order"))
    for question, score in zip(questions, scores, strict=True):
        comment = (comments or {}).get(question.key, "")
        Answer.objects.create(response=response, question=question, score=score, comment=comment)
    responded = timezone.make_aware(datetime.datetime.combine(on, datetime.time(11)))
    Invitation.objects.filter(pk=invitation.pk).update(responded_at=responded)


def demo_self_assessment_load(*, plan, manager):
    """The questionnaires, the 2014/15 and 2015/16 windows and their responses; once."""
    if Window.objects.filter(is_demo=True).exists():
        return
    body = Subgroup.objects.filter(kind=Subgroup.Kind.BOARD).order_by("pk").first()
    if body is None:
        return
    seats = list(Seat.objects.on(plan.starts_on).filter(body=body).order_by("role", "person_name", "pk"))
    if not seats:
        return
    board = _questionnaire(
        Questionnaire.Kind.BOARD,
        "The board's effectiveness",
        "How well the board understands its impact, scrutinises and challenges its partners, and hears the views of "
        "children, families and practitioners (objectives 3.2 and 3.3 of the plan).",
        BOARD_QUESTIONS,
        manager,
    )
    member = _questionnaire(
        Questionnaire.Kind.MEMBER,
        "Your own contribution to the board",
        "The annual board member self-assessment (objective 3.3): how you contribute to the board's work.",
        MEMBER_QUESTIONS,
        manager,
    )
    year_start = plan.starts_on
    earlier, earlier_invitations = _window(
        year_label="2014/15",
        plan=None,
        body=body,
        board=board,
        member=member,
        opens_on=year_start - datetime.timedelta(days=60),
        closes_on=year_start - datetime.timedelta(days=31),
        manager=manager,
        seats=seats,
    )
    for invitation, scores in zip(earlier_invitations, EARLIER_ANSWERS, strict=False):
        _answer(invitation, board, scores, on=earlier.opens_on + datetime.timedelta(days=7))
    opens_on = plan.ends_on - datetime.timedelta(days=75)
    window, invitations = _window(
        year_label=plan.year_label,
        plan=plan,
        body=body,
        board=board,
        member=member,
        opens_on=opens_on,
        closes_on=plan.ends_on - datetime.timedelta(days=30),
        manager=manager,
        seats=seats,
    )
    # Every other seat first, so that the order of the seats on the Board says nothing of who answered what.
    order = invitations[1::2] + invitations[0::2]
    for index, (invitation, scores) in enumerate(zip(order, BOARD_ANSWERS, strict=False)):
        comments = {key: text for (who, key), text in COMMENTS.items() if who == index}
        _answer(invitation, board, scores, comments=comments, on=opens_on + datetime.timedelta(days=3 + index))
    for invitation, scores in zip(order, MEMBER_ANSWERS, strict=False):
        _answer(invitation, member, scores, on=opens_on + datetime.timedelta(days=12))
    return window
