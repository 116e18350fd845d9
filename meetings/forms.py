import datetime

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from dscb.forms import Form
from plans.forms import DayMonthYearField
from plans.models import ReportingPeriod
from plans.versioning import STALE_PAGE
from subgroups.models import Subgroup

from .models import IN_ATTENDANCE_LIMIT, ITEM_LIMIT, NAME_LIMIT, PLACE_LIMIT, Attendance, Meeting, MeetingItem
from .services import WEEKDAYS

# The years a meeting or a due date may fall in: a mistyped year is caught.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _time_field(**kwargs):
    return forms.TimeField(
        label="Start time",
        help_text="24-hour clock, for example 14:00",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Enter the start time", "invalid": "Enter the start time like 14:00"},
        **kwargs,
    )


def _check_year(form, field, day):
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        form.add_error(field, f"The year must be between {FIRST_YEAR} and {LAST_YEAR}")


def _helper(*fields, button):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Button("save", button))
    return helper


def _bodies():
    return Subgroup.objects.filter(is_active=True).exclude(kind=Subgroup.Kind.ROLE)


class MeetingForm(Form):
    """The manager adds or changes one meeting."""

    body = forms.ModelChoiceField(
        label="Body", queryset=_bodies(), empty_label=None, error_messages={"required": "Select the body"}
    )
    date = DayMonthYearField(name="meeting date", label="Date", help_text="For example 17 6 2015")
    starts_at = _time_field()
    place = forms.CharField(
        label="Place (optional if online)",
        max_length=PLACE_LIMIT,
        required=False,
        error_messages={"max_length": f"The place must be {PLACE_LIMIT} characters or fewer"},
    )
    is_online = forms.BooleanField(label="Online", required=False, help_text="Also or only online.")
    status = forms.ChoiceField(label="Status", choices=Meeting.Status.choices, widget=forms.RadioSelect)
    period = forms.ModelChoiceField(
        label="Reporting period it reads (Safeguarding Executive only)",
        queryset=ReportingPeriod.objects.select_related("plan").order_by("-plan__starts_on", "number"),
        required=False,
        empty_label="None",
        help_text="The period's Safeguarding Executive meeting date follows this meeting's date.",
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, error_messages=STALE_PAGE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = _bodies()
        self.fields["period"].label_from_instance = lambda period: f"{period.plan.year_label} {period}"
        self.helper = _helper(
            Field.select("body"),
            Field("date"),
            Field.text("starts_at", field_width=5),
            Field.text("place"),
            Field.checkbox("is_online"),
            Field.radios("status", inline=True),
            Field.select("period"),
            Field("version"),
            button="Save meeting",
        )

    def clean(self):
        cleaned = super().clean()
        _check_year(self, "date", cleaned.get("date"))
        if not cleaned.get("place", "").strip() and not cleaned.get("is_online") and "place" not in self.errors:
            self.add_error("place", "Enter the place, or tick Online")
        return cleaned

    @staticmethod
    def initial_for(meeting):
        return {
            "version": meeting.version,
            "body": meeting.body_id,
            "date": meeting.date,
            "starts_at": meeting.starts_at.strftime("%H:%M"),
            "place": meeting.place,
            "is_online": meeting.is_online,
            "status": meeting.status,
            "period": meeting.period_id,
        }


NTH = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (-1, "Last")]


class RuleForm(Form):
    """A body's meetings from a rule: "the second Thursday of every other month", between two dates."""

    body = forms.ModelChoiceField(
        label="Body", queryset=_bodies(), empty_label=None, error_messages={"required": "Select the body"}
    )
    nth = forms.TypedChoiceField(label="Which", choices=NTH, coerce=int)
    weekday_index = forms.TypedChoiceField(label="Day", choices=list(enumerate(WEEKDAYS)), coerce=int)
    every_months = forms.IntegerField(
        label="Every how many months",
        min_value=1,
        max_value=12,
        help_text="1 for every month, 2 for alternate months, 3 for quarterly.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter every how many months",
            "invalid": "Enter every how many months as a whole number",
            "min_value": "Every how many months must be between 1 and 12",
            "max_value": "Every how many months must be between 1 and 12",
        },
    )
    starts_on = DayMonthYearField(name="first date", label="From", help_text="For example 1 4 2015")
    ends_on = DayMonthYearField(name="last date", label="Until", help_text="For example 31 3 2016")
    starts_at = _time_field()
    place = forms.CharField(label="Place (optional if online)", max_length=PLACE_LIMIT, required=False)
    is_online = forms.BooleanField(label="Online", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = _bodies()
        self.helper = _helper(
            Field.select("body"),
            Field.select("nth"),
            Field.select("weekday_index"),
            Field.text("every_months", field_width=2),
            Field("starts_on"),
            Field("ends_on"),
            Field.text("starts_at", field_width=5),
            Field.text("place"),
            Field.checkbox("is_online"),
            button="Preview the meetings",
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        _check_year(self, "starts_on", starts_on)
        if starts_on and ends_on and "starts_on" not in self.errors:
            if ends_on < starts_on:
                self.add_error("ends_on", "The last date must be on or after the first date")
            elif ends_on > starts_on + datetime.timedelta(days=2 * 366):
                self.add_error("ends_on", "Generate at most two years of meetings at once")
        if not cleaned.get("place", "").strip() and not cleaned.get("is_online") and "place" not in self.errors:
            self.add_error("place", "Enter the place, or tick Online")
        return cleaned


STATUS_CHOICES = Attendance.Status.choices


class AttendanceForm(Form):
    """Every expected seat's attendance, present unless changed, and others in attendance: one form, one save."""

    in_attendance = forms.CharField(
        label="In attendance",
        help_text="Others at the meeting, one per line: officers, presenters, observers.",
        required=False,
        max_length=IN_ATTENDANCE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"In attendance must be {IN_ATTENDANCE_LIMIT} characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, error_messages=STALE_PAGE)

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = seats
        self.rebind_kwargs = {"seats": seats}
        self.helper = FormHelper()  # the error summary's; the table is laid out by its template
        self.helper.form_tag = False
        for seat in seats:
            self.fields[f"status-{seat.pk}"] = forms.ChoiceField(
                label=f"Attendance of {seat.person_name}",
                choices=STATUS_CHOICES,
                initial=Attendance.Status.PRESENT,
                required=False,  # left out: present
                error_messages={"invalid_choice": f"Select the attendance of {seat.person_name}"},
            )
            self.fields[f"deputy-{seat.pk}"] = forms.CharField(
                label=f"Deputy for {seat.person_name}",
                required=False,
                max_length=NAME_LIMIT,
                error_messages={"max_length": f"The deputy's name must be {NAME_LIMIT} characters or fewer"},
            )

    def clean(self):
        cleaned = super().clean()
        for seat in self.seats:
            status = cleaned.get(f"status-{seat.pk}") or Attendance.Status.PRESENT
            cleaned[f"status-{seat.pk}"] = status
            deputy = (cleaned.get(f"deputy-{seat.pk}") or "").strip()
            cleaned[f"deputy-{seat.pk}"] = deputy
            if status == Attendance.Status.DEPUTY and not deputy and f"deputy-{seat.pk}" not in self.errors:
                self.add_error(f"deputy-{seat.pk}", f"Enter the name of the deputy who came for {seat.person_name}")
        return cleaned

    def rows(self):
        return {
            seat.pk: (self.cleaned_data[f"status-{seat.pk}"], self.cleaned_data[f"deputy-{seat.pk}"])
            for seat in self.seats
        }

    def table(self):
        """Each seat with its bound fields, for the template's table."""
        return [(seat, self[f"status-{seat.pk}"], self[f"deputy-{seat.pk}"]) for seat in self.seats]

    @staticmethod
    def initial_for(meeting, attendances):
        initial = {"in_attendance": meeting.in_attendance, "version": meeting.version}
        for row in attendances:
            initial[f"status-{row.seat_id}"] = row.status
            initial[f"deputy-{row.seat_id}"] = row.deputy_name
        return initial


class MeetingItemForm(Form):
    """A decision or an action from a meeting."""

    kind = forms.ChoiceField(
        label="Decision or action",
        choices=[Choice(value, label) for value, label in MeetingItem.Kind.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Select decision or action"},
    )
    text = forms.CharField(
        label="What was decided or is to be done",
        help_text="As the minutes will say it.",
        max_length=ITEM_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what was decided or is to be done",
            "max_length": f"The text must be {ITEM_LIMIT} characters or fewer",
        },
    )
    owner = forms.CharField(
        label="Owner (actions)",
        max_length=NAME_LIMIT,
        required=False,
        error_messages={"max_length": f"The owner must be {NAME_LIMIT} characters or fewer"},
    )
    due_on = DayMonthYearField(
        name="due date", label="Due by (actions, optional)", required=False, help_text="For example 30 9 2015"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", inline=True),
            Field.textarea("text", max_characters=ITEM_LIMIT),
            Field.text("owner"),
            Field("due_on"),
            button="Add to the meeting",
        )

    def clean(self):
        cleaned = super().clean()
        _check_year(self, "due_on", cleaned.get("due_on"))
        owner_missing = not cleaned.get("owner", "").strip() and "owner" not in self.errors
        if cleaned.get("kind") == MeetingItem.Kind.ACTION and owner_missing:
            self.add_error("owner", "Enter who owns the action")
        return cleaned
