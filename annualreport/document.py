"""The annual report draft as a Word document, written from the record (data.annual_record) with python-docx.

The business manager edits it into the statutory annual report, so it is plain Word: the default template's
headings, lists and tables, no fields or macros. Every section says where its figures come from in the product
(an address in the product, as a link) and the day they are as at.

Text typed by people (actions, impact statements, names) may hold characters XML cannot (control characters
pasted from other programs); python-docx refuses them, so `clean` takes them out first.
"""

import io

from django.conf import settings
from django.urls import reverse
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from dscb.xmltext import xml_text

from .charts import trend_png, words
from .data import CHART_LIMIT

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACTION_TEXT_WORDS = 240  # characters of an action's text in "what was done": the plan page has the rest
LINK_COLOUR = RGBColor(0x1D, 0x70, 0xB8)
SHAPE_IDS_FROM = 1000  # the pictures' ids: above any the default template holds


def clean(text):
    """The text without the characters a Word document cannot hold."""
    return xml_text("" if text is None else str(text))


def brief(text, limit=ACTION_TEXT_WORDS):
    """The text on one line, whole if it fits in `limit` characters, else cut at the last whole word with "…"."""
    text = " ".join(clean(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def day_words(day):
    return f"{day.day} {day:%B %Y}"


class Builder:
    def __init__(self, record, base_url):
        self.record = record
        self.plan = record.plan
        self.base_url = base_url.rstrip("/")
        self.document = Document()
        self.as_at_words = day_words(record.as_at)
        self.query = f"?as_at={record.as_at:%Y-%m-%d}"
        # python-docx looks a style up by name, and a link's relationship among all the others, on every call, and
        # inserts each paragraph by searching the body: at a 600-action plan's thousands of paragraphs that is
        # most of the build. The style ids and relationships are looked up once, and paragraphs written directly
        # before the body's section properties.
        self.style_ids = {style.name: style.style_id for style in self.document.styles}
        self.relations = {}
        self.body = self.document.element.body
        self.section_end = self.body.sectPr
        self.shape_id = SHAPE_IDS_FROM

    # -- pieces -------------------------------------------------------------------------------------------------

    def url(self, path):
        return f"{self.base_url}{path}"

    def link(self, paragraph, path, text):
        """A hyperlink to the product's page at `path` (absolute), as a run of the paragraph."""
        address = self.url(path)
        relation = self.relations.get(address)
        if relation is None:  # an id of the links' own, as python-docx's next free id searches all the others
            relation = f"rIdLink{len(self.relations) + 1}"
            paragraph.part.rels.add_relationship(RELATIONSHIP_TYPE.HYPERLINK, address, relation, is_external=True)
            self.relations[address] = relation
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), relation)
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), str(LINK_COLOUR))
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        properties.append(colour)
        properties.append(underline)
        run.append(properties)
        words_ = OxmlElement("w:t")
        words_.text = clean(text)
        words_.set(qn("xml:space"), "preserve")
        run.append(words_)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)
        return hyperlink

    def source(self, path, what="the product", note=""):
        """The line under a section or table that says where its figures come from, and as at when."""
        paragraph = self.para(f"Source: {what}, ", style="Caption")
        self.link(paragraph, path, self.url(path))
        self.run(paragraph, f", as at {self.as_at_words}.{' ' + note if note else ''}")
        return paragraph

    def heading(self, text, level):
        return self.para(text, style="Title" if level == 0 else f"Heading {level}")

    def para(self, text="", style=None, bold=False):
        """A paragraph at the end of the document, in the style of that name (the default template's)."""
        element = OxmlElement("w:p")
        style_id = self.style_ids.get(style) if style else None
        if style_id:
            properties = OxmlElement("w:pPr")
            style_element = OxmlElement("w:pStyle")
            style_element.set(qn("w:val"), style_id)
            properties.append(style_element)
            element.append(properties)
        self.section_end.addprevious(element)
        paragraph = Paragraph(element, self.document._body)
        if text:
            self.run(paragraph, text, bold=bold)
        return paragraph

    def page_break(self):
        run = self.run(self.para(), "")
        run.append(_page_break())

    def run(self, paragraph, text, bold=False):
        """A run of text at the end of the paragraph; a line break in the text is one in Word."""
        element = OxmlElement("w:r")
        if bold:
            properties = OxmlElement("w:rPr")
            properties.append(OxmlElement("w:b"))
            element.append(properties)
        for index, line in enumerate(clean(text).split("\n")):
            if index:
                element.append(OxmlElement("w:br"))
            words_ = OxmlElement("w:t")
            words_.text = line
            words_.set(qn("xml:space"), "preserve")
            element.append(words_)
        paragraph._p.append(element)
        return element

    def table(self, headings, rows, links=None):
        """A table with a heading row; `links` maps a row index to (column, path) to link that cell's text."""
        table = self.document.add_table(rows=1, cols=len(headings))
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, headings, strict=True):
            cell.text = heading
            for run in cell.paragraphs[0].runs:
                run.bold = True
        _repeat_heading_row(table.rows[0])
        for index, row in enumerate(rows):
            cells = table.add_row().cells
            for column, (cell, value) in enumerate(zip(cells, row, strict=True)):
                link = (links or {}).get(index)
                if link and link[0] == column:
                    self.link(cell.paragraphs[0], link[1], str(value))
                else:
                    cell.text = clean(value)
        return table

    # -- sections -----------------------------------------------------------------------------------------------

    def build(self):
        style = self.document.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(11)
        self.title_page()
        self.priorities()
        self.kpis()
        self.attendance()
        self.audits()
        self.risks()
        self.carried()
        self.footer()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

    def footer(self):
        paragraph = self.document.sections[0].footer.paragraphs[0]
        paragraph.text = clean(f"{self.plan.title}: annual report draft as at {self.as_at_words}")

    def title_page(self):
        plan_path = self.plan.get_absolute_url()
        self.heading(settings.BOARD_NAME, 0)
        self.para(f"Annual report {self.plan.year_label}", style="Subtitle")
        self.para(f"Draft as at {self.as_at_words}", bold=True)
        paragraph = self.para(f"Written from the business plan ({self.plan.title}): ")
        self.link(paragraph, plan_path, self.url(plan_path))
        self.heading("How to use this draft", 1)
        for text in (
            "This is a draft of the board's statutory annual report, written from what the product holds. "
            "Edit it in Word into the report: add the introduction, the board's own words and its conclusions.",
            f"Every figure is as the record stood at the end of {self.as_at_words}: the actions' statuses and the "
            "impact statements of the updates submitted by then, the KPI values entered by then, the meetings held, "
            "the audit returns submitted and the risk register as it stood then. Download it again with a later "
            "date for later figures.",
            'Under each section and table, "Source" links to the page of the product it comes from, to check a '
            "figure or read more.",
            "The impact on children and young people is quoted from the subgroups' progress updates: edit it into "
            "the report's own voice, and check anything personal has been left out.",
        ):
            self.para(text, style="List Bullet")
        self.page_break()

    def priorities(self):
        self.heading("What was done, and the impact on children and young people", 1)
        self.para(
            "For each strategic priority and objective: the actions with their latest status by the date, then the "
            "impact on children and young people, as the updates submitted for them say."
        )
        plan_path = self.plan.get_absolute_url()
        self.source(plan_path, "the plan page")
        for item in self.record.priorities:
            priority = item.priority
            self.heading(f"Priority {priority.code}: {priority.title}", 2)
            for block in item.objectives:
                objective = block.objective
                self.heading(f"Objective {objective.code}: {brief(objective.title, 400)}", 3)
                if not block.actions:
                    self.para("No actions under this objective.")
                    continue
                self.para("What was done", bold=True)
                for action in block.actions:
                    paragraph = self.para(style="List Bullet")
                    self.link(paragraph, action_path(action.pk), action.ref)
                    when = f" (Period {action.period_number})" if action.period_number else ""
                    self.run(paragraph, f" {brief(action.text)} (lead: {action.lead}): ")
                    self.run(paragraph, f"{action.status.label}{when}.", bold=True)
                impacts = [(action, number, text) for action in block.actions for number, text in action.impacts]
                self.para("Impact on children and young people", bold=True)
                if not impacts:
                    self.para("No impact statement had been submitted for these actions by the date.")
                for action, number, text in impacts:
                    paragraph = self.para(f"{action.ref}, Period {number}: ", style="List Bullet", bold=True)
                    self.run(paragraph, text.strip())
                self.source(f"{plan_path}#{objective.anchor}", f"objective {objective.code} on the plan page")

    def kpis(self):
        record = self.record
        self.page_break()
        self.heading("Key performance indicators", 1)
        self.para(
            "For each priority, its KPIs' value in each period of the year as it stood at the date (a correction "
            "made later is not here) and the RAG rating of the latest against its target; then each KPI's trend "
            "over the year."
        )
        charted = {id(kpi) for kpi in record.charted}
        period_names = [f"P{period.number}" for period in record.periods]
        for item in record.priorities:
            rows = item.kpis
            if not rows:
                continue
            self.heading(f"Priority {item.priority.code}: {item.priority.title}", 2)
            self.table(
                ["Reference", "KPI", "Target", *period_names, "RAG"],
                [
                    [
                        row.kpi.ref,
                        brief(row.kpi.name, 200),
                        kpi_words(row.kpi, row.kpi.target) or "None set",
                        *(
                            kpi_words(row.kpi, value.value) or value.display if value is not None else ""
                            for _, value in row.values
                        ),
                        row.rating.label if row.rating else "",
                    ]
                    for row in rows
                ],
                links={index: (0, row.kpi.get_absolute_url()) for index, row in enumerate(rows)},
            )
            self.source(self.plan.get_absolute_url(), "each KPI's page (linked from its reference)")
            for row in rows:
                if id(row) in charted:
                    self.chart(row)
        if record.charts_left_out:
            self.para(
                f"{record.charts_left_out} more KPIs with values have no chart here: a draft holds the first "
                f"{CHART_LIMIT}. Each KPI's page has its trend chart."
            )

    def chart(self, row):
        kpi = row.kpi
        percentage = kpi.kind == kpi.Kind.PERCENTAGE
        points = [
            (f"P{period.number}", value.value if value is not None and value.value is not None else None)
            for period, value in row.values
        ]
        figures = "; ".join(
            f"Period {label[1:]}: {words(value, percentage) if value is not None else 'no value'}"
            for label, value in points
        )
        target = f" Target {words(kpi.target, percentage)}." if kpi.target is not None else ""
        alt = clean(f"Trend of KPI {kpi.ref} over {self.plan.year_label}. {figures}.{target}")
        self.para(f"KPI {kpi.ref}: {brief(kpi.name, 200)}", bold=True)
        picture = trend_png(points, target=kpi.target, percentage=percentage)
        # As python-docx's add_picture, but with the shape ids counted here: it finds the next one by reading
        # every id in the document, for each picture.
        relation, image = self.document.part.get_or_add_image(io.BytesIO(picture))
        width, height = image.scaled_dimensions(Cm(16), None)
        self.shape_id += 1
        inline = CT_Inline.new_pic_inline(self.shape_id, relation, image.filename, width, height)
        inline.docPr.set("descr", alt)
        inline.docPr.set("title", clean(f"KPI {kpi.ref} trend"))
        run = OxmlElement("w:r")
        run.add_drawing(inline)
        self.para()._p.append(run)

    def attendance(self):
        record = self.record
        self.heading("Attendance by agency", 1)
        self.para(
            "Seats represented (the member, or a deputy) out of seats expected, at the meetings of the Board, the "
            "Safeguarding Executive and the subgroups held in the year by the date, as their attendance had been "
            "recorded by then."
        )
        if record.attendance:
            self.table(
                ["Agency", "Seats represented", "Seats expected", "Represented"],
                [
                    [
                        row.agency,
                        row.represented,
                        row.expected,
                        words(row.percent, True) if row.percent is not None else "",
                    ]
                    for row in record.attendance
                ],
            )
        else:
            self.para("No meeting's attendance had been recorded in the year by the date.")
        self.source(reverse("meetings:agency-list"), "the Agencies page and each meeting's attendance")

    def audits(self):
        record = self.record
        self.heading("Audit results", 1)
        self.para(
            "The Section 11 and Section 175 rounds of the year: returns expected, submitted by the date (of them, "
            "late), and moderated by then; and over the criteria moderated, the mean self score beside the mean "
            f"moderated score (scores run 1 to 3, {3} the best)."
        )
        if not record.rounds:
            self.para("No audit round of the year had opened by the date.")
        rows = [
            [
                result.round.title,
                result.round.get_kind_display(),
                f"{day_words(result.round.opens_on)} to {day_words(result.round.closes_on)}",
                result.expected,
                result.submitted,
                result.late,
                result.moderated,
                "" if result.mean_self is None else f"{result.mean_self:g}",
                "" if result.mean_moderated is None else f"{result.mean_moderated:g}",
            ]
            for result in record.rounds
        ]
        if rows:
            self.table(
                [
                    "Round",
                    "Kind",
                    "Returns window",
                    "Expected",
                    "Submitted",
                    "Late",
                    "Moderated returns",
                    "Mean self score",
                    "Mean moderated score",
                ],
                rows,
                links={i: (0, result.round.get_absolute_url()) for i, result in enumerate(record.rounds)},
            )
        self.source(reverse("audits:round-list"), "the Audits pages (each round linked from its title)")

    def risks(self):
        record = self.record
        self.heading("The risk register's movement", 1)
        self.para(
            f"Each risk on the register when the year began (at the end of {day_words(self.plan.starts_on)}) or at "
            "the date: its current score then and at the date, its movement, the direction of travel at its last "
            "review in the year, and its escalations to the Board."
        )
        if record.risks:
            self.table(
                ["Risk", "Title", "At the year's start", "At the date", "Movement", "Last review", "Escalations"],
                [
                    [
                        risk.reference,
                        brief(risk.title, 200),
                        risk.words(risk.start) or "Not yet raised",
                        risk.words(risk.now) or risk.status,
                        risk.movement,
                        f"{risk.direction} ({risk.reviews} review{'s' if risk.reviews != 1 else ''})"
                        if risk.reviews
                        else "Not reviewed in the year",
                        "; ".join(
                            f"{kind} on {day_words(on)}: {brief(reason, 200)}" for on, kind, reason in risk.escalations
                        ),
                    ]
                    for risk in record.risks
                ],
                links={
                    i: (0, reverse("risks:risk-detail", args=[risk.reference]))
                    for i, risk in enumerate(record.risks)
                    if risk.status != "Deleted"
                },
            )
        else:
            self.para("The register held no risk in the year by the date.")
        self.source(
            f"{reverse('risks:heat-map')}{self.query}",
            "the risk register's heat map (each risk linked from its reference)",
        )

    def carried(self):
        record = self.record
        self.heading("What carries into next year", 1)
        carried = record.carried
        self.para(
            f"The actions not complete by the date ({len(carried)} of {len(record.actions)}): next year's plan "
            "carries them over when the year is rolled over, as these stand now."
        )
        for action in carried:
            paragraph = self.para(style="List Bullet")
            self.link(paragraph, action_path(action.pk), action.ref)
            self.run(paragraph, f" {brief(action.text)} ({action.status.label}; lead: {action.lead})")
        self.source(self.plan.get_absolute_url(), "the plan page")
        risks = record.open_risks
        self.para(f"Open risks at the date ({len(risks)}), which stay on the register into next year:")
        for risk in risks:
            paragraph = self.para(style="List Bullet")
            self.link(paragraph, reverse("risks:risk-detail", args=[risk.reference]), risk.reference)
            self.run(paragraph, f" {risk.title}: {risk.words(risk.now)}")
        self.source(reverse("risks:risk-list"), "the risk register")


def kpi_words(kpi, number):
    """A KPI's number as the draft writes it (percentages to one decimal place everywhere), or "" for none."""
    return "" if number is None else words(number, kpi.kind == kpi.Kind.PERCENTAGE)


def action_path(pk):
    return reverse("priorities:action-detail", args=[pk])


def _page_break():
    element = OxmlElement("w:br")
    element.set(qn("w:type"), "page")
    return element


def _repeat_heading_row(row):
    """Word repeats the table's heading row at the top of each page it runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def annual_report_docx(record, base_url):
    """The .docx bytes of the annual report draft of `record` (data.AnnualRecord); links start with `base_url`."""
    return Builder(record, base_url).build()
