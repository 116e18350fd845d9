from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from dscb.forms import Form
from plans.versioning import STALE_PAGE

from .models import DECIMAL_LIMIT, KPI, NOTE_LIMIT
from .services import note_length_problem

# The largest numbers the database columns hold: numerator and denominator are integers, a count is stored as a
# decimal with 12 digits, 2 of them after the point.
MAX_WHOLE = 2_147_483_647
MAX_COUNT = DECIMAL_LIMIT - 1
# Numbers are typed into text inputs, as GOV.UK asks: a number input would take "1e3" and change with the mouse
# wheel, and crispy-forms-gds styles only text inputs as govuk-input (40px high, a touch target above 24px). The
# inputmode brings up the phone's number keypad; the form's own checks still refuse what is not a number.
WHOLE_NUMBER = {"inputmode": "numeric", "spellcheck": "false"}
DECIMAL_NUMBER = {"inputmode": "decimal", "spellcheck": "false"}


class KPIValueForm(Form):
    """A KPI's value for one period, with the fields its kind needs and checks in the user's words."""

    numerator = forms.IntegerField(
        label="Number that met the measure (numerator)",
        required=False,
        min_value=0,
        max_value=MAX_WHOLE,
        widget=forms.TextInput(attrs=WHOLE_NUMBER),
        error_messages={
            "min_value": "The numerator cannot be negative",
            "max_value": "The numerator is too large: check it",
            "invalid": "Enter the numerator as a number",
        },
    )
    denominator = forms.IntegerField(
        label="Out of (denominator)",
        required=False,
        max_value=MAX_WHOLE,
        widget=forms.TextInput(attrs=WHOLE_NUMBER),
        error_messages={
            "max_value": "The denominator is too large: check it",
            "invalid": "Enter the denominator as a whole number",
        },
    )
    percentage = forms.DecimalField(
        label="Or the percentage, where the source gives only that",
        required=False,
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs=DECIMAL_NUMBER),
        error_messages={
            "invalid": "Enter the percentage as a number, for example 72.5",
            # Too many digits, either way: 33.3333 pasted from a spreadsheet, or 1e308.
            **dict.fromkeys(
                ("max_digits", "max_decimal_places", "max_whole_digits"),
                "Enter a percentage from 0 to 100 with no more than 2 decimal places, for example 33.33",
            ),
        },
    )
    count = forms.IntegerField(
        label="Count",
        required=False,
        max_value=MAX_COUNT,
        widget=forms.TextInput(attrs=WHOLE_NUMBER),
        error_messages={
            "max_value": "The count is too large: check it",
            "invalid": "Enter the count as a whole number",
        },
    )
    answer = forms.ChoiceField(label="Answer", required=False, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note (optional)",
        help_text="A paragraph at most: where the figure comes from, or what it means.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE)

    def __init__(self, *args, kpi: KPI, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        kind = kpi.kind
        if kind == KPI.Kind.REPORT:
            self.fields["answer"].label = "Was the report received?"
            self.fields["answer"].choices = [Choice("yes", "Received"), Choice("no", "Not received")]
            self.fields["note"].label = "Summary of the report"
            self.fields["note"].help_text = "A paragraph at most: what the report says (link to it, do not paste it)."
        else:
            self.fields["answer"].choices = [Choice("yes", "Yes"), Choice("no", "No")]
        fields = {
            KPI.Kind.PERCENTAGE: ["numerator", "denominator", "percentage"],
            KPI.Kind.COUNT: ["count"],
            KPI.Kind.YES_NO: ["answer"],
            KPI.Kind.REPORT: ["answer"],
        }[kind]
        for name in ["numerator", "denominator", "percentage", "count", "answer"]:
            if name not in fields:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        layout = []
        for name in fields:
            if name == "answer":
                layout.append(Field.radios("answer", legend_size=Size.SMALL, inline=True))
            else:
                layout.append(Field.text(name, field_width=5))
        # The button's id follows the fields' (a form entered in place on My work has ids of its own: see _auto_id).
        save_id = self.auto_id % "save" if isinstance(self.auto_id, str) and "%s" in self.auto_id else "id_save"
        layout += [
            Field.textarea("note", max_characters=NOTE_LIMIT),
            "version",
            Button("save", "Save value", css_id=save_id),
        ]
        self.helper.layout = Layout(*layout)

    def clean_note(self):
        note = self.cleaned_data["note"]
        problem = note_length_problem(note, report=self.kpi.kind == KPI.Kind.REPORT)
        if problem:
            raise forms.ValidationError(problem)
        return note

    def clean(self):
        cleaned = super().clean()
        kind = self.kpi.kind
        if kind == KPI.Kind.PERCENTAGE:
            numerator, denominator = cleaned.get("numerator"), cleaned.get("denominator")
            percentage = cleaned.get("percentage")
            if "numerator" in self.errors or "denominator" in self.errors or "percentage" in self.errors:
                return cleaned
            if denominator is not None and denominator <= 0:
                self.add_error("denominator", "The denominator must be more than zero")
            elif (numerator is None) != (denominator is None):
                missing = "denominator" if denominator is None else "numerator"
                self.add_error(missing, f"Enter the {missing} too, or leave both empty and enter the percentage")
            elif numerator is not None and numerator > denominator:
                self.add_error("numerator", "The numerator cannot be more than the denominator")
            elif numerator is None and percentage is None:
                self.add_error("numerator", "Enter the numerator and denominator, or the percentage")
            elif percentage is not None and not (0 <= percentage <= 100):
                self.add_error("percentage", "The percentage must be between 0 and 100")
            elif numerator is not None and percentage is not None:
                self.add_error("percentage", "Enter either the numerator and denominator or the percentage, not both")
        elif kind == KPI.Kind.COUNT:
            count = cleaned.get("count")
            if "count" not in self.errors and count is None:
                self.add_error("count", "Enter the count")
            elif count is not None and count < 0:
                self.add_error("count", "The count cannot be negative")
        elif not cleaned.get("answer"):
            self.add_error(
                "answer", "Select whether the report was received" if kind == KPI.Kind.REPORT else "Select yes or no"
            )
        return cleaned

    def values(self):
        """The model fields this form sets: value, numerator, denominator, received, note. Given a numerator and
        denominator, kpi_value_save works the value out from them."""
        cleaned = self.cleaned_data
        values = {"value": None, "numerator": None, "denominator": None, "received": None, "note": cleaned["note"]}
        kind = self.kpi.kind
        if kind == KPI.Kind.PERCENTAGE:
            if cleaned.get("numerator") is not None:
                values["numerator"], values["denominator"] = cleaned["numerator"], cleaned["denominator"]
            else:
                values["value"] = cleaned["percentage"]
        elif kind == KPI.Kind.COUNT:
            values["value"] = Decimal(cleaned["count"])
        else:
            values["received"] = cleaned["answer"] == "yes"
        return values

    @staticmethod
    def initial_for(value):
        if value is None:
            return {"version": 0}
        initial = {"version": value.version, "note": value.note}
        if value.numerator is not None:
            initial.update(numerator=value.numerator, denominator=value.denominator)
        elif value.kpi.kind == KPI.Kind.PERCENTAGE:
            initial["percentage"] = value.value
        elif value.kpi.kind == KPI.Kind.COUNT and value.value is not None:
            initial["count"] = int(value.value)
        if value.received is not None:
            initial["answer"] = "yes" if value.received else "no"
        return initial
