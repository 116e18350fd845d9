"""The statuses' meanings and colours are written once, in STATUS_KEY, and every place that shows a status takes
them from there: the stylesheets (screen, print and PDF), the charts, Excel, the status key and the tags."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse

from priorities.models import STATUS_KEY, Status
from priorities.status_css import STATUS_CSS_PATH, status_css
from priorities.templatetags.status_tags import status_tag_html
from reports.render import _pdf_stylesheet_paths

STATIC = Path(settings.BASE_DIR) / "static"
# Every stylesheet the app ships: the compiled screen CSS (static/scss/app.scss), print, the PDF's, the colours.
STYLESHEETS = ["govuk/govuk-frontend.min.css", "css/print.css", "css/report-pdf.css", "css/status-colours.css"]
COLOUR_PROPERTIES = {"color", "background", "background-color", "border", "border-color", "outline", "fill"}


def _hex(colour):
    colour = colour.lower()
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def status_rules(css, status):
    """[(property, value)] of every rule whose selector names the status's tag class, @media blocks included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if re.search(rf"\.app-status--{status.css}(?![\w-])", selector):
            for declaration in body.split(";"):
                if ":" in declaration:
                    name, value = declaration.split(":", 1)
                    found.append((name.strip().lower(), value.strip()))
    return found


def test_the_status_stylesheet_is_written_from_the_table():
    assert STATUS_CSS_PATH.read_text() == status_css(), (
        "STATUS_KEY and static/css/status-colours.css differ: run python manage.py write_status_css"
    )


def test_write_status_css_writes_the_table_and_checks_it(tmp_path, monkeypatch):
    stylesheet = tmp_path / "status-colours.css"
    monkeypatch.setattr("priorities.management.commands.write_status_css.STATUS_CSS_PATH", stylesheet)
    with pytest.raises(CommandError, match="out of date"):
        call_command("write_status_css", "--check", stdout=io.StringIO())
    call_command("write_status_css", stdout=io.StringIO())
    assert stylesheet.read_text() == status_css()
    call_command("write_status_css", "--check", stdout=io.StringIO())


@pytest.mark.parametrize("status", list(Status), ids=lambda status: status.value)
def test_the_status_stylesheet_gives_each_tag_the_tables_colours(status):
    rules = dict(status_rules(STATUS_CSS_PATH.read_text(), status))
    key = STATUS_KEY[status]
    assert _hex(rules["color"]) == key.text
    assert _hex(rules["background-color"]) == key.background
    assert _hex(rules.get("border-color", "")) == key.border


@pytest.mark.parametrize("stylesheet", STYLESHEETS)
@pytest.mark.parametrize("status", list(Status), ids=lambda status: status.value)
def test_no_stylesheet_gives_a_status_another_colour(stylesheet, status):
    """A colour for a status tag anywhere else (written into app.scss again, say) must be the table's."""
    allowed = {STATUS_KEY[status].text, STATUS_KEY[status].background, STATUS_KEY[status].border}
    for name, value in status_rules((STATIC / stylesheet).read_text(), status):
        if name in COLOUR_PROPERTIES:
            for colour in re.findall(r"#[0-9a-fA-F]{3,6}\b", value):
                assert _hex(colour) in allowed, f"{stylesheet}: .app-status--{status.css} {name}: {value}"


def test_every_page_and_the_pdf_are_given_the_status_stylesheet(client, viewer):
    client.force_login(viewer)
    assert "css/status-colours" in client.get(reverse("reports:dashboard")).content.decode()
    assert str(STATUS_CSS_PATH) in [str(Path(path).resolve()) for path in _pdf_stylesheet_paths()]


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("status", list(Status), ids=lambda status: status.value)
def test_every_tag_is_readable(status):
    """WCAG 2.2 AA: a tag's words reach 4.5:1 against its background."""
    key = STATUS_KEY[status]
    lighter, darker = sorted([_luminance(key.text), _luminance(key.background)], reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def test_the_status_key_shows_each_status_as_its_tag_with_its_meaning():
    legend = render_to_string("includes/status_legend.html")
    items = re.findall(
        r'<dt class="app-status-legend__term">(.*?)</dt>\s*<dd class="app-status-legend__meaning">(.*?)</dd>',
        legend,
        re.S,
    )
    assert items == [(status_tag_html(status), status.meaning) for status in Status]


TAG = re.compile(r'<strong class="govuk-tag app-status[^"]*">[^<]*</strong>')


@pytest.mark.parametrize("page", ["executive", "board", "plan", "dashboard"])
def test_every_tag_on_a_page_is_the_status_keys_own_markup(client, demo, page):
    """The tags in the tables and the tags in the key beside them come from the one template."""
    plan, users = demo
    client.force_login(users["viewer"])
    url = {
        "executive": reverse("reports:executive-report", args=[plan.slug, 3]),
        "board": reverse("reports:board-report", args=[plan.slug]) + "?as_at=2015-12-01",
        "plan": plan.get_absolute_url(),
        "dashboard": reverse("reports:dashboard"),
    }[page]
    text = client.get(url).content.decode()
    legend = text[text.index('<div class="app-status-legend">') :]
    legend = legend[: legend.index("</dl>")]
    key_tags = TAG.findall(legend)
    assert key_tags == [status_tag_html(status) for status in Status]
    on_page = set(TAG.findall(text))
    assert len(on_page) > 1
    assert on_page <= set(key_tags)
