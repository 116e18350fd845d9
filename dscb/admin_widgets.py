"""What the Django admin does with the values sent to it.

Django's autocomplete widgets look up the posted value to redraw the form; a value that is not an id of the
related model (typed into the request by hand) made that look-up raise, and the admin answered 500 instead of
the form with "Select a valid choice". These widgets redraw with the values that can be ids and leave the
rest to the form's own validation. A bulk action sent with rows that are not ids, and a search for a NUL typed into
an autocomplete's address (which PostgreSQL cannot take), made the admin answer 500 too; every admin page of the
project refuses the one in words and searches for the other without its control characters (SentInputAdminMixin),
and reads its one-line boxes as the project's own forms do (dscb.forms).
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

from .forms import ModelForm
from .prepared import id_fits
from .xmltext import typed_text

ROWS_NOT_UNDERSTOOD = "The rows chosen were not understood: choose them again. No items have been changed."


class _ValidValuesOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        options = remote.model._meta
        target = options.get_field(getattr(remote, "field_name", None) or options.pk.name)
        usable = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class SafeAutocompleteSelect(_ValidValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidValuesOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For a ModelAdmin or an inline: its autocomplete_fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SentInputAdminMixin:
    """For every ModelAdmin and inline of the project: its form reads a line break in a one-line box as a space
    (dscb.forms), a bulk action on rows that are not ids is refused in words, with nothing changed, and a search
    (of the list, or of an autocomplete box) is for the words without control characters, as a form would keep
    them."""

    form = ModelForm

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                key = pk.to_python(value)
            except ValidationError:
                key = None
            if key is None or (isinstance(key, int) and not id_fits(key)):
                self.message_user(request, ROWS_NOT_UNDERSTOOD, messages.WARNING)
                return None
        return super().response_action(request, queryset)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, typed_text(search_term))
