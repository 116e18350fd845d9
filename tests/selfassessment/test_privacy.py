"""The heart of the self-assessment: answers only as totals, only for a group of at least the minimum (five by
default), comments never attributed; a member's own assessment for them and the Board's chair alone."""

import re

import pytest
from django.urls import reverse

from selfassessment.models import Invitation, Response
from tests.security.urls_walk import all_routes

pytestmark = pytest.mark.django_db

MARK = "private-comment-{}"


def _answer_four(board):
    for index in range(4):
        board.answer(index, [5, 1, 3], {"scrutiny": MARK.format(index)})


def _every_self_assessment_url(board):
    """Every address of the app for this window: each route, with each invitation's secret for the links."""
    window = board.window
    urls = []
    for route in all_routes():
        if route.namespace != "selfassessment":
            continue
        if "secret" in route.params:
            for invitation in [*board.invitations, board.chair_invitation]:
                urls.append(reverse(route.name, kwargs={"pk": window.pk, "secret": invitation.secret}))
        elif "pk" in route.params:
            urls.append(reverse(route.name, kwargs={"pk": window.pk}))
        else:
            urls.append(reverse(route.name))
    return urls


@pytest.mark.parametrize("role", ["anon", "viewer", "board_member", "board_chair", "manager", "admin"])
def test_a_group_of_four_shows_no_answers_whatever_the_url(client, board, role, settings):
    settings.SELF_ASSESSMENT_MIN_GROUP = 5
    _answer_four(board)
    if board.users[role] is not None:
        client.force_login(board.users[role])
    own_page = {
        reverse("selfassessment:respond", args=[board.window.pk, inv.secret]): index
        for index, inv in enumerate(board.invitations)
    }
    checked = 0
    for url in _every_self_assessment_url(board):
        response = client.get(url)
        if response["Content-Type"].startswith("application/vnd.openxmlformats"):
            body = " ".join(str(cell) for row in _workbook_text(response.content) for cell in row)
            assert "Strongly agree" not in body
        else:
            body = response.content.decode()
        for index in range(4):
            if own_page.get(url) == index:
                continue  # the respondent's own page shows what they answered, to change it
            assert MARK.format(index) not in body, f"{url} as {role} shows respondent {index}'s comment"
        assert 'id="question-' not in body, f"{url} as {role} shows totals for four"
        checked += 1
    assert checked >= 9


def test_five_show_totals_per_question_and_comments_not_attributed(client, board):
    for index in range(5):
        board.answer(index, [5, 1, 0] if index else [4, 2, 3], {"scrutiny": MARK.format(index)})
    client.force_login(board.users["viewer"])
    body = client.get(board.window.get_absolute_url()).content.decode()
    table = re.search(r'id="question-scrutiny".*?</table>', body, re.S).group(0)
    cells = re.findall(r'govuk-table__cell--numeric">([^<]*)<', table)
    # Strongly disagree .. strongly agree, don't know, mean.
    assert cells == ["0", "0", "0", "1", "4", "0", "4.80"]
    impact = re.search(r'id="question-impact".*?</table>', body, re.S).group(0)
    assert re.findall(r'govuk-table__cell--numeric">([^<]*)<', impact) == ["0", "0", "1", "0", "0", "4", "3.00"]
    for index in range(5):
        assert MARK.format(index) in body
    for invitation in board.invitations:
        assert invitation.seat.person_name not in body


def test_the_minimum_group_is_a_setting(client, board, settings):
    settings.SELF_ASSESSMENT_MIN_GROUP = 3
    for index in range(3):
        board.answer(index, [5, 4, 3])
    client.force_login(board.users["viewer"])
    assert 'id="question-scrutiny"' in client.get(board.window.get_absolute_url()).content.decode()


def test_a_member_cannot_see_another_members_answers(client, board):
    board.answer(0, [5, 5, 5], {"scrutiny": "mine-alone"}, own=True)
    board.answer(1, [1, 1, 1], {"scrutiny": "theirs-alone"}, own=True)
    client.force_login(board.users["board_member"])  # sits in invitation 0's seat
    own = client.get(reverse("selfassessment:respond-own", args=[board.window.pk, board.invitations[0].secret]))
    assert "mine-alone" in own.content.decode() and "theirs-alone" not in own.content.decode()
    # The other member's answers are behind their own secret link and the chair's page, neither of which they have.
    assert client.get(reverse("selfassessment:member-list", args=[board.window.pk])).status_code == 403
    made_up = reverse("selfassessment:respond-own", args=[board.window.pk, "x" * 43])
    assert client.get(made_up).status_code == 404
    listing = client.get(reverse("selfassessment:window-list")).content.decode()
    assert board.invitations[1].secret not in listing and board.invitations[0].secret in listing


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("board_chair", 200),
        ("manager", 403),
        ("admin", 403),
        ("board_member", 403),
        ("viewer", 403),
        ("subgroup_chair", 403),
        ("audit_contact", 403),
    ],
)
def test_members_own_assessments_are_for_the_chair_alone(client, board, role, status):
    board.answer(0, [5, 4, 3], {"scrutiny": "my-own-words"}, own=True)
    client.force_login(board.users[role])
    response = client.get(reverse("selfassessment:member-list", args=[board.window.pk]))
    assert response.status_code == status
    assert ("my-own-words" in response.content.decode()) == (status == 200)


def test_responded_is_tracked_apart_from_the_answers(board):
    board.answer(2, [4, 4, 4])
    invitation = Invitation.objects.get(pk=board.invitations[2].pk)
    assert invitation.responded_at is not None
    assert not hasattr(Response, "history") and not hasattr(Invitation, "score")
    assert {field.name for field in Invitation._meta.concrete_fields}.isdisjoint({"score", "comment"})


def _workbook_text(content):
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(content))
    return [
        [cell for cell in row if cell is not None]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


def test_the_export_of_four_holds_no_answers_and_of_five_the_totals(client, board, settings):
    settings.SELF_ASSESSMENT_MIN_GROUP = 5
    _answer_four(board)
    client.force_login(board.users["manager"])
    url = reverse("selfassessment:window-export", args=[board.window.pk])
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="self-assessment-2015-16-totals.xlsx"'
    rows = _workbook_text(response.content)
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert "at least 5 members" in flat and "private-comment" not in flat and "Strongly agree" not in flat

    board.answer(4, [5, 1, 3], {"scrutiny": "=HYPERLINK('http://evil')"})
    rows = _workbook_text(client.get(url).content)
    scrutiny = next(row for row in rows if row and row[0] == "The board does scrutiny well.")
    assert scrutiny == ["The board does scrutiny well.", 0, 0, 0, 0, 5, 0, 5]
    comments = [row[1] for row in rows if len(row) == 2 and row[0] == "The board does scrutiny well."]
    assert len(comments) == 5 and all(MARK.format(i) in comments for i in range(4))
    from io import BytesIO

    from openpyxl import load_workbook

    cell = next(
        c for c in load_workbook(BytesIO(client.get(url).content))["Comments"]["B"] if str(c.value).startswith("=")
    )
    assert cell.data_type == "s"  # kept as text, never a formula
    totals = load_workbook(BytesIO(client.get(url).content))["Totals"]
    scrutiny_row = next(r for r in totals.iter_rows() if r[0].value == "The board does scrutiny well.")
    assert scrutiny_row[7].value == 5 and scrutiny_row[7].number_format == "0.00"  # shown 5.00, as on the page
    assert all(cell.number_format == "General" for cell in scrutiny_row[1:7])  # the counts are whole numbers
