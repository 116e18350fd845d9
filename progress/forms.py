from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from dscb.forms import Form

SINGLE, DIGEST = "single", "digest"


class EmailPreferenceForm(Form):
    """A person chooses single reminder emails or one weekly digest."""

    how = forms.ChoiceField(
        label="How do you want to be told what is due from you?",
        choices=[
            (SINGLE, "An email for each reminder and chaser"),
            (DIGEST, "One email a week, on Mondays, listing everything due"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you want to be told what is due", "invalid_choice": "Choose one"},
        help_text="You cannot switch off what is due: the digest lists it all while anything is due.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.radios("how", legend_size=Size.MEDIUM), Button("save", "Save"))
