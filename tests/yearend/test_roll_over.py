"""Year end: next year's plan from this one, a draft of copies (not links) while this year stays active; activating
it closes this year with its history."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from audits.models import Standard
from kpis.models import KPI
from planfile.services import plan_file_preview, plan_import
from planfile.writer import plan_to_csv, plan_to_xlsx
from plans.models import BusinessPlan, ReportingPeriod
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority
from risks.models import Risk
from tests.factories import ActionFactory, BusinessPlanFactory, ObjectiveFactory, UserFactory
from tests.reports.test_reports import pdf_pages
from yearend.services import due_is_past, plan_activate, plan_roll_over, plan_roll_over_preview

pytestmark = pytest.mark.django_db


def roll_over_and_activate(plan, user=None):
    """Next year's plan started from `plan` and made active (which closes `plan`)."""
    new = plan_roll_over(plan=plan, user=user)
    plan_activate(plan=new, user=user)
    new.refresh_from_db()
    return new


def test_the_dscb_plan_rolls_over_with_its_unfinished_actions(demo):
    plan, users = demo
    preview = plan_roll_over_preview(plan=plan)
    # Demo progress to period 3: 2.1.1, 2.2.1, 3.1.2 and 3.3.2 are complete (carried forward).
    assert sorted(action.code for action in preview.left_behind) == ["2.1.1", "2.2.1", "3.1.2", "3.3.2"]
    assert (preview.slug, preview.year_label, str(preview.starts_on)) == ("2016-17", "2016/17", "2016-04-01")
    history = ProgressUpdate.objects.count()
    states = dict(plan.periods.values_list("number", "state"))
    new = plan_roll_over(plan=plan, user=users["manager"])
    plan.refresh_from_db()
    # Next year is a draft; this year is still the active plan, its periods as they were.
    assert plan.status == "active" and dict(plan.periods.values_list("number", "state")) == states
    assert new.status == "draft" and new.title == "Dudley Safeguarding Children Board Business Plan 2016/17"
    assert new.periods.count() == 6 and new.rolled_over_from == plan
    assert set(new.periods.values_list("state", flat=True)) == {"upcoming"}
    assert StrategicPriority.objects.filter(plan=new).count() == 3
    assert Objective.objects.filter(priority__plan=new).count() == 8
    assert KPI.objects.filter(objective__priority__plan=new).count() == 22
    carried = Action.objects.filter(objective__priority__plan=new)
    assert carried.count() == 22 and all(action.carried_over_from_id for action in carried)
    assert ProgressUpdate.objects.count() == history and not ProgressUpdate.objects.filter(period__plan=new).exists()


def test_editing_next_year_leaves_this_year_alone(demo):
    plan, _ = demo
    new = plan_roll_over(plan=plan)
    objective = Objective.objects.get(priority__plan=new, ref="1.1")
    objective.title = "Next year's wording"
    objective.save()
    kpi = KPI.objects.filter(objective=objective).first()
    kpi.target = 80  # this year's is 75
    kpi.save()
    old_objective = Objective.objects.get(priority__plan=plan, ref="1.1")
    assert old_objective.title.startswith("The voice of children")
    assert KPI.objects.get(objective=old_objective, ref=kpi.ref).target == 75


def _linked(parts, relation, leaving_out=None):
    """{code of the plan part: what it is linked to, less `leaving_out`}, for the parts linked to anything."""
    found = {
        part.code: sorted(str(row) for row in getattr(part, relation).all() if row != leaving_out) for part in parts
    }
    return {code: rows for code, rows in found.items() if rows}


def test_next_years_plan_is_linked_to_the_open_risks_and_audit_standards_this_years_is(demo):
    plan, users = demo
    closed = Risk.objects.get(reference="R8")
    Risk.objects.filter(pk=closed.pk).update(status="closed", closed_on=datetime.date(2016, 3, 1), closed_reason="Met")
    new = plan_roll_over(plan=plan, user=users["manager"])
    objectives = Objective.objects.filter(priority__plan=plan)
    kpis = KPI.objects.filter(objective__priority__plan=plan, archived=False)
    carried = Action.objects.in_plan(plan).filter(carried_into__isnull=False)
    new_objectives = Objective.objects.filter(priority__plan=new)
    new_kpis = KPI.objects.filter(objective__priority__plan=new)
    new_actions = Action.objects.in_plan(new)
    this_year = {
        **_linked(objectives, "risks", closed),
        **_linked(kpis, "risks", closed),
        **_linked(carried, "risks", closed),
    }
    assert this_year, "the demo links risks to the plan"
    assert {**_linked(new_objectives, "risks"), **_linked(new_kpis, "risks"), **_linked(new_actions, "risks")} == (
        this_year
    )
    assert not closed.objectives.filter(priority__plan=new).exists()
    standards = {**_linked(objectives, "audit_standards"), **_linked(kpis, "audit_standards")}
    assert standards, "the demo links audit standards to the plan"
    assert {**_linked(new_objectives, "audit_standards"), **_linked(new_kpis, "audit_standards")} == standards


def test_each_risk_linked_on_to_next_year_keeps_it_in_its_history_attributed(client, demo):
    plan, users = demo
    risk = Risk.objects.get(reference="R1")
    opened_at, records = risk.version, risk.history.count()
    new = plan_roll_over(plan=plan, user=users["manager"])
    risk = Risk.objects.get(pk=risk.pk)
    assert risk.version == opened_at + 1  # a form opened before the roll-over cannot drop the new links
    assert risk.history.count() == records + 1
    latest = risk.history.order_by("history_id").last()
    assert latest.history_user == users["manager"]
    assert latest.history_change_reason == f"Linked to the {new.year_label} plan, rolled over"
    linked = {row.objective_id for row in latest.objectives.all()}
    assert linked == set(risk.objectives.values_list("pk", flat=True))
    assert Objective.objects.filter(pk__in=linked, priority__plan=new).exists()

    client.force_login(users["viewer"])
    page = client.get(risk.get_absolute_url()).content.decode()
    page = page[page.index('id="history"') :]
    [objective] = Objective.objects.filter(pk__in=linked, priority__plan=plan)
    old, both = f"{objective.ref} ({plan.year_label})", f"{objective.ref} ({new.year_label})"
    assert f"Objectives: {old} → {old}, {both}" in page


def test_each_audit_standard_linked_on_to_next_year_keeps_it_in_its_history_attributed(demo):
    plan, users = demo
    standard = Standard.objects.filter(objectives__priority__plan=plan).distinct().first()
    records = standard.history.count()
    new = plan_roll_over(plan=plan, user=users["manager"])
    assert standard.history.count() == records + 1
    latest = standard.history.order_by("history_id").last()
    assert latest.history_user == users["manager"]
    assert latest.history_change_reason == f"Linked to the {new.year_label} plan, rolled over"
    linked = {row.objective_id for row in latest.objectives.all()}
    assert linked == set(standard.objectives.values_list("pk", flat=True))
    assert Objective.objects.filter(pk__in=linked, priority__plan=new).exists()


def test_the_old_plan_refuses_edits_once_next_year_is_active(client, demo):
    plan, users = demo
    roll_over_and_activate(plan)
    action = Action.objects.filter(objective__priority__plan=plan).first()
    client.force_login(users["admin"])
    page = client.get(reverse("admin:priorities_action_change", args=[action.pk]))
    assert page.status_code == 200 and 'name="text"' not in page.content.decode()  # read-only
    assert client.post(reverse("admin:priorities_action_delete", args=[action.pk]), {"post": "yes"}).status_code == 403
    client.force_login(users["manager"])
    response = client.post(
        reverse("priorities:update-edit", args=[action.pk, 3]), {"status": "green", "progress": "Late", "version": "1"}
    )
    assert response.status_code == 403
    unlock = client.post(reverse("plans:period-unlock", args=[plan.slug, 3]), follow=True)
    assert "is closed: its periods stay locked" in unlock.content.decode()
    assert client.get(reverse("yearend:roll-over", args=[plan.slug])).context["refused"]


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    ("persona_name", "expected"), [("manager", 200), ("admin", 200), ("chair", 403), ("viewer", 403), ("anon", 302)]
)
def test_roll_over_page_preview_then_confirm(client, persona, action, period, persona_name, expected):
    plan = period.plan
    user = persona(persona_name)
    if user:
        client.force_login(user)
    response = client.get(reverse("yearend:roll-over", args=[plan.slug]))
    assert response.status_code == expected
    if expected == 200:
        assert "actions that are not complete" in response.content.decode()
        next_year = plan_roll_over_preview(plan=plan).year_label
        assert f"Start {next_year} as a draft</button>" in response.content.decode()
    response = client.post(reverse("yearend:roll-over", args=[plan.slug]))
    assert response.status_code == (302 if expected == 200 else expected)
    if expected == 200:
        new = BusinessPlan.objects.get(rolled_over_from=plan)
        assert response.url == new.get_absolute_url()
        assert new.status == "draft" and new.history.first().history_user == user
        assert BusinessPlan.objects.get(pk=plan.pk).status == "active"
    else:
        assert BusinessPlan.objects.count() == 1


def test_the_command(demo):
    plan, _ = demo
    out = io.StringIO()
    call_command("roll_over", plan.slug, "--dry-run", stdout=out)
    assert "22 actions carried over, 4 complete actions left behind" in out.getvalue()
    assert BusinessPlan.objects.count() == 1
    assert "Due dates to review: 1.2.1 '2015-2016', 1.2.2 '2015-2016', 1.2.3 '2015-2016'" in out.getvalue()
    call_command("roll_over", plan.slug, stdout=out)
    assert BusinessPlan.objects.get(slug="2016-17").status == "draft"
    assert BusinessPlan.objects.get(slug=plan.slug).status == "active"
    assert "2015-16 stays active until 2016-17 is activated" in out.getvalue()


def test_carried_actions_say_where_they_came_from_and_the_old_ones_where_they_went(
    client, demo, django_assert_num_queries
):
    plan, users = demo
    new = roll_over_and_activate(plan, users["manager"])
    client.force_login(users["viewer"])
    carried = list(Action.objects.filter(objective__priority__plan=new).select_related("carried_over_from"))
    assert len(carried) == 22
    # The queries of any plan page (tests/test_pages.py), less the KPI values of the period shown: no period of the
    # new year has been opened yet. The old action is joined onto the actions' query.
    with django_assert_num_queries(11):
        page = client.get(new.get_absolute_url()).content.decode()
    assert page.count("Carried over unfinished from") == 22
    for action in carried:
        old = action.carried_over_from
        assert f'href="{old.get_absolute_url()}">action {old.code} of the 2015/16 plan</a>' in page
        old_page = client.get(old.get_absolute_url())
        assert old_page.status_code == 200
        assert (
            f'Carried over unfinished into <a class="govuk-link" href="{action.get_absolute_url()}">'
            f"action {action.code} of the 2016/17 plan</a>" in old_page.content.decode()
        )
        action_page = client.get(action.get_absolute_url()).content.decode()
        assert f'href="{old.get_absolute_url()}">action {old.code} of the 2015/16 plan</a>' in action_page
    # Last year's plan page: nothing in it was carried over from anywhere.
    assert "Carried over unfinished from" not in client.get(plan.get_absolute_url()).content.decode()
    done = Action.objects.get(objective__priority__plan=plan, ref="2.1.1")
    assert "Carried over unfinished into" not in client.get(done.get_absolute_url()).content.decode()


def test_a_carried_action_does_not_link_forward_into_a_plan_the_reader_may_not_see(client, demo):
    plan, users = demo
    new = plan_roll_over(plan=plan)  # next year's plan is a draft until it is activated
    assert new.status == BusinessPlan.Status.DRAFT
    old = Action.objects.filter(objective__priority__plan=plan, carried_into__isnull=False).first()
    client.force_login(users["viewer"])
    assert "Carried over unfinished into" not in client.get(old.get_absolute_url()).content.decode()
    client.force_login(users["manager"])
    assert "Carried over unfinished into" in client.get(old.get_absolute_url()).content.decode()


def test_the_board_report_and_the_plan_file_show_where_an_action_was_carried_from(client, demo, tmp_path):
    plan, users = demo
    new = roll_over_and_activate(plan)
    carried = Action.objects.filter(objective__priority__plan=new).select_related("carried_over_from")
    sources = {action.code: f"2015/16 {action.carried_over_from.code}" for action in carried}
    client.force_login(users["viewer"])
    url = reverse("reports:board-report", args=[new.slug])
    page = client.get(url, {"as_at": "2016-06-01"}).content.decode()
    assert page.count("Carried over unfinished from") == 22
    for action in carried:
        assert f'href="{action.carried_over_from.get_absolute_url()}"' in page
    pdf = client.get(reverse("reports:board-report-pdf", args=[new.slug]), {"as_at": "2016-06-01"}).content
    words = " ".join(" ".join(pdf_pages(pdf, tmp_path)).split())
    assert words.count("Carried over unfinished from action") == 22
    xlsx = client.get(reverse("reports:board-report-xlsx", args=[new.slug]), {"as_at": "2016-06-01"}).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Status by period"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Carried over from")
    assert {row[0]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} == sources
    # The plan file: a column of its own, accepted (and ignored) when the file is read back.
    text = plan_to_csv(new)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    column = rows[0].index("Carried over from")
    assert {row[1]: row[column] for row in rows[1:] if row[0] == "Action"} == sources
    preview = plan_file_preview(content=text.encode(), filename="plan.csv")
    assert not preview.problems and {change.kind for change in preview.changes} == {"unchanged"}
    workbook = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(new)))["Plan"]
    assert "Carried over from" in [cell.value for cell in workbook[1]]


def test_this_year_is_still_reported_while_next_years_draft_is_prepared(client, demo):
    plan, users = demo
    new = plan_roll_over(plan=plan, user=users["manager"])
    # Only the manager (and admins) see the draft; everyone else still sees this year's plan.
    assert not BusinessPlan.objects.visible_to(users["viewer"]).filter(pk=new.pk).exists()
    assert BusinessPlan.objects.visible_to(users["manager"]).filter(pk=new.pk).exists()
    client.force_login(users["viewer"])
    assert client.get(new.get_absolute_url()).status_code == 404
    assert client.get(plan.get_absolute_url()).status_code == 200
    # A chair reports this year's open period after next year was started.
    open_period = plan.periods.get(state="open")
    action = Action.objects.in_plan(plan).exclude(updates__period=open_period).first()
    chair = action.lead.memberships.get(role="chair").user
    client.force_login(chair)
    url = reverse("priorities:update-edit", args=[action.pk, open_period.number])
    response = client.post(url, {"status": "green", "progress": "Reported after the roll-over", "version": "0"})
    assert response.status_code == 302
    assert action.updates.get(period=open_period).progress == "Reported after the roll-over"
    # The manager edits the draft, and finds the way to activate it on its page.
    client.force_login(users["manager"])
    page = client.get(new.get_absolute_url()).content.decode()
    assert f'href="{reverse("yearend:activate", args=[new.slug])}">Activate 2016/17</a>' in page
    again = client.get(reverse("yearend:roll-over", args=[plan.slug])).content.decode()
    assert "has already been rolled over into" in again
    assert f'href="{reverse("yearend:activate", args=[new.slug])}">Activate 2016/17</a>' in again


def test_every_row_of_next_years_draft_is_attributed(demo):
    plan, users = demo
    manager = users["manager"]
    new = plan_roll_over(plan=plan, user=manager)
    assert new.history.get().history_user == manager
    for model, in_new in [
        (ReportingPeriod, {"plan": new}),
        (StrategicPriority, {"plan": new}),
        (Objective, {"priority__plan": new}),
        (Action, {"objective__priority__plan": new}),
        (KPI, {"objective__priority__plan": new}),
    ]:
        ids = list(model.objects.filter(**in_new).values_list("pk", flat=True))
        assert ids
        assert set(model.history.filter(id__in=ids).values_list("history_user", flat=True)) == {manager.pk}, model


def test_carried_actions_keep_the_boards_references(demo):
    plan, _ = demo
    new = plan_roll_over(plan=plan)
    # 2.1.1 was complete and stays behind; 2.1.2 keeps its reference (it is not closed up into 2.1.1).
    refs = {action.carried_over_from.ref: action.ref for action in Action.objects.filter(objective__priority__plan=new)}
    assert refs["2.1.2"] == "2.1.2" and refs["2.1.3"] == "2.1.3" and "2.1.1" not in refs
    assert all(old == new_ref for old, new_ref in refs.items())


def test_a_reference_that_would_clash_in_next_years_plan_is_renumbered_and_said(client, manager):
    """The admin can give two objectives' actions the same reference (the database holds it unique per objective
    only); the plan file matches actions by reference across the plan, so next year's plan gets one of them anew."""
    plan = BusinessPlanFactory(slug="2015-16", year_label="2015/16", title="Plan 2015/16")
    first = ObjectiveFactory(priority__plan=plan, priority__ref="1", ref="1.1")
    second = ObjectiveFactory(priority=first.priority, ref="1.2")
    ActionFactory(objective=first, ref="A1", position=1)
    ActionFactory(objective=first, ref="1.2.1", position=2)
    ActionFactory(objective=second, ref="A1", position=1)
    ActionFactory(objective=second, ref="A2", position=2)
    preview = plan_roll_over_preview(plan=plan)
    assert [(row.action.ref, row.ref) for row in preview.carried] == [
        ("A1", "A1"),
        ("1.2.1", "1.2.1"),
        ("A1", "1.2.2"),  # 1.2.1 is taken by an action that keeps its own
        ("A2", "A2"),
    ]
    assert [row.ref for row in preview.renumbered] == ["1.2.2"]
    client.force_login(manager)
    page = client.get(reverse("yearend:roll-over", args=[plan.slug])).content.decode()
    assert "A1 (objective 1.2) becomes 1.2.2" in page
    new = plan_roll_over(plan=plan)
    assert sorted(Action.objects.filter(objective__priority__plan=new).values_list("objective__ref", "ref")) == [
        ("1.1", "1.2.1"),
        ("1.1", "A1"),
        ("1.2", "1.2.2"),
        ("1.2", "A2"),
    ]
    # Next year's plan file reads back without a reference used twice.
    assert not plan_file_preview(content=plan_to_csv(new).encode(), filename="plan.csv").problems


@pytest.mark.parametrize(
    ("due", "past"),
    [
        ("2015-2016", True),
        ("2015/16", True),
        ("2015-16", True),
        ("2015 to 2016", True),
        ("Q4 2015/16", True),
        ("2016-2017", False),
        ("2016/17", False),
        ("2016-03-31", True),
        ("2016-04-01", False),
        ("31/03/2016", True),
        ("1/4/2016", False),
        ("31 March 2016", True),
        ("30 Sept 2016", False),
        ("March 2016", True),
        ("April 2016", False),
        ("2015", True),
        ("2016", False),
        ("2015-12", True),
        ("Q3", False),
        ("ongoing", False),
        ("", False),
        ("31/02/2016", False),  # not a day: left to the reader
    ],
)
def test_due_dates_before_next_year_starts_are_past(due, past):
    assert due_is_past(due, starts_on=datetime.date(2016, 4, 1)) is past


def test_the_preview_lists_the_due_dates_to_review_and_tags_their_rows(client, demo, django_assert_num_queries):
    plan, users = demo
    preview = plan_roll_over_preview(plan=plan)
    assert [(row.ref, row.action.due) for row in preview.due_to_review] == [
        ("1.2.1", "2015-2016"),
        ("1.2.2", "2015-2016"),
        ("1.2.3", "2015-2016"),
    ]
    client.force_login(users["manager"])
    # Session, user with their roles; the plan, next year's and the slug; periods, updates, actions and their
    # subgroups; counts.
    with django_assert_num_queries(13):
        page = client.get(reverse("yearend:roll-over", args=[plan.slug])).content.decode()
    listed = page.split('id="due-dates-to-review"', 1)[1].split("</dd>", 1)[0]
    assert "3 carried actions are due before 1 April 2016" in listed
    for ref in ["1.2.1", "1.2.2", "1.2.3"]:
        assert f"<li>{ref} ‘2015-2016’</li>" in listed
    rows = page.split('id="carried-actions"', 1)[1].split("</table>", 1)[0].split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 22
    tagged = [row.split("</td>", 1)[0].split(">")[-1] for row in rows if "Due date to review" in row]
    assert tagged == ["1.2.1", "1.2.2", "1.2.3"]


def test_next_years_draft_is_edited_by_importing_its_plan_file_then_activated(demo):
    plan, users = demo
    manager = users["manager"]
    new = plan_roll_over(plan=plan, user=manager)
    text = plan_to_csv(new)
    assert text.count(",2015-2016,") == 3  # the Due column of 1.2.1, 1.2.2 and 1.2.3
    content = text.replace(",2015-2016,", ",2016-2017,").encode()
    result = plan_import(content=content, filename="2016-17.csv", user=manager)
    assert not result.problems
    carried = Action.objects.filter(objective__priority__plan=new)
    assert set(carried.filter(ref__startswith="1.2.").values_list("due", flat=True)) == {"2016-2017"}
    assert all(action.carried_over_from_id for action in carried)
    assert BusinessPlan.objects.get(pk=new.pk).status == "draft"
    assert Action.history.filter(id__in=carried.values("pk"), due="2016-2017").get(ref="1.2.1").history_user == manager
    plan_activate(plan=new, user=manager)
    assert BusinessPlan.objects.active().get() == new
