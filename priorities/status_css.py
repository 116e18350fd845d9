"""static/css/status-colours.css, written from STATUS_KEY: the status tags' colours on screen, in print and in the
PDF, so that the stylesheets cannot give a status another colour than the charts and Excel do.

    python manage.py write_status_css    # after changing STATUS_KEY (tests fail until the file is written)
"""

from pathlib import Path

from django.conf import settings

from .models import STATUS_KEY

STATUS_CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "status-colours.css"

HEADER = """\
/* The status tags' colours, written from priorities.models.STATUS_KEY by `python manage.py write_status_css`:
   change the table, not this file. Linked after GOV.UK Frontend on every page and given to the PDF. */
"""


def status_css():
    """The stylesheet's text: a rule per status with its text, background and (No update's) border colour."""
    rules = []
    for status, key in STATUS_KEY.items():
        border = f" border-color: {key.border};" if key.border else ""
        rules.append(f".app-status--{status.css} {{ color: {key.text}; background-color: {key.background};{border} }}")
    return HEADER + "\n".join(rules) + "\n"
