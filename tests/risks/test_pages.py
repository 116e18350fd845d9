"""The register and a risk's page as readers see them: what each shows, the filters, the order, the flags, bad
filters that are said and left out, and query counts that stay flat as the register grows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dscb.history import HISTORY_SHOWN
from meetings.models import Agency
from risks.models import Control, Review, Risk
from risks.services import risk_save
from tests.factories import (
    ActionFactory,
    ControlFactory,
    EscalationFactory,
    KPIFactory,
    MeetingFactory,
    ObjectiveFactory,
    ReviewFactory,
    RiskFactory,
    StrategicPriorityFactory,
    SubgroupFactory,
    UserFactory,
    make_manager,
)
from tests.risks.test_services import new_risk_fields

pytestmark = pytest.mark.django_db

REGISTER = reverse("risks:risk-list")
TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=30)
EARLIER = TODAY - datetime.timedelta(days=1)


def text(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def shown(client, **query):
    """The references of the risks the register shows for the query, in order."""
    return re.findall(r'<tr class="govuk-table__row" id="risk-(R\d+)">', text(client.get(REGISTER, query)))


@pytest.fixture
def reader(client, viewer):
    client.force_login(viewer)
    return client


def test_the_register_shows_each_risks_score_band_direction_next_review_and_flags(reader):
    agency = Agency.objects.create(name="Dudley Council Children's Services")
    risk = RiskFactory(
        reference="R3",
        title="Child sexual exploitation not identified early",
        owner_name="Pauline Sharratt",
        owner_agency=agency,
        lead_body=SubgroupFactory(name="Safeguarding Executive"),
        next_review_on=EARLIER,
        review_suggested="KPI 1.1.K1 turned Red in period 3.",
        is_escalated=True,
    )
    ReviewFactory(risk=risk, reviewed_on=datetime.date(2015, 6, 1), direction=Review.Direction.DOWN)
    ReviewFactory(risk=risk, reviewed_on=datetime.date(2015, 8, 1), direction=Review.Direction.UP)
    row = re.search(r'id="risk-R3">(.*?)</tr>', text(reader.get(REGISTER))).group(1)
    assert "Child sexual exploitation not identified early" in row
    assert f'href="{risk.get_absolute_url()}"' in row
    assert "Safeguarding Executive</td>" in row
    assert "Pauline Sharratt, Dudley Council Children&#x27;s Services" in row
    assert "3 x 4 = 12" in row and ">High</strong>" in row
    assert "Up" in row and "Down" not in row  # the last review's direction
    assert "Overdue" in row and "Review suggested" in row and "Escalated to the Board" in row


def test_a_risk_reviewed_in_time_and_unflagged_shows_no_flags(reader):
    RiskFactory(reference="R1", next_review_on=TODAY)
    row = re.search(r'id="risk-R1">(.*?)</tr>', text(reader.get(REGISTER))).group(1)
    assert "Overdue" not in row and "Review suggested" not in row and "Escalated" not in row
    assert "Not reviewed yet" in row


def test_open_risks_by_default_closed_when_asked(reader):
    RiskFactory(reference="R1")
    RiskFactory(reference="R2", status="closed", closed_on=datetime.date(2015, 9, 1), closed_reason="Post filled.")
    assert shown(reader) == ["R1"]
    assert shown(reader, status="closed") == ["R2"]
    assert shown(reader, status="") == ["R1", "R2"]


def test_the_board_sees_its_risks_and_those_escalated_to_it_escalated_first(reader):
    RiskFactory(reference="R1", level="board")
    RiskFactory(reference="R2", level="executive")
    RiskFactory(reference="R3", level="executive", is_escalated=True)
    RiskFactory(reference="R4", level="board")
    assert shown(reader, level="board") == ["R3", "R1", "R4"]
    assert shown(reader, level="executive") == ["R3", "R2"]
    assert shown(reader, escalated="on") == ["R3"]


def test_filters_by_band_of_the_chosen_score(reader):
    RiskFactory(reference="R1", current_likelihood=1, current_impact=4)  # Low
    RiskFactory(reference="R2", current_likelihood=3, current_impact=3)  # Medium
    RiskFactory(reference="R3", current_likelihood=2, current_impact=5)  # High
    RiskFactory(reference="R4", current_likelihood=4, current_impact=4, target_likelihood=1, target_impact=1)
    assert shown(reader, band="low") == ["R1"]
    assert shown(reader, band="medium") == ["R2"]
    assert shown(reader, band="high") == ["R3"]
    assert shown(reader, band="very_high") == ["R4"]
    assert shown(reader, band="low", score="target") == ["R4"]  # the others' target is 2 x 3, Medium
    assert shown(reader, band="very_high", score="inherent") == ["R1", "R2", "R3", "R4"]  # 4 x 5


def test_the_band_filter_follows_the_matrix_in_settings(reader, settings):
    RiskFactory(reference="R1", current_likelihood=1, current_impact=4)
    matrix = [row[:] for row in settings.RISK_MATRIX]
    matrix[0][3] = "high"
    settings.RISK_MATRIX = matrix
    assert shown(reader, band="low") == []
    assert shown(reader, band="high") == ["R1"]


def test_filters_by_lead_body_owner_category_overdue_and_suggested(reader):
    body = SubgroupFactory(name="MASH strategic group", slug="mash")
    RiskFactory(reference="R1", lead_body=body, owner_name="Jane Porter", category="information", next_review_on=LATER)
    # Named owners: a made-up name could contain "porter" too.
    RiskFactory(reference="R2", next_review_on=EARLIER, category="workforce", owner_name="Sam Lee")
    RiskFactory(reference="R3", review_suggested="Action 2.1.3 is Red.", next_review_on=LATER, owner_name="Ann Cole")
    RiskFactory(
        reference="R4",
        next_review_on=EARLIER,
        status="closed",
        closed_on=EARLIER,
        closed_reason="Gone.",
        owner_name="Raj Patel",
    )
    assert shown(reader, lead_body="mash") == ["R1"]
    assert shown(reader, owner="porter") == ["R1"]
    assert shown(reader, category="workforce") == ["R2"]
    assert shown(reader, overdue="on") == ["R2"]
    assert shown(reader, overdue="on", status="") == ["R2"]  # a closed risk is never overdue
    assert shown(reader, suggested="on") == ["R3"]
    page = text(reader.get(REGISTER))
    assert '<option value="mash">MASH strategic group</option>' in page


def test_filters_by_heat_map_cell(reader):
    RiskFactory(reference="R1")  # current 3 x 4, inherent 4 x 5
    RiskFactory(reference="R2", current_likelihood=4, current_impact=3)
    assert shown(reader, likelihood=3, impact=4) == ["R1"]
    assert shown(reader, likelihood=4) == ["R2"]
    assert shown(reader, likelihood=4, impact=5, score="inherent") == ["R1", "R2"]


@pytest.mark.parametrize(
    "query",
    [
        {"likelihood": "99"},
        {"impact": "-1"},
        {"band": "catastrophic"},
        {"level": "everyone"},
        {"score": "evil"},
        {"lead_body": "no-such-body"},
        {"status": "<script>"},
        {"owner": "x" * 500},
    ],
)
def test_a_filter_that_cannot_be_used_is_said_and_left_out(reader, query):
    RiskFactory(reference="R1")
    RiskFactory(reference="R2", level="board")
    page = text(reader.get(REGISTER, {**query, "level": query.get("level", "board")}))
    assert "There is a problem" in page and "<title>Error: Risk register" in page
    if "level" not in query:
        assert re.findall(r'id="risk-(R\d+)"', page) == ["R2"]  # the good filter still applies
    else:
        assert re.findall(r'id="risk-(R\d+)"', page) == ["R1", "R2"]


def test_clear_filters_shows_only_when_filtering(reader):
    RiskFactory()
    assert "Clear filters" not in text(reader.get(REGISTER))
    assert "Clear filters" in text(reader.get(REGISTER, {"category": "practice"}))
    assert "Clear filters" in text(reader.get(REGISTER, {"status": "closed"}))


def test_the_export_link_keeps_the_filters(reader):
    page = text(reader.get(REGISTER, {"level": "board", "overdue": "on"}))
    assert f'href="{reverse("risks:risk-export")}?level=board&amp;overdue=on"' in page


def test_register_queries_are_the_same_with_ten_times_the_risks(reader, django_assert_num_queries):
    def grow(first, count):
        for number in range(first, first + count):
            risk = RiskFactory(reference=f"R{number}", owner_agency=Agency.objects.get_or_create(name="Police")[0])
            ReviewFactory(risk=risk)

    grow(1, 3)
    reader.get(REGISTER)
    # The session, the user with their roles (for "Add a risk"), the risks with their last review's direction,
    # the lead bodies for the filter.
    with django_assert_num_queries(4):
        reader.get(REGISTER, {"level": "executive", "band": "high"})
    grow(4, 27)
    with django_assert_num_queries(4):
        page = text(reader.get(REGISTER, {"level": "executive", "band": "high"}))
    assert len(re.findall(r'id="risk-R\d+"', page)) == 30


# A risk's page.


@pytest.fixture
def full_risk(db):
    plan_objective = ObjectiveFactory(title="Children at risk of CSE are identified early")
    action = ActionFactory(objective=plan_objective, text="Run the CSE awareness campaign")
    kpi = KPIFactory(objective=plan_objective, name="Referrals of CSE")
    risk = RiskFactory(
        reference="R7",
        title="Child sexual exploitation not identified early",
        cause="Because practitioners do not all know the signs",
        event="there is a risk that exploitation is missed",
        effect="which would leave children unprotected",
        treatment="treat",
        review_suggested="KPI referrals turned Red.",
    )
    risk.objectives.add(plan_objective)
    risk.actions.add(action)
    risk.kpis.add(kpi)
    ControlFactory(risk=risk, description="CSE screening tool in MASH", owner="MASH manager", effectiveness="partly")
    meeting = MeetingFactory(body=SubgroupFactory(name="Safeguarding Executive"), date=datetime.date(2015, 6, 17))
    reviewer = UserFactory(first_name="Ann", last_name="Reviewer")
    ReviewFactory(risk=risk, meeting=meeting, reviewer=reviewer, comment="Reviewed, no change.")
    EscalationFactory(risk=risk, by=UserFactory(first_name="Bo", last_name="Escalator"))
    return risk, plan_objective, action, kpi, meeting


def test_a_risks_page_shows_it_all(reader, full_risk):
    risk, plan_objective, action, kpi, meeting = full_risk
    page = text(reader.get(risk.get_absolute_url()))
    assert '<h1 class="govuk-heading-l">Child sexual exploitation not identified early</h1>' in page
    for words in [risk.cause, risk.event, risk.effect, "Safeguarding practice", "Treat", risk.owner_name]:
        assert words in page
    scores = re.search(r'id="score-table">(.*?)</table>', page).group(1)
    assert re.search(r"Inherent.*?4 Likely.*?5 Catastrophic.*?20.*?Very high", scores)
    assert re.search(r"Current.*?3 Possible.*?4 Major.*?12.*?High", scores)
    assert re.search(r"Target.*?2 Unlikely.*?3 Moderate.*?6.*?Medium", scores)
    assert f'href="{plan_objective.get_absolute_url()}"' in page
    assert f'href="{action.get_absolute_url()}"' in page and f'href="{kpi.get_absolute_url()}"' in page
    assert "CSE screening tool in MASH" in page and "Partly effective" in page
    reviews = re.search(r'id="review-table">(.*?)</table>', page).group(1)
    assert f'href="{meeting.get_absolute_url()}"' in reviews and "Ann Reviewer" in reviews
    assert "No change" in reviews and "Reviewed, no change." in reviews
    assert "Escalated to the Board" in page and "Bo Escalator" in page
    assert "A review is suggested: KPI referrals turned Red." in page


def test_a_risks_page_shows_who_changed_what_and_when(reader, full_risk):
    risk = full_risk[0]
    editor = UserFactory(first_name="Eve", last_name="Editor")
    risk.current_likelihood = 5
    risk._history_user = editor
    risk.save()
    control = Control.objects.get(risk=risk)
    control.effectiveness = "effective"
    control._history_user = editor
    control.save()
    page = text(reader.get(risk.get_absolute_url()))
    history = page[page.index('id="history"') :]
    assert "Eve Editor" in history
    assert "Current likelihood: 3 Possible → 5 Almost certain" in history
    assert "Effectiveness: Partly effective → Effective" in history
    assert "Added: Risk R7" in history


def test_a_risks_page_shows_its_links_changing_in_its_history(reader, body, action):
    manager = UserFactory(first_name="Mo", last_name="Manager", is_staff=True)
    plan = action.objective.priority.plan  # one plan: its refs alone name the links
    first = ObjectiveFactory(ref="8.1", priority=StrategicPriorityFactory(plan=plan, ref="8"))
    second = ObjectiveFactory(ref="7.3", priority=StrategicPriorityFactory(plan=plan, ref="7"))
    action = ActionFactory(objective=second, ref="7.3.1")
    risk = risk_save(user=manager, objectives=[first], **new_risk_fields(body, reference="R21"))
    risk_save(user=manager, risk=risk, expected_version=risk.version, objectives=[first, second], actions=[action])
    risk_save(user=manager, risk=Risk.objects.get(pk=risk.pk), objectives=[second], actions=[])
    history = text(reader.get(risk.get_absolute_url()))
    history = history[history.index('id="history"') :]
    entries = re.findall(
        r'<li class="app-history__entry">(.*?)</li>\s*(?=<li class="app-history__entry">|</ol>)', history, re.S
    )
    assert len(entries) == 3
    newest, middle, added = entries
    assert "Objectives: 7.3, 8.1 → 7.3" in newest and "Actions: 7.3.1 → (none)" in newest
    assert "Objectives: 8.1 → 7.3, 8.1" in middle and "Actions: (none) → 7.3.1" in middle
    assert "Added: Risk R21" in added and "Objectives: 8.1" in added and "Actions" not in added
    assert all("Mo Manager" in entry for entry in entries)


def test_a_risks_page_costs_the_same_queries_with_more_reviews_controls_and_history(
    reader, full_risk, django_assert_num_queries
):
    risk = full_risk[0]
    reader.get(risk.get_absolute_url())
    # The session, the user, the risk, objectives, actions, KPIs, controls, reviews, escalations, the risk's
    # history, the links in it, the controls' history, the lead bodies named in it, the chaired bodies (two); the
    # user's roles come with the user.
    with django_assert_num_queries(15):
        reader.get(risk.get_absolute_url())
    for n in range(10):
        ControlFactory(risk=risk)
        ReviewFactory(risk=risk, meeting=MeetingFactory(), reviewed_on=datetime.date(2015, 7, 1 + n))
        EscalationFactory(risk=risk)
        risk.title = f"Title {n}"
        risk.save()
        risk.objectives.add(ObjectiveFactory())
    with django_assert_num_queries(15):
        page = text(reader.get(risk.get_absolute_url()))
    assert "Title 9" in page


def test_a_closed_risk_says_when_and_why(reader):
    risk = RiskFactory(status=Risk.Status.CLOSED, closed_on=datetime.date(2015, 9, 1), closed_reason="Post filled.")
    page = text(reader.get(risk.get_absolute_url()))
    assert "Closed, closed on 1 September 2015: Post filled." in page


@pytest.mark.parametrize("address", [REGISTER, reverse("risks:heat-map")])
def test_the_risks_entry_follows_meetings_in_the_navigation_and_is_current_on_the_risk_pages(reader, address):
    page = text(reader.get(address))
    nav = page[page.index('id="navigation"') : page.index("</nav>")]
    assert nav.index(">Meetings<") < nav.index("Risks")
    active = re.search(r'service-navigation__item--active">(.*?)</li>', nav).group(1)
    assert f'href="{REGISTER}"' in active and ">Risks</strong>" in active
    elsewhere = text(reader.get(reverse("meetings:meeting-list")))
    assert f'<a class="govuk-service-navigation__link" href="{REGISTER}">Risks</a>' in elsewhere


def test_a_risks_page_shows_its_most_recent_changes_alone(reader, body):
    """Each save is a change: at most dscb.history.HISTORY_SHOWN are read and shown, the oldest against the one
    before it, and the page says there are earlier ones."""
    manager = UserFactory(first_name="Mo", last_name="Manager", is_staff=True)
    risk = risk_save(user=manager, **new_risk_fields(body, reference="R31"))
    for number in range(1, HISTORY_SHOWN + 6):
        risk = Risk.objects.get(pk=risk.pk)
        risk.title = f"Title {number}"
        risk._history_user = manager
        risk.save()
    page = text(reader.get(risk.get_absolute_url()))
    history = page[page.index('id="history"') :]
    assert history.count('class="app-history__entry"') == HISTORY_SHOWN
    assert f"The {HISTORY_SHOWN} most recent changes, newest first. Earlier changes are kept." in page
    assert f"Title: Title {HISTORY_SHOWN + 4} → Title {HISTORY_SHOWN + 5}" in history
    reader.force_login(make_manager(username="board-manager"))
    assert "Earlier changes are kept in the admin's history." in text(reader.get(risk.get_absolute_url()))
    assert "Title: Title 5 → Title 6" in history and "Title 4 → Title 5" not in history
    assert "Added: Risk R31" not in history
