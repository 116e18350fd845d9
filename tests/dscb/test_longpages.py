"""dscb.longpages: the page a template draws with HTML drawn already in it, byte for byte (render_around), and runs
of HTML put into a template's output once it is drawn (Splice)."""

import pytest
from django.shortcuts import render
from django.test import RequestFactory, override_settings

from dscb.longpages import Splice, render_around

PAGES = {
    "page.html": '{% extends "base.html" %}{% block main %}<div>{{ body|safe }}</div>{% endblock %}',
    "base.html": "<main>{{ title }}{% block main %}{% endblock %}</main>",
    "no_body.html": "<p>{{ title }}</p>",
}
LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", PAGES)]},
    }
]


@pytest.fixture
def request_():
    return RequestFactory().get("/report/")


@override_settings(TEMPLATES=LOCMEM)
def test_the_page_is_the_one_drawn_with_the_html_in_it(request_):
    # Text beyond Latin-1 (as in a report's status arrows and a pasted curly quote), an HTML comment as the
    # stand-in is one, and a placeholder-like text: all copied as they are.
    body = "<h2>1.1 – Review</h2><p>It’s ↓ <!--0123456789abcdef0123456789abcdef--> %s {{ title }}</p>" * 50
    context = {"title": "Executive report & more"}
    expected = render(request_, "page.html", {**context, "body": body})
    for status in (200, 202):
        response = render_around(request_, "page.html", context, "body", body, status=status)
        assert response.content == expected.content
        assert response.status_code == status
        assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.count("1.1 – Review".encode()) == 50
    assert b"Executive report &amp; more" in response.content


@override_settings(TEMPLATES=LOCMEM)
def test_a_page_without_the_html_is_drawn_as_it_is(request_):
    response = render_around(request_, "no_body.html", {"title": "Plain"}, "body", "<p>Never shown</p>")
    assert response.content == b"<p>Plain</p>"


def test_a_splice_puts_each_run_where_its_stand_in_is():
    splice = Splice()
    first = splice.stand_in(["<li>1.1 – Review</li>", "<li>It’s ↓</li>"])
    second = splice.stand_in([])
    third = splice.stand_in(["<p>%s {{ title }}</p>"])
    # A comment like a stand-in, of another splice or none, stays as it is.
    other = Splice().stand_in(["<p>Never put in</p>"])
    drawn = f"<ol>{first}</ol><div>{second}</div>{other}<!--0123:0--><section>{third}</section>"
    assert splice.join(drawn) == (
        f"<ol><li>1.1 – Review</li><li>It’s ↓</li></ol><div></div>{other}<!--0123:0-->"
        "<section><p>%s {{ title }}</p></section>"
    )
    assert str(first) != str(third) and len(first) < 60


def test_a_splice_leaves_a_page_without_stand_ins_as_it_is():
    splice = Splice()
    splice.stand_in(["<p>Left out by the template</p>"])
    assert splice.join("<p>Plain – text</p>") == "<p>Plain – text</p>"
