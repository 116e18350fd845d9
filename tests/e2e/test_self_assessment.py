"""A Board member without an account follows their personal link, answers the board's effectiveness by keyboard
alone, comes back and changes an answer; the Board's chair then sees the totals, with that answer counted once."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from selfassessment.models import Invitation, Response, Window

from .checks import assert_no_axe_violations, sign_in


def _open_today(window):
    today = timezone.localdate()
    Window.objects.filter(pk=window.pk).update(
        opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=21)
    )


def _choose_by_keyboard(page, question_text, answer):
    """Tab into the question's radios, then arrow to the answer wanted, as a keyboard user does."""
    group = page.get_by_role("group", name=re.compile(re.escape(question_text)))
    group.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    for _ in range(6):
        if group.get_by_role("radio", name=answer, exact=True).is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {answer!r} by keyboard")


def test_a_member_answers_by_keyboard_changes_an_answer_and_the_chair_sees_the_totals(page, demo_site):
    window = Window.objects.get(plan=demo_site.plan)
    _open_today(window)
    invitation = (
        Invitation.objects.filter(window=window, seat__user__isnull=True, responded_at__isnull=True)
        .select_related("seat")
        .first()
    )
    before = Response.objects.filter(invitation__window=window, questionnaire=window.board_questionnaire).count()
    questions = list(window.board_questionnaire.questions.order_by("order"))

    page.goto(demo_site.url + invitation.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("The board's effectiveness")
    assert_no_axe_violations(page)
    for question in questions[:3]:
        _choose_by_keyboard(page, question.text, "Agree")
    page.get_by_label("Comment (optional)").first.focus()
    page.keyboard.type("Challenge is better than last year.")
    page.get_by_role("button", name="Save my answers").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert").or_(page.locator(".govuk-notification-banner"))).to_contain_text(
        "your answers are saved"
    )

    # Back to the same link: the answers are there to change; one changes, and it is still one response.
    first = page.get_by_role("group", name=re.compile(re.escape(questions[0].text)))
    expect(first.get_by_role("radio", name="Agree", exact=True)).to_be_checked()
    _choose_by_keyboard(page, questions[0].text, "Strongly agree")
    page.get_by_role("button", name="Save my answers").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(first.get_by_role("radio", name="Strongly agree", exact=True)).to_be_checked()
    mine = Response.objects.get(invitation=invitation, questionnaire=window.board_questionnaire)
    assert mine.answers.get(question=questions[0]).score == 5 and mine.version == 2
    assert Response.objects.filter(invitation__window=window, questionnaire=window.board_questionnaire).count() == (
        before + 1
    )

    # The Board's chair sees the totals, with this answer counted once, and not whose it is.
    page.context.clear_cookies()
    sign_in(page, demo_site.url, "chair-dscb")
    page.get_by_role("link", name="Self-assessment", exact=True).click()
    page.get_by_role("link", name=window.year_label, exact=True).click()
    expect(page.locator("#respondents")).to_contain_text(str(before + 1))
    table = page.locator(f"#question-{questions[0].key}")
    expect(table).to_be_visible()
    assert invitation.seat.person_name not in page.content()
    assert_no_axe_violations(page)


def test_the_totals_read_on_a_phone_without_a_sideways_scroll(page, demo_site):
    """At 390 px each question's totals (every answer's count, the mean and last year's) fit the screen."""
    window = Window.objects.get(plan=demo_site.plan)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, demo_site.url, "chair-dscb")
    page.goto(demo_site.url + window.get_absolute_url())
    question = window.board_questionnaire.questions.order_by("order").first()
    table = page.locator(f"#question-{question.key}")
    for words in ("Strongly disagree", "Strongly agree", "Don't know", "Mean", "Mean last year"):
        header = table.get_by_role("rowheader", name=words, exact=True)
        expect(header).to_be_visible()
        box = header.locator("xpath=..").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{words!r} runs off a phone's screen"
    expect(table.get_by_role("row", name=re.compile(r"^Mean \d\.\d\d$"))).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], "the page scrolls sideways at 390 px"
