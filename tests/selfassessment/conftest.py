"""A Board with seats, a 2015/16 window open today, and the people of the permission tables."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from audits.models import Return
from meetings.models import Seat
from selfassessment.models import Questionnaire
from selfassessment.services import response_save
from subgroups.models import Subgroup
from tests.factories import (
    InvitationFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ReturnFactory,
    SeatFactory,
    SubgroupFactory,
    UserFactory,
    WindowFactory,
    make_manager,
    make_viewer,
)

KEYS = ["scrutiny", "challenge", "impact"]


@dataclass
class Board:
    window: object
    invitations: list  # one per member seat, in seat order
    chair_invitation: object
    users: dict

    def answer(self, index, scores, comments=None, *, own=False):
        invitation = self.invitations[index]
        questionnaire = self.window.member_questionnaire if own else self.window.board_questionnaire
        questions = list(questionnaire.questions.order_by("order"))
        comments = comments or {}
        answers = {q.pk: (score, comments.get(q.key, "")) for q, score in zip(questions, scores, strict=False)}
        return response_save(invitation=invitation, questionnaire=questionnaire, answers=answers)


def _questionnaire(kind):
    questionnaire = QuestionnaireFactory(kind=kind)
    for order, key in enumerate(KEYS, start=1):
        QuestionFactory(questionnaire=questionnaire, order=order, key=key, text=f"The board does {key} well.")
    return questionnaire


def make_board(
    members=6, *, year_label="2015/16", opens_on=None, closes_on=None, board_q=None, member_q=None, body=None, plan=None
):
    today = timezone.localdate()
    body = body or SubgroupFactory(name="Board", slug="board", kind=Subgroup.Kind.BOARD)
    extra = {"plan": plan} if plan is not None else {}
    window = WindowFactory(
        year_label=year_label,
        body=body,
        board_questionnaire=board_q or _questionnaire(Questionnaire.Kind.BOARD),
        member_questionnaire=member_q or _questionnaire(Questionnaire.Kind.MEMBER),
        opens_on=opens_on or today - datetime.timedelta(days=10),
        closes_on=closes_on or today + datetime.timedelta(days=20),
        **extra,
    )
    chair_seat = Seat.objects.filter(body=body, role=Seat.Role.CHAIR).first() or SeatFactory(
        body=body, role=Seat.Role.CHAIR, person_name="Margaret Ellis", user=UserFactory(username="board-chair")
    )
    members_seats = list(Seat.objects.filter(body=body, role=Seat.Role.MEMBER).order_by("pk"))
    if not members_seats:
        members_seats = [SeatFactory(body=body, person_name=f"Member {n}") for n in range(members)]
        members_seats[0].user = UserFactory(username="board-member")
        members_seats[0].save()
    invitations = [InvitationFactory(window=window, seat=seat) for seat in members_seats]
    chair_invitation = InvitationFactory(window=window, seat=chair_seat)
    return Board(window, invitations, chair_invitation, {})


@pytest.fixture
def board(db):
    made = make_board()
    subgroup_chair = SubgroupFactory(chair=UserFactory(username="subgroup-chair")).memberships.get().user
    contact = UserFactory(username="audit-contact")
    ReturnFactory(contact=contact)
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    made.users = {
        "anon": None,
        "viewer": make_viewer(username="viewer"),
        "subgroup_chair": subgroup_chair,
        "audit_contact": contact,
        "board_member": made.invitations[0].seat.user,
        "board_chair": made.chair_invitation.seat.user,
        "manager": make_manager(username="manager"),
        "admin": admin,
    }
    assert Return.objects.filter(contact=contact).exists()
    return made
