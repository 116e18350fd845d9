"""Forms for signing in and for adding people."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserChangeForm, UsernameField
from django.core.validators import MaxLengthValidator

from dscb.forms import Form, ModelForm, OneLineTextMixin

from .tasks import RESET, password_email_enqueue


class SignInForm(OneLineTextMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been deactivated. Ask the board business manager.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        # Django sets the username's max_length here but checks it nowhere: a longer one reached the sign-in
        # attempts log (django-axes), whose column holds 255 characters, and PostgreSQL refused it with a 500.
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(
            MaxLengthValidator(limit, message=self.error_messages["invalid_login"])
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        # Autofocus skips the skip link and the heading for keyboard and screen reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            Submit("submit", "Sign in"),
        )


class CodeForm(Form):
    """A six-digit code from an authenticator app."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 digits the app shows now, for example 123456.",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field.text("code", field_width=5), Submit("submit", "Continue"))

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, for example 123456")
        return code


class NewPersonForm(ModelForm):
    """A new person: no password here; they choose their own from the emailed link."""

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "groups"]
        field_classes = {"username": UsernameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "They will get an email with a link to choose their own password."
        self.fields["groups"].help_text = "Board manager or Viewer; chairs and members are set on the person's page."

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already has this email address.")
        return email


class PasswordResetByTaskForm(OneLineTextMixin, PasswordResetForm):
    """Django's password-reset form, whose email goes from a task (accounts.tasks), not from the request."""

    def save(self, *, request, use_https=False, **kwargs):
        site_url = f"{'https' if use_https else 'http'}://{request.get_host()}"
        for user in self.get_users(self.cleaned_data["email"]):
            password_email_enqueue(user=user, site_url=site_url, kind=RESET)


class PersonChangeForm(OneLineTextMixin, UserChangeForm):
    """A person's details in the admin, one-line boxes on one line (dscb.forms)."""
