"""The annual report draft: a Word document written from the record as at a date, opened here with python-docx."""

import datetime
import io
import itertools

import docx
import pytest
from django.urls import reverse

from annualreport import charts
from annualreport.charts import LABEL_GAP, label_top
from annualreport.data import CHART_LIMIT
from annualreport.document import DOCX_TYPE, clean
from audits.models import CriterionAnswer, Return
from kpis.models import KPIValue
from meetings.models import Attendance, Meeting
from plans.models import BusinessPlan
from priorities.models import Action, ProgressUpdate, Status
from risks.models import Escalation, Review, Risk
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    BusinessPlanFactory,
    CriterionAnswerFactory,
    EscalationFactory,
    KPIFactory,
    KPIValueFactory,
    MeetingFactory,
    ObjectiveFactory,
    ProgressUpdateFactory,
    ReturnFactory,
    ReviewFactory,
    RiskFactory,
    RoundFactory,
    StrategicPriorityFactory,
    UserFactory,
    make_manager,
    make_viewer,
)

pytestmark = pytest.mark.django_db

IMPACT = "Children in the pilot schools told us they know who to talk to when they feel unsafe."
PROGRESS = "The subgroup met twice and agreed the terms of reference."
LATE_IMPACT = "Written after the date: it must not be in the draft as at 30 September."


def when(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def written_on(model, day, **lookup):
    """Date the rows' history records (all of them, or those matching `lookup`) to midday on `day`: a factory
    writes them today, after every as-at date of the 2015/16 year."""
    model.history.filter(**lookup).update(history_date=when(day))


def url(plan, **query):
    address = reverse("annualreport:annual-report", args=[plan.slug])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def opened(response):
    assert response.status_code == 200, response.content[:500]
    return docx.Document(io.BytesIO(response.content))


def text_of(document):
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def links_of(document):
    return [link.url for paragraph in document.paragraphs for link in paragraph.hyperlinks]


@pytest.fixture
def year():
    """A plan year with one priority, an action with updates in periods 1 and 4, a KPI with values, a held
    meeting, an audit round and a risk reviewed and escalated."""
    plan = BusinessPlanFactory(slug="2015-16", year_label="2015/16", title="Business Plan 2015/16")
    periods = {period.number: period for period in plan.periods.all()}
    priority = StrategicPriorityFactory(plan=plan, ref="1", title="Children are safe from harm")
    objective = ObjectiveFactory(priority=priority, ref="1.1", title="The child's voice is heard")
    action = ActionFactory(objective=objective, ref="1.1.1", text="Produce practice standards")
    done = ActionFactory(objective=objective, ref="1.1.2", text="Relaunch the threshold document")
    ProgressUpdateFactory(
        action=action,
        period=periods[1],
        status=Status.GREEN,
        impact=IMPACT,
        progress=PROGRESS,
        submitted_at=when(datetime.date(2015, 6, 5)),
    )
    ProgressUpdateFactory(
        action=action,
        period=periods[4],
        status=Status.AMBER,
        reason="Slipped",
        impact=LATE_IMPACT,
        progress=PROGRESS,
        submitted_at=when(datetime.date(2015, 12, 5)),
    )
    ProgressUpdateFactory(
        action=done, period=periods[2], status=Status.COMPLETE, impact="", submitted_at=when(datetime.date(2015, 8, 5))
    )
    kpi = KPIFactory(objective=objective, ref="1.1.K1", name="Conferences the child attends", target=75)
    for number, value in ((1, 60), (2, 70), (3, 80)):
        KPIValueFactory(kpi=kpi, period=periods[number], value=value, numerator=None, denominator=None)
    KPIValue.objects.update(created_at=when(datetime.date(2015, 9, 1)))
    written_on(KPIValue, datetime.date(2015, 9, 1))
    meeting = MeetingFactory(date=datetime.date(2015, 5, 14), status=Meeting.Status.HELD)
    AttendanceFactory(meeting=meeting, seat__agency__name="West Midlands Police")
    AttendanceFactory(meeting=meeting, seat__agency__name="Dudley CCG", status=Attendance.Status.APOLOGIES)
    for model in (Meeting, Attendance):
        written_on(model, datetime.date(2015, 5, 14))
    # Both returns are made when the round opens; one is submitted in December, its answer moderated then.
    round = RoundFactory(title="Section 11 audit 2015/16")
    returned = ReturnFactory(round=round)
    ReturnFactory(round=round)
    written_on(Return, round.opens_on)
    returned.state, returned.officer_name = Return.State.SUBMITTED, "A Officer"
    returned.submitted_at = returned._history_date = when(datetime.date(2015, 12, 2))
    returned.save()
    CriterionAnswerFactory(return_form=returned, self_score=3, moderated_score=2)
    written_on(CriterionAnswer, datetime.date(2015, 12, 2))
    risk = RiskFactory(reference="R1", title="Partner funding not agreed")
    Risk.history.update(history_date=when(datetime.date(2015, 3, 1)))
    ReviewFactory(risk=risk, reviewed_on=datetime.date(2015, 6, 17), direction=Review.Direction.UP)
    EscalationFactory(risk=risk, on=datetime.date(2015, 8, 19))
    for model in (Review, Escalation):
        model.objects.update(created_at=when(datetime.date(2015, 8, 19)))
    return plan


def test_the_draft_holds_the_record(client, year):
    client.force_login(make_manager())
    response = client.get(url(year))
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="annual-report-2015-16-2016-03-31.docx"'
    document = opened(response)
    text = text_of(document)
    assert "Draft as at 31 March 2016" in text
    assert "Annual report 2015/16" in text
    # What was done: each action's latest status, and the impact statements (not the progress text).
    assert "Amber (Period 4)" in text and "Complete (Period 2)" in text
    assert IMPACT in text and LATE_IMPACT in text
    assert PROGRESS not in text
    # The KPI table with its values and RAG.
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Reference")
    row = [cell.text for cell in table.rows[1].cells]
    assert row[:6] == ["1.1.K1", "Conferences the child attends", "75.0%", "60.0%", "70.0%", "80.0%"]
    assert row[-1] == "Green"
    # The chart, with alt text giving the figures.
    assert len(document.inline_shapes) == 1
    alt = document.inline_shapes[0]._inline.docPr.get("descr")
    assert "Period 1: 60.0%; Period 2: 70.0%; Period 3: 80.0%" in alt and "Target 75.0%" in alt
    # Attendance by agency, audit results, risk movement, carry-over.
    assert "West Midlands Police\n1\n1\n100.0%" in text and "Dudley CCG\n0\n1\n0.0%" in text
    audits = next(t for t in document.tables if t.rows[0].cells[0].text == "Round")
    assert [c.text for c in audits.rows[1].cells][3:] == ["2", "1", "1", "1", "3", "2"]
    risks = next(t for t in document.tables if t.rows[0].cells[0].text == "Risk")
    assert [c.text for c in risks.rows[1].cells][:6] == [
        "R1",
        "Partner funding not agreed",
        "3 x 4 = 12 (High)",
        "3 x 4 = 12 (High)",
        "No change",
        "Up (1 review)",
    ]
    assert "Escalated to the Board on 19 August 2015" in risks.rows[1].cells[6].text
    assert "The actions not complete by the date (1 of 2)" in text
    carried = text[text.index("What carries into next year") :]
    assert "1.1.1" in carried and "1.1.2" not in carried
    assert "Open risks at the date (1)" in carried
    # Traceability: absolute links to the product's pages, and the as-at date beside each source.
    links = links_of(document)
    assert "http://testserver/plans/2015-16/" in links
    assert "http://testserver/agencies/" in links
    assert text.count("as at 31 March 2016.") >= 7


def test_as_at_a_date_leaves_out_what_came_after(client, year):
    # Period 3's update of 1.1.1, submitted after the period ended: not yet written on 30 September.
    ProgressUpdateFactory(
        action=year.priorities.get().objectives.get().actions.get(ref="1.1.1"),
        period=year.periods.get(number=3),
        status=Status.RED,
        reason="Stalled",
        impact="Submitted in October for period 3.",
        submitted_at=when(datetime.date(2015, 10, 10)),
    )
    client.force_login(make_manager())
    document = opened(client.get(url(year, as_at="2015-09-30")))
    text = text_of(document)
    assert "Draft as at 30 September 2015" in text
    assert IMPACT in text
    assert LATE_IMPACT not in text
    assert "Submitted in October for period 3." not in text and "Red (Period 3)" not in text
    assert "Green (Period 1)" in text and "Amber" not in text.split("Key performance indicators")[0]
    audits = next(t for t in document.tables if t.rows[0].cells[0].text == "Round")
    assert [c.text for c in audits.rows[1].cells][3:5] == ["2", "0"]  # submitted in December


def test_a_draft_returned_or_unsubmitted_update_gives_no_impact(client, year):
    action = ActionFactory(objective=year.priorities.get().objectives.get(), ref="1.1.3")
    period = year.periods.get(number=1)
    ProgressUpdateFactory(
        action=action,
        period=period,
        state=ProgressUpdate.State.DRAFT,
        status="",
        impact="A draft's impact",
        submitted_at=None,
    )
    client.force_login(make_manager())
    assert "A draft's impact" not in text_of(opened(client.get(url(year))))


@pytest.mark.parametrize("as_at", ["yesterday", "2015-02-30", "31/03/2016", "2015-03-31", "2999-01-01", "%00"])
def test_a_bad_date_gets_a_clear_message(client, year, as_at):
    client.force_login(make_manager())
    response = client.get(url(year, as_at=as_at))
    assert response.status_code == 400
    assert b"could not be made for that date" in response.content


def test_hostile_text_does_not_break_the_document(client, year):
    update = ProgressUpdate.objects.get(impact=IMPACT)
    # (PostgreSQL stores no NUL character at all; clean() is checked for it below.)
    hostile = "Bell\x07 escape\x1b form\x0c feed \ufffe <w:t>&amp; " + "long " * 990
    ProgressUpdate.objects.filter(pk=update.pk).update(impact=hostile)
    year.priorities.update(title="Priority \x01 with a control character")
    client.force_login(make_manager())
    text = text_of(opened(client.get(url(year))))
    # The form feed (a page break pasted from Word) is kept as a line break.
    assert "Bell escape form\n feed  <w:t>&amp; long" in text
    assert "Priority  with a control character" in text
    assert clean("a\x00b\x1fc\ud800d\tend") == "abcd\tend"


@pytest.fixture
def audit_contact(year):
    contact = UserFactory(username="contact-police")
    ReturnFactory(round=year and RoundFactory(), contact=contact)
    return contact


@pytest.mark.parametrize(
    ("who", "status"),
    [("anon", 302), ("viewer", 200), ("chair", 200), ("contact", 403), ("manager", 200), ("admin", 200)],
)
def test_who_may_download(client, year, who, status):
    users = {
        "viewer": lambda: make_viewer(),
        "chair": lambda: year.priorities.get().objectives.get().actions.first().lead.memberships.get(role="chair").user,
        "contact": lambda: ReturnFactory(contact=UserFactory(username="contact-police")).contact,
        "manager": lambda: make_manager(),
        "admin": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    if who in users:
        client.force_login(users[who]())
    response = client.get(url(year))
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"] or "sign-in" in response["Location"]


def test_another_plans_slug_gives_that_plans_draft_and_an_unknown_one_404(client, year):
    other = BusinessPlanFactory(slug="2014-15", year_label="2014/15", title="Business Plan 2014/15", status="closed")
    draft = BusinessPlanFactory(slug="2017-18", year_label="2017/18", status="draft")
    client.force_login(make_viewer())
    text = text_of(opened(client.get(url(other))))
    assert "Annual report 2014/15" in text and IMPACT not in text
    assert client.get(url(draft)).status_code == 404  # a draft plan is the manager's
    assert client.get("/plans/no-such-plan/annual-report.docx").status_code == 404


def grow(plan, times):
    """More priorities, objectives, actions with updates, KPIs with values, meetings, risks."""
    periods = list(plan.periods.all())
    for number in range(2, 2 + times):
        priority = StrategicPriorityFactory(plan=plan, ref=str(number), position=number)
        objective = ObjectiveFactory(priority=priority)
        kpi = KPIFactory(objective=objective, target=50)
        for period in periods[:3]:
            KPIValueFactory(kpi=kpi, period=period)
        for _ in range(3):
            action = ActionFactory(objective=objective)
            for period in periods[:3]:
                ProgressUpdateFactory(action=action, period=period, submitted_at=when(period.ends_on))
        AttendanceFactory(meeting=MeetingFactory(status=Meeting.Status.HELD))
        risk = RiskFactory()
        ReviewFactory(risk=risk)
        EscalationFactory(risk=risk)
        ReturnFactory(round=RoundFactory())
    KPIValue.objects.update(created_at=when(datetime.date(2015, 9, 1)))
    for model in (KPIValue, Meeting, Attendance, Return):
        written_on(model, datetime.date(2015, 9, 1), history_date__gt=when(datetime.date(2016, 4, 1)))


def test_the_query_count_does_not_grow_with_the_plan(client, year, django_assert_num_queries):
    client.force_login(make_manager())
    # session, user (with their roles: manager? audit contact?), plan; periods, objectives, updates, actions, KPIs,
    # KPI values' history, attendance history (each meeting's status and date then as subqueries), rounds, audit
    # returns' history, their answers' history, risk history, reviews, escalations. Sixteen: the returns and their
    # answers are read as they stood, from their history.
    with django_assert_num_queries(16):
        client.get(url(year))
    grow(year, 5)
    with django_assert_num_queries(16):
        response = client.get(url(year))
    assert len(opened(response).inline_shapes) == 6


def test_charts_are_capped_and_the_draft_says_so(client, year, monkeypatch):
    monkeypatch.setattr("annualreport.data.CHART_LIMIT", 2)
    monkeypatch.setattr("annualreport.document.CHART_LIMIT", 2)
    grow(year, 3)
    client.force_login(make_manager())
    document = opened(client.get(url(year)))
    assert len(document.inline_shapes) == 2
    assert "2 more KPIs with values have no chart here: a draft holds the first 2." in text_of(document)
    assert CHART_LIMIT == 40


def test_the_demo_draft_downloads_and_holds_its_impact_statements(client, demo):
    plan, users = demo
    client.force_login(users["manager"])
    response = client.get(url(plan))
    document = opened(response)
    text = text_of(document)
    assert "Draft as at 31 March 2016" in text
    impacts = set(
        ProgressUpdate.objects.filter(state="submitted", action__objective__priority__plan=plan)
        .exclude(impact="")
        .values_list("impact", flat=True)
    )
    assert impacts and all(impact.strip() in text for impact in impacts)
    assert len(document.inline_shapes) > 5
    assert "Section 11 audit 2015/16" in text
    assert "R4" in text and "Escalated to the Board" in text


def test_the_reports_page_and_the_plan_page_link_to_it(client, year):
    client.force_login(make_viewer())
    address = reverse("annualreport:annual-report", args=[year.slug]).encode()
    assert address in client.get(reverse("reports:report-list", args=[year.slug])).content
    assert address in client.get(year.get_absolute_url()).content


def test_the_reports_page_asks_for_another_date_and_the_draft_takes_it(client, year):
    """The Reports page's form asks for the day, month and year, as every date here is asked for; the draft is
    written as at that date. Links give it as ?as_at=YYYY-MM-DD."""
    client.force_login(make_viewer())
    page = client.get(reverse("reports:report-list", args=[year.slug])).content.decode()
    address = reverse("annualreport:annual-report", args=[year.slug])
    assert f'<form method="get" action="{address}"' in page
    for part in ("day", "month", "year"):
        assert f'id="annual-report-as-at-{part}" name="as_at-{part}"' in page
    typed = {"as_at-day": "31", "as_at-month": "12", "as_at-year": "2015"}
    for query in (typed, {"as_at": "2015-12-31"}):
        response = client.get(address, query)
        assert response.status_code == 200
        assert 'filename="annual-report-' + year.slug + '-2015-12-31.docx"' in response["Content-Disposition"]
    assert client.get(address, {"as_at": "31/12/2015"}).status_code == 400


def test_a_bad_date_is_asked_for_again_with_what_was_typed(client, year):
    client.force_login(make_viewer())
    address = reverse("annualreport:annual-report", args=[year.slug])
    response = client.get(address, {"as_at-day": "30", "as_at-month": "2", "as_at-year": "2016"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<li><a href="#as_at-day">The date must be a real date: February has no day 30</a></li>' in page
    assert 'name="as_at-day" type="text" inputmode="numeric" value="30"' in page
    assert 'govuk-input--width-2 govuk-input--error" id="as_at-day"' in page
    before = client.get(address, {"as_at-day": "1", "as_at-month": "1", "as_at-year": "2015"}).content.decode()
    assert "The date must be on or after the day the plan year starts" in before


def test_an_action_added_after_the_date_is_not_in_the_draft(client, year):
    """An action counts from its creation (its history's first record); one that came with the plan, from the
    plan's start."""
    BusinessPlan.objects.filter(pk=year.pk).update(created_at=when(datetime.date(2015, 3, 1)))
    objective = year.priorities.get().objectives.get()
    from_a_gap = ActionFactory(objective=objective, ref="1.1.3", text="Audit the child's voice in plans")
    added_in_july = ActionFactory(objective=objective, ref="1.1.4", text="Train the conference chairs")
    Action.history.filter(id=added_in_july.pk).update(history_date=when(datetime.date(2015, 7, 15)))
    Action.history.filter(id=from_a_gap.pk).update(history_date=when(datetime.date(2016, 4, 20)))
    Action.history.filter(id__in=[a.pk for a in Action.objects.filter(ref__in=["1.1.1", "1.1.2"])]).update(
        history_date=when(datetime.date(2015, 3, 1))
    )
    client.force_login(make_manager())
    june = text_of(opened(client.get(url(year, as_at="2015-06-30"))))
    assert "1.1.3" not in june and "1.1.4" not in june
    assert "The actions not complete by the date (2 of 2)" in june
    march = text_of(opened(client.get(url(year, as_at="2016-03-31"))))
    assert "1.1.4" in march and "Train the conference chairs" in march
    assert "1.1.3" not in march and "Audit the child's voice" not in march  # made from a gap after the year
    assert "The actions not complete by the date (2 of 3)" in march


def test_actions_that_came_with_the_plan_count_from_its_start(client, year):
    """The plan file's actions are written on the day the plan is (here, today), after any as-at date of the year:
    they are the year's plan from its first day."""
    client.force_login(make_manager())
    text = text_of(opened(client.get(url(year, as_at="2015-04-01"))))
    assert "1.1.1" in text and "1.1.2" in text
    assert "The actions not complete by the date (2 of 2)" in text


def test_a_risk_opened_on_the_years_first_day_has_a_start_position(client, year):
    opened_first_day = RiskFactory(reference="R2", title="Early help lead post vacant", current_likelihood=2)
    Risk.history.filter(id=opened_first_day.pk).update(history_date=when(datetime.date(2015, 4, 1)))
    later = RiskFactory(reference="R3", title="Opened in May")
    Risk.history.filter(id=later.pk).update(history_date=when(datetime.date(2015, 5, 1)))
    client.force_login(make_manager())
    document = opened(client.get(url(year)))
    risks = next(t for t in document.tables if t.rows[0].cells[0].text == "Risk")
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in risks.rows[1:]}
    assert rows["R2"][2:5] == ["2 x 4 = 8 (Medium)", "2 x 4 = 8 (Medium)", "No change"]
    assert rows["R3"][2] == "Not yet raised" and rows["R3"][4] == "New this year"
    assert rows["R1"][2] == "3 x 4 = 12 (High)"


def test_an_audit_contact_is_told_why_in_their_own_words(client, year):
    client.force_login(ReturnFactory(contact=UserFactory(username="contact-police")).contact)
    response = client.get(url(year))
    assert response.status_code == 403
    page = response.content.decode()
    assert "an audit contact sees only their own organisation&#x27;s return" in page
    assert "not allowed to make this change" not in page


def test_the_audit_table_names_its_columns_apart(client, year):
    client.force_login(make_manager())
    audits = next(t for t in opened(client.get(url(year))).tables if t.rows[0].cells[0].text == "Round")
    headings = [cell.text for cell in audits.rows[0].cells]
    assert len(set(headings)) == len(headings)
    assert headings[6:] == ["Moderated returns", "Mean self score", "Mean moderated score"]


def test_agencies_are_sorted_whatever_their_case(client, year):
    meeting = Meeting.objects.get()
    for name in ("Dudley and Walsall Mental Health Partnership NHS Trust", "Dudley Council", "dudley Bridge Centre"):
        AttendanceFactory(meeting=meeting, seat__agency__name=name)
    written_on(Attendance, meeting.date)
    client.force_login(make_manager())
    table = next(t for t in opened(client.get(url(year))).tables if t.rows[0].cells[0].text == "Agency")
    names = [row.cells[0].text for row in table.rows[1:]]
    assert names == sorted(names, key=str.lower)
    assert names.index("Dudley and Walsall Mental Health Partnership NHS Trust") < names.index("Dudley Council")


def paragraphs_after(document, heading):
    texts = [paragraph.text for paragraph in document.paragraphs]
    return texts[texts.index(heading) :]


LONG_ACTION = (
    "Produce and publish practice standards for every agency, with a Miss Smith named as the contact in each, "
    "agreed with the subgroups and tested in a multi-agency audit of twenty cases before the board signs them "
    "off, and reported to the Safeguarding Executive at each of its meetings in the year and then to the Board"
)


def test_an_actions_text_reads_the_same_in_every_section(client, year):
    Action.objects.filter(ref="1.1.1").update(text=LONG_ACTION)
    Action.objects.filter(ref="1.1.2").update(text="Relaunch the threshold document and Miss " + "x" * 150)
    BusinessPlan.objects.filter(pk=year.pk).update(status="active")
    client.force_login(make_manager())
    document = opened(client.get(url(year)))
    done = next(p.text for p in document.paragraphs if p.text.startswith("1.1.1 "))
    carried = next(text for text in paragraphs_after(document, "What carries into next year") if "1.1.1" in text)
    shown = done.removeprefix("1.1.1 ").split(" (lead:")[0]
    assert shown in carried  # cut in the same place in both sections
    assert shown.endswith("…") and len(shown) <= 240
    assert LONG_ACTION.startswith(shown.removesuffix("…"))
    assert LONG_ACTION[len(shown) - 1] == " "  # cut at a whole word
    year_text = text_of(document)
    assert "Relaunch the threshold document and Miss " + "x" * 150 in year_text  # whole where it fits


def test_no_heading_comes_before_a_heading_of_a_higher_level(client, year):
    client.force_login(make_manager())
    document = opened(client.get(url(year)))
    styles = [p.style.name for p in document.paragraphs if p.style.name == "Title" or p.style.name.startswith("Head")]
    assert styles[0] == "Title"
    levels = [int(name.split()[-1]) for name in styles[1:]]
    assert levels[0] == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels))
    assert "How to use this draft" in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


@pytest.mark.parametrize(
    ("point", "target", "below"),
    [(68.04, 75, True), (70, 68.04, False), (74.74, 75, False), (50, 90, False), (0, 5, False), (0.5, 3, False)],
)
def test_a_value_label_keeps_clear_of_the_target_line(monkeypatch, point, target, below):
    """The label's place, in pixels, as the chart draws it: the target line never runs through it."""
    placed = []
    real = charts.label_top

    def spy(point_y, height, target_y=None, floor=None):
        top = real(point_y, height, target_y, floor)
        placed.append((point_y, top, height, target_y))
        return top

    monkeypatch.setattr(charts, "label_top", spy)
    assert charts.trend_png([("P1", point)], target=target, percentage=True).startswith(b"\x89PNG")
    [(point_y, top, height, target_y)] = placed
    assert not (top - charts.LINE_CLEARANCE <= target_y <= top + height + charts.LINE_CLEARANCE)
    assert (top > point_y) is below


def test_the_label_goes_below_its_point_only_when_the_line_runs_above_it():
    assert label_top(200, 20) == 200 - LABEL_GAP - 20
    assert label_top(200, 20, target_y=300) == 200 - LABEL_GAP - 20
    assert label_top(200, 20, target_y=175) == 200 + LABEL_GAP


def test_percentages_have_one_decimal_place_throughout(client, year):
    for model in (KPIValue, KPIValue.history.model):
        model.objects.filter(value=60).update(value="61.7")
        model.objects.filter(value=70).update(value="68.04")
    client.force_login(make_manager())
    document = opened(client.get(url(year)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Reference")
    assert [cell.text for cell in table.rows[1].cells][2:6] == ["75.0%", "61.7%", "68.0%", "80.0%"]
    alt = document.inline_shapes[0]._inline.docPr.get("descr")
    assert "Period 1: 61.7%; Period 2: 68.0%; Period 3: 80.0%" in alt


def kpi_row(document):
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Reference")
    return [cell.text for cell in table.rows[1].cells]


def saved_on(row, day, **fields):
    """Change the row as a save in the product does, its history record dated midday on `day`."""
    for name, value in fields.items():
        setattr(row, name, value)
    row._history_date = when(day)
    row.save()
    return row


def test_a_kpi_value_corrected_after_the_date_reads_as_entered_by_then(client, year):
    """Period 1's 60% was entered on 1 September and corrected to 65% on 20 October: the draft as at 30 September
    has 60%, as at the year's end 65%."""
    saved_on(KPIValue.objects.get(value=60), datetime.date(2015, 10, 20), value=65)
    client.force_login(make_manager())
    september = opened(client.get(url(year, as_at="2015-09-30")))
    assert kpi_row(september)[3] == "60.0%"
    assert "Period 1: 60.0%" in september.inline_shapes[0]._inline.docPr.get("descr")
    march = opened(client.get(url(year, as_at="2016-03-31")))
    assert kpi_row(march)[3] == "65.0%"
    assert "Period 1: 65.0%" in march.inline_shapes[0]._inline.docPr.get("descr")


def test_a_kpi_value_entered_after_the_date_is_not_in_the_draft(client, year):
    """Values entered on 1 September are not there as at 31 August; one deleted by the date is not there either."""
    client.force_login(make_manager())
    august = opened(client.get(url(year, as_at="2015-08-31")))
    assert kpi_row(august)[3:6] == ["", "", ""]
    assert len(august.inline_shapes) == 0
    gone = KPIValue.objects.get(value=80)
    gone._history_date = when(datetime.date(2015, 11, 2))
    gone.delete()
    assert kpi_row(opened(client.get(url(year, as_at="2015-10-31"))))[5] == "80.0%"
    assert kpi_row(opened(client.get(url(year, as_at="2015-11-30"))))[5] == ""


def test_attendance_recorded_or_changed_after_the_date_is_not_counted_then(client, year):
    """The 14 May meeting's apologies from Dudley CCG are corrected to present on 1 October, and a seat's
    attendance left out is added that day; a June meeting is only recorded as held in October, and a July one
    held then is cancelled in November (a mistake put right): as at 30 September the register stood as it was."""
    meeting = Meeting.objects.get()
    saved_on(Attendance.objects.get(status=Attendance.Status.APOLOGIES), datetime.date(2015, 10, 1), status="present")
    late = AttendanceFactory(meeting=meeting, seat__agency__name="Dudley Council")
    written_on(Attendance, datetime.date(2015, 10, 1), id=late.pk)
    june = MeetingFactory(date=datetime.date(2015, 6, 10))
    written_on(Meeting, datetime.date(2015, 5, 1), id=june.pk)
    saved_on(june, datetime.date(2015, 10, 5), status=Meeting.Status.HELD)
    in_june = AttendanceFactory(meeting=june, seat__agency__name="Black Country Partnership NHS Foundation Trust")
    written_on(Attendance, datetime.date(2015, 10, 5), id=in_june.pk)
    july = MeetingFactory(date=datetime.date(2015, 7, 9), status=Meeting.Status.HELD)
    in_july = AttendanceFactory(meeting=july, seat__agency__name="National Probation Service")
    written_on(Meeting, datetime.date(2015, 7, 9), id=july.pk)
    written_on(Attendance, datetime.date(2015, 7, 9), id=in_july.pk)
    saved_on(july, datetime.date(2015, 11, 3), status=Meeting.Status.CANCELLED)
    client.force_login(make_manager())
    september = text_of(opened(client.get(url(year, as_at="2015-09-30"))))
    assert "Dudley CCG\n0\n1\n0.0%" in september and "West Midlands Police\n1\n1\n100.0%" in september
    assert "Dudley Council" not in september and "Black Country Partnership" not in september
    assert "National Probation Service\n1\n1\n100.0%" in september
    march = text_of(opened(client.get(url(year, as_at="2016-03-31"))))
    assert "Dudley CCG\n1\n1\n100.0%" in march and "Dudley Council\n1\n1\n100.0%" in march
    assert "Black Country Partnership NHS Foundation Trust\n1\n1\n100.0%" in march
    assert "National Probation Service" not in march


def audit_row(document):
    audits = next(t for t in document.tables if t.rows[0].cells[0].text == "Round")
    return [cell.text for cell in audits.rows[1].cells][3:]


def test_audit_results_read_as_the_returns_and_moderation_stood_at_the_date(client, year):
    """A second criterion is answered on 2 December and moderated on 11 January; the return is sent back on
    1 February: as at 31 December the first criterion alone is moderated, as at 31 January both are, as at
    29 February the return is no longer a submitted one."""
    returned = Return.objects.get(state=Return.State.SUBMITTED)
    answer = CriterionAnswerFactory(return_form=returned, self_score=2)
    written_on(CriterionAnswer, datetime.date(2015, 12, 2), id=answer.pk)
    saved_on(answer, datetime.date(2016, 1, 11), moderated_score=1)
    client.force_login(make_manager())
    # expected, submitted, late, moderated returns, mean self score, mean moderated score (over those moderated)
    assert audit_row(opened(client.get(url(year, as_at="2015-12-31")))) == ["2", "1", "1", "1", "3", "2"]
    assert audit_row(opened(client.get(url(year, as_at="2016-01-31")))) == ["2", "1", "1", "1", "2.5", "1.5"]
    saved_on(returned, datetime.date(2016, 2, 1), state=Return.State.RETURNED, returned_reason="Evidence missing")
    assert audit_row(opened(client.get(url(year, as_at="2016-01-31"))))[:2] == ["2", "1"]
    assert audit_row(opened(client.get(url(year, as_at="2016-02-29")))) == ["2", "0", "0", "0", "", ""]
