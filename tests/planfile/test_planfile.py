"""The plan file: the DSCB plan as shipped, every kind of bad row, and export-then-import round trips."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kpis.models import KPI
from planfile.demo import DEMO_PLAN_FILE
from planfile.layout import COLUMNS
from planfile.services import plan_import
from planfile.writer import plan_rows, plan_to_csv, plan_to_xlsx
from plans.models import BusinessPlan
from priorities.models import Action, Objective, StrategicPriority
from subgroups.models import Subgroup
from tests.factories import SubgroupFactory

pytestmark = pytest.mark.django_db

PLAN_ROWS = [
    ["Plan", "slug", "2030-31"],
    ["Plan", "title", "Test Board Business Plan 2030/31"],
    ["Plan", "plan year", "2030/31"],
    ["Plan", "starts", "2030-04-01"],
    ["Plan", "ends", "2031-03-31"],
    ["Priority", "1", "Children are safe"],
    ["Objective", "1.1", "Children are heard", "Audits"],
]


def csv_bytes(rows, header=COLUMNS):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row + [""] * (len(header) - len(row)))
    return buffer.getvalue().encode()


def row(**cells):
    """A row in the columns' order, from cells named as the columns are, in lower case with underscores."""
    return [cells.get(column.lower().replace(" ", "_"), "") for column in COLUMNS]


def action_row(ref="1.1.1", text="Do the thing", lead="Quality Assurance sub", supporting="", due="", officer=""):
    return row(
        type="Action",
        ref=ref,
        text=text,
        lead_subgroup=lead,
        supporting_subgroups=supporting,
        due=due,
        lead_officer=officer,
    )


def kpi_row(ref="1.1.K1", text="% of things", owner="Quality Assurance sub", kind="Percentage", target=""):
    return row(type="KPI", ref=ref, text=text, lead_subgroup=owner, kpi_kind=kind, target=target)


def import_csv(rows, **kwargs):
    return plan_import(content=csv_bytes(rows), filename="plan.csv", **kwargs)


def messages(result):
    return [str(problem) for problem in result.problems]


def nothing_imported():
    return not BusinessPlan.objects.exists() and not Action.objects.exists() and not Subgroup.objects.exists()


class TestDSCBPlanFile:
    def test_the_shipped_plan_has_the_seed_counts(self):
        result = plan_import(content=DEMO_PLAN_FILE.read_bytes(), filename=DEMO_PLAN_FILE.name)
        assert result.problems == []
        plan = result.plan
        assert StrategicPriority.objects.filter(plan=plan).count() == 3
        codes = [objective.code for objective in Objective.objects.filter(priority__plan=plan)]
        assert codes == ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]
        assert Action.objects.filter(objective__priority__plan=plan).count() == 26
        assert KPI.objects.filter(objective__priority__plan=plan).count() == 22
        assert plan.starts_on.isoformat() == "2015-04-01" and plan.ends_on.isoformat() == "2016-03-31"
        assert plan.periods.count() == 6
        assert len(plan.ofsted_requirement_list) == 7
        assert plan.vision.startswith("Working Together to Keep Children & Young People Safe")

    def test_actions_keep_the_plans_words_and_leads(self):
        plan = plan_import(content=DEMO_PLAN_FILE.read_bytes(), filename=DEMO_PLAN_FILE.name).plan
        actions = {action.code: action for action in Action.objects.in_plan(plan)}
        assert actions["1.1.2"].text == (
            "Review and strengthen processes for recording and acting on feedback from the child / young person "
            "at agency level"
        )
        assert actions["1.2.2"].text.endswith("intervention for: Female Genital Mutilation")
        assert actions["1.2.2"].due == "2015-2016"
        assert actions["3.3.5"].lead_names == "Safeguarding Executive & DSCB"
        assert actions["3.3.3"].lead.name == "Chair of DSCB"
        assert actions["2.2.2"].lead.name == "Workforce Development strategic group"
        assert actions["3.1.4"].lead.name == "Participation sub"

    def test_every_action_text_appears_in_the_seed_document(self, settings):
        seed_path = settings.BASE_DIR.parent / "shared" / "seed" / "dscb-business-plan-2015-16.txt"
        if not seed_path.exists():
            pytest.skip("the seed document is kept beside the repository, not in it")
        seed = " ".join(seed_path.read_text(encoding="utf-8").split())
        plan = plan_import(content=DEMO_PLAN_FILE.read_bytes(), filename=DEMO_PLAN_FILE.name).plan
        for action in Action.objects.in_plan(plan):
            words = action.text.split(": ")[-1]
            assert words in seed, action.code
        for objective in Objective.objects.filter(priority__plan=plan):
            assert objective.title in seed, objective.code
        for kpi in KPI.objects.filter(objective__priority__plan=plan):
            assert kpi.name in seed or kpi.definition in seed, kpi.code

    def test_kpis_are_split_as_the_seed_lists_them(self):
        plan = plan_import(content=DEMO_PLAN_FILE.read_bytes(), filename=DEMO_PLAN_FILE.name).plan
        names = list(KPI.objects.filter(objective__priority__plan=plan).values_list("name", flat=True))
        assert "% Contacts progressed to referrals" in names
        assert "% Referrals to single assessment" in names
        early_help = KPI.objects.get(objective__priority__plan=plan, name="Early help update to Board")
        assert early_help.kind == KPI.Kind.REPORT and early_help.frequency == "6-monthly"
        attendance = KPI.objects.get(objective__priority__plan=plan, name__startswith="100% Agency attendance")
        assert (attendance.target, attendance.amber_tolerance) == (100, 10)
        # The board's targets: for 11 KPIs, two of them lower-is-better; monitoring reports and the two context
        # measures (1.2.K4, 2.2.K2) have none.
        assert KPI.objects.filter(objective__priority__plan=plan, target__isnull=True).count() == 11
        re_referred = KPI.objects.get(objective__priority__plan=plan, ref="2.2.K4")
        assert (re_referred.target, re_referred.direction) == (10, KPI.Direction.LOWER)

    def test_dry_run_lists_new_subgroups_and_writes_nothing(self):
        out = io.StringIO()
        call_command("import_plan", str(DEMO_PLAN_FILE), "--dry-run", stdout=out)
        text = out.getvalue()
        assert "26 actions" in text and "22 KPIs" in text
        assert "New subgroups (10)" in text and "Chair of DSCB" in text
        assert nothing_imported()


class TestBadRows:
    @pytest.mark.parametrize(
        ("row", "expected"),
        [
            (["Actn", "1.1.1", "x"], "Row 10, Type: 'Actn' is not a row type"),
            (["Action", "1.1", "x", "", "QA sub"], "Row 10, Ref: '1.1' is the Ref of its objective"),
            (["Action", "1" * 21, "x", "", "QA sub"], f"Row 10, Ref: '{'1' * 20}…' cannot be a Ref"),
            (["Action", "", "x", "", "QA sub"], "Row 10, Ref: the action has no Ref"),
            (["Action", "1.1.5", "x", "", "QA sub"], "Row 10, Ref: Action 1.1.5 appears twice (first on row 9)."),
            (["Action", "1.1.1", "", "", "Quality Assurance sub"], "Row 10, Text: the action has no text."),
            (["Action", "1.1.1", "x", "", ""], "Row 10, Lead subgroup: every action needs a lead subgroup."),
            (["Action", "1.9.1", "x", "", "Quality Assurance sub"], "objective 1.9, which the file does not have"),
            (kpi_row(kind="Ratio"), "Row 10, KPI kind: 'Ratio' is not a KPI kind"),
            (kpi_row(target="lots"), "Row 10, Target: 'lots' is not a number."),
            (kpi_row(target="120"), "Row 10, Target: a percentage target must be between 0 and 100"),
            (kpi_row(owner=""), "Row 10, Lead subgroup: every KPI needs the subgroup that owns it."),
            (["Plan", "colour", "blue"], "Row 10, Ref: 'colour' is not a plan setting"),
            (["Objective", "1.1", "Again"], "Row 10, Ref: Objective 1.1 appears twice (first on row 8)."),
            (kpi_row(kind="", target="90"), "Row 10, KPI kind: a KPI with a target needs a kind"),
            (action_row(officer="x" * 201), "Row 10, Lead officer: write the lead officer in at most 200 characters."),
        ],
    )
    def test_each_kind_of_bad_row_is_named_by_row_and_column(self, row, expected):
        rows = [*PLAN_ROWS, action_row("1.1.5"), row]
        result = import_csv(rows)
        assert any(expected in message for message in messages(result)), messages(result)
        assert nothing_imported()

    def test_a_lookalike_subgroup_name_is_refused_with_a_suggestion(self):
        SubgroupFactory(name="Communication sub", slug="communication")
        result = import_csv([*PLAN_ROWS, action_row(lead="Comms sub")])
        assert messages(result) == [
            "Row 9, Lead subgroup: 'Comms sub' looks like the existing 'Communication sub'; "
            "use that name or rename the subgroup first."
        ]
        assert not BusinessPlan.objects.exists()

    def test_a_bad_date_says_how_to_write_it(self):
        rows = [row if row[1] != "starts" else ["Plan", "starts", "31/13/2030"] for row in PLAN_ROWS]
        result = import_csv(rows)
        assert "Row 5, Text: '31/13/2030' is not a date; write it as 2015-04-01 or 01/04/2015." in messages(result)

    @pytest.mark.parametrize("setting", ["title", "slug", "plan year", "starts"])
    def test_a_required_plan_setting_left_empty_is_named(self, setting):
        rows = [row if row[1] != setting else ["Plan", setting, "  "] for row in PLAN_ROWS]
        result = import_csv(rows)
        number = 2 + [row[1] for row in PLAN_ROWS].index(setting)
        assert f"Row {number}, Text: the plan's {setting} is empty." in messages(result), messages(result)
        assert nothing_imported()

    def test_missing_plan_settings_are_listed(self):
        result = import_csv([row for row in PLAN_ROWS if row[1] not in ("title", "ends")])
        text = " ".join(messages(result))
        assert "no Plan row for 'title'" in text and "no Plan row for 'ends'" in text

    def test_a_file_with_many_bad_rows_lists_them_all_and_imports_nothing(self):
        rows = [
            *PLAN_ROWS,
            action_row("1.1.1", text=""),
            action_row("1.1.2", lead=""),
            ["Action", "x" * 30, "x", "", "Quality Assurance sub"],
            kpi_row("1.1.K1", kind="Ratio"),
            kpi_row("1.1.K2", target="abc"),
            action_row("1.1.3"),  # a good row among them is not imported either
        ]
        result = import_csv(rows)
        rows_named = [problem.row for problem in result.problems]
        assert rows_named == [9, 10, 11, 12, 13]
        assert nothing_imported()

    def test_a_missing_column_is_reported(self):
        result = plan_import(content=csv_bytes(PLAN_ROWS, header=["Type", "Ref"]), filename="plan.csv")
        assert messages(result) == [
            f"Row 1: the header row has no 'Text' column. The first row must name the columns: {', '.join(COLUMNS)}."
        ]

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self):
        result = plan_import(content=b"not a workbook", filename="plan.xlsx")
        assert len(result.problems) == 1 and "could not be opened as an Excel workbook" in messages(result)[0]
        other = plan_import(content=b"x", filename="plan.pdf")
        assert messages(other) == ["plan.pdf is not a plan file: upload an .xlsx or .csv file."]

    def test_importing_the_same_file_again_changes_nothing(self):
        first = import_csv([*PLAN_ROWS, action_row()])
        history = Action.history.count()
        again = import_csv([*PLAN_ROWS, action_row()])
        assert again.problems == [] and again.is_update
        assert {change.kind for change in again.changes} == {"unchanged"}
        assert BusinessPlan.objects.get() == first.plan and Action.history.count() == history

    def test_the_command_exits_with_every_problem(self):
        path = DEMO_PLAN_FILE.parent / "does-not-exist.csv"
        with pytest.raises(CommandError, match="No such file"):
            call_command("import_plan", str(path))

    def test_the_command_lists_the_first_problems_and_counts_the_rest(self, tmp_path):
        path = tmp_path / "plan.csv"
        path.write_bytes(csv_bytes([*PLAN_ROWS, *(action_row(f"9.9.{n}") for n in range(1, 251))]))
        err = io.StringIO()
        with pytest.raises(CommandError, match="250 problem"):
            call_command("import_plan", str(path), stderr=err)
        lines = err.getvalue().splitlines()
        assert len(lines) == 201 and lines[-1] == "and 50 more problems."


class TestWhatRealPlansContain:
    def test_two_leads_in_one_cell_supporting_subgroups_and_text_due_dates(self):
        rows = [
            *PLAN_ROWS,
            action_row(
                lead="Safeguarding Executive & DSCB", supporting="Communication sub; Participation sub", due="Q3"
            ),
            action_row("1.1.2", lead="Safeguarding Executive", due="ongoing"),
        ]
        result = import_csv(rows)
        assert result.problems == []
        first, second = Action.objects.in_plan(result.plan)
        assert first.lead.name == "Safeguarding Executive"
        assert [s.name for s in first.co_leads.all()] == ["DSCB"]
        assert sorted(s.name for s in first.supporting.all()) == ["Communication sub", "Participation sub"]
        assert (first.due, second.due) == ("Q3", "ongoing")
        assert Subgroup.objects.get(name="DSCB").kind == Subgroup.Kind.BOARD
        assert Subgroup.objects.count() == 4

    def test_kpis_without_targets_and_objectives_without_kpis(self):
        rows = [*PLAN_ROWS, ["Objective", "1.2", "No KPIs here"], action_row(), kpi_row(target="")]
        result = import_csv(rows)
        assert result.problems == []
        assert KPI.objects.get().target is None
        assert not Objective.objects.get(ref="1.2").kpis.exists()

    def test_existing_subgroups_are_used_not_duplicated(self):
        existing = SubgroupFactory(name="Quality Assurance sub", slug="quality-assurance")
        result = import_csv([*PLAN_ROWS, action_row(lead="quality assurance SUB")])
        assert result.problems == []
        assert Action.objects.get().lead == existing
        assert result.parsed.new_subgroups == []


class TestRoundTrip:
    def _load_dscb(self):
        return plan_import(content=DEMO_PLAN_FILE.read_bytes(), filename=DEMO_PLAN_FILE.name).plan

    def _recreate(self, plan, content, filename):
        """Empty the database of this plan and its subgroups, then import the exported file."""
        before = plan_rows(plan)
        Action.objects.all().delete()
        KPI.objects.all().delete()
        plan.delete()
        Subgroup.objects.all().delete()
        result = plan_import(content=content, filename=filename)
        assert result.problems == []
        return before, plan_rows(result.plan)

    def test_csv_export_then_import_gives_the_same_plan(self):
        plan = self._load_dscb()
        before, after = self._recreate(plan, plan_to_csv(plan).encode("utf-8"), "plan.csv")
        assert after == before
        assert len(after) == 10 + 3 + 8 + 26 + 22

    def test_xlsx_export_then_import_gives_the_same_plan(self):
        plan = self._load_dscb()
        before, after = self._recreate(plan, plan_to_xlsx(plan), "plan.xlsx")
        assert after == before

    def test_xlsx_export_is_a_real_workbook_with_text_cells(self, tmp_path):
        plan = self._load_dscb()
        action = Action.objects.in_plan(plan).first()
        action.text = '=HYPERLINK("http://example.org")'
        action.save()
        path = tmp_path / "plan.xlsx"
        call_command("export_plan", plan.slug, str(path), stdout=io.StringIO())
        sheet = openpyxl.load_workbook(path)["Plan"]
        assert [cell.value for cell in sheet[1]] == COLUMNS
        assert sheet.freeze_panes == "A2"
        cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[1].value == action.code)
        assert cell.value == action.text and cell.data_type == "s"

    def test_export_of_an_unknown_plan_is_refused(self, tmp_path):
        with pytest.raises(CommandError, match="no plan with the slug 'nope'"):
            call_command("export_plan", "nope", str(tmp_path / "x.xlsx"))


def test_a_csv_file_that_is_neither_utf8_nor_windows_text_is_a_problem_not_a_crash(db):
    result = plan_import(content=b"Type,Ref,Text\n\x81", filename="plan.csv")
    problems = [str(problem) for problem in result.problems]
    assert problems == ["plan.csv could not be read as text: save it as CSV UTF-8."]
    assert not BusinessPlan.objects.exists()


BOARD_ROWS = [
    *PLAN_ROWS[:5],
    ["Priority", "1a", "Children are safe at home"],
    ["Objective", "1a.1", "Neglect is seen early"],
    action_row("1a.1.1", text="Publish the neglect strategy", officer="Jim Reeves"),
    action_row("A2", text="Train practitioners in the neglect toolkit", lead="Workforce sub"),
    row(type="KPI", ref="1a.1.K1", text="Neglect strategy annual report", lead_subgroup="Quality Assurance sub"),
    ["Priority", "1b", "Children are safe online"],
    ["Objective", "1b.1", "Schools teach online safety"],
    action_row("1b.1.1", text="Audit online safety teaching", lead="Education sub"),
]


class TestTheBoardsOwnReferences:
    def test_a_plan_numbered_1a_1b_imports_with_its_refs_lead_officer_and_a_kpi_without_kind(self, client, manager):
        result = import_csv(BOARD_ROWS)
        assert result.problems == []
        plan = result.plan
        assert [p.ref for p in StrategicPriority.objects.filter(plan=plan)] == ["1a", "1b"]
        assert [o.code for o in Objective.objects.filter(priority__plan=plan)] == ["1a.1", "1b.1"]
        actions = list(Action.objects.in_plan(plan))
        assert [(a.objective.ref, a.ref, a.position) for a in actions] == [
            ("1a.1", "1a.1.1", 1),
            ("1a.1", "A2", 2),
            ("1b.1", "1b.1.1", 1),
        ]
        assert actions[0].lead_officer == "Jim Reeves" and actions[1].lead_officer == ""
        kpi = KPI.objects.get()
        assert (kpi.ref, kpi.kind, kpi.target) == ("1a.1.K1", KPI.Kind.REPORT, None)

        client.force_login(manager)
        page = client.get(plan.get_absolute_url()).content.decode()
        assert "Strategic priority 1a<" in page and "Strategic priority 1b<" in page
        assert 'id="priority-1a"' in page and 'id="objective-1a.1"' in page
        assert "1a.1 Neglect is seen early" in page and "A2 Train practitioners" in page
        assert "Lead officer: Jim Reeves" in page
        action_page = client.get(actions[0].get_absolute_url()).content.decode()
        assert "Lead officer" in action_page and "Jim Reeves" in action_page
        assert f'href="{plan.get_absolute_url()}#objective-1a.1"' in action_page

    def test_the_reports_show_refs_and_the_lead_officer_on_screen_and_in_excel(self, client, manager):
        plan = import_csv(BOARD_ROWS).plan
        client.force_login(manager)
        executive = reverse("reports:executive-report", args=[plan.slug, 1])
        page = client.get(executive).content.decode()
        assert 'id="report-priority-1a"' in page and "1a.1 Neglect is seen early" in page
        assert "Lead: Quality Assurance sub (lead officer: Jim Reeves)" in page
        board = client.get(reverse("reports:board-report", args=[plan.slug]), {"as_at": "2030-06-01"})
        assert "Quality Assurance sub (lead officer: Jim Reeves)" in board.content.decode()
        workbook = openpyxl.load_workbook(io.BytesIO(client.get(executive.rstrip("/") + ".xlsx").content))
        sheet = workbook["Actions"]
        header = [cell.value for cell in sheet[1]]
        rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
        assert header[-1] == "Lead officer" and list(rows) == ["1a.1.1", "A2", "1b.1.1"]
        assert rows["1a.1.1"][-1].value == "Jim Reeves" and rows["A2"][-1].value in ("", None)

    def test_any_ref_text_makes_a_valid_anchor(self, client, manager):
        rows = [*PLAN_ROWS[:5], ["Priority", "P 2 (new)", "Odd"], ["Objective", "Obj #1", "Odder"], action_row("x")]
        plan = import_csv(rows).plan
        client.force_login(manager)
        page = client.get(plan.get_absolute_url()).content.decode()
        assert 'id="priority-P-2-new"' in page and 'id="objective-Obj-1"' in page
        assert "Strategic priority P 2 (new)<" in page and "Obj #1 Odder" in page
        assert Objective.objects.get().get_absolute_url().endswith("#objective-Obj-1")

    def test_rows_out_of_order_find_their_parent_by_ref(self):
        rows = [
            *PLAN_ROWS[:5],
            ["Priority", "1", "First"],
            ["Priority", "2", "Second"],
            ["Objective", "2.1", "Of the second"],
            ["Objective", "1.1", "Of the first"],
            action_row("1.1.2", text="Second action of 1.1"),
            action_row("2.1.1", text="Of 2.1"),
            action_row("1.1.1", text="First action of 1.1, listed last"),
        ]
        result = import_csv(rows)
        assert result.problems == []
        order = [(a.objective.ref, a.ref) for a in Action.objects.in_plan(result.plan)]
        # The priorities' order is the file's; within 1.1, the actions' order is the file's too.
        assert order == [("1.1", "1.1.2"), ("1.1", "1.1.1"), ("2.1", "2.1.1")]

    def test_refs_are_unique_within_the_plan_not_just_their_parent(self):
        rows = [*BOARD_ROWS, action_row("A2", text="Same ref under another objective", lead="Education sub")]
        result = import_csv(rows)
        assert messages(result) == ["Row 15, Ref: Action A2 appears twice (first on row 10)."]
        assert nothing_imported()

    def test_an_action_above_every_objective_says_where_it_belongs(self):
        rows = [*PLAN_ROWS[:5], ["Priority", "1", "P"], action_row("A1"), ["Objective", "1.1", "O"]]
        result = import_csv(rows)
        assert messages(result) == [
            "Row 8, Ref: this action has no objective: put it below its objective's row, or start its Ref with the "
            "objective's and a full stop (1.2.3 in 1.2)."
        ]

    def test_the_round_trip_keeps_refs_order_and_lead_officers(self):
        plan = import_csv(BOARD_ROWS).plan
        before = plan_rows(plan)
        Action.objects.all().delete()
        KPI.objects.all().delete()
        plan.delete()
        Subgroup.objects.all().delete()
        result = plan_import(content=xlsx_bytes(before), filename="plan.xlsx")
        assert result.problems == []
        assert plan_rows(result.plan) == before
        assert "Jim Reeves" in [cell for line in before for cell in line]

    def test_reimporting_matches_by_ref_and_moves_what_moved(self):
        plan = import_csv(BOARD_ROWS).plan
        action = Action.objects.get(ref="A2")
        moved = [*BOARD_ROWS[:8], *BOARD_ROWS[9:], BOARD_ROWS[8]]  # A2 now after 1b.1's row: it moves there
        result = import_csv(moved)
        assert result.problems == [] and result.is_update
        change = next(change for change in result.changes if change.what == "Action A2")
        assert ("Objective", "1a.1", "1b.1") in change.fields
        action.refresh_from_db()
        assert action.objective.ref == "1b.1" and action.position == 2
        assert BusinessPlan.objects.get() == plan and Action.objects.count() == 3


def xlsx_bytes(rows, header=COLUMNS):
    """A plan file as an Excel workbook: the header, then the rows, on a sheet named Plan."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class TestWarnings:
    def test_the_dry_run_lists_new_subgroups_and_warns_about_people_roles_and_joined_names(self, tmp_path):
        SubgroupFactory(name="Quality Assurance sub", slug="quality-assurance")
        rows = [
            *PLAN_ROWS,
            action_row("1.1.1", lead="Jim Reeves"),
            action_row("1.1.2", lead="Chair of SLSCB"),
            action_row("1.1.3", lead="Police and Probation", supporting="Health & Social Care; Quality Assurance sub"),
            action_row("1.1.4", lead="Workforce sub", officer="Mrs Ann Smith"),
            kpi_row("1.1.K1", kind=""),
        ]
        path = tmp_path / "plan.csv"
        path.write_bytes(csv_bytes(rows))
        out = io.StringIO()
        call_command("import_plan", str(path), "--dry-run", stdout=out)
        text = out.getvalue()
        assert (
            "New subgroups (5): Jim Reeves, Chair of SLSCB, Police and Probation, Health & Social Care, "
            "Workforce sub" in text
        )
        assert "Warnings (5), to check before importing:" in text
        assert "Row 9, Lead subgroup: 'Jim Reeves' looks like a person, not a body" in text
        assert "Row 10, Lead subgroup: 'Chair of SLSCB' looks like a role, not a body" in text
        assert (
            "Row 11, Lead subgroup: 'Police and Probation' looks like two bodies in one name; a new subgroup of that "
            "name will be created. If it is two, write them as joint leads joined with ' & '." in text
        )
        assert "Row 11, Supporting subgroups: 'Health & Social Care' looks like two bodies" in text
        assert "Row 13, KPI kind: no kind given: imported as a monitoring report, with no target." in text
        assert "Workforce sub'" not in text  # an ordinary subgroup name is not flagged
        assert "Dry run: nothing was written." in text
        assert not BusinessPlan.objects.exists() and Subgroup.objects.count() == 1

    def test_warnings_do_not_stop_the_import(self):
        result = import_csv([*PLAN_ROWS, action_row(lead="Jim Reeves"), kpi_row(kind="")])
        assert result.problems == [] and len(result.warnings) == 2
        assert Action.objects.get().lead.name == "Jim Reeves"

    def test_the_demo_plan_is_warned_about_its_chair_only(self):
        result = plan_import(content=DEMO_PLAN_FILE.read_bytes(), filename=DEMO_PLAN_FILE.name, dry_run=True)
        assert [str(warning) for warning in result.warnings] == [
            "Row 64, Lead subgroup: 'Chair of DSCB' looks like a role, not a body; a new subgroup of that name will "
            "be created. If a person or role leads the action, name them in Lead officer and the subgroup here."
        ]


LEADS = ["Quality Assurance sub", "Workforce Development strategic group", "Safeguarding Executive"]
SUPPORTING = ["Communication sub", "Participation sub", "MASH strategic group", "Practitioners group"]


def large_plan_rows(actions_per_objective):
    """Two priorities of two objectives, each with `actions_per_objective` actions (joint leads, supporting
    subgroups) and two KPIs."""
    rows = list(PLAN_ROWS[:5])
    for p in (1, 2):
        rows.append(["Priority", str(p), f"Priority {p}"])
        for o in (1, 2):
            rows.append(["Objective", f"{p}.{o}", f"Objective {p}.{o}"])
            for a in range(1, actions_per_objective + 1):
                rows.append(
                    action_row(
                        f"{p}.{o}.{a}",
                        text=f"Action {p}.{o}.{a}",
                        lead=f"{LEADS[a % 3]} & DSCB",
                        supporting=SUPPORTING[a % 4],
                        officer="Head of Service" if a % 2 else "",
                    )
                )
            for k in (1, 2):
                rows.append(kpi_row(f"{p}.{o}.K{k}", owner=LEADS[k], target="80"))
    return rows


class TestQueries:
    """The import reads and writes in bulk: the same queries for 4 actions as for 60. (SQLite takes at most 999
    values a statement, so there a plan of more than about 70 actions adds a statement per table for each further
    batch; PostgreSQL takes them in one.)"""

    # The transaction's savepoint and release; read: subgroups, the plan by slug; write: the new subgroups' slugs,
    # the subgroups and their history, the plan and its history, the periods (a savepoint, a check, each of six
    # and its history, a release), and then for priorities, objectives, actions, the actions' joint leads and
    # supporting subgroups, and KPIs: the rows and their history.
    NEW_PLAN = 2 + 2 + 3 + 2 + (3 + 12) + 6 * 2

    @pytest.mark.parametrize("actions_per_objective", [1, 15])
    def test_a_new_plans_import_takes_the_same_queries_however_many_rows(
        self, actions_per_objective, django_assert_num_queries
    ):
        content = csv_bytes(large_plan_rows(actions_per_objective))
        with django_assert_num_queries(self.NEW_PLAN):
            result = plan_import(content=content, filename="plan.csv")
        assert result.problems == []
        assert Action.objects.count() == 4 * actions_per_objective and KPI.objects.count() == 8
        # Every row has its history entry, the actions' with their joint leads and supporting subgroups.
        assert Action.history.count() == Action.objects.count()
        assert StrategicPriority.history.count() == 2 and KPI.history.count() == 8
        assert Subgroup.history.count() == Subgroup.objects.count() >= 4
        entry = Action.objects.get(ref="1.1.1").history.get()
        assert [row.subgroup.name for row in entry.co_leads.all()] == ["DSCB"]
        assert [row.subgroup.name for row in entry.supporting.all()] == ["Participation sub"]

    @pytest.mark.parametrize("actions_per_objective", [1, 15])
    def test_an_update_takes_the_same_queries_however_many_rows(self, actions_per_objective, django_assert_num_queries):
        rows = large_plan_rows(actions_per_objective)
        import_csv(rows)
        text, supporting = COLUMNS.index("Text"), COLUMNS.index("Supporting subgroups")
        changed = [list(line) for line in rows]
        for line in changed:
            if line[0] == "Action":
                line[text], line[supporting] = line[text] + " (revised)", "Health sub"
        # The transaction's savepoint and release; read: subgroups, the plan by slug, its priorities, objectives,
        # actions, KPIs, joint leads and supporting subgroups; write: the new subgroup's slugs, the subgroup and its
        # history, the plan and its history, the periods (a savepoint, a check, a read, a release), the actions and
        # their history, the joint leads' history (they are as they were), the stale supporting rows, the new ones
        # and their history.
        with django_assert_num_queries(2 + 8 + 3 + 2 + 4 + 2 + 1 + 3):
            result = import_csv(changed)
        assert result.problems == [] and result.count("change") == 4 * actions_per_objective
        action = Action.objects.get(ref="2.2.1")
        assert action.text == "Action 2.2.1 (revised)"
        assert [s.name for s in action.supporting.all()] == ["Health sub"]
        assert [s.name for s in action.co_leads.all()] == ["DSCB"]
        latest = action.history.latest()
        assert latest.history_type == "~" and [row.subgroup.name for row in latest.supporting.all()] == ["Health sub"]
