"""What every form of the project does with the text sent to it.

A one-line box cannot hold a line break: the browser leaves it out when it shows the value again, so the words
either side would run together the next time the form is saved. Browsers do not send one from such a box, but
Word's manual line break (a vertical tab) pasted into one arrives as a line break (dscb.middleware.SentTextMiddleware
reads it so, as it is in a text area). So in a one-line box each line break, with the spaces around it, is read as
one space, before the form checks the value: what is checked, shown again and saved is the same text.
"""

import re

from django import forms

ONE_LINE_TYPES = frozenset({"text", "email", "url", "search", "tel"})
LINE_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def one_line(text):
    """`text` with each line break, and the spaces around it, as one space."""
    return LINE_BREAKS.sub(" ", text)


def is_one_line(widget):
    return isinstance(widget, forms.widgets.Input) and widget.input_type in ONE_LINE_TYPES


def _one_line_data(data, names):
    """`data` (a QueryDict or a dict) with the values of `names` on one line; the same object if none changes."""
    multiple = hasattr(data, "getlist")
    changed = {}
    for name in names:
        if name not in data:
            continue
        values = data.getlist(name) if multiple else [data[name]]
        if any(isinstance(value, str) and LINE_BREAKS.search(value) for value in values):
            changed[name] = [one_line(value) if isinstance(value, str) else value for value in values]
    if not changed:
        return data
    data = data.copy()
    for name, values in changed.items():
        if multiple:
            data.setlist(name, values)
        else:
            data[name] = values[0]
    return data


class OneLineTextMixin:
    """For a form: its one-line boxes read a line break as a space. Fields added in a subclass's __init__ count
    too, as the values are read when the form is checked."""

    def full_clean(self):
        if self.is_bound:
            names = [self.add_prefix(name) for name, field in self.fields.items() if is_one_line(field.widget)]
            self.data = _one_line_data(self.data, names)
        super().full_clean()


class Form(OneLineTextMixin, forms.Form):
    pass


class ModelForm(OneLineTextMixin, forms.ModelForm):
    pass
