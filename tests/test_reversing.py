"""dscb.reversing.reverse_pk gives the very address reverse() gives, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from dscb.reversing import reverse_pk


@pytest.mark.parametrize("name", ["priorities:action-detail", "kpis:kpi-detail", "reports:issued"])
@pytest.mark.parametrize("pk", [1, 42, 987654])
def test_same_address_as_reverse(name, pk):
    assert reverse_pk(name, pk) == reverse(name, args=[pk])


def test_follows_the_script_prefix():
    try:
        set_script_prefix("/board/")
        assert (
            reverse_pk("priorities:action-detail", 7)
            == "/board/actions/7/"
            == reverse("priorities:action-detail", args=[7])
        )
    finally:
        set_script_prefix("/")
    assert reverse_pk("priorities:action-detail", 7) == "/actions/7/"


def test_refuses_an_address_of_more_than_the_id():
    with pytest.raises(NoReverseMatch):
        reverse_pk("priorities:update-edit", 7)
