"""Where a form sends people after saving: back where they came from on this site, never anywhere else."""

import pytest
from django.test import RequestFactory

from dscb.redirects import next_url


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("/my/?period=2", "/my/?period=2"),
        ("/actions/3/", "/actions/3/"),
        ("oops", "/default/"),
        ("password_reset", "/default/"),
        ("0", "/default/"),
        ("null", "/default/"),
        ("'", "/default/"),
        ("//evil.example/", "/default/"),
        ("/\\evil.example/", "/default/"),
        ("https://evil.example/", "/default/"),
        ("javascript:alert(1)", "/default/"),
        ("", "/default/"),
    ],
)
def test_next_is_only_ever_a_path_on_this_site(wanted, expected):
    request = RequestFactory().get("/", {"next": wanted})
    assert next_url(request, "/default/") == expected
