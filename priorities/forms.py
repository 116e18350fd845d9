from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from dscb.forms import Form, ModelForm
from plans.versioning import STALE_PAGE

from .models import TEXT_LIMITS, ProgressUpdate, Status
from .services import text_length_problem, update_length_problems, update_submission_problems

# What the form adds to each status's meaning (STATUS_KEY) in the hint beside its radio button.
STATUS_GUIDANCE = {
    Status.NOT_STARTED: "Use this only while the action's start is still to come.",
    Status.AMBER: "Say why below.",
    Status.RED: "Say why below.",
    Status.COMPLETE: "It stays Complete in later periods unless someone reopens it.",
}


def _hint(status):
    return " ".join(filter(None, [status.meaning, STATUS_GUIDANCE.get(status)]))


class ProgressUpdateForm(ModelForm):
    """A progress update for one action in one period. Chairs cannot reach the plan's own fields here."""

    status = forms.ChoiceField(
        label="Status",
        choices=[Choice(value, label, hint=_hint(Status(value))) for value, label in Status.recorded()],
        widget=forms.RadioSelect,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE)

    class Meta:
        model = ProgressUpdate
        fields = ["status", "progress", "impact", "next_steps", "reason", "evidence_links"]
        labels = {
            "progress": "Progress this period",
            "impact": "Impact on children and young people",
            "next_steps": "Next steps",
            "reason": "Reason",
            "evidence_links": "Evidence links (optional)",
        }
        help_texts = {
            "progress": "What the subgroup did this period.",
            "impact": "What changed for children and young people, and how you know: not the activity itself.",
            "next_steps": "What happens before the next update.",
            "reason": "Needed for Amber and Red, and when reopening an action that was Complete.",
            "evidence_links": "One web address per line, for example a report or audit on the board's site.",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ["progress", "impact", "next_steps", "reason"]}

    def __init__(self, *args, rules, submitting=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.submitting = submitting
        self.fields["evidence_links"].widget = forms.Textarea(attrs={"rows": 2})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("reason", max_characters=TEXT_LIMITS["reason"]),
            Field.textarea("progress", max_characters=TEXT_LIMITS["progress"]),
            Field.textarea("impact", max_characters=TEXT_LIMITS["impact"]),
            Field.textarea("next_steps", max_characters=TEXT_LIMITS["next_steps"]),
            Field.textarea("evidence_links", max_characters=TEXT_LIMITS["evidence_links"]),
            "version",
            Div(
                Button("submit", "Submit update"),
                Button.secondary("save_draft", "Save as draft"),
                css_class="govuk-button-group",
            ),
        )

    def clean_evidence_links(self):
        lines = [line.strip() for line in self.cleaned_data.get("evidence_links", "").splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(lines, start=1):
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    f"Line {number} of the evidence links is not a web address: enter it as https://…"
                ) from None
        return "\n".join(lines)

    def clean(self):
        """A submission is checked against the update service's rules (a draft only against the lengths): the same
        messages as the service gives, from the same place."""
        cleaned = super().clean()
        too_long = update_length_problems(cleaned)
        problems = {}
        if self.submitting:
            problems = update_submission_problems(
                status=cleaned.get("status"),
                reason=cleaned.get("reason"),
                progress=cleaned.get("progress"),
                rules=self.rules,
            )
        for field, message in {**problems, **too_long}.items():
            if field not in self.errors:  # a field's own error (a status not offered, say) already speaks for it
                self.add_error(field, message)
        return cleaned


class ReturnUpdateForm(Form):
    reason = forms.CharField(
        label="Why are you returning this update?",
        help_text="The subgroup sees this on My work and on the update form.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why you are returning the update"},
    )
    # The update's version as shown on the page: the return is refused if the subgroup saved it since.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.textarea("reason", max_characters=TEXT_LIMITS["returned_reason"]),
            "version",
            Button.warning("return", "Return update"),
        )

    def clean_reason(self):
        problem = text_length_problem("The reason", self.cleaned_data["reason"], TEXT_LIMITS["returned_reason"])
        if problem:
            raise ValidationError(problem)
        return self.cleaned_data["reason"]
