"""dscb.reversing.reverse_pk gives the very address reverse() gives, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from dscb.reversing import reverse_ids, reverse_pk


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


@pytest.mark.parametrize(
    "name", ["priorities:update-edit", "priorities:update-return", "kpis:value-edit", "progress:kpi-value-in-place"]
)
@pytest.mark.parametrize(("pk", "number"), [(1, 1), (42, 6), (987654, 12)])
def test_two_numbers_in_the_same_address_as_reverse(name, pk, number):
    assert reverse_ids(name, pk, number) == reverse(name, args=[pk, number])
    set_script_prefix("/board/")
    try:
        assert reverse_ids(name, pk, number) == reverse(name, args=[pk, number])
        assert reverse_ids(name, pk, number).startswith("/board/")
    finally:
        set_script_prefix("/")


def test_refuses_an_address_with_other_arguments_than_asked():
    with pytest.raises(NoReverseMatch):
        reverse_ids("priorities:action-detail", 7, 1)
    with pytest.raises(NoReverseMatch):
        reverse_ids("progress:my-work", 7, 1)
