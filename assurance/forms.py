"""The inspection map's forms: a piece of evidence of each kind (picked from a bounded list, or by its reference),
a self-grade with its gaps (carrying its version, so that two people's edits do not overwrite each other) and a gap
made into a plan action."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size
from django import forms
from django.utils import timezone

from audits.models import Round
from dscb.forms import Form
from kpis.models import KPI, KPIValue
from meetings.models import Meeting, MeetingItem
from plans.forms import DayMonthYearField
from plans.models import BusinessPlan
from plans.versioning import STALE_PAGE
from priorities.models import Action, Objective, ProgressUpdate
from reports.models import IssuedReport
from risks.models import Review, Risk
from subgroups.models import Subgroup

from .models import (
    GAPS_LIMIT,
    KIND_PHRASES,
    NAME_LIMIT,
    NOTE_LIMIT,
    OWNER_LIMIT,
    SOURCES,
    URL_LIMIT,
    Evidence,
    SelfGrade,
)
from .text import clip

# The most rows a source list offers, newest first; older ones are found by their reference.
CHOICES_LIMIT = 300
LABEL_LIMIT = 150
ACTION_TEXT_LIMIT = 2000
REPORT_HEAVY_FIELDS = ["body_html", "pdf", "pdf_document", "pdf_page_css", "xlsx", "data"]
PLANS_IN_USE = [BusinessPlan.Status.ACTIVE, BusinessPlan.Status.CLOSED]


def source_queryset(kind):
    """What a piece of evidence of this kind may be: the product's rows of that kind, of plans in use (a draft
    plan is not yet evidence of anything), newest first."""
    if kind == "action":
        return (
            Action.objects.filter(archived=False, objective__priority__plan__status__in=PLANS_IN_USE)
            .select_related("objective__priority__plan")
            .order_by(
                "-objective__priority__plan__starts_on",
                "objective__priority__position",
                "objective__position",
                "position",
            )
        )
    if kind == "update":
        return (
            ProgressUpdate.objects.filter(
                state=ProgressUpdate.State.SUBMITTED, action__objective__priority__plan__status__in=PLANS_IN_USE
            )
            .select_related("action", "period")
            .order_by("-period__ends_on", "action__ref", "pk")
        )
    if kind == "kpi":
        return (
            KPI.objects.filter(archived=False, objective__priority__plan__status__in=PLANS_IN_USE)
            .select_related("objective__priority__plan")
            .order_by("-objective__priority__plan__starts_on", "position", "ref")
        )
    if kind == "kpi_value":
        return (
            KPIValue.objects.filter(kpi__objective__priority__plan__status__in=PLANS_IN_USE)
            .select_related("kpi", "period")
            .order_by("-period__ends_on", "kpi__ref", "pk")
        )
    if kind == "meeting":
        return (
            Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
            .filter(date__lte=timezone.localdate())
            .select_related("body")
            .order_by("-date", "pk")
        )
    if kind == "meeting_item":
        return MeetingItem.objects.select_related("meeting__body").order_by("-meeting__date", "pk")
    if kind == "risk":
        return Risk.objects.order_by("number")
    if kind == "risk_review":
        return Review.objects.select_related("risk").order_by("-reviewed_on", "pk")
    if kind == "round":
        return Round.objects.order_by("-closes_on", "pk")
    if kind == "report":
        return (
            IssuedReport.objects.filter(plan__status__in=PLANS_IN_USE)
            .defer(*REPORT_HEAVY_FIELDS)
            .order_by("-issued_at", "pk")
        )
    raise ValueError(kind)


def source_label(kind, row):
    """The row as a choice, cut at a word boundary with an ellipsis when long."""
    if kind == "action":
        return clip(f"{row.objective.priority.plan.year_label} {row.code} {row.text}", LABEL_LIMIT)
    if kind == "kpi":
        return clip(f"{row.objective.priority.plan.year_label} {row.code} {row.name}", LABEL_LIMIT)
    if kind == "meeting_item":
        return clip(f"{row.meeting}: {row.get_kind_display()} – {row.text}", LABEL_LIMIT)
    return clip(str(row), LABEL_LIMIT)


# Kinds found by the board's own reference, and the field it is in.
REFERENCES = {
    "action": ("ref", "For example 1.1.2."),
    "kpi": ("ref", "For example 3.3.K4."),
    "risk": ("reference", "For example R3."),
}


def _helper(*fields, button):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Button("save", button))
    return helper


def _text(label, *, limit, required=False, rows=3, help_text="", what=None):
    what = what or label.lower()
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer",
        },
    )


class EvidenceForm(Form):
    """A piece of evidence of one kind: its source from the list (or by its reference), or an external document."""

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        names = []
        # Said in words when there is nothing of this kind to link, rather than offered as an empty list.
        self.nothing_to_link = ""
        if kind == Evidence.Kind.DOCUMENT:
            self.fields["document_title"] = _text("Title", limit=NAME_LIMIT, required=True, rows=0, what="the title")
            self.fields["document_url"] = forms.URLField(
                label="Link (optional)",
                max_length=URL_LIMIT,
                required=False,
                assume_scheme="https",
                # A TextInput (typed as a web address) so that the GOV.UK input style and its error state apply.
                widget=forms.TextInput(attrs={"type": "url", "spellcheck": "false", "autocomplete": "url"}),
                error_messages={
                    "invalid": "Enter the link as a web address, for example https://example.org/report.pdf",
                    "max_length": f"The link must be {URL_LIMIT:,} characters or fewer",
                },
            )
            self.fields["document_owner"] = _text("Owner (optional)", limit=OWNER_LIMIT, rows=0, what="the owner")
            self.fields["document_date"] = DayMonthYearField(
                name="document's date", label="Date of the document", help_text="For example 31 3 2015."
            )
            names = ["document_title", "document_url", "document_owner", "document_date"]
        else:
            label = SOURCES[kind][2]
            one, many = KIND_PHRASES[kind]
            rows = list(source_queryset(kind)[:CHOICES_LIMIT])
            if not rows:
                self.nothing_to_link = f"No {many} are recorded yet."
            self.fields["source"] = forms.ChoiceField(
                label=label,
                choices=[("", f"Choose the {one}")] + [(str(row.pk), source_label(kind, row)) for row in rows],
                required=False,
                help_text=f"The latest {CHOICES_LIMIT} at most, newest first."
                + (" Or give its reference below." if kind in REFERENCES else ""),
                error_messages={"invalid_choice": f"Select one of the {many} listed"},
            )
            names = ["source"]
            if kind in REFERENCES:
                self.fields["reference"] = forms.CharField(
                    label="Or its reference",
                    max_length=20,
                    required=False,
                    help_text=REFERENCES[kind][1],
                )
                names.append("reference")
        self.fields["note"] = _text("Note (optional)", limit=NOTE_LIMIT, what="the note")
        self.helper = _helper(*names, "note", button="Link the evidence")

    def clean(self):
        cleaned = super().clean()
        if self.nothing_to_link:
            self.add_error(None, self.nothing_to_link)
        if self.kind == Evidence.Kind.DOCUMENT or self.errors:
            return cleaned
        label, labels = KIND_PHRASES[self.kind]
        reference = (cleaned.get("reference") or "").strip()
        chosen = cleaned.get("source")
        rows = source_queryset(self.kind)
        if reference:
            field, _ = REFERENCES[self.kind]
            found = rows.filter(**{f"{field}__iexact": reference}).first()
            if found is None:
                self.add_error("reference", f"No {label} in use has the reference {reference[:20]}")
        elif chosen:
            found = rows.filter(pk=int(chosen)).first()
            if found is None:
                self.add_error("source", f"Select one of the {labels} listed")
        else:
            found = None
            self.add_error("source", f"Choose the {label}")
        cleaned["found"] = found
        return cleaned


class GradeForm(Form):
    grade = forms.ChoiceField(
        label="Self-grade",
        choices=[Choice(value, label) for value, label in SelfGrade.Grade.choices],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select a grade, or not graded"},
    )
    gaps = _text(
        "The gaps",
        limit=GAPS_LIMIT,
        rows=6,
        help_text="What is missing or weak, in the board's words.",
        what="the gaps",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, error_messages=STALE_PAGE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rebind_kwargs = {}
        self.helper = _helper("grade", "gaps", "version", button="Save the self-grade")


class GapActionForm(Form):
    objective = forms.ModelChoiceField(
        label="Objective of the current plan",
        queryset=Objective.objects.none(),
        empty_label="Choose the objective",
        error_messages={"required": "Choose the objective", "invalid_choice": "Select one of the objectives listed"},
    )
    lead = forms.ModelChoiceField(
        label="Lead subgroup",
        queryset=Subgroup.objects.order_by("name"),
        empty_label="Choose the lead subgroup",
        error_messages={"required": "Choose the lead subgroup", "invalid_choice": "Select one of the subgroups listed"},
    )
    text = _text("The action", limit=ACTION_TEXT_LIMIT, required=True, rows=4, what="the action")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = (
            Objective.objects.filter(priority__plan=plan)
            .select_related("priority")
            .order_by("priority__position", "position")
            if plan is not None
            else Objective.objects.none()
        )
        self.fields["objective"].label_from_instance = lambda objective: clip(
            f"{objective.code} {objective.title}", LABEL_LIMIT
        )
        self.helper = _helper("objective", "lead", "text", button="Make it a plan action")
