"""Nothing inline that the Content-Security-Policy would refuse: found in the source, before a browser does.

The browser test (test_browser.py) watches real pages for refusals; this reads every template and script.
"""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((REPO / "templates").rglob("*.html"))
SCRIPTS = sorted((REPO / "static" / "js").glob("*.js"))

INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "htmx's hx-on (runs inline code)": re.compile(r"(data-)?hx-on", re.IGNORECASE),
}
UNSAFE_SCRIPT = {
    "eval": re.compile(r"\beval\s*\("),
    "new Function": re.compile(r"new\s+Function\s*\("),
    "a string timer": re.compile(r"set(Timeout|Interval)\s*\(\s*[\"'`]"),
    "HTML from strings": re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write"),
    "inline styles": re.compile(r"setAttribute\(\s*[\"']style"),
}


def test_there_are_templates_and_scripts_to_read():
    assert len(TEMPLATES) > 20 and len(SCRIPTS) >= 3


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(REPO)))
def test_no_template_has_anything_inline(path):
    source = path.read_text(encoding="utf-8")
    found = [what for what, pattern in INLINE.items() if pattern.search(source)]
    assert found == []


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: str(path.relative_to(REPO)))
def test_no_script_builds_code_or_html_from_strings(path):
    source = path.read_text(encoding="utf-8")
    found = [what for what, pattern in UNSAFE_SCRIPT.items() if pattern.search(source)]
    assert found == []
