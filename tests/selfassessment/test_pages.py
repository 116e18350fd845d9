"""The pages: who may open and post what (every role x every address and POST, and the personal links), the
respond form, the results and their actions, and the query counts pinned at two sizes."""

import re

import pytest
from django.urls import reverse

from priorities.models import Action
from selfassessment.models import Answer, Invitation, Response, Window
from tests.factories import BusinessPlanFactory, ObjectiveFactory

from .conftest import make_board

pytestmark = pytest.mark.django_db

ROLES = ["anon", "viewer", "subgroup_chair", "audit_contact", "board_member", "board_chair", "manager", "admin"]
LOGIN = "sign-in"


def _status(client, board, role, method, url, data=None):
    user = board.users[role]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def _everyone_signed_in(status):
    return {"anon": LOGIN, **dict.fromkeys(ROLES[1:], status)}


def _only(roles, status=200, others=403):
    return {"anon": LOGIN, **{role: status if role in roles else others for role in ROLES[1:]}}


def _the_board(status=200):
    """The board's people: everyone signed in but someone who is only an audit contact (404: not theirs)."""
    return {**_everyone_signed_in(status), "audit_contact": 404}


GETS = {
    "window-list": _the_board(),
    "window-add": _only({"manager", "admin"}),
    "window-results": _the_board(),
    "window-export": _the_board(),
    "member-list": _only({"board_chair"}),
    "window-open": _everyone_signed_in(405),
    "finding-action": _everyone_signed_in(405),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", GETS)
def test_who_may_open_each_page(client, board, role, name):
    kwargs = {} if name in {"window-list", "window-add"} else {"pk": board.window.pk}
    assert _status(client, board, role, "get", reverse(f"selfassessment:{name}", kwargs=kwargs)) == GETS[name][role]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_a_window(client, board, role):
    board.window.opened_at = None
    board.window.save()
    invited = Invitation.objects.count()
    expected = _only({"manager", "admin"}, status=302)[role]
    assert (
        _status(client, board, role, "post", reverse("selfassessment:window-open", args=[board.window.pk])) == expected
    )
    assert Window.objects.get().opened_at is not None if expected == 302 else Window.objects.get().opened_at is None
    assert Invitation.objects.count() == invited  # every seat sitting had its invitation already


@pytest.mark.parametrize("role", ROLES)
def test_who_may_set_up_a_window(client, board, role):
    plan = BusinessPlanFactory(bare=True, year_label="2016/17")
    data = {
        "year_label": "2016/17",
        "plan": plan.pk,
        "board_questionnaire": board.window.board_questionnaire.pk,
        "member_questionnaire": board.window.member_questionnaire.pk,
        "opens_on_0": "1",
        "opens_on_1": "2",
        "opens_on_2": "2017",
        "closes_on_0": "31",
        "closes_on_1": "3",
        "closes_on_2": "2017",
    }
    expected = _only({"manager", "admin"}, status=302)[role]
    assert _status(client, board, role, "post", reverse("selfassessment:window-add"), data) == expected
    assert Window.objects.filter(plan=plan).exists() == (expected == 302)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_turn_a_finding_into_an_action(client, board, role, settings):
    settings.SELF_ASSESSMENT_MIN_GROUP = 2
    board.answer(0, [2, 2, 2])
    board.answer(1, [2, 3, 2])
    objective = ObjectiveFactory(priority__plan=board.window.plan)
    data = {"question": "impact", "objective": objective.pk, "text": "Ask young people what changed."}
    expected = _only({"board_chair", "manager", "admin"}, status=302)[role]
    assert (
        _status(client, board, role, "post", reverse("selfassessment:finding-action", args=[board.window.pk]), data)
        == expected
    )
    assert Action.objects.filter(objective=objective).exists() == (expected == 302)


def test_no_action_from_a_group_too_small(client, board):
    board.answer(0, [2, 2, 2])
    objective = ObjectiveFactory(priority__plan=board.window.plan)
    client.force_login(board.users["manager"])
    data = {"question": "impact", "objective": objective.pk, "text": "Ask young people."}
    client.post(reverse("selfassessment:finding-action", args=[board.window.pk]), data)
    assert not Action.objects.exists()


def test_a_finding_form_with_errors_keeps_what_was_typed(client, board, settings):
    settings.SELF_ASSESSMENT_MIN_GROUP = 1
    board.answer(0, [2, 2, 2])
    client.force_login(board.users["board_chair"])
    data = {"question": "impact", "objective": "", "text": "Hear the young people's forum."}
    response = client.post(reverse("selfassessment:finding-action", args=[board.window.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400 and "Choose the objective" in body and "Hear the young people" in body


# The personal links: anyone holding one, signed in or not, whoever they are.
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["respond", "respond-own"])
def test_a_personal_link_answers_whoever_holds_it(client, board, role, name):
    url = reverse(f"selfassessment:{name}", args=[board.window.pk, board.invitations[2].secret])
    assert _status(client, board, role, "get", url) == 200
    question = board.window.board_questionnaire.questions.first()
    if name == "respond-own":
        question = board.window.member_questionnaire.questions.first()
    data = {"version": "0", f"q{question.pk}-score": "4"}
    assert _status(client, board, role, "post", url, data) == 302
    assert Response.objects.get().invitation_id == board.invitations[2].pk


@pytest.mark.parametrize(
    "secret",
    ["made-up", "x" * 43, "", "%00"],
)
def test_a_made_up_link_is_not_found(client, board, secret):
    url = f"/self-assessment/{board.window.pk}/respond/{secret}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": "0"}).status_code == 404


def test_another_windows_link_is_not_found(client, board):
    other = make_board(members=1, year_label="2014/15", body=board.window.body)
    url = reverse("selfassessment:respond", args=[board.window.pk, other.invitations[0].secret])
    assert client.get(url).status_code == 404


def test_a_closed_windows_link_shows_it_closed_and_takes_nothing(client, board):
    import datetime

    board.window.closes_on = board.window.opens_on = board.window.opens_on - datetime.timedelta(days=100)
    board.window.save()
    url = reverse("selfassessment:respond", args=[board.window.pk, board.invitations[0].secret])
    assert 'id="closed"' in client.get(url).content.decode()
    question = board.window.board_questionnaire.questions.first()
    response = client.post(url, {"version": "0", f"q{question.pk}-score": "5"})
    assert response.status_code == 403 and not Answer.objects.exists()


def test_the_form_keeps_the_answers_typed_when_one_is_wrong(client, board):
    questions = list(board.window.board_questionnaire.questions.order_by("order"))
    url = reverse("selfassessment:respond", args=[board.window.pk, board.invitations[0].secret])
    data = {
        "version": "0",
        f"q{questions[0].pk}-score": "4",
        f"q{questions[0].pk}-comment": "Kept when the page comes back",
        f"q{questions[1].pk}-score": "9",  # not an answer offered
        f"q{questions[2].pk}-comment": "y" * 1001,
    }
    body = client.post(url, data).content.decode()
    assert "Choose one of the answers given" in body and "1000 characters or fewer" in body
    assert "Kept when the page comes back" in body
    checked = re.findall(r'<input[^>]*name="q(\d+)-score"[^>]*value="(\d)"[^>]*checked', body)
    assert checked == [(str(questions[0].pk), "4")]
    assert not Answer.objects.exists()


def test_a_forged_question_id_in_the_post_is_ignored(client, board):
    other = board.window.member_questionnaire.questions.first()
    url = reverse("selfassessment:respond", args=[board.window.pk, board.invitations[0].secret])
    client.post(url, {"version": "0", f"q{other.pk}-score": "5", f"q{other.pk}-comment": "forged"})
    assert not Answer.objects.filter(question=other).exists()


def test_the_own_page_shows_the_members_attendance_from_the_register(client, board):
    from tests.factories import AttendanceFactory, MeetingFactory

    seat = board.invitations[0].seat
    plan = board.window.plan
    plan.starts_on, plan.ends_on = (
        plan.starts_on.replace(year=2015, month=4, day=1),
        plan.ends_on.replace(year=2016, month=3, day=31),
    )
    plan.save()
    for day, status in [(10, "present"), (11, "apologies"), (12, "deputy"), (13, "absent"), (14, "present")]:
        meeting = MeetingFactory(body=seat.body, date=plan.starts_on.replace(month=5, day=day), status="held")
        AttendanceFactory(
            meeting=meeting, seat=seat, status=status, deputy_name="A deputy" if status == "deputy" else ""
        )
    before = MeetingFactory(body=seat.body, date=plan.starts_on.replace(year=2015, month=3, day=1), status="held")
    AttendanceFactory(meeting=before, seat=seat, status="absent")
    body = client.get(
        reverse("selfassessment:respond-own", args=[board.window.pk, board.invitations[0].secret])
    ).content.decode()
    figures = re.findall(r'govuk-summary-list__value">(\d+)<', body)
    assert figures == ["5", "2", "1", "1", "1"]


def test_the_pages_query_counts_do_not_grow_with_the_responses(client, board, settings, django_assert_num_queries):
    settings.SELF_ASSESSMENT_MIN_GROUP = 2
    client.force_login(board.users["board_chair"])
    results_url = board.window.get_absolute_url()
    list_url = reverse("selfassessment:window-list")
    members_url = reverse("selfassessment:member-list", args=[board.window.pk])
    counts = []
    for respondents in (2, 6):
        for index in range(respondents):
            board.answer(index, [4, 3, 2], {"scrutiny": f"comment {index}"})
            board.answer(index, [4, 3, 2], own=True)
        pinned = []
        for url in (results_url, list_url, members_url):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            pinned.append(len(captured))
        counts.append(pinned)
    assert counts[0] == counts[1]
    # results: session, user (bringing their roles: the manager check and the board check), window, respondents,
    # questions, answers, previous window, chair seats, objectives; list: session, user, windows with counts, my
    # invitations; members: session, user, window, chair seats, responses, their answers, the answers' questions.
    assert counts[0] == [9, 4, 7]


def test_the_service_navigation_leads_to_the_self_assessment_and_marks_it(client, board):
    client.force_login(board.users["viewer"])
    home = client.get(reverse("selfassessment:window-results", args=[board.window.pk])).content.decode()
    active = re.search(r'service-navigation__item--active">(.*?)</li>', home, re.S).group(1)
    assert 'href="/self-assessment/"' in active and "Self-assessment" in active


@pytest.mark.parametrize("name", ["respond", "respond-own"])
def test_a_comment_without_an_answer_is_refused_by_its_question_never_dropped(client, board, name):
    own = name == "respond-own"
    questionnaire = board.window.member_questionnaire if own else board.window.board_questionnaire
    questions = list(questionnaire.questions.order_by("order"))
    url = reverse(f"selfassessment:{name}", args=[board.window.pk, board.invitations[0].secret])
    data = {
        "version": "0",
        f"q{questions[0].pk}-score": "4",
        f"q{questions[1].pk}-comment": "Partners rarely challenge each other",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "your answers are saved" not in body
    assert (
        f'id="id_q{questions[1].pk}-score_1_error"' in body
        and "Choose an answer for the question you commented on" in body
    )
    assert "Partners rarely challenge each other" in body
    assert re.findall(r'<input[^>]*name="q(\d+)-score"[^>]*value="(\d)"[^>]*checked', body) == [
        (str(questions[0].pk), "4")
    ]
    assert not Response.objects.exists() and not Answer.objects.exists()
    data[f"q{questions[1].pk}-score"] = "0"  # don't know, with the comment
    assert client.post(url, data).status_code == 302
    assert Answer.objects.get(question=questions[1]).comment == "Partners rarely challenge each other"


@pytest.mark.parametrize("also", ["nothing", "viewer", "seat", "subgroup"])
def test_an_audit_contact_reads_the_board_self_assessment_only_when_also_one_of_the_board(client, board, also):
    from tests.factories import MembershipFactory, SeatFactory, add_role

    contact = board.users["audit_contact"]
    if also == "viewer":
        add_role(contact, "Viewer")
    elif also == "seat":
        SeatFactory(body=board.window.body, user=contact, person_name="Contact on the board")
    elif also == "subgroup":
        MembershipFactory(user=contact)
    client.force_login(contact)
    expected = 404 if also == "nothing" else 200
    for url in (
        reverse("selfassessment:window-list"),
        board.window.get_absolute_url(),
        reverse("selfassessment:window-export", args=[board.window.pk]),
    ):
        assert client.get(url).status_code == expected


def test_my_invitation_to_a_closed_window_says_it_closed_unanswered(client, board):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    earlier = make_board(
        year_label="2014/15",
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=30),
        body=board.window.body,
    )
    board.answer(0, [4, 4, 4])
    client.force_login(board.users["board_member"])
    mine = client.get(reverse("selfassessment:window-list")).content.decode()
    mine = re.search(r'id="my-invitations".*?</ul>', mine, re.S).group(0)
    closed = re.search(r"<li>\s*Board self-assessment 2014/15.*?</li>", mine, re.S).group(0)
    assert "Closed unanswered" in closed and "Not answered yet" not in closed
    assert (earlier.window.closes_on.strftime("%B %Y")) in closed
    assert "Answered" in re.search(r"<li>\s*Board self-assessment 2015/16.*?</li>", mine, re.S).group(0)


def test_setting_up_says_plainly_when_every_plan_year_has_a_self_assessment(client, board):
    client.force_login(board.users["manager"])
    url = reverse("selfassessment:window-add")
    body = client.get(url).content.decode()
    assert 'id="cannot-set-up"' in body and "Every plan year already has a self-assessment" in body
    assert "Add next year&#x27;s plan first" in body and 'name="plan"' not in body
    response = client.post(url, {"year_label": "2016/17", "plan": board.window.plan.pk})
    assert "Every plan year already has a self-assessment" in response.content.decode()
    assert Window.objects.count() == 1


def test_setting_up_puts_every_error_in_the_users_words_and_keeps_what_was_typed(client, board):
    BusinessPlanFactory(bare=True, year_label="2016/17")
    client.force_login(board.users["manager"])
    url = reverse("selfassessment:window-add")
    body = client.get(url).content.decode()
    assert 'id="cannot-set-up"' not in body and "for example 2016/17" in body and "Plan year" in body
    data = {
        "year_label": "y" * 100_025,
        "plan": board.window.plan.pk,  # has a self-assessment already
        "board_questionnaire": "999999",
        "member_questionnaire": "not-a-number",
        "opens_on_0": "31",
        "opens_on_1": "2",
        "opens_on_2": "2017",
        "closes_on_0": "x",
        "closes_on_1": "99",
        "closes_on_2": "99999999999",
    }
    body = client.post(url, data).content.decode()
    for words in (
        "The year must be 20 characters or fewer, for example 2016/17",
        "Choose one of the plan years listed",
        "Choose one of the board effectiveness questionnaires listed",
        "Choose one of the member&#x27;s own contribution questionnaires listed",
        "The opening date must be a real date",
    ):
        assert words in body
    assert "Ensure this value" not in body and "Select a valid choice" not in body and "100025" not in body
    assert "y" * 100 in body  # what was typed comes back
    assert Window.objects.count() == 1
