"""An update's state (to do, draft, submitted, returned, not needed) has tags of its own, in GOV.UK colours that
the status key does not use: a colour never means a status on one tag and an update state on another."""

import colorsys
import re
from pathlib import Path

from django.conf import settings

from priorities.models import STATUS_KEY
from progress.selectors import STAGE_LABELS, STAGE_TAGS, UPDATE_STATE_KEY

GOVUK_CSS = Path(settings.BASE_DIR) / "static" / "govuk" / "govuk-frontend.min.css"


def _hex(colour):
    """A CSS rgb(…%) or hsl(…) colour as #rrggbb."""
    name, args = re.fullmatch(r"(rgb|hsl)\((.*)\)", colour).groups()
    numbers = [float(part.rstrip("%")) for part in args.split(",")]
    if name == "hsl":
        red, green, blue = colorsys.hls_to_rgb(numbers[0] / 360, numbers[2] / 100, numbers[1] / 100)
    else:
        red, green, blue = (number / 100 for number in numbers)
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))


def govuk_tag_backgrounds():
    css = GOVUK_CSS.read_text()
    return {
        f"govuk-tag--{name}": _hex(background)
        for name, background in re.findall(r"\.govuk-tag--([a-z-]+)\{color:[^;]+;background-color:([^}]+)\}", css)
    }


def test_the_status_keys_colours_are_govuk_tags_as_read():
    """The reading of GOV.UK's stylesheet is right: Complete's colour is GOV.UK's blue tag."""
    assert govuk_tag_backgrounds()["govuk-tag--blue"] == STATUS_KEY["complete"].background


def test_update_state_tags_never_take_a_status_colour():
    backgrounds = govuk_tag_backgrounds()
    status_colours = {key.background for key in STATUS_KEY.values()}
    assert set(STAGE_TAGS) == set(STAGE_LABELS)
    for stage, tag in STAGE_TAGS.items():
        assert tag in backgrounds, f"{tag} is not a GOV.UK tag"
        assert backgrounds[tag] not in status_colours, f"{stage} looks like a status"


def test_each_update_state_has_its_own_word_and_a_meaning():
    labels = [label for label, _, _ in UPDATE_STATE_KEY]
    assert labels == ["To do", "Draft", "Submitted", "Returned", "Not needed"]
    assert all(meaning for _, _, meaning in UPDATE_STATE_KEY)
    assert not set(labels) & {status.label for status in STATUS_KEY}
