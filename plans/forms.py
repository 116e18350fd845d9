import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from dscb.forms import Form

from .versioning import STALE_PAGE

DATES_SEEN_MESSAGES = {**STALE_PAGE, "max_length": STALE_PAGE["required"]}


class DayMonthYearField(DateInputField):
    """A GOV.UK date input (day, month, year) whose messages name the date asked for."""

    def __init__(self, *, name, required=True, **kwargs):
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.name = name
        whole = f"Enter the {name} as a day, month and year, for example 10 6 2015"
        self.error_messages.update({"required": f"Enter the {name}", "incomplete": whole})
        for subfield, word in zip(self.fields, ("day", "month", "year"), strict=True):
            subfield.error_messages["incomplete"] = f"The {name} must include a {word}"
            subfield.validators[0].message = whole

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # OverflowError: a number too long for a date's parts
            raise ValidationError(f"The {self.name} must be a real date, for example 10 6 2015") from None


class PeriodDatesForm(Form):
    """The manager moves a period's update deadline and Safeguarding Executive meeting date."""

    deadline = DayMonthYearField(
        name="update deadline", label="Updates due by", help_text="For example 10 6 2015. Chairs see this date."
    )
    meeting_on = DayMonthYearField(
        name="meeting date",
        required=False,
        label="Safeguarding Executive meeting",
        help_text="The meeting this period reports to, on or after the update deadline. Leave blank if not set.",
    )
    # The dates as the page showed them (plans.services.period_dates_seen): a save over someone else's is refused.
    dates_seen = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=DATES_SEEN_MESSAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field("deadline"),
            Field("meeting_on"),
            Field("dates_seen"),
            Button("save", "Save dates"),
        )


class MeetingMoveForm(Form):
    """The manager moves the Safeguarding Executive meeting a period reports to; the deadlines are counted back."""

    meeting_on = DayMonthYearField(
        name="meeting date",
        label="Safeguarding Executive meeting",
        help_text="For example 17 6 2015. The papers and update deadlines are counted back from it in working days.",
    )
    # The dates as the page showed them (plans.services.period_dates_seen): a save over someone else's is refused.
    dates_seen = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=DATES_SEEN_MESSAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field("meeting_on"),
            Field("dates_seen"),
            Div(
                Button("save", "Move the meeting"),
                Button.secondary("preview", "Work out the dates first"),
                css_class="govuk-button-group",
            ),
        )
