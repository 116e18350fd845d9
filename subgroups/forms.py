from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UsernameField


class NewPersonForm(forms.ModelForm):
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
