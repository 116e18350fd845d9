"""Plan files made to hurt: numbers too large for their column, sheets that lie about their size, zip bombs, XML
attacks, chart sheets, over-long cells, and values the confirm step would fail on. Each gets a list of problems in
the user's words, within a bound of time and memory, and nothing is written; exports never hand on a formula."""

import codecs
import csv
import io
import re
import time
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from openpyxl.chart import BarChart, Reference

from kpis.models import KPI
from planfile.layout import COLUMNS
from planfile.reader import MAX_CELL_LENGTH, MAX_COLUMNS, MAX_ROWS
from planfile.services import MAX_LISTED, plan_import
from planfile.writer import plan_to_csv
from plans.models import BusinessPlan
from priorities.models import Action
from subgroups.models import Subgroup
from tests.planfile.test_planfile import PLAN_ROWS, action_row, csv_bytes, kpi_row, row, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD_ROWS = [*PLAN_ROWS, action_row(), kpi_row(kind="Count", target="12")]


def rewrite(xlsx, member, change):
    """The workbook with one part's text changed, as a tool other than Excel might have written it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def with_dimension(xlsx, ref):
    sheet = "xl/worksheets/sheet1.xml"
    return rewrite(xlsx, sheet, lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml))


def upload(client, content, name):
    return client.post(reverse("planfile:import"), {"file": SimpleUploadedFile(name, content)})


def problems_of(result):
    return [str(problem) for problem in result.problems]


def nothing_written():
    return not BusinessPlan.objects.exists() and not KPI.objects.exists() and not Subgroup.objects.exists()


# The work a hostile file may make, in CPU seconds of this process. The files of the findings took minutes or
# never finished; a refused file of the largest allowed size takes about 2 s on a quiet machine and up to 5 s with
# the cores shared, under tracemalloc. The bound tells bounded work from unbounded, not fast from slow: the
# benchmark measures speed (make bench, import_plan).
WORK_LIMIT_SECONDS = 15


def measured(call):
    """The call's result, the CPU seconds it took in this process and its peak of Python memory in MB.

    CPU time, not wall time: the bound is on the work a file makes, which other work sharing the cores does not
    change."""
    tracemalloc.start()
    started = time.process_time()
    try:
        result = call()
    finally:
        seconds = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak / 1024 / 1024


class TestNumbersFitTheirColumn:
    """Finding 1: a target SQLite stored as Inf or 1e29 made every page that reads KPIs fail for everyone."""

    @pytest.mark.parametrize("target", ["1E+400", "1.23456789012346e+29", "10000000000", "-10000000000"])
    def test_a_target_too_large_is_a_problem_in_the_preview_and_nothing_is_written(self, target):
        result = plan_import(
            content=csv_bytes([*PLAN_ROWS, kpi_row("1.1.K9", kind="Count", target=target)]), filename="p.csv"
        )
        assert problems_of(result) == [
            f"Row 9, Target: '{target}' is too large: write a number below 10,000,000,000, "
            "with at most 2 decimal places."
        ]
        assert nothing_written()

    def test_the_amber_tolerance_is_checked_the_same_way(self):
        rows = [*PLAN_ROWS, row(type="KPI", ref="1.1.K1", text="Count", lead_subgroup="QA sub", kpi_kind="Count",
                                amber_tolerance="1e15")]  # fmt: skip
        assert problems_of(plan_import(content=csv_bytes(rows), filename="p.csv")) == [
            "Row 9, Amber tolerance: '1e15' is too large: write a number below 10,000,000,000, "
            "with at most 2 decimal places."
        ]

    def test_the_largest_number_the_column_holds_imports_and_more_places_are_rounded(self):
        rows = [*PLAN_ROWS, kpi_row("1.1.K1", kind="Count", target="9999999999.99"),
                kpi_row("1.1.K2", kind="Percentage", target="33.335")]  # fmt: skip
        result = plan_import(content=csv_bytes(rows), filename="p.csv")
        assert result.problems == []
        assert dict(KPI.objects.values_list("ref", "target")) == {
            "1.1.K1": Decimal("9999999999.99"),
            "1.1.K2": Decimal("33.34"),
        }

    def test_rounding_up_past_the_limit_is_refused(self):
        rows = [*PLAN_ROWS, kpi_row("1.1.K1", kind="Count", target="9999999999.995")]
        assert len(plan_import(content=csv_bytes(rows), filename="p.csv").problems) == 1

    @pytest.mark.parametrize("field", ["target", "amber_tolerance"])
    def test_the_database_refuses_a_kpi_number_too_large_whatever_writes_it(self, field):
        """SQLite stores what it is given unless the check refuses it; PostgreSQL's numeric(12, 2) refuses it too."""
        plan_import(content=csv_bytes(GOOD_ROWS), filename="p.csv")
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            KPI.objects.update(**{field: Decimal("1.23456789012346e+29")})

    def test_through_the_pages_the_preview_lists_it_confirming_writes_nothing_and_pages_keep_working(
        self, client, manager
    ):
        client.force_login(manager)
        content = csv_bytes([*PLAN_ROWS, action_row(), kpi_row("1.1.K9", kind="Count", target="1E+400")])
        upload(client, content, "plan.csv")
        page = client.get(reverse("planfile:import-preview"))
        assert "Row 10, Target: &#x27;1E+400&#x27; is too large" in page.content.decode()
        response = client.post(reverse("planfile:import-preview"), {"sha": page.context["sha"]})
        assert response.status_code == 200 and nothing_written()
        assert client.get(reverse("reports:dashboard")).status_code == 200


class TestBoundedWork:
    """Finding 3: a 5 KB workbook that claimed a huge sheet took gigabytes; a zip of millions of rows took minutes."""

    def test_a_sheet_claiming_a_million_rows_and_every_column_reads_only_what_is_there(self):
        bomb = with_dimension(xlsx_bytes(GOOD_ROWS), "A1:XFD1048576")
        assert len(bomb) < 10_000
        result, seconds, peak_mb = measured(lambda: plan_import(content=bomb, filename="plan.xlsx"))
        assert result.problems == [] and KPI.objects.get().target == 12
        assert seconds < WORK_LIMIT_SECONDS and peak_mb < 200, (seconds, peak_mb)

    @pytest.mark.parametrize(
        ("rows", "expected"),
        [
            (600_000, "plan.xlsx unpacks to more than 25 MB, far more than a plan needs: save the plan on its own, "
             "without pictures or other sheets, or as CSV."),
            (200_000, f"plan.xlsx has something in row {MAX_ROWS + 2:,}: a plan file has at most {MAX_ROWS:,} rows "
             "below the header. Delete what is below the plan, or split the file."),
        ],
        ids=["over-the-unpacked-limit", "under-it"],
    )  # fmt: skip
    def test_a_zip_of_many_rows_is_refused_quickly(self, rows, expected):
        filler = '<row><c t="inlineStr"><is><t>Action</t></is></c></row>' * rows
        sheet = "xl/worksheets/sheet1.xml"
        bomb = rewrite(xlsx_bytes(GOOD_ROWS), sheet, lambda xml: xml.replace("</sheetData>", filler + "</sheetData>"))
        assert len(bomb) < 200_000
        result, seconds, peak_mb = measured(lambda: plan_import(content=bomb, filename="plan.xlsx"))
        assert problems_of(result) == [expected]
        assert seconds < WORK_LIMIT_SECONDS and peak_mb < 200, (seconds, peak_mb)

    def test_more_rows_than_a_plan_has_are_refused_with_the_limit(self):
        content = xlsx_bytes([*PLAN_ROWS, *(action_row(f"1.1.{n}") for n in range(1, MAX_ROWS + 10))])
        result, seconds, _ = measured(lambda: plan_import(content=content, filename="plan.xlsx"))
        assert problems_of(result) == [
            f"plan.xlsx has something in row {MAX_ROWS + 2:,}: a plan file has at most {MAX_ROWS:,} rows below the "
            "header. Delete what is below the plan, or split the file."
        ]
        assert seconds < WORK_LIMIT_SECONDS and nothing_written()

    def test_a_cell_far_to_the_right_is_refused_not_dropped(self):
        far = [*action_row(), *[""] * (MAX_COLUMNS - len(COLUMNS)), "stray"]
        result = plan_import(content=xlsx_bytes([*PLAN_ROWS, far]), filename="plan.xlsx")
        assert problems_of(result) == [
            "plan.xlsx has something in column AY of row 9: a plan file uses at most 50 columns. "
            "Delete what is to the right of the plan."
        ]

    def test_empty_rows_and_columns_around_the_plan_are_ignored(self):
        content = csv_bytes([*GOOD_ROWS, *[[""] * 60] * 3]).replace(b"\r\n", b"," * 70 + b"\r\n")
        assert plan_import(content=content, filename="plan.csv").problems == []

    def test_the_preview_lists_the_first_problems_and_says_how_many_more(self, client, manager):
        client.force_login(manager)
        bad = [row(type="Actn", ref=f"1.1.{n}", text="x") for n in range(MAX_LISTED + 150)]
        upload(client, csv_bytes([*PLAN_ROWS, *bad]), "p.csv")
        page = client.get(reverse("planfile:import-preview")).content.decode()
        assert page.count("is not a row type") == MAX_LISTED
        assert "<li>and 150 more</li>" in page
        assert f"{MAX_LISTED + 150} problems" in page


class TestNoRowIsDropped:
    """Finding 5: openpyxl's read-only mode stopped at a declared dimension smaller than the data."""

    def test_rows_below_a_dimension_too_small_are_read(self):
        rows = [*PLAN_ROWS, action_row("1.1.1"), action_row("1.1.2"), kpi_row("1.1.K1")]
        small = with_dimension(xlsx_bytes(rows), "A1:N8")
        result = plan_import(content=small, filename="plan.xlsx")
        assert result.problems == []
        assert (Action.objects.count(), KPI.objects.count()) == (2, 1)


XXE = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>\n"
)


def _declared(prolog, entity):
    def change(xml):
        xml = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)
        return prolog + xml.replace("<t>Children are safe</t>", f"<t>&{entity};</t>")

    return change


def _chart_workbook(only_chart):
    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = "Data"
    data.append([1])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, min_row=1, max_row=1))
    workbook.create_chartsheet("Chart1" if only_chart else "Plan").add_chart(chart)
    if only_chart:
        data.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if only_chart:  # drop the worksheet from the workbook's list, as a workbook of one chart sheet has it
        content = rewrite(content, "xl/workbook.xml", lambda xml: re.sub(r'<sheet\b[^>]*\bname="Data"[^>]*/>', "", xml))
    return content


class TestBadFilesAnswerProblems:
    """Finding 6: each of these answered 500, at the preview or at confirm, or was accepted silently."""

    @pytest.mark.parametrize(("prolog", "entity"), [(XXE, "secret"), (LAUGHS, "lol9")], ids=["xxe", "billion-laughs"])
    def test_xml_with_entity_declarations_is_refused(self, prolog, entity):
        xlsx = xlsx_bytes(GOOD_ROWS)
        for member in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"]:
            if member in zipfile.ZipFile(io.BytesIO(xlsx)).namelist():
                xlsx = rewrite(xlsx, member, _declared(prolog, entity))
        result, seconds, _ = measured(lambda: plan_import(content=xlsx, filename="plan.xlsx"))
        assert len(result.problems) == 1 and "document type or entity declaration" in problems_of(result)[0]
        assert seconds < WORK_LIMIT_SECONDS and nothing_written()

    @pytest.mark.parametrize(
        ("only_chart", "expected"),
        [
            (False, "In plan.xlsx the sheet named Plan is a chart, not the plan's rows: put the rows in a worksheet "
             "named Plan."),
            (True, "plan.xlsx has only charts: put the plan's rows in a worksheet named Plan."),
        ],
    )  # fmt: skip
    def test_a_chart_sheet_is_not_read_as_rows(self, only_chart, expected):
        assert problems_of(plan_import(content=_chart_workbook(only_chart), filename="plan.xlsx")) == [expected]

    def test_a_csv_cell_of_200000_characters(self):
        content = csv_bytes([*PLAN_ROWS, action_row(text="x" * 200_000)])
        assert problems_of(plan_import(content=content, filename="plan.csv")) == [
            "plan.csv could not be read from line 9: a cell is longer than 10,000 characters "
            "(the most a cell may hold)."
        ]

    def test_a_cell_over_the_limit_is_a_problem_on_its_row(self):
        content = xlsx_bytes([*PLAN_ROWS, action_row(text="x" * (MAX_CELL_LENGTH + 1))])
        assert problems_of(plan_import(content=content, filename="plan.xlsx")) == [
            "Row 9, Text: the cell has 10,001 characters; a cell may hold 10,000."
        ]

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
    def test_a_utf16_csv_with_its_byte_order_mark_imports(self, encoding):
        text = csv_bytes(GOOD_ROWS).decode()
        bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[encoding]
        result = plan_import(content=bom + text.encode(encoding), filename="plan.csv")
        assert result.problems == [] and KPI.objects.get().target == 12

    def test_a_csv_saved_as_windows_text_imports_with_its_dashes_and_pound_signs(self):
        """Excel's plain "CSV (Comma delimited)" is Windows-1252: the en dash and the pound sign are single bytes."""
        text = csv_bytes([*PLAN_ROWS, action_row(text="Train 40 staff – budget £2,000")]).decode()
        result = plan_import(content=text.encode("cp1252"), filename="plan.csv")
        assert result.problems == []
        assert Action.objects.get().text == "Train 40 staff – budget £2,000"

    def test_a_csv_in_no_encoding_it_could_be_is_refused_in_words(self):
        # 0x81 is neither UTF-8 nor Windows-1252: the file is some other program's text.
        content = csv_bytes([*PLAN_ROWS, action_row(text="Train")]) + b"\x81\x8d,\xff\xfe\x00"
        result = plan_import(content=content, filename="plan.csv")
        assert problems_of(result) == ["plan.csv could not be read as text: save it as CSV UTF-8."]
        assert nothing_written()

    def test_a_nul_character_is_a_problem_on_its_row(self):
        result = plan_import(content=csv_bytes([*PLAN_ROWS, action_row(text="Do\x00it")]), filename="plan.csv")
        assert problems_of(result) == [
            "Row 9, Text: the cell holds a NUL character, which cannot be stored: delete it."
        ]

    @pytest.mark.parametrize(
        ("setting", "value", "expected"),
        [
            ("ends", "9999-12-31", "'9999-12-31' is outside the dates a plan may have: 2000 to 2100. Check the year."),
            ("starts", "1000-04-01", "'1000-04-01' is outside the dates a plan may have: 2000 to 2100. "
             "Check the year."),
            ("ends", "2033-03-31", "a plan covers a year, two at most; this one runs from 2030-04-01 to 2033-03-31. "
             "Check the years."),
            ("title", "T" * 5000, "write the plan's title in at most 200 characters (it has 5,000)."),
            ("plan year", "2030/31" * 10, "write the plan's plan year in at most 20 characters (it has 70)."),
            ("slug", "a" * 300, "write the plan's slug in at most 40 characters (it has 300)."),
            ("slug", "import", "'import' is the address of another page; choose another slug, e.g. 2015-16."),
        ],
    )  # fmt: skip
    def test_plan_settings_the_database_or_the_addresses_would_refuse(self, setting, value, expected):
        rows = [[kind, ref, value if ref == setting else text] for kind, ref, text, *_ in PLAN_ROWS[:5]]
        result = plan_import(content=csv_bytes([*rows, *GOOD_ROWS[5:]]), filename="plan.csv")
        (problem,) = problems_of(result)
        assert problem.endswith(expected) and problem.startswith("Row ")
        assert nothing_written()

    @pytest.mark.parametrize(
        ("bad_row", "expected"),
        [
            (action_row(lead="Q" * 300), "Row 9, Lead subgroup: write a subgroup's name in at most 120 characters "
             "(it has 300)."),
            (action_row(lead="???"), "Row 9, Lead subgroup: '???' cannot be a subgroup's name: write it with letters "
             "or digits."),
            (action_row(due="d" * 61), "Row 9, Due: write the due date in at most 60 characters (it has 61)."),
            (row(type="KPI", ref="1.1.K1", text="k", lead_subgroup="QA sub", frequency="f" * 61),
             "Row 9, Frequency: write the frequency in at most 60 characters (it has 61)."),
            (action_row(ref="1.1.99999999999999999999"), "Row 9, Ref: '1.1.9999999999999999…' cannot be a Ref"),
        ],
    )  # fmt: skip
    def test_rows_the_database_would_refuse(self, bad_row, expected):
        result = plan_import(content=csv_bytes([*PLAN_ROWS, bad_row]), filename="plan.csv")
        assert any(problem.startswith(expected) for problem in problems_of(result)), problems_of(result)
        assert nothing_written()


class TestExportsHandOnNoFormula:
    """Finding 11: the plan exports kept cells starting with = or @ that a spreadsheet would run."""

    FORMULA = '=HYPERLINK("http://attacker.example","Click")'

    @pytest.fixture
    def plan(self):
        rows = [*PLAN_ROWS, action_row(text=self.FORMULA), row(type="KPI", ref="1.1.K1", text="@SUM(A1)",
                lead_subgroup="Quality Assurance sub", definition="-2+3", frequency="+bi-monthly")]  # fmt: skip
        result = plan_import(content=csv_bytes(rows), filename="plan.csv", activate=True)
        assert result.problems == []
        return result.plan

    @pytest.mark.parametrize("name", ["planfile:export", "planfile:export-with-progress"])
    def test_xlsx_exports_mark_formula_like_text_as_text(self, client, manager, plan, name):
        client.force_login(manager)
        workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse(name, args=[plan.slug])).content))
        cells = {cell.value: cell for row_cells in workbook["Plan"].iter_rows(min_row=2) for cell in row_cells}
        for text in [self.FORMULA, "@SUM(A1)", "-2+3", "+bi-monthly"]:
            assert cells[text].data_type == "s" and cells[text].quotePrefix, text
        assert not cells["Children are safe"].quotePrefix

    def test_the_csv_export_prefixes_an_apostrophe_and_the_import_takes_it_off(self, plan):
        text = plan_to_csv(plan)
        cells = [cell for line in csv.reader(io.StringIO(text)) for cell in line]
        assert "'" + self.FORMULA in cells and "'@SUM(A1)" in cells and "'-2+3" in cells
        assert not any(cell.startswith(("=", "@", "+", "-")) for cell in cells)
        before = {(a.ref, a.text) for a in Action.objects.all()}
        BusinessPlan.objects.filter(pk=plan.pk).update(status="draft")
        result = plan_import(content=text.encode(), filename="plan.csv")
        assert result.problems == [] and result.count("change") == 0
        assert {(a.ref, a.text) for a in Action.objects.all()} == before


def test_pages_still_answer_after_a_refused_import(manager):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    for content in [with_dimension(xlsx_bytes(GOOD_ROWS), "A1:XFD1048576"), _chart_workbook(True)]:
        upload(client, content, "plan.xlsx")
        assert client.get(reverse("planfile:import-preview")).status_code == 200
    assert client.get(reverse("reports:dashboard")).status_code == 200
