import functools
import json
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.safestring import mark_safe

from dscb.longpages import SPLICE
from dscb.templaterows import TemplateRow
from kpis.charts import sparkline_svg
from priorities.models import Status
from priorities.templatetags.status_tags import render_constant
from progress.selectors import UpdateSummary
from risks.report import RiskSection

register = template.Library()


def _placed(context, pieces):
    """The joined pieces of HTML, or, when the report's body is drawn with a Splice (reports.render.render_body), a
    stand-in that it replaces by them once the body is drawn (the PDF's body is drawn without one)."""
    splice = context.get(SPLICE)
    if splice is None:
        return mark_safe("".join(pieces))  # noqa: S308 - rendered templates
    return splice.stand_in(pieces)


@register.simple_tag
def status_strip(path, plain=False):
    """An action's status in each period: reports/_status_strip.html (P1, P2 ... with their tags), or with
    `plain` reports/_status_strip_plain.html (the words alone, for the PDF). Rendered once per sequence of
    statuses (render_constant): 600 actions over six periods have a few hundred between them."""
    template_name = "reports/_status_strip_plain.html" if plain else "reports/_status_strip.html"
    return render_constant(template_name, "path", tuple(path))


@dataclass(frozen=True, slots=True)
class ActionBlock(TemplateRow):
    """Everything reports/_action_block.html shows of one action, and nothing else: the block is drawn from this
    alone, so two equal ActionBlocks draw the same markup."""

    code: str
    text: str
    lead: str
    status: Status
    path: tuple  # Status in each period, oldest first
    update: UpdateSummary | None

    @classmethod
    def of(cls, row):
        action = row.action
        return cls(action.code, action.text, action.lead_with_officer, row.status, tuple(row.path), row.update)


@register.simple_tag(takes_context=True)
def action_blocks(context, rows, plain=False):
    """An objective's actions in the Executive report: reports/_action_block.html for each ActionRow, or with
    `plain` reports/_action_block_plain.html (the PDF's)."""
    draw = plain_action_block_html if plain else action_block_html
    return _placed(context, [draw(ActionBlock.of(row)) for row in rows])


@functools.lru_cache(maxsize=2048)
def action_block_html(block):
    """One action's block, drawn once per content and then reused while the action, its leads, its statuses and
    this period's update are the same: the key is everything the block shows, so a change draws it afresh. The
    template engine took about half of the 600-action report's time for these blocks; a report read again after
    an update redraws only the changed action's block. At most 2,048 blocks are kept, three 600-action reports:
    a few megabytes of the plan's own words, up to about 100 MB were every text at its 5,000-character limit."""
    return render_to_string("reports/_action_block.html", {"block": block})


@functools.lru_cache(maxsize=2048)
def plain_action_block_html(block):
    """One action's block in the PDF, drawn once per content as action_block_html: the PDF's HTML is drawn for each
    draft PDF asked for, to hash what it shows (reports.render.pdf_fingerprint), and again to draw it. Kept apart
    from the screen's blocks, so that neither pushes the other out."""
    return render_to_string("reports/_action_block_plain.html", {"block": block})


@dataclass(frozen=True, slots=True)
class BoardActionRow(TemplateRow):
    """Everything reports/_board_action_row.html shows of one action, and nothing else."""

    code: str
    text: str
    carried_code: str  # the action it was carried over from, if any
    carried_year_label: str
    carried_url: str
    lead: str
    path: tuple  # Status in each period, oldest first
    for_pdf: bool

    @classmethod
    def of(cls, row, for_pdf):
        action, carried = row.action, row.action.carried_from
        return cls(
            action.code,
            action.text,
            carried.code if carried else "",
            carried.year_label if carried else "",
            carried.get_absolute_url() if carried and not for_pdf else "",
            action.lead_with_officer,
            tuple(row.path),
            bool(for_pdf),
        )


@dataclass(frozen=True, slots=True)
class BoardEvidence(TemplateRow):
    """Everything reports/_board_evidence.html shows of one action, and nothing else."""

    code: str
    text: str
    impacts: tuple  # (period label, impact written that period, or "") for each period

    @classmethod
    def of(cls, row, periods):
        impacts = []
        for period in periods:
            update = row.updates.get(period.number)
            impacts.append((period.label, update.impact if update else ""))
        return cls(row.action.code, row.action.text, tuple(impacts))


@register.simple_tag(takes_context=True)
def board_action_rows(context, rows, for_pdf=False):
    """A priority's status table rows in the Board report: reports/_board_action_row.html for each ActionRow."""
    return _placed(
        context,
        [fragment_html("reports/_board_action_row.html", "row", BoardActionRow.of(row, for_pdf)) for row in rows],
    )


@register.simple_tag(takes_context=True)
def board_evidence(context, rows, periods):
    """The evidence of impact of the actions with reported updates: reports/_board_evidence.html for each."""
    # Period labels are worked out once for all the actions.
    labelled = [_Labelled(period.number, period.label) for period in periods]
    return _placed(
        context,
        [
            fragment_html("reports/_board_evidence.html", "evidence", BoardEvidence.of(row, labelled))
            for row in rows
            if row.updates
        ],
    )


@dataclass(frozen=True, slots=True)
class ExceptionRow(TemplateRow):
    """Everything a row of the Executive report's exceptions (Red, Amber, No update) shows, and nothing else:
    reports/_exception_row.html, drawn once per content."""

    code: str
    text: str
    lead: str
    status: Status
    reason: str | None  # the update's reason; None when there is no update this period
    lead_names: str

    @classmethod
    def of(cls, row):
        action = row.action
        reason = row.update.reason if row.update else None
        return cls(action.code, action.text, action.lead_with_officer, row.status, reason, action.lead_names)


@register.simple_tag(takes_context=True)
def exception_rows(context, rows):
    """The Executive report's exceptions table rows: reports/_exception_row.html for each ActionRow, each drawn
    once per content (a 600-action plan can have a few hundred)."""
    return _placed(context, [table_row_html("reports/_exception_row.html", ExceptionRow.of(row)) for row in rows])


@dataclass(frozen=True, slots=True)
class KPIReportRow(TemplateRow):
    """Everything a report's KPI row shows (reports/_report_kpi_row.html in the Executive report,
    reports/_board_kpi_row.html in the Board report), and nothing else: drawn once per content."""

    code: str
    name: str
    url: str  # "" in the PDF
    owner: str
    target: str
    displays: tuple  # the value shown for each period so far, "" where there is none
    rating: Status | None
    trend_arrow: str
    trend_words: str
    numbers: tuple  # the numeric values for the sparkline, None where missing
    sparkline_label: str

    @classmethod
    def of(cls, row, for_pdf):
        kpi, trend = row.kpi, row.trend
        displays = tuple(value.display if value else "" for _, value in row.series)
        labels = ", ".join(
            f"{period.label}: {shown if value else 'no value'}"
            for (period, value), shown in zip(row.series, displays, strict=True)
        )
        return cls(
            kpi.code,
            kpi.name,
            "" if for_pdf else kpi.get_absolute_url(),
            kpi.owner.name,
            kpi.target_display,
            displays,
            row.rating,
            trend.arrow if trend else "",
            trend.words if trend else "",
            tuple(row.numbers),
            f"{kpi.code} values so far: {labels}",
        )

    @property
    def value(self):
        """This period's value as shown, "" when there is none."""
        return self.displays[-1] if self.displays else ""

    @property
    def sparkline(self):
        return sparkline_svg(self.numbers, label=self.sparkline_label)


@register.simple_tag(takes_context=True)
def kpi_rows(context, rows, template_name, for_pdf=False):
    """A report's KPI table rows: `template_name` (reports/_report_kpi_row.html or reports/_board_kpi_row.html)
    for each KPIRow, each drawn once per content. The template engine took about a third of the 600-action
    Executive report's drawing for its 120 KPI rows."""
    return _placed(context, [table_row_html(template_name, KPIReportRow.of(row, for_pdf)) for row in rows])


@dataclass(frozen=True, slots=True)
class _Labelled:
    number: int
    label: str


@functools.lru_cache(maxsize=2048)
def fragment_html(template_name, name, value):
    """render_to_string(template_name, {name: value}) for a frozen dataclass holding everything the fragment shows,
    drawn once per content and then reused: the key is the content, so a change draws it afresh. For the Board
    report's rows, drawn for 600 actions. At most 2,048 fragments are kept, the rows and evidence of about one
    600-action report: a few megabytes, up to about 150 MB were every impact at its 5,000-character limit."""
    return render_to_string(template_name, {name: value})


@functools.lru_cache(maxsize=2048)
def table_row_html(template_name, row):
    """render_to_string(template_name, {"row": row}) for a frozen dataclass holding everything one table row
    shows, drawn once per content, as fragment_html: the reports' KPI rows (120 in a 600-action plan, in each report
    on screen and in the PDF) and the Executive report's exceptions (a few hundred). Kept apart from the Board
    report's fragments so that neither pushes the other out. At most 2,048 rows are kept: each holds an action's
    words and a reason (2,000 characters each at most) or a KPI's words and its sparkline, a few kilobytes, and at
    most about 50 MB in all were every one of them at its limits."""
    return render_to_string(template_name, {"row": row})


@register.simple_tag
def risk_section(risks):
    """A report's risk register section (reports/_risk_section.html) for a risks.report.RiskSection, drawn once per
    content: the key is the section as plain data (what an issued report keeps of it) with the risk matrix that
    bands its scores, and the section is drawn from that data alone, so the same key draws the same markup. The
    template engine took about a twentieth of the 600-action Executive report's time for it."""
    return risk_section_html(json.dumps([risks.to_dict(), settings.RISK_MATRIX], sort_keys=True))


@functools.lru_cache(maxsize=64)
def risk_section_html(key):
    """The section drawn from its key (risk_section). At most 64 are kept: a register's few dozen risks each."""
    section, _ = json.loads(key)
    return render_to_string("reports/_risk_section.html", {"risks": RiskSection.from_dict(section)})


@receiver(file_changed, dispatch_uid="report_tags_template_changed")
def _template_changed(sender, file_path, **kwargs):
    """Under runserver, an edited template is drawn afresh, as the template loaders' own cache is emptied."""
    action_block_html.cache_clear()
    plain_action_block_html.cache_clear()
    fragment_html.cache_clear()
    table_row_html.cache_clear()
    risk_section_html.cache_clear()
