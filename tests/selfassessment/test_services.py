"""Answering, versions, invitations and reminders, and the input a hostile or careless caller might send."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone

from dscb.models import SentEmail
from priorities.models import Action
from selfassessment.models import Answer, Invitation, Question, Questionnaire, Response
from selfassessment.reminders import reminders_due, reminders_send
from selfassessment.services import (
    ResponseChanged,
    board_results,
    compared_results,
    finding_to_action,
    question_change,
    questionnaire_new_version,
    response_save,
    window_open,
)
from tests.factories import (
    ObjectiveFactory,
    QuestionFactory,
    SeatFactory,
    UserFactory,
    WindowFactory,
    make_manager,
)
from tests.tasks.jobs import FlakyEmailBackend

from .conftest import make_board

pytestmark = pytest.mark.django_db


def _questions(board):
    return list(board.window.board_questionnaire.questions.order_by("order"))


def test_responding_twice_edits_the_same_response(board):
    first = board.answer(0, [5, 4, 3], {"scrutiny": "first thoughts"})
    second = board.answer(0, [1, None, 3], {"scrutiny": "second thoughts"})
    assert first.pk == second.pk
    assert Response.objects.filter(invitation=board.invitations[0]).count() == 1
    answers = {a.question.key: (a.score, a.comment) for a in second.answers.select_related("question")}
    assert answers == {"scrutiny": (1, "second thoughts"), "impact": (3, "")}  # the cleared answer is gone
    assert second.version == 2


def test_a_form_opened_before_another_save_is_refused(board):
    invitation, questionnaire = board.invitations[0], board.window.board_questionnaire
    q = _questions(board)[0]
    response_save(invitation=invitation, questionnaire=questionnaire, answers={q.pk: (5, "")}, expected_version=0)
    with pytest.raises(ResponseChanged):
        response_save(invitation=invitation, questionnaire=questionnaire, answers={q.pk: (1, "")}, expected_version=0)
    assert Answer.objects.get().score == 5


@pytest.mark.parametrize("score", [6, -1, 99, 7])
def test_an_answer_off_the_scale_is_refused(board, score):
    q = _questions(board)[0]
    with pytest.raises(ValidationError, match="Choose one of the answers"):
        response_save(
            invitation=board.invitations[0], questionnaire=board.window.board_questionnaire, answers={q.pk: (score, "")}
        )
    assert not Response.objects.exists()


def test_a_huge_comment_is_refused(board):
    q = _questions(board)[0]
    with pytest.raises(ValidationError, match="1000 characters or fewer"):
        response_save(
            invitation=board.invitations[0],
            questionnaire=board.window.board_questionnaire,
            answers={q.pk: (3, "x" * 100_001)},
        )
    assert not Answer.objects.exists()


def test_a_comment_without_an_answer_is_refused_not_dropped(board):
    q = _questions(board)[0]
    with pytest.raises(ValidationError, match="A comment needs an answer"):
        response_save(
            invitation=board.invitations[0],
            questionnaire=board.window.board_questionnaire,
            answers={q.pk: (None, "Partners rarely challenge each other")},
        )
    assert not Response.objects.exists()
    response_save(
        invitation=board.invitations[0], questionnaire=board.window.board_questionnaire, answers={q.pk: (None, "  ")}
    )
    assert not Answer.objects.exists()  # a blank comment is no comment


def test_a_question_of_another_questionnaire_is_refused(board):
    forged = QuestionFactory()  # another questionnaire's
    own = board.window.member_questionnaire.questions.first()
    for question in (forged, own):
        with pytest.raises(ValidationError, match="not in this questionnaire"):
            response_save(
                invitation=board.invitations[0],
                questionnaire=board.window.board_questionnaire,
                answers={question.pk: (3, "")},
            )
    assert not Answer.objects.exists()


def test_a_questionnaire_not_of_the_window_is_refused(board):
    other = QuestionFactory().questionnaire
    with pytest.raises(ValidationError, match="not part of this self-assessment"):
        response_save(invitation=board.invitations[0], questionnaire=other, answers={})


@pytest.mark.parametrize(("opens", "closes"), [(-30, -1), (1, 30)], ids=["closed yesterday", "opens tomorrow"])
def test_a_window_not_open_today_takes_no_answers(board, opens, closes):
    today = timezone.localdate()
    board.window.opens_on = today + datetime.timedelta(days=opens)
    board.window.closes_on = today + datetime.timedelta(days=closes)
    board.window.save()
    with pytest.raises(ValidationError, match="closed"):
        board.answer(0, [5, 5, 5])
    assert not Response.objects.exists()
    assert Invitation.objects.filter(responded_at__isnull=False).count() == 0


def test_a_window_never_opened_takes_no_answers(board):
    board.window.opened_at = None
    board.window.save()
    with pytest.raises(ValidationError):
        board.answer(0, [5, 5, 5])


def test_the_database_allows_one_response_per_invitation_and_questionnaire(board):
    from django.db import IntegrityError, transaction

    Response.objects.create(invitation=board.invitations[0], questionnaire=board.window.board_questionnaire)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(invitation=board.invitations[0], questionnaire=board.window.board_questionnaire)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_submissions_make_one_response(db):
    board = make_board(members=2)
    questions = _questions(board)
    errors = []

    def submit(score):
        try:
            response_save(
                invitation=Invitation.objects.get(pk=board.invitations[0].pk),
                questionnaire=board.window.board_questionnaire,
                answers={questions[0].pk: (score, "")},
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(score,)) for score in (2, 4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # On SQLite a writer may find the database locked (and is told so); never two responses, never an
    # integrity error, and at least one submission is kept whole.
    assert all(isinstance(error, OperationalError) for error in errors), errors
    assert len(errors) < 3
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1


def test_an_answered_questionnaire_is_frozen_and_changes_in_a_new_version(board):
    question = _questions(board)[0]
    question_change(question=question, user=None, text="Changed before anyone answered.")
    board.answer(0, [4, 4, 4])
    with pytest.raises(ValidationError, match="new version"):
        question_change(question=question, user=None, text="Changed after.")
    newer = questionnaire_new_version(questionnaire=board.window.board_questionnaire, user=make_manager())
    assert newer.version == board.window.board_questionnaire.version + 1
    assert list(newer.questions.values_list("key", flat=True)) == ["scrutiny", "challenge", "impact"]
    assert not newer.is_frozen
    question_change(question=newer.questions.get(key="impact"), user=None, text="Reworded in version 2.")
    assert Question.objects.get(pk=question.pk).text == "Changed before anyone answered."
    assert Questionnaire.history.filter(id=newer.pk).exists()


def test_last_years_totals_are_matched_by_question_key(board, settings):
    settings.SELF_ASSESSMENT_MIN_GROUP = 2
    window = board.window
    earlier_q = questionnaire_new_version(questionnaire=window.board_questionnaire, user=None)
    Question.objects.filter(questionnaire=earlier_q, key="challenge").update(order=9, text="Old wording")
    earlier = make_board(
        year_label="2014/15",
        opens_on=window.opens_on - datetime.timedelta(days=365),
        closes_on=window.closes_on - datetime.timedelta(days=365),
        board_q=earlier_q,
        member_q=window.member_questionnaire,
        body=window.body,
    )
    for invitation, scores in zip(earlier.invitations, [[2, 1, 3], [2, 3, 3]], strict=False):
        questions = {q.key: q for q in earlier_q.questions.all()}
        answers = {questions[k].pk: (s, "") for k, s in zip(["scrutiny", "challenge", "impact"], scores, strict=True)}
        earlier.window.opens_on, earlier.window.closes_on = window.opens_on, window.closes_on
        response_save(invitation=invitation, questionnaire=earlier_q, answers=answers, today=window.opens_on)
    board.answer(0, [4, 4, 4])
    board.answer(1, [5, 5, 4])
    results, previous = compared_results(window)
    assert previous.pk == earlier.window.pk
    by_key = {row.key: row for row in results.questions}
    assert by_key["scrutiny"].last_year.mean == 2.0 and by_key["scrutiny"].change == 2.5
    assert by_key["challenge"].last_year.mean == 2.0


def test_opening_invites_the_seats_sitting_on_the_opening_day_and_emails_each_once(
    db, django_capture_on_commit_callbacks
):
    window = WindowFactory(opened_at=None, opens_on=datetime.date(2016, 2, 1))
    sitting = SeatFactory(body=window.body, email="sitting@example.org")
    with_account = SeatFactory(
        body=window.body, user=UserFactory(email="account@example.org"), email="seat@example.org"
    )
    SeatFactory(body=window.body, ends_on=datetime.date(2016, 1, 31), email="gone@example.org")
    SeatFactory(body=window.body, starts_on=datetime.date(2016, 2, 2), email="later@example.org")
    SeatFactory(email="other-body@example.org")
    manager = make_manager()
    with django_capture_on_commit_callbacks(execute=True):
        made = window_open(window=window, user=manager)
    assert {invitation.seat for invitation in made} == {sitting, with_account}
    assert sorted(message.to[0] for message in mail.outbox) == ["account@example.org", "sitting@example.org"]
    assert all(invitation.secret in " ".join(m.body for m in mail.outbox) for invitation in made)
    assert Invitation.history.filter(history_user=manager).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert window_open(window=window, user=manager) == []
    assert len(mail.outbox) == 2


def test_a_refused_invitation_is_retried_and_goes_once(db, django_capture_on_commit_callbacks):
    window = WindowFactory(opened_at=None)
    SeatFactory(body=window.body, email="one@example.org")
    FlakyEmailBackend.refused = 0
    FlakyEmailBackend.failures = 2
    try:
        with (
            override_settings(EMAIL_BACKEND="tests.tasks.jobs.FlakyEmailBackend", EMAIL_SEND_ATTEMPTS=3),
            django_capture_on_commit_callbacks(execute=True),
        ):
            window_open(window=window, user=None)
    finally:
        FlakyEmailBackend.failures = FlakyEmailBackend.refused = 0
    assert len(mail.outbox) == 1
    assert SentEmail.objects.get(key__startswith="self-assessment-invitation:").attempts == 3


def test_reminders_go_once_to_those_who_have_not_answered_in_the_last_working_days(board):
    window = board.window
    window.opens_on, window.closes_on = datetime.date(2016, 2, 1), datetime.date(2016, 3, 18)  # a Friday
    window.save()
    for invitation in [*board.invitations, board.chair_invitation]:
        invitation.seat.email = f"{invitation.seat.pk}@example.org"
        invitation.seat.save()
    Response.objects.create(invitation=board.invitations[0], questionnaire=window.board_questionnaire)
    Invitation.objects.filter(pk=board.invitations[0].pk).update(responded_at=timezone.now())
    assert reminders_due(today=datetime.date(2016, 3, 10)) == []  # six working days before
    sent = reminders_send(today=datetime.date(2016, 3, 11))
    assert len(sent) == len(board.invitations) and board.invitations[0] not in sent
    assert len(mail.outbox) == len(board.invitations)
    assert reminders_send(today=datetime.date(2016, 3, 14)) == []
    assert reminders_send(today=datetime.date(2016, 3, 11)) == []
    assert len(mail.outbox) == len(board.invitations)
    assert reminders_due(today=datetime.date(2016, 3, 19)) == []  # closed


def test_a_finding_becomes_a_plan_action_attributed_in_history(board):
    chair = board.chair_invitation.seat.user
    objective = ObjectiveFactory(priority__plan=board.window.plan)
    action = finding_to_action(
        window=board.window,
        user=chair,
        question_key="impact",
        text="Report the difference each priority made for children, not only its activity.",
        objective=objective,
        lead=board.window.body,
    )
    assert Action.objects.get(pk=action.pk).objective == objective
    assert action.ref == f"{objective.ref}.1" and action.lead == board.window.body
    assert action.history.get().history_user == chair
    with pytest.raises(ValidationError, match="Choose an objective of this plan"):
        finding_to_action(
            window=board.window,
            user=chair,
            question_key="impact",
            text="x",
            objective=ObjectiveFactory(),
            lead=board.window.body,
        )
    with pytest.raises(ValidationError, match="Choose a question"):
        finding_to_action(
            window=board.window,
            user=chair,
            question_key="made-up",
            text="x",
            objective=objective,
            lead=board.window.body,
        )


def test_below_the_minimum_the_answers_are_not_even_read(board, django_assert_num_queries):
    for index in range(4):
        board.answer(index, [5, 5, 5])
    with django_assert_num_queries(1):  # the count of respondents alone
        results = board_results(board.window)
    assert not results.shown and results.questions == []
