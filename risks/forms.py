"""The risk register's forms: a risk, a control, a review, escalation and closing. Each carries the risk's version, so
a form opened before someone else saved the risk is refused rather than overwriting their change."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from dscb.forms import Form, ModelForm
from kpis.models import KPI
from meetings.models import Agency, Meeting
from plans.forms import DayMonthYearField
from plans.models import BusinessPlan
from priorities.models import Action, Objective
from subgroups.models import Subgroup

from .matrix import IMPACT, LIKELIHOOD
from .models import NAME_LIMIT, TEXT_LIMIT, TITLE_LIMIT, Control, Review, Risk
from .services import REOPEN_LIMIT, RISK_FIELDS

# The years a date may fall in: a mistyped year is caught.
FIRST_YEAR, LAST_YEAR = 2000, 2099
LABEL_LIMIT = 110


def _helper(*fields, button):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, "version", button if not isinstance(button, str) else Button("save", button))
    return helper


def _version():
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def _text(label, *, limit=TEXT_LIMIT, required=True, rows=3, help_text="", what=None):
    what = what or label.lower()
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer",
        },
    )


def _score(label, scale):
    """A 1-5 score as radios, each point with its word and, as its hint, what it means."""
    words = label.lower()
    return forms.TypedChoiceField(
        label=label,
        choices=[Choice(point, f"{point} {word}", hint=meaning) for point, (word, meaning) in scale.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select the {words}", "invalid_choice": f"Select the {words}, 1 to 5"},
    )


def _check_day(form, field, day, *, future=False):
    """The day is in a sensible year and, unless `future`, not after today."""
    if day is None:
        return
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        form.add_error(field, f"The year must be between {FIRST_YEAR} and {LAST_YEAR}")
    elif not future and day > timezone.localdate():
        form.add_error(field, "The date cannot be in the future")


def _bodies():
    return Subgroup.objects.filter(is_active=True).exclude(kind=Subgroup.Kind.ROLE)


def _short(text):
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _plan_and_linked(queryset, plan_filter, linked_ids):
    """The current plan's rows, and any the risk is linked to already (from an older plan): none are lost on save."""
    return queryset.filter(Q(**plan_filter) | Q(pk__in=linked_ids)).distinct()


def _from_the_list(words):
    message = f"Choose the {words} it is linked to among those listed"
    return {"invalid_choice": message, "invalid_pk_value": message}


class RiskForm(ModelForm):
    """A risk added by the manager, or changed by the manager or its lead body's chair."""

    reference = forms.RegexField(
        label="Reference",
        regex=r"^R[1-9][0-9]{0,4}$",
        max_length=12,
        help_text="R and a number, as the board numbers its risks, for example R7.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the reference, for example R7",
            "invalid": "Enter the reference as R and a number, for example R7",
            "max_length": "Enter the reference as R and a number, for example R7",
        },
    )
    title = _text("Title", limit=TITLE_LIMIT, rows=0, what="the title")
    cause = _text("Cause", help_text="Because of …", what="the cause")
    event = _text("Event", help_text="There is a risk that …", what="the event")
    effect = _text("Effect", help_text="Which would mean … (for children and for the board)", what="the effect")
    owner_name = _text(
        "Owner", limit=NAME_LIMIT, rows=0, help_text="The person who owns the risk.", what="the owner's name"
    )
    opened_on = DayMonthYearField(
        name="date it was added", label="Added to the register", help_text="For example 1 4 2015"
    )
    inherent_likelihood = _score("Inherent likelihood", LIKELIHOOD)
    inherent_impact = _score("Inherent impact", IMPACT)
    current_likelihood = _score("Current likelihood", LIKELIHOOD)
    current_impact = _score("Current impact", IMPACT)
    target_likelihood = _score("Target likelihood", LIKELIHOOD)
    target_impact = _score("Target impact", IMPACT)
    version = _version()

    class Meta:
        model = Risk
        # What the register's writes take (risks.services), less the demo mark; the plan links with them.
        fields = [name for name in RISK_FIELDS if name != "is_demo"] + ["objectives", "actions", "kpis"]
        labels = {
            "lead_body": "Lead body",
            "owner_user": "Owner's account (optional)",
            "owner_agency": "Owner's agency (optional)",
            "objectives": "Objectives it is linked to",
            "actions": "Actions it is linked to",
            "kpis": "KPIs it is linked to",
        }
        widgets = {
            "category": forms.RadioSelect,
            "level": forms.RadioSelect,
            "treatment": forms.RadioSelect,
            "objectives": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
            "kpis": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "category": {"required": "Select the category", "invalid_choice": "Select one of the categories"},
            "level": {"required": "Select the level", "invalid_choice": "Select one of the levels"},
            "treatment": {"required": "Select the treatment", "invalid_choice": "Select one of the treatments"},
            "lead_body": {"required": "Select the lead body", "invalid_choice": "Select one of the bodies"},
            "owner_user": {"invalid_choice": "Select one of the accounts, or none"},
            "owner_agency": {"invalid_choice": "Select one of the agencies, or none"},
            "objectives": _from_the_list("objectives"),
            "actions": _from_the_list("actions"),
            "kpis": _from_the_list("KPIs"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rebind_kwargs = {"instance": self.instance}
        risk = self.instance if self.instance.pk else None
        plan = BusinessPlan.objects.active().first()
        plan_id = plan.pk if plan else None

        def linked(name):
            """The rows the risk is linked to, as the ModelForm read them for its initial values."""
            return [getattr(row, "pk", row) for row in self.initial.get(name) or []] if risk else []

        fields = self.fields
        fields["lead_body"].queryset = _bodies()
        fields["lead_body"].empty_label = None
        fields["owner_user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")
        )
        fields["owner_user"].label_from_instance = lambda user: user.get_full_name() or user.username
        fields["owner_user"].empty_label = "None"
        fields["owner_agency"].queryset = Agency.objects.all()
        fields["owner_agency"].empty_label = "None"
        fields["objectives"].queryset = _plan_and_linked(
            Objective.objects.all(), {"priority__plan": plan_id}, linked("objectives")
        )
        fields["objectives"].label_from_instance = lambda row: _short(f"{row.code} {row.title}")
        fields["actions"].queryset = _plan_and_linked(
            Action.objects.filter(archived=False), {"objective__priority__plan": plan_id}, linked("actions")
        )
        fields["actions"].label_from_instance = lambda row: _short(f"{row.code} {row.text}")
        fields["kpis"].queryset = _plan_and_linked(
            KPI.objects.filter(archived=False), {"objective__priority__plan": plan_id}, linked("kpis")
        )
        fields["kpis"].label_from_instance = lambda row: _short(f"{row.code} {row.name}")
        for name in ("objectives", "actions", "kpis"):
            fields[name].required = False
        for name in ("category", "level", "treatment"):  # radios: no "---------" choice
            fields[name].choices = [choice for choice in fields[name].choices if choice[0] != ""]
        self.helper = _helper(
            Field.text("reference", field_width=5),
            Field.text("title"),
            Fieldset(
                Field.textarea("cause", max_characters=TEXT_LIMIT),
                Field.textarea("event", max_characters=TEXT_LIMIT),
                Field.textarea("effect", max_characters=TEXT_LIMIT),
                legend="Cause, event and effect",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("category"),
            Field.radios("level", inline=True),
            Field.select("lead_body"),
            Fieldset(
                Field.text("owner_name"),
                Field.select("owner_user"),
                Field.select("owner_agency"),
                legend="Owner",
                legend_size=Size.MEDIUM,
            ),
            Field("opened_on"),
            Field.radios("treatment", inline=True),
            Fieldset(
                Field.radios("inherent_likelihood", small=True),
                Field.radios("inherent_impact", small=True),
                legend="Inherent score: before the controls",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("current_likelihood", small=True),
                Field.radios("current_impact", small=True),
                legend="Current score: with the controls in place",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("target_likelihood", small=True),
                Field.radios("target_impact", small=True),
                legend="Target score",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("objectives", small=True),
                Field.checkboxes("actions", small=True),
                Field.checkboxes("kpis", small=True),
                legend="Links to the plan",
                legend_size=Size.MEDIUM,
            ),
            button="Save risk",
        )

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        if Risk.objects.filter(reference=reference).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"{reference} is already the reference of another risk: choose another number")
        return reference

    def clean(self):
        cleaned = super().clean()
        _check_day(self, "opened_on", cleaned.get("opened_on"))
        return cleaned

    def _post_clean(self):
        """The model's own checks run in the service, which says what is wrong in words."""

    def service_fields(self):
        """The cleaned values as risks.services.risk_save takes them."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @staticmethod
    def initial_for(risk):
        return {"version": risk.version}


class ControlForm(ModelForm):
    description = _text(
        "What is in place",
        help_text="For example, a multi-agency panel that meets monthly.",
        what="what is in place",
    )
    owner = _text("Owner (optional)", limit=NAME_LIMIT, rows=0, required=False, what="the owner")
    version = _version()

    class Meta:
        model = Control
        fields = ["description", "owner", "effectiveness"]
        labels = {"effectiveness": "How effective is it?"}
        widgets = {"effectiveness": forms.RadioSelect}
        error_messages = {
            "effectiveness": {
                "required": "Select how effective it is",
                "invalid_choice": "Select effective, partly effective or not effective",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rebind_kwargs = {"instance": self.instance}
        self.helper = _helper(
            Field.textarea("description", max_characters=TEXT_LIMIT),
            Field.text("owner"),
            Field.radios("effectiveness", inline=True),
            button="Save control",
        )

    def _post_clean(self):
        """The model's checks run in the service."""

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in ("description", "owner", "effectiveness")}


def reviewing_bodies(risk):
    """The bodies whose meetings may review the risk: its lead body, and the Board once the risk is escalated to it."""
    bodies = Q(body_id=risk.lead_body_id)
    if risk.is_escalated:
        bodies |= Q(body__kind=Subgroup.Kind.BOARD)
    return bodies


class ReviewForm(Form):
    """A review of the risk: when, at which of its lead body's meetings (if any), the current score then (set to
    the risk's current score, so that "no change" is one click), direction of travel and a comment."""

    meeting = forms.ModelChoiceField(
        label="Meeting it was reviewed at (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not at a meeting",
        help_text="The lead body's meetings held so far (and the Board's, for a risk escalated to it), latest first.",
        error_messages={"invalid_choice": "Select one of the meetings listed, or not at a meeting"},
    )
    reviewed_on = DayMonthYearField(
        name="date of the review",
        label="Date of the review",
        required=False,
        help_text="For example 17 6 2015. Leave it blank for a review at the meeting above: its date is used.",
    )
    likelihood = _score("Likelihood", LIKELIHOOD)
    impact = _score("Impact", IMPACT)
    direction = forms.ChoiceField(
        label="Direction of travel",
        choices=[Choice("", "Work it out from the score", hint="Up, down or no change against the current score.")]
        + [Choice(value, label) for value, label in Review.Direction.choices],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select up, down, no change, or work it out from the score"},
    )
    comment = _text(
        "Comment (optional)", required=False, help_text="What the review found or decided.", what="the comment"
    )
    version = _version()

    def __init__(self, *args, risk, **kwargs):
        super().__init__(*args, **kwargs)
        self.risk = risk
        self.rebind_kwargs = {"risk": risk}
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(reviewing_bodies(risk), date__lte=timezone.localdate())
            .exclude(status=Meeting.Status.CANCELLED)
            .select_related("body")
            .order_by("-date")
        )
        self.fields["meeting"].label_from_instance = lambda meeting: f"{meeting.body.name}, {meeting.date:%-d %B %Y}"
        self.helper = _helper(
            Field.select("meeting"),
            Field("reviewed_on"),
            Fieldset(
                Field.radios("likelihood", small=True),
                Field.radios("impact", small=True),
                legend="Current score",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("direction", small=True),
            Field.textarea("comment", max_characters=TEXT_LIMIT),
            button="Save review",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reviewed_on") is None and "reviewed_on" not in self.errors:
            if cleaned.get("meeting") is not None:
                cleaned["reviewed_on"] = cleaned["meeting"].date
            elif "meeting" not in self.errors:
                self.add_error("reviewed_on", "Enter the date of the review, or select the meeting it was reviewed at")
        _check_day(self, "reviewed_on", cleaned.get("reviewed_on"))
        return cleaned

    @staticmethod
    def initial_for(risk):
        return {
            "version": risk.version,
            "likelihood": risk.current_likelihood,
            "impact": risk.current_impact,
            "direction": "",
        }

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["direction"] = data["direction"] or None
        return data


class DatedReasonForm(Form):
    """A date and a reason: escalating, de-escalating or closing a risk."""

    on = DayMonthYearField(name="date", label="Date", help_text="For example 19 8 2015")
    reason = _text("Reason", help_text="Kept with the risk's history.", what="the reason")
    version = _version()

    def __init__(self, *args, button, reason_label="Reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.rebind_kwargs = {"button": button, "reason_label": reason_label}
        self.fields["reason"].label = reason_label
        self.helper = _helper(
            Field("on"), Field.textarea("reason", max_characters=TEXT_LIMIT), button=Button("save", button)
        )

    def clean(self):
        cleaned = super().clean()
        _check_day(self, "on", cleaned.get("on"))
        return cleaned


class ReopenForm(Form):
    reason = _text(
        "Why is it reopened?",
        limit=REOPEN_LIMIT,
        rows=2,
        help_text="In a sentence: it is kept with the risk's history.",
        what="why it is reopened",
    )
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rebind_kwargs = {}
        self.helper = _helper(Field.textarea("reason", max_characters=REOPEN_LIMIT), button="Reopen risk")
