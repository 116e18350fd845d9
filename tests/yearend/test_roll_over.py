"""Year end: next year's plan from this one, copies not links, the old plan closed with its history."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from kpis.models import KPI
from planfile.services import plan_file_preview
from planfile.writer import plan_to_csv, plan_to_xlsx
from plans.models import BusinessPlan
from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority
from tests.reports.test_reports import pdf_pages
from yearend.services import plan_roll_over, plan_roll_over_preview

pytestmark = pytest.mark.django_db


def test_the_dscb_plan_rolls_over_with_its_unfinished_actions(demo):
    plan, users = demo
    preview = plan_roll_over_preview(plan=plan)
    # Demo progress to period 3: 2.1.1, 2.2.1, 3.1.2 and 3.3.2 are complete (carried forward).
    assert sorted(action.code for action in preview.left_behind) == ["2.1.1", "2.2.1", "3.1.2", "3.3.2"]
    assert (preview.slug, preview.year_label, str(preview.starts_on)) == ("2016-17", "2016/17", "2016-04-01")
    history = ProgressUpdate.objects.count()
    new = plan_roll_over(plan=plan, user=users["manager"])
    plan.refresh_from_db()
    assert plan.status == "closed" and set(plan.periods.values_list("state", flat=True)) == {"locked"}
    assert new.status == "active" and new.title == "Dudley Safeguarding Children Board Business Plan 2016/17"
    assert new.periods.count() == 6 and new.rolled_over_from == plan
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


def test_the_old_plan_refuses_edits(client, demo):
    plan, users = demo
    plan_roll_over(plan=plan)
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


@pytest.mark.parametrize(
    ("persona_name", "expected"), [("manager", 200), ("chair", 403), ("viewer", 403), ("anon", 302)]
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
    response = client.post(reverse("yearend:roll-over", args=[plan.slug]))
    assert BusinessPlan.objects.count() == (2 if persona_name == "manager" else 1)


def test_the_command(demo):
    plan, _ = demo
    out = io.StringIO()
    call_command("roll_over", plan.slug, "--dry-run", stdout=out)
    assert "22 actions carried over, 4 complete actions left behind" in out.getvalue()
    assert BusinessPlan.objects.count() == 1
    call_command("roll_over", plan.slug, stdout=out)
    assert BusinessPlan.objects.filter(slug="2016-17").exists()


def test_carried_actions_say_where_they_came_from_and_the_old_ones_where_they_went(
    client, demo, django_assert_num_queries
):
    plan, users = demo
    new = plan_roll_over(plan=plan, user=users["manager"])
    client.force_login(users["viewer"])
    carried = list(Action.objects.filter(objective__priority__plan=new).select_related("carried_over_from"))
    assert len(carried) == 22
    # The same queries as any plan page (tests/test_pages.py): the old action is joined onto the actions' query.
    with django_assert_num_queries(12):
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
    plan.status = BusinessPlan.Status.DRAFT  # rolled over from a plan that was not active: next year's is a draft
    plan.save()
    new = plan_roll_over(plan=plan)
    assert new.status == BusinessPlan.Status.DRAFT
    old = Action.objects.filter(objective__priority__plan=plan, carried_into__isnull=False).first()
    client.force_login(users["viewer"])
    assert "Carried over unfinished into" not in client.get(old.get_absolute_url()).content.decode()
    client.force_login(users["manager"])
    assert "Carried over unfinished into" in client.get(old.get_absolute_url()).content.decode()


def test_the_board_report_and_the_plan_file_show_where_an_action_was_carried_from(client, demo, tmp_path):
    plan, users = demo
    new = plan_roll_over(plan=plan)
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
